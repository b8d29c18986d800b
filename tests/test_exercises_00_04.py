"""Lessons 00-04's exercises: every named slip can be told apart (no two slips of one exercise,
nor a slip and the right answer, share a value), and the slips issue 21 found are diagnosed."""
import math

import pytest

from lessons_lib import exercises_00, exercises_01, exercises_02, exercises_03, exercises_04

MODULES = [exercises_00, exercises_01, exercises_02, exercises_03, exercises_04]
ANSWERED = [(m, name) for m in MODULES for name in m.ANSWERS]


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip().lower() == str(b).strip().lower()
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


@pytest.mark.parametrize("module, name", ANSWERED,
                         ids=lambda v: v if isinstance(v, str) else v.__name__[-12:])
def test_every_slip_has_its_own_value(module, name):
    right, mistakes = module.ANSWERS[name]()
    values = [right] + [m.value for m in mistakes]
    clashes = [(a, b) for i, a in enumerate(values) for b in values[i + 1:] if _same(a, b)]
    assert not clashes, f"{name}: a slip's value equals another's, so it can never be named"


@pytest.mark.parametrize("module, name, answer, words", [
    (exercises_02, "accumulated_grad_at_step_2", -72.0, "step 1's gradient twice"),
    (exercises_03, "weight_gradient", 5.25, "square's local derivative"),
    (exercises_03, "outer_inner", 125.0, "y itself"),
    (exercises_03, "outer_inner", 75.0, "dy/dz alone"),
])
def test_slips_issue_21_found_are_named(module, name, answer, words):
    feedback = getattr(module, name)(answer)
    assert not feedback.correct and words in feedback.message, feedback


def test_solutions_write_numbers_as_a_person_would():
    for module in MODULES:
        for name in module.BOOK.names:
            text = repr(module.solution(name))
            assert "99999999" not in text and "00000000" not in text, (name, text)
            assert " x x " not in text, (name, text)  # x as a variable and as a times sign


def test_train_step_solution_answers_with_the_losses_it_returns():
    solved = exercises_02.solution("training_step")
    assert solved.answer == [36.0, 1.44]  # what train_step returns: the loss before each update
    assert "return loss.item()" in repr(solved)


def test_lesson_03_checkers_and_solutions_leave_torchs_random_numbers_alone():
    import torch
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    for name in exercises_03.BOOK.names:
        exercises_03.solution(name)
    for name in exercises_03.ANSWERS:
        getattr(exercises_03, name)(exercises_03.ANSWERS[name]()[0])
    assert torch.equal(torch.rand(1), expected)


def test_a_right_train_step_is_right_even_with_grad_mode_turned_off_before():
    import torch

    def train_step(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
        return loss.item()

    with torch.no_grad():  # what `torch.set_grad_enabled(False)` in an earlier cell leaves
        feedback = exercises_02.training_step(train_step)
        assert not torch.is_grad_enabled()  # and the checker leaves it as it found it
    assert feedback.correct, feedback
