"""The checker mechanism and lessons 00-02's checkers: right answers pass, each known slip gets
its own diagnosis, and an untouched answer is 'not attempted'."""
from fractions import Fraction

import pytest
import torch

from lessons_lib import exercises, exercises_00, exercises_01, exercises_02


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


@pytest.mark.parametrize("checker, right, slips", [
    (exercises_00.best_slope, 3.0, {1 / 3: "x / y"}),
    (exercises_00.mean_squared_error, 14 / 3, {14.0: "sum of the squares", -2.0: "mean error",
                                               (14 / 3) ** 0.5: "RMSE", 2.0: "absolute"}),
    (exercises_01.one_update, 1.36, {0.64: "wrong sign", 1.18: "factor",
                                     1.12: "missing its factor x", 0.36: "only the step"}),
    (exercises_01.one_step_lr, 1 / 18, {1 / 9: "oscillates forever", 1 / 6: "not 2 * x",
                                        0.125: "x = 2"}),
    (exercises_01.loss_at_step_3, 0.0576, {0.002304: "after step 3", 1.44: "step 2's loss",
                                           0.24: "not yet squared"}),
    (exercises_02.accumulated_grad, -48.0, {-24.0: "adds each backward", 0.0: "only reset"}),
    (exercises_02.accumulated_grad_at_step_2, -28.8, {-4.8: "own gradient",
                                                      -24.0: "step 1's gradient alone"}),
])
def test_lesson_checkers_diagnose(checker, right, slips):
    assert checker(None).status == exercises.NOT_ATTEMPTED
    assert checker(right).correct, checker(right)
    for answer, words in slips.items():
        feedback = checker(answer)
        assert not feedback.correct and words in repr(feedback), (answer, feedback)


def reference_step(w, x, y_true, lr):
    loss = (w * x - y_true) ** 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()
    return loss.item()


def test_training_step_checker_accepts_a_right_step_and_diagnoses_slips():
    check = exercises_02.training_step
    assert check(lambda w, x, y, lr: None).status == exercises.NOT_ATTEMPTED
    assert check(reference_step).correct

    def no_zero(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        return loss.item()

    def plus(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with torch.no_grad():
            w += lr * w.grad
        w.grad.zero_()
        return loss.item()

    def outside_no_grad(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        w -= lr * w.grad
        return loss.item()

    def rebinds(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        w = w - lr * w.grad
        return loss.item()

    assert "Zero it" in repr(check(no_zero))
    assert "wrong sign" in repr(check(plus))
    assert "torch.no_grad()" in repr(check(outside_no_grad))
    assert "in place" in repr(check(rebinds))


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
