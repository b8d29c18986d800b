"""Lesson 05's checkers: the right answer passes, each known slip gets its own diagnosis."""
import pytest

from lessons_lib import exercises, exercises_05


@pytest.mark.parametrize("checker, right, slips", [
    (exercises_05.count_nodes, 6, {4: "operations only", 7: "x needs no gradient",
                                   5: "One short"}),
    (exercises_05.mul_nodes, 9, {64: "one per output pixel", 576: "every scalar product",
                                 8: "the adds", 4: "2x2"}),
    (exercises_05.near_zero, "middle row", {"middle column": "quarter turn",
                                            "top row": "all zeros", "left column": "all zeros"}),
])
def test_right_answer_and_diagnosed_slips(checker, right, slips):
    assert checker(None).status == exercises.NOT_ATTEMPTED
    assert checker(right).correct
    for answer, diagnosis in slips.items():
        feedback = checker(answer)
        assert not feedback.correct and diagnosis in repr(feedback), (answer, feedback)
