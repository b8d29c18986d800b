"""Lessons 03-04's checkers: the right answer passes, each known slip gets its own diagnosis,
and an untouched answer is 'not attempted'."""
import pytest

from lessons_lib import exercises, exercises_03, exercises_04


@pytest.mark.parametrize("checker, right, slips", [
    (exercises_03.outer_inner, 42.0, {14.0: "dy/dz alone", 12.0: "not at x", 6.0: "depends"}),
    (exercises_03.weight_gradient, -26.25, {-157.5: "dloss/dx", -52.5: "upstream gradient"}),
    (exercises_03.conv_parameter_count, 26, {25: "bias", 6: "5x5 grid", 810: "data"}),
    (exercises_04.bottom_right_gradient, 27840, {13920: "Half the answer", 22080: "top-left",
                                                 28740: "top-right", 21180: "bottom-left"}),
    (exercises_04.new_top_right, 0.0126, {0.5874: "wrong direction", 0.2874: "the step",
                                          0.3 - 28740: "learning rate"}),
])
def test_number_checkers_diagnose(checker, right, slips):
    assert checker(None).status == exercises.NOT_ATTEMPTED
    assert checker(right).correct
    for answer, words in slips.items():
        feedback = checker(answer)
        assert not feedback.correct and words in feedback.message, (answer, feedback.message)


def test_moves_most_diagnoses_size_and_sign_flips():
    assert exercises_04.moves_most(None).status == exercises.NOT_ATTEMPTED
    assert exercises_04.moves_most("top-right").correct
    assert "largest weight" in exercises_04.moves_most("top-left").message
    for flipped in ("bottom-left", "bottom-right"):
        assert "flips sign" in exercises_04.moves_most(flipped).message
