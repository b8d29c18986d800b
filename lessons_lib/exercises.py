"""Exercise checkers that diagnose, not just mark (lesson 00 onwards).

A checker compares a learner's answer with the right one *and* with the answers that common
mistakes produce, and says which mistake it looks like. An untouched answer (None) gets
"not attempted yet", so a notebook runs top to bottom before anyone has answered.

    Mistake(value, diagnosis)     an answer a known slip produces, and what to say about it
    check_number(answer, expected, mistakes)  -> Feedback
    check_choice(answer, expected, options, mistakes)  -> Feedback
"""
import math
import numbers
from dataclasses import dataclass

CORRECT, WRONG, NOT_ATTEMPTED = "correct", "wrong", "not attempted"


@dataclass(frozen=True)
class Mistake:
    value: object  # the answer this slip produces
    diagnosis: str  # what probably went wrong, phrased as a nudge


@dataclass(frozen=True)
class Feedback:
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __repr__(self) -> str:
        return self.message


def _close(a: float, b: float, rel_tol: float, abs_tol: float) -> bool:
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)


def check_number(answer, expected: float, mistakes=(), rel_tol: float = 1e-3,
                 abs_tol: float = 1e-9) -> Feedback:
    """Right, a recognised mistake, a sign slip, or just wrong; None means not attempted."""
    if answer is None:
        return Feedback(NOT_ATTEMPTED, "Not attempted yet: replace None with your answer.")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return Feedback(WRONG, f"Expected a number, got {type(answer).__name__} {answer!r}.")
    if not math.isfinite(answer):
        return Feedback(WRONG, f"{answer!r} is not a finite number: check for a division by 0.")
    if _close(answer, expected, rel_tol, abs_tol):
        return Feedback(CORRECT, f"Correct: {answer:g}.")
    for mistake in mistakes:
        if _close(answer, mistake.value, rel_tol, abs_tol):
            return Feedback(WRONG, f"Not quite ({answer:g}). {mistake.diagnosis}")
    if expected != 0 and _close(answer, -expected, rel_tol, abs_tol):
        return Feedback(WRONG, f"Not quite ({answer:g}): right size, wrong sign.")
    return Feedback(WRONG, f"Not quite ({answer:g}). Work through it once more, step by step.")


def check_choice(answer, expected: str, options, mistakes=()) -> Feedback:
    """One of a fixed set of options (compared case-insensitively)."""
    options = [option.lower() for option in options]
    if answer is None:
        return Feedback(NOT_ATTEMPTED, "Not attempted yet: replace None with one of "
                        + ", ".join(repr(o) for o in options) + ".")
    if not isinstance(answer, str) or answer.lower() not in options:
        return Feedback(WRONG, f"{answer!r} is not one of the options: "
                        + ", ".join(repr(o) for o in options) + ".")
    if answer.lower() == expected.lower():
        return Feedback(CORRECT, f"Correct: {answer.lower()}.")
    for mistake in mistakes:
        if answer.lower() == str(mistake.value).lower():
            return Feedback(WRONG, f"Not quite ({answer.lower()}). {mistake.diagnosis}")
    return Feedback(WRONG, f"Not quite ({answer.lower()}).")
