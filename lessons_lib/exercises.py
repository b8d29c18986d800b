"""Exercise checkers that diagnose, not just mark (lesson 00 onwards).

A checker compares a learner's answer with the right one *and* with the answers that common
mistakes produce, and says which mistake it looks like. An untouched answer (None) gets
"not attempted yet", so a notebook runs top to bottom before anyone has answered.

    Mistake(value, diagnosis)     an answer a known slip produces, and what to say about it
    check_number(answer, expected, mistakes)  -> Feedback
    check_choice(answer, expected, options, mistakes)  -> Feedback
    readable(number)  -> "1.36", "0.09", "4,645,150": numbers in feedback and solutions
    (check_function, for "write the function" exercises, is in exercises_functions.)

Any answer gets a message, never an exception: the types Python, NumPy and torch define are read
here without running the answer's own code; anything else is read in lessons_lib.sandbox's
separate process under its time limit. A slip is named only if its value is the answer's; when
two slips give that value, both are named.
"""
import difflib
import math
import numbers
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import torch

from lessons_lib import sandbox, validation

CORRECT, WRONG, NOT_ATTEMPTED = "correct", "wrong", "not attempted"


@dataclass(frozen=True)
class Mistake:
    value: object  # the answer this slip produces
    diagnosis: str  # what probably went wrong, phrased as a nudge


@dataclass(frozen=True)
class Feedback:
    status: str
    message: str
    slip: str = ""  # the named slip(s) a wrong answer looks like, "" when none was named

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __repr__(self) -> str:
        return self.message


def readable(value, digits: int = 4) -> str:
    """A number as a person writes it: 1.36 (not 1.3599999999999999), 0.09, 4,645,150 for a whole
    number, 1.2e-7 for a tiny one, to `digits` significant digits; a list element by element."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be a whole number from 1 to 17, got {digits!r:.40}")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(readable(item, digits) for item in value) + "]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a number or a list of numbers, got {_describe(value)}")
    try:
        value = float(value)
    except OverflowError:
        return f"{int(value):.{digits - 1}e}".replace("e+", "e")
    if not math.isfinite(value) or value == 0:
        return "0" if value == 0 else str(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    exponent = math.floor(math.log10(abs(value)))
    if -5 <= exponent < 15:
        text = f"{value:,.{max(0, digits - 1 - exponent)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, power = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{int(power)}"


def _describe(thing) -> str:
    """What a learner handed in, in words, without running any of its code (no repr, no
    attribute that could be a property): the type's name, and a plain value's text."""
    kind = type(thing)
    name = type.__dict__["__name__"].__get__(kind)
    if _one_of(kind, (int,)) and thing.bit_length() > 128:
        return f"a {thing.bit_length()}-bit int"
    if _one_of(kind, (int, float, complex, str, type(None))):
        return f"{name} {thing!r:.40}"
    if _one_of(kind, (np.ndarray, torch.Tensor)):
        return f"a {name} of shape {tuple(thing.shape)}"
    if _one_of(kind, (list, tuple, dict)):
        return f"a {name} of {len(thing)} items"
    return name


def _one_of(kind: type, types) -> bool:
    """`kind in types` by identity: `in` would call == on kind, which a metaclass can redefine."""
    return any(kind is t for t in types)


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


_SCALARS = (int, float, Fraction, Decimal, *(t for t in set(np.sctypeDict.values())
                                              if issubclass(t, (np.integer, np.floating))))


def _as_number(answer):
    """The answer as a float, or the Feedback that explains why it is not a usable number.
    Types Python, NumPy and torch define are read here (a one-element array or tensor counts as
    its number); any other object is read in lessons_lib.sandbox's process, under a time limit,
    so its own code (__float__, .item(), a property) can neither hang nor break the checker."""
    if type(answer) is np.ndarray and answer.dtype.kind in "iuf" and answer.size == 1:
        answer = answer.reshape(-1)[0]
    if _one_of(type(answer), (torch.Tensor, torch.nn.Parameter)):
        if answer.device.type == "meta" or answer.layout != torch.strided:
            return Feedback(WRONG, "Expected one number, got a tensor that holds no values to "
                            f"read ({answer.device.type} device, {answer.layout} layout).")
        if answer.numel() == 1 and not answer.is_complex() and answer.dtype != torch.bool:
            answer = answer.detach().cpu().reshape(()).item()
    kind = type(answer)
    if _one_of(kind, (str, np.str_)):
        try:
            float(answer)
        except ValueError:
            return Feedback(WRONG, f"Expected a number, got the text {str(answer)!r:.40}.")
        return Feedback(WRONG, f"Expected a number, got the text {str(answer)!r:.40}: "
                        "write it without quotes.")
    if _one_of(kind, _SCALARS):
        with np.errstate(all="ignore"):
            try:
                value = float(answer)
            except OverflowError:
                return Feedback(WRONG, "That number is too large to be the answer (beyond "
                                "1e308).")
            except ValueError:  # Decimal("sNaN")
                value = math.nan
        if not math.isfinite(value):
            return Feedback(WRONG, f"{value!r} is not a finite number: check for a division "
                            "by 0.")
        return value
    if _one_of(kind, (bool, np.bool_, list, tuple, dict, set, np.ndarray, torch.Tensor,
                      torch.nn.Parameter)) or issubclass(kind, (complex, np.complexfloating)):
        return Feedback(WRONG, f"Expected one number, got {_describe(answer)}.")
    return _read_elsewhere(answer)


def _read_elsewhere(answer):
    """Any other object: convert it in the sandbox, where its code runs under the time limit."""
    def read(answer=answer):
        if getattr(answer, "size", None) == 1 or (callable(getattr(answer, "numel", None))
                                                  and answer.numel() == 1):
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return None
        return float(answer)

    outcome = sandbox.run([read])
    value = outcome.values[0] if outcome.values else None
    if type(value) is int:
        value = float(value)
    if type(value) is not float:
        return Feedback(WRONG, f"Expected one number, got {_describe(answer)}.")
    if not math.isfinite(value):
        return Feedback(WRONG, f"{value!r} is not a finite number: check for a division by 0.")
    return value


def check_number(answer, expected: float, mistakes=(), rel_tol: float = 1e-3,
                 abs_tol: float = 1e-9, whole: bool = False) -> Feedback:
    """Right, a recognised mistake, a sign slip, or just wrong; None means not attempted.
    whole=True: the answer is a count, so it must be a whole number. Any object gets a message,
    never an exception."""
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
    shown = readable(answer)
    if whole and not answer.is_integer():
        return Feedback(WRONG, f"{shown} is not a whole number: this answer is a count.")
    if _close(answer, expected, rel_tol, abs_tol):
        return Feedback(CORRECT, f"Correct: {shown}.")
    slips = [m.diagnosis for m in mistakes if _close(answer, m.value, rel_tol, abs_tol)]
    if slips:  # two slips can give one value: then the learner reads both
        return Feedback(WRONG, f"Not quite ({shown}). " + " Or: ".join(slips), " Or: ".join(slips))
    if expected != 0 and _close(answer, -expected, rel_tol, abs_tol):
        return Feedback(WRONG, f"Not quite ({shown}): right size, wrong sign.",
                        "Right size, wrong sign.")
    if not whole and _two_digits(answer, expected):
        if _rounded(answer, expected):
            return Feedback(WRONG, f"Close ({shown}): give four significant digits.")
        return Feedback(WRONG, f"Close ({shown}), but more than rounding away from the answer: "
                        "check each count and input you used (N - 1 where N belongs, say).")
    return Feedback(WRONG, f"Not quite ({shown}). Work through it once more, step by step.")


def _two_digits(answer: float, expected: float) -> bool:
    """Right to two significant digits: within half a unit of expected's second digit."""
    if expected == 0 or not math.isfinite(expected):
        return False
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - 1)
    return abs(answer - expected) <= unit / 2


def _rounded(answer: float, expected: float) -> bool:
    """The answer looks like expected written with too few digits: it has at most three
    significant digits, and is expected rounded or cut off at its last digit."""
    digits = next(d for d in range(1, 18) if float(f"{answer:.{d}g}") == answer)
    if digits > 3 or answer == 0:
        return False
    unit = 10.0 ** (math.floor(math.log10(abs(answer))) - digits + 1)
    if unit == 0 or not math.isfinite(expected / unit):  # beyond what a float holds
        return False
    return any(abs(answer - cut(expected / unit) * unit) <= unit * 1e-6
               for cut in (round, math.trunc))


def check_choice(answer, expected: str, options, mistakes=()) -> Feedback:
    """One of a fixed set of options (compared case-insensitively, spaces around ignored). The
    answer must be plain text: a kind of str with its own methods could compare equal to
    anything, so it is refused without calling any of them."""
    if not isinstance(options, (list, tuple)) or not options or not all(
            isinstance(option, str) for option in options):
        raise TypeError("options must be a non-empty list of str")
    shown = {option.strip().lower(): option.strip() for option in options}  # as written
    options = list(shown)
    expected = validation.text("expected", expected).strip().lower()
    if expected not in options:
        raise ValueError(f"expected must be one of the options, got {expected!r}")
    mistakes = _mistakes(mistakes)
    listed = ", ".join(repr(o) for o in shown.values())
    if answer is None:
        return Feedback(NOT_ATTEMPTED, f"Not attempted yet: replace None with one of {listed}.")
    if not _one_of(type(answer), (str, np.str_)):
        extra = (" (a kind of str with its own methods: write the option itself in quotes)"
                 if issubclass(type(answer), str) else "")
        return Feedback(WRONG, f"Expected one of the options as text, got "
                        f"{_describe(answer)}{extra}: {listed}.")
    answer = str.__str__(answer).strip().lower()
    if answer not in options:
        return Feedback(WRONG, f"{answer!r:.40} is not one of the options: {listed}.")
    if answer == expected:
        return Feedback(CORRECT, f"Correct: {shown[answer]}.")
    slips = [m.diagnosis for m in mistakes if answer == str(m.value).strip().lower()]
    if slips:
        return Feedback(WRONG, f"Not quite ({shown[answer]}). " + " Or: ".join(slips),
                        " Or: ".join(slips))
    return Feedback(WRONG, f"Not quite ({shown[answer]}).")


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
        answer = repr(self.answer) if isinstance(self.answer, str) else _readable_answer(
            self.answer)
        return "\n".join([*self.steps, f"Answer: {answer}"])


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
        """name, if it is one of this book's exercises; else an error that lists them all."""
        if not isinstance(name, str) or name not in self._hints:
            guess = difflib.get_close_matches(name, self._hints, n=1) if isinstance(
                name, str) else []
            guess = f" (did you mean {guess[0]!r}?)" if guess else ""
            raise ValueError(f"{self.module} has no exercise {name!r:.40}{guess}: name must be "
                             f"one of {', '.join(map(repr, self._hints))}")
        return name

    def hint(self, name: str, number: int = 1) -> str:
        hints = self._hints[self._known(name)]
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(
                hints):
            raise ValueError(f"{name!r} has {len(hints)} hints, so number must be a whole "
                             f"number from 1 to {len(hints)}, got {number!r:.40}; after the "
                             f"last, {self.module}.solution({name!r}) works it through")
        more = (f"\n(Next: {self.module}.hint({name!r}, {number + 1}).)" if number < len(hints)
                else f"\n(Still stuck? {self.module}.solution({name!r}) works it through.)")
        return _Text(f"Hint {number} of {len(hints)}: {hints[number - 1]}{more}")

    def solution(self, name: str) -> Solution:
        with sandbox.kept_state():  # a solution's work must not move the RNG streams
            return self._solutions[self._known(name)]()

    def with_help(self, name: str, feedback: Feedback) -> Feedback:
        """Feedback for exercise `name`, telling a learner who got it wrong where help is."""
        if feedback.status != WRONG:
            return feedback
        return Feedback(WRONG, f"{feedback.message} Stuck? {self.module}.hint({name!r}).",
                        feedback.slip)


def _readable_answer(answer) -> str:
    """A solution's answer as a person writes it, or its repr if it is not numbers."""
    try:
        return readable(answer.tolist() if isinstance(answer, np.ndarray) else answer)
    except (TypeError, ValueError):
        return repr(answer)


class _Text(str):
    """A string that shows as plain text (no quotes) as a cell's last expression."""

    def __repr__(self) -> str:
        return str(self)
