"""Lesson 07's exercises: right answers accepted, each known slip diagnosed, hints and computed
solutions that agree with the checkers."""
import numpy as np
import pytest

from lessons_lib import exercises_07, optimisers


def test_every_exercise_has_hints_and_a_solution_its_checker_accepts():
    checkers = {"turned_bowl": exercises_07.turned_bowl,
                "adam_first_step": exercises_07.adam_first_step,
                "momentum_on_lesson_01": exercises_07.momentum_on_lesson_01}
    assert set(exercises_07.BOOK.names) == set(checkers)
    for name, check in checkers.items():
        assert exercises_07.hint(name).startswith("Hint 1 of 2")
        assert check(exercises_07.solution(name).answer).correct
        assert check(None).status == "not attempted"


def test_turned_bowl_needs_the_per_weight_idea_and_diagnoses_both_wrong_options():
    a, b = exercises_07.BOWLS["A"], exercises_07.BOWLS["B"]
    np.testing.assert_allclose(a.curvatures(), b.curvatures())  # the same bowl, turned
    assert np.isclose(a.loss(exercises_07.STARTS["A"]), b.loss(exercises_07.STARTS["B"]))
    steps = {name: {kind: optimisers.steps_to(optimiser, exercises_07.BOWLS[name],
                                              exercises_07.STARTS[name], 1e-3)
                    for kind, optimiser in (("adam", optimisers.Adam(0.1)),
                                            ("plain", optimisers.Plain(1 / 101)))}
             for name in "AB"}
    assert steps["A"]["plain"] == steps["B"]["plain"], "plain descent cannot tell them apart"
    assert steps["A"]["adam"] * 3 < steps["B"]["adam"]
    assert exercises_07.turned_bowl("A").correct
    assert "mixes both weights" in repr(exercises_07.turned_bowl("B"))
    assert "only the curvatures" in repr(exercises_07.turned_bowl("the same"))
    assert "not one of the options" in repr(exercises_07.turned_bowl("C"))


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


@pytest.mark.parametrize("name", ["turned_bowl", "adam_first_step", "momentum_on_lesson_01"])
def test_solutions_show_their_working(name):
    steps = repr(exercises_07.solution(name)).splitlines()
    assert len(steps) >= 3 and steps[-1].startswith("Answer: ")
