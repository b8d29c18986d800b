"""Lesson 05's checkers: the library's own piece passes, each known slip gets its own diagnosis,
and every exercise has hints and a computed worked solution that the checker accepts."""
import numpy as np
import pytest

from lessons_lib import exercises, exercises_05, tiny_autograd


def recursive_order(root):
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            for parent, _ in v.parents:
                visit(parent)
            order.append(v)

    visit(root)
    return order[::-1]


def no_seen_set(root):
    order, stack = [], [root]
    while stack:
        v = stack.pop()
        order.append(v)
        stack.extend(parent for parent, _ in v.parents)
    return order


@pytest.mark.parametrize("name, slips", [
    ("add_backward", [(lambda g: (g / 2, g / 2), "half of grad"),
                      (lambda g: (np.ones_like(g), np.ones_like(g)), "ones, whatever"),
                      (lambda g: (g, 0 * g), "first input only")]),
    ("mul_backward", [(lambda a, b, g: (g * a, g * b), "swapped"),
                      (lambda a, b, g: (b, a), "without grad"), (lambda a, b, g: (g, g), "add's")]),
    ("square_backward", [(lambda a, g: a * g, "a * grad"), (lambda a, g: 2 * a, "without grad"),
                         (lambda a, g: a**2 * g, "a squared"), (lambda a, g: 2 * g, "2 * grad")]),
    ("relu_backward", [(lambda d, g: g, "the gradient unchanged"),
                       (lambda d, g: (d > 0) * 1.0, "only the 0/1 mask"),
                       (lambda d, g: d * g, "input times gradient"),
                       (lambda d, g: (d >= 0) * g, "a mask with >= 0"),
                       (lambda d, g: -g, "expected")]),
    ("topo_order", [(recursive_order, "too deep for recursion"),
                    (lambda r: tiny_autograd.topo_order(r)[::-1], "reversed"),
                    (no_seen_set, "twice"), (lambda r: [r], "missing")]),
    ("backward_pass", [(exercises_05._assign, "assigned instead of added"),
                  (exercises_05._slip(seed=False), "forgotten seed"),
                  (exercises_05._slip(reverse=True), "leaves first"),
                  (exercises_05._slip(reset=False), "start from zero"),
                  (exercises_05._slip(leaves=True), "resetting the leaves too")]),
])
def test_the_librarys_piece_passes_and_each_slip_is_named(name, slips):
    check = getattr(exercises_05, name)
    assert check(lambda *args: None).status == exercises.NOT_ATTEMPTED
    assert check(getattr(tiny_autograd, name)).correct
    for slip, words in slips:
        feedback = check(slip)
        assert not feedback.correct and words in repr(feedback), (words, feedback)
        assert f"exercises_05.hint({name!r})" in repr(feedback)
    assert exercises_05.hint(name, 2).startswith("Hint 2 of 2")
    assert len(repr(exercises_05.solution(name)).splitlines()) >= 3


def test_the_worked_answers_are_the_librarys_results():
    assert exercises_05.solution("backward_pass").answer == 24.0  # 3 * 2**2, twice: not 32
    assert exercises_05.solution("mul_backward").answer == [[0.5, 12.0], [2.0, -4.0]]
    assert exercises_05.solution("relu_backward").answer == [0.0, 0.0, 0.0, 4.0, 5.0]
    assert exercises_05.solution("topo_order").answer[0] == "square"


def test_yours_or_ours_keeps_a_right_piece_and_falls_back_otherwise(capsys):
    def mine(grad):
        return grad, grad

    assert exercises_05.yours_or_ours("add_backward", mine) is mine
    assert "Using your add_backward" in capsys.readouterr().out
    assert exercises_05.yours_or_ours("add_backward", lambda g: None) is (
        tiny_autograd.add_backward)
    assert "Not attempted yet: carrying on" in capsys.readouterr().out
    assert exercises_05.yours_or_ours("backward_pass", exercises_05._assign) is (
        tiny_autograd.backward_pass)
    assert "is not right yet" in capsys.readouterr().out
    with pytest.raises(ValueError, match="name must be one of"):
        exercises_05.yours_or_ours("sum", mine)


def test_mul_nodes_right_answer_and_diagnosed_slips():
    check = exercises_05.mul_nodes
    assert check(None).status == exercises.NOT_ATTEMPTED
    assert check(9).correct and check(exercises_05.solution("mul_nodes").answer).correct
    for answer, words in {64: "one per output pixel", 576: "every scalar product",
                          8: "the adds", 4: "2x2"}.items():
        feedback = check(answer)
        assert not feedback.correct and words in repr(feedback)
