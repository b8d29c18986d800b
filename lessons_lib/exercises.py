"""Exercise checkers that diagnose, not just mark (lesson 00 onwards).

A checker compares a learner's answer with the right one *and* with the answers that common
mistakes produce, and says which mistake it looks like. An untouched answer (None) gets
"not attempted yet", so a notebook runs top to bottom before anyone has answered.

    Mistake(value, diagnosis)     an answer a known slip produces, and what to say about it
    check_number(answer, expected, mistakes)  -> Feedback
    check_choice(answer, expected, options, mistakes)  -> Feedback
    (check_function, for "write the function" exercises, is in exercises_functions.)
"""
import math
import numbers
from dataclasses import dataclass

from lessons_lib import validation

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


def _close(a: float, b, rel_tol: float, abs_tol: float) -> bool:
    try:
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
    except (OverflowError, TypeError):  # a mistake's value beyond float64, or not a number
        return False


def _mistakes(mistakes) -> tuple:
    mistakes = tuple(mistakes) if isinstance(mistakes, (list, tuple)) else mistakes
    if not isinstance(mistakes, tuple) or not all(isinstance(m, Mistake) for m in mistakes):
        raise TypeError("mistakes must be a list of Mistake(value, diagnosis)")
    return mistakes


def _as_number(answer):
    """The answer as a float, or the Feedback that explains why it is not a usable number.
    A one-element array or tensor counts as its number (what .item() would give)."""
    if getattr(answer, "size", None) == 1 or (callable(getattr(answer, "numel", None))
                                              and answer.numel() == 1):
        answer = answer.item()
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return Feedback(WRONG, f"Expected a number, got the text {answer!r:.40}.")
        return Feedback(WRONG, f"Expected a number, got the text {answer!r:.40}: "
                        "write it without quotes.")
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return Feedback(WRONG, f"Expected one number, got {type(answer).__name__} "
                        f"{answer!r:.40}.")
    try:
        value = float(answer)
    except OverflowError:
        return Feedback(WRONG, "That number is too large to be the answer (beyond 1e308).")
    if not math.isfinite(value):
        return Feedback(WRONG, f"{value!r} is not a finite number: check for a division by 0.")
    return value


def check_number(answer, expected: float, mistakes=(), rel_tol: float = 1e-3,
                 abs_tol: float = 1e-9, whole: bool = False) -> Feedback:
    """Right, a recognised mistake, a sign slip, or just wrong; None means not attempted.
    whole=True: the answer is a count, so it must be a whole number."""
    expected = validation.real("expected", expected)
    mistakes = _mistakes(mistakes)
    rel_tol, abs_tol = validation.non_negative("rel_tol", rel_tol), validation.non_negative(
        "abs_tol", abs_tol)
    if not isinstance(whole, bool):
        raise TypeError(f"whole must be True or False, got {whole!r:.40}")
    if answer is None:
        return Feedback(NOT_ATTEMPTED, "Not attempted yet: replace None with your answer.")
    answer = _as_number(answer)
    if isinstance(answer, Feedback):
        return answer
    if whole and not answer.is_integer():
        return Feedback(WRONG, f"{answer:g} is not a whole number: this answer is a count.")
    if _close(answer, expected, rel_tol, abs_tol):
        return Feedback(CORRECT, f"Correct: {answer:g}.")
    for mistake in mistakes:
        if _close(answer, mistake.value, rel_tol, abs_tol):
            return Feedback(WRONG, f"Not quite ({answer:g}). {mistake.diagnosis}")
    if expected != 0 and _close(answer, -expected, rel_tol, abs_tol):
        return Feedback(WRONG, f"Not quite ({answer:g}): right size, wrong sign.")
    if not whole and _two_digits(answer, expected):
        return Feedback(WRONG, f"Close ({answer:g}): give four significant digits.")
    return Feedback(WRONG, f"Not quite ({answer:g}). Work through it once more, step by step.")


def _two_digits(answer: float, expected: float) -> bool:
    """Right to two significant digits: within half a unit of expected's second digit."""
    if expected == 0 or not math.isfinite(expected):
        return False
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - 1)
    return abs(answer - expected) <= unit / 2


def check_choice(answer, expected: str, options, mistakes=()) -> Feedback:
    """One of a fixed set of options (compared case-insensitively, spaces around ignored)."""
    if not isinstance(options, (list, tuple)) or not options or not all(
            isinstance(option, str) for option in options):
        raise TypeError("options must be a non-empty list of str")
    options = [option.strip().lower() for option in options]
    expected = validation.text("expected", expected).strip().lower()
    if expected not in options:
        raise ValueError(f"expected must be one of the options, got {expected!r}")
    mistakes = _mistakes(mistakes)
    if answer is None:
        return Feedback(NOT_ATTEMPTED, "Not attempted yet: replace None with one of "
                        + ", ".join(repr(o) for o in options) + ".")
    if not isinstance(answer, str) or answer.strip().lower() not in options:
        return Feedback(WRONG, f"{answer!r:.40} is not one of the options: "
                        + ", ".join(repr(o) for o in options) + ".")
    answer = answer.strip().lower()
    if answer == expected:
        return Feedback(CORRECT, f"Correct: {answer}.")
    for mistake in mistakes:
        if answer == str(mistake.value).strip().lower():
            return Feedback(WRONG, f"Not quite ({answer}). {mistake.diagnosis}")
    return Feedback(WRONG, f"Not quite ({answer}).")


# --- Hints and worked solutions ----------------------------------------------------------------
# Each lesson's exercise module keeps one `Hints` book. The learner asks with one short line,
#     exercises_04.hint("bias_gradient")        the first hint; hint("bias_gradient", 2) the next
#     exercises_04.solution("bias_gradient")    the worked solution, computed, with its steps
# and a wrong answer's feedback ends by saying so.


@dataclass(frozen=True)
class Solution:
    """A worked solution: the steps, each a line computed from the lesson's code, and the answer
    the checker accepts."""
    steps: tuple
    answer: object

    def __repr__(self) -> str:
        return "\n".join([*self.steps, f"Answer: {self.answer!r}"])


class Hints:
    """The hints and worked solutions of one lesson's exercises, reached by exercise name."""

    def __init__(self, module: str):
        self.module = module  # e.g. "exercises_04", as the learner imported it
        self._hints: dict[str, tuple[str, ...]] = {}
        self._solutions: dict = {}

    def add(self, name: str, hints, solution) -> None:
        """Register exercise `name`: at least two hints, nudge first, and a zero-argument function
        that computes its Solution."""
        hints = tuple(hints)
        if len(hints) < 2 or not all(isinstance(h, str) and h for h in hints):
            raise ValueError(f"exercise {name!r} needs at least two non-empty hints")
        if not callable(solution):
            raise TypeError(f"solution for {name!r} must be a function returning a Solution")
        self._hints[name], self._solutions[name] = hints, solution

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._hints)

    def _known(self, name) -> str:
        if name not in self._hints:
            raise ValueError(f"name must be one of {', '.join(map(repr, self._hints))}; "
                             f"got {name!r}")
        return name

    def hint(self, name: str, number: int = 1) -> str:
        hints = self._hints[self._known(name)]
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(
                hints):
            raise ValueError(f"number must be a whole number from 1 to {len(hints)}, "
                             f"got {number!r}")
        more = (f"\n(Next: {self.module}.hint({name!r}, {number + 1}).)" if number < len(hints)
                else f"\n(Still stuck? {self.module}.solution({name!r}) works it through.)")
        return _Text(f"Hint {number} of {len(hints)}: {hints[number - 1]}{more}")

    def solution(self, name: str) -> Solution:
        return self._solutions[self._known(name)]()

    def with_help(self, name: str, feedback: Feedback) -> Feedback:
        """Feedback for exercise `name`, telling a learner who got it wrong where help is."""
        if feedback.status != WRONG:
            return feedback
        return Feedback(WRONG, f"{feedback.message} Stuck? {self.module}.hint({name!r}).")


class _Text(str):
    """A string that shows as plain text (no quotes) as a cell's last expression."""

    def __repr__(self) -> str:
        return str(self)
