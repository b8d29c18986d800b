"""The checker mechanism: numbers, choices, hints and worked solutions.
Every lesson's own exercises are tested in tests/test_exercises_lessons.py."""
import random
import time
from fractions import Fraction

import numpy as np
import pytest
import torch

from lessons_lib import exercises
from tests import hostile


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


def test_asking_for_a_hint_that_is_not_there_says_what_is():
    book = exercises.Hints("exercises_99")
    for name in ("double", "triple"):
        book.add(name, ["Think of it.", "Multiply."], lambda: exercises.Solution(("6",), 6))
    with pytest.raises(ValueError, match="exercises_99 has no exercise 'dubble' "
                       r"\(did you mean 'double'\?\): name must be one of 'double', 'triple'"):
        book.solution("dubble")
    with pytest.raises(ValueError, match="has no exercise \\['double'\\]"):  # not unhashable
        book.hint(["double"])
    with pytest.raises(ValueError, match=r"'double' has 2 hints, so number must be a whole "
                       r"number from 1 to 2, got 3; after the last, "
                       r"exercises_99.solution\('double'\) works it through"):
        book.hint("double", 3)



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


def test_check_choice_shows_the_options_as_the_question_writes_them():
    options = ("A", "B", "the same")
    assert exercises.check_choice(" a", "A", options).message == "Correct: A."
    assert exercises.check_choice("b", "A", options).message == "Not quite (B)."
    assert "'A', 'B', 'the same'" in exercises.check_choice(None, "A", options).message


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


@pytest.mark.parametrize("answer, expected, rounded", [
    (3.26, 3.2581, False),  # 3.26 is right to the tolerance
    (3.3, 3.2581, True), (3.25, 3.2581, True),  # rounded, or cut off
    (1.3, 0.02 * 64, True),
    (np.log(25), np.log(26), False),  # a count off by one, at full precision
    (0.02 * 63, 0.02 * 64, False),  # 1.26 has three digits, but 1.28 never rounds to it
    (3.22, 3.2581, False),
])
def test_only_a_rounded_answer_is_asked_for_more_digits(answer, expected, rounded):
    feedback = exercises.check_number(answer, expected)
    if answer == 3.26:
        assert feedback.correct
        return
    assert feedback.status == "wrong" and feedback.message.startswith("Close")
    assert ("four significant digits" in feedback.message) == rounded, feedback
    assert ("check each count and input" in feedback.message) == (not rounded), feedback


# --- Issue 21: answers that attack the checker get a message, never an exception --------------

class _RaisingProperty(hostile.RaisingSize):
    @property
    def __class__(self):
        raise RuntimeError("a __class__ that raises")


class _LyingMeta(type):
    def __eq__(cls, other):
        raise RuntimeError("a metaclass whose == raises")

    __hash__ = type.__hash__


class _Metaclassed(metaclass=_LyingMeta):
    pass


class _Liar(hostile.Liar):
    def lower(self):
        return self


@pytest.mark.parametrize("make", [
    lambda: torch.empty((), device="meta"), lambda: torch.empty(1, device="meta"), hostile.Sized,
    lambda: hostile.LoopingFloat(0.5), _RaisingProperty, lambda: torch.tensor([0.5 + 1j]),
    lambda: np.array([object()]), lambda: np.array(["0.5"]),
    lambda: torch.tensor(0.5).to_sparse(), lambda: 10**5000, lambda: Fraction(10**400, 3),
    _Metaclassed,
], ids=["meta 0-d", "meta 1", "size 1 no item", "looping float", "raising properties",
        "complex", "object array", "text array", "sparse", "huge int", "huge fraction",
        "metaclass whose == raises"])
def test_check_number_answers_any_object_with_a_message(make):
    start = time.perf_counter()
    feedback = exercises.check_number(make(), 0.5)
    assert feedback.status == "wrong" and feedback.message, feedback
    assert time.perf_counter() - start < 3.0


def test_check_number_still_reads_a_number_it_cannot_trust_in_a_separate_process():
    assert exercises.check_number(_Half(), 0.5).correct


class _Half:
    size = 1

    def item(self):
        return 0.5


def test_check_choice_refuses_text_that_compares_equal_to_anything():
    feedback = exercises.check_choice(_Liar("b"), "a", ["a", "b"])
    assert feedback.status == "wrong" and "kind of str" in feedback.message, feedback
    for answer in (_RaisingProperty(), _Metaclassed(), hostile.LoopingFloat(1.0)):
        assert exercises.check_choice(answer, "a", ["a", "b"]).status == "wrong"
    assert exercises.check_choice(np.str_("a"), "a", ["a", "b"]).correct


def test_two_slips_with_one_value_are_both_named():
    mistakes = [exercises.Mistake(27, "first slip."), exercises.Mistake(27, "second slip.")]
    message = exercises.check_number(27, 54, mistakes).message
    assert "first slip." in message and "second slip." in message


@pytest.mark.parametrize("value, text", [
    (1.3599999999999999, "1.36"), (0.09000000000000359, "0.09"), (4645150.0, "4,645,150"),
    (4645150, "4,645,150"), (1 / 18, "0.05556"), (-23.04, "-23.04"), (1e-7, "1e-7"),
    (2.5e20, "2.5e20"), (0.0, "0"), ([1.0, 2 / 3, 1 / 3], "[1, 0.6667, 0.3333]"),
    (12345.678, "12,346"), (np.float32(1.36), "1.36"),
])
def test_numbers_read_as_a_person_writes_them(value, text):
    assert exercises.readable(value) == text


def test_feedback_and_solutions_print_readable_numbers():
    assert exercises.check_number(4645150, 4645150, whole=True).message == "Correct: 4,645,150."
    assert repr(exercises.Solution(("step",), 1.3599999999999999)) == "step\nAnswer: 1.36"
    assert repr(exercises.Solution(("step",), [0.09000000000000359, 2.0])).endswith(
        "Answer: [0.09, 2]")


def _rng_draws():
    return np.random.rand(), torch.rand(1).item(), random.random()


def _seed():
    np.random.seed(0)
    torch.manual_seed(0)
    random.seed(0)


def _every_exercise():
    import importlib
    import pkgutil

    import lessons_lib
    for info in pkgutil.iter_modules(lessons_lib.__path__):
        if info.name.startswith("exercises_") and info.name[10:].isdigit():
            module = importlib.import_module(f"lessons_lib.{info.name}")
            for name in module.BOOK.names:
                yield module, name


@pytest.mark.parametrize("module, name", list(_every_exercise()),
                         ids=lambda v: v if isinstance(v, str) else v.__name__.split(".")[-1])
def test_checkers_and_solutions_leave_the_rng_streams_alone(module, name):
    """After manual_seed(0), torch.rand(1) must still give 0.4963 after any check (issue 21)."""
    _seed()
    want = _rng_draws()
    _seed()
    checker = getattr(module, name)
    solved = module.solution(name)
    if name in getattr(module, "ANSWERS", {}):
        checker(solved.answer)
    else:
        checker(lambda *args: None)
    assert _rng_draws() == want
