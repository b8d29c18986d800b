"""Lesson 05's checkers: the right answer passes, each known slip gets its own diagnosis, and
every exercise has hints and a computed worked solution that the checker accepts."""
import pytest
import torch

from lessons_lib import exercises, exercises_05


@pytest.mark.parametrize("checker, right, slips", [
    (exercises_05.count_nodes, 6, {4: "operations only", 7: "x needs no gradient",
                                   5: "One short"}),
    (exercises_05.mul_nodes, 9, {64: "one per output pixel", 576: "every scalar product",
                                 8: "the adds", 4: "2x2"}),
    (exercises_05.three_uses, 18.75, {6.25: "one share only", 12.5: "Two shares",
                                      15.625: "the value", 7.5: "3 * x squared"}),
])
def test_right_answer_and_diagnosed_slips(checker, right, slips):
    assert checker(None).status == exercises.NOT_ATTEMPTED
    assert checker(right).correct
    for answer, diagnosis in slips.items():
        feedback = checker(answer)
        assert not feedback.correct and diagnosis in repr(feedback), (answer, feedback)
        assert "exercises_05.hint(" in repr(feedback)


def test_relu_rule_accepts_the_rule_and_names_each_slip():
    assert exercises_05.relu_rule(lambda data, grad: None).status == exercises.NOT_ATTEMPTED
    assert exercises_05.relu_rule(lambda data, grad: (data > 0) * grad).correct
    for slip, diagnosis in [(lambda d, g: g, "the gradient unchanged"),
                            (lambda d, g: (d > 0) * 1.0, "only the 0/1 mask"),
                            (lambda d, g: d * g, "input times gradient"),
                            (lambda d, g: (d >= 0) * g, "a mask with >= 0"),
                            (lambda d, g: 1 / 0, "ZeroDivisionError"),
                            (lambda d, g: -g, "expected")]:
        feedback = exercises_05.relu_rule(slip)
        assert not feedback.correct and diagnosis in repr(feedback)


@pytest.mark.parametrize("name, checker", [
    ("count_nodes", exercises_05.count_nodes), ("mul_nodes", exercises_05.mul_nodes),
    ("three_uses", exercises_05.three_uses)])
def test_worked_solutions_are_accepted_by_their_checkers(name, checker):
    assert exercises_05.hint(name, 2).startswith("Hint 2 of 2")
    assert checker(exercises_05.solution(name).answer).correct


def test_relu_worked_solution_is_pytorchs_answer():
    answer = exercises_05.solution("relu_rule").answer
    x = torch.tensor(exercises_05.RELU_DATA, requires_grad=True)
    torch.relu(x).backward(torch.tensor(exercises_05.RELU_GRAD))
    assert answer == x.grad.tolist()
