"""The checker mechanism: numbers, choices, hints and worked solutions.
Every lesson's own exercises are tested in tests/test_exercises_lessons.py."""
from fractions import Fraction

import pytest
import torch

from lessons_lib import exercises


def test_check_number_statuses():
    mistakes = [exercises.Mistake(5.0, "five is a slip")]
    assert exercises.check_number(None, 3.0).status == exercises.NOT_ATTEMPTED
    assert exercises.check_number(3.0, 3.0).correct
    assert "five is a slip" in repr(exercises.check_number(5.0, 3.0, mistakes))
    assert "wrong sign" in repr(exercises.check_number(-3.0, 3.0))
    assert "Expected a number" in repr(exercises.check_number("3", 3.0))
    assert "not a finite number" in repr(exercises.check_number(float("nan"), 3.0))
    assert not exercises.check_number(4.0, 3.0).correct


def test_check_choice():
    options = ("a", "b", "c")
    slip = [exercises.Mistake("b", "b is tempting")]
    assert exercises.check_choice(None, "a", options).status == exercises.NOT_ATTEMPTED
    assert exercises.check_choice("A", "a", options).correct
    assert "b is tempting" in repr(exercises.check_choice("b", "a", options, slip))
    assert "not one of the options" in repr(exercises.check_choice("z", "a", options))


def test_hints_book_gives_hints_in_order_then_the_solution():
    book = exercises.Hints("exercises_99")
    book.add("double", ["Think of 2 * x.", "Multiply 21 by 2."],
             lambda: exercises.Solution(("2 * 21 = 42",), 42))
    assert book.names == ("double",)
    assert repr(book.hint("double")).startswith("Hint 1 of 2: Think of 2 * x.")
    assert "exercises_99.hint('double', 2)" in book.hint("double")
    assert "exercises_99.solution('double')" in book.hint("double", 2)
    assert book.solution("double").answer == 42
    assert repr(book.solution("double")).splitlines() == ["2 * 21 = 42", "Answer: 42"]
    wrong = book.with_help("double", exercises.check_number(41, 42))
    assert "exercises_99.hint('double')" in repr(wrong)
    assert book.with_help("double", exercises.check_number(42, 42)).correct
    with pytest.raises(ValueError, match="name must be one of 'double'"):
        book.hint("triple")
    with pytest.raises(ValueError, match="number must be a whole number from 1 to 2"):
        book.hint("double", 3)
    with pytest.raises(ValueError, match="at least two"):
        book.add("half", ["only one"], lambda: None)



@pytest.mark.parametrize("answer, status, words", [
    (Fraction(1, 2), "correct", "Correct"),
    (10**400, "wrong", "too large"),
    (torch.tensor(0.5), "correct", "Correct"),
    (torch.tensor([0.5, 1.0]), "wrong", "one number"),
    ("0.5", "wrong", "without quotes"),
    (float("nan"), "wrong", "not a finite number"),
])
def test_check_number_takes_odd_answers_without_raising(answer, status, words):
    feedback = exercises.check_number(answer, 0.5)
    assert feedback.status == status and words in feedback.message


def test_counts_must_be_whole_numbers():
    feedback = exercises.check_number(25.5, 26, whole=True)
    assert feedback.status == "wrong" and "whole number" in feedback.message
    assert exercises.check_number(26.0, 26, whole=True).correct


@pytest.mark.parametrize("answer, status", [(" Top-Left ", "correct"), ("top-left\n", "correct"),
                                            (3, "wrong"), ("middle", "wrong")])
def test_check_choice_ignores_spaces_and_case(answer, status):
    assert exercises.check_choice(answer, "top-left", ["top-left", "top-right"]).status == status


def test_a_checker_with_a_wrong_expected_value_is_a_bug_we_report():
    with pytest.raises(ValueError, match="expected"):
        exercises.check_choice("a", "c", ["a", "b"])
    with pytest.raises(ValueError, match="expected"):
        exercises.check_number(1.0, float("nan"))


def test_right_to_two_digits_is_close_not_wrong():
    feedback = exercises.check_number(0.056, 1 / 18)
    assert feedback.status == "wrong" and "four significant digits" in feedback.message
    assert "four significant" not in exercises.check_number(0.06, 1 / 18).message
    assert "four significant" not in exercises.check_number(27, 26, whole=True).message
    slip = [exercises.Mistake(0.0557, "a known slip")]
    assert "a known slip" in exercises.check_number(0.0557, 1 / 18, slip).message
