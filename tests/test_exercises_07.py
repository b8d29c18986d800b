"""Lesson 07's exercises: right answers accepted, each known slip diagnosed, hints and computed
solutions that agree with the checkers."""
import numpy as np
import pytest

from lessons_lib import exercises_07, optimisers
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET


def test_every_exercise_has_hints_and_a_solution_its_checker_accepts():
    checkers = {"best_beta": exercises_07.best_beta,
                "adam_first_step": exercises_07.adam_first_step,
                "momentum_on_lesson_01": exercises_07.momentum_on_lesson_01}
    assert set(exercises_07.BOOK.names) == set(checkers)
    for name, check in checkers.items():
        assert exercises_07.hint(name).startswith("Hint 1 of 2")
        assert check(exercises_07.solution(name).answer).correct
        assert check(None).status == "not attempted"


def test_best_beta_is_polyaks_and_diagnoses_its_slips():
    assert exercises_07.best_beta(0.6694).correct  # (9 / 11)**2, written by hand
    assert "sqrt(beta)" in repr(exercises_07.best_beta(9 / 11))
    assert "square root of the curvature ratio" in repr(exercises_07.best_beta((99 / 101) ** 2))
    assert "plain gradient descent" in repr(exercises_07.best_beta(99 / 101))
    lesson = optimisers.best_momentum(optimisers.conv_bowl(IMAGE, KERNEL.shape,
                                                           TARGET).curvatures())[1]
    assert "lesson's beta" in repr(exercises_07.best_beta(lesson))
    assert "hint('best_beta')" in repr(exercises_07.best_beta(0.5))


def test_adam_first_step_moves_by_lr_and_diagnoses_missing_bias_corrections():
    w0, g = 0.1, 27840  # lesson 04's bottom-right weight and its gradient
    assert exercises_07.adam_first_step(w0 - 0.01).correct
    assert "That is the change" in repr(exercises_07.adam_first_step(-0.01))
    assert "plain gradient descent" in repr(exercises_07.adam_first_step(w0 - 0.01 * g))
    assert "left out the bias" in repr(exercises_07.adam_first_step(
        w0 - 0.01 * 0.1 / np.sqrt(0.001)))
    assert "but not s" in repr(exercises_07.adam_first_step(w0 - 0.01 / np.sqrt(0.001)))
    assert "but not m" in repr(exercises_07.adam_first_step(w0 - 0.001))
    assert "wrong direction" in repr(exercises_07.adam_first_step(w0 + 0.01))


def test_momentum_on_lesson_01_overshoots_then_converges():
    assert exercises_07.momentum_on_lesson_01("overshoots, then converges").correct
    assert "velocity" in repr(exercises_07.momentum_on_lesson_01("converges without overshooting"))
    assert "sqrt(beta)" in repr(exercises_07.momentum_on_lesson_01("diverges"))
    assert "not one of the options" in repr(exercises_07.momentum_on_lesson_01("explodes"))


@pytest.mark.parametrize("name", ["best_beta", "adam_first_step", "momentum_on_lesson_01"])
def test_solutions_show_their_working(name):
    steps = repr(exercises_07.solution(name)).splitlines()
    assert len(steps) >= 3 and steps[-1].startswith("Answer: ")
