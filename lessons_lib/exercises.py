"""Exercise checkers that diagnose, not just mark (lesson 00 onwards).

A checker compares a learner's answer with the right one *and* with the answers that common
mistakes produce, and says which mistake it looks like. An untouched answer (None) gets
"not attempted yet", so a notebook runs top to bottom before anyone has answered.

    Mistake(value, diagnosis)     an answer a known slip produces, and what to say about it
    check_number(answer, expected, mistakes)  -> Feedback
    check_choice(answer, expected, options, mistakes)  -> Feedback
    check_function(function, cases, slips)  -> Feedback, for "write the function" exercises
"""
import math
import numbers
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

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


# --- "Write the function" exercises ----------------------------------------------------------
# The learner's function runs on fresh cases. Whatever it does (raise, loop, recurse, warn, switch
# off gradients, change the default dtype, replace a lessons_lib function) the checker answers
# with Feedback and leaves the notebook as it found it.

TIME_LIMIT_S = 2.0


class _TimeUp(BaseException):  # BaseException: a learner's `except Exception` cannot swallow it
    pass


@contextmanager
def _time_limit(seconds: float):
    """Interrupt after `seconds` (main thread on Unix, where notebooks run; no limit elsewhere)."""
    main = threading.current_thread() is threading.main_thread()
    if not hasattr(signal, "setitimer") or not main:
        yield
        return

    def stop(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _restored_state():
    """Put back grad mode, the default dtype and every lessons_lib module's names afterwards."""
    grad_mode, dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    modules = {name: (module, dict(vars(module))) for name, module in list(sys.modules.items())
               if name.startswith("lessons_lib") and module is not None}
    try:
        yield
    finally:
        torch.set_grad_enabled(grad_mode)
        torch.set_default_dtype(dtype)
        for module, names in modules.values():
            for key in set(vars(module)) - set(names):
                if not isinstance(vars(module)[key], type(sys)):  # keep submodules imported
                    delattr(module, key)
            for key, value in names.items():
                if vars(module).get(key) is not value:
                    setattr(module, key, value)


def _seconds(seconds) -> float:
    seconds = validation.positive("seconds", seconds)
    if not 1e-3 <= seconds <= 60:
        raise ValueError(f"seconds must be from 0.001 to 60, got {seconds!r}")
    return seconds


def run_learner(function, args: tuple, seconds: float = TIME_LIMIT_S):
    """Call the learner's function(*args): (result, None), or (None, what went wrong)."""
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple, got {type(args).__name__}")
    seconds = _seconds(seconds)
    if not callable(function):
        return None, f"expected a function, got {type(function).__name__} {function!r:.40}"
    try:
        with _restored_state(), warnings.catch_warnings(), _time_limit(seconds):
            warnings.simplefilter("ignore")  # the learner's own warnings stay out of the feedback
            return function(*args), None
    except _TimeUp:
        return None, f"it ran for more than {seconds:g} s (an endless loop?)"
    except RecursionError:
        return None, "it called itself without end (RecursionError)"
    except Exception as error:  # the learner's code: say what it raised
        return None, f"it raised {type(error).__name__}: {str(error)[:120]}"


def _as_array(result):
    """The learner's result as a float array, or a sentence saying why it is not numbers."""
    if isinstance(result, torch.Tensor) and not result.is_complex():
        result = result.detach().cpu().double().numpy()
    if isinstance(result, (str, bytes, dict)) or result is None:
        return f"it returned {type(result).__name__} {result!r:.40}, not numbers"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            array = np.asarray(result, dtype=float)
    except (TypeError, ValueError, OverflowError, RuntimeWarning, np.exceptions.ComplexWarning):
        return f"it returned {type(result).__name__} {result!r:.40}, not numbers"
    if not np.isfinite(array).all():
        return f"it returned {array.tolist()!r:.60}: NaN or inf, not a finite answer"
    return array


def _matches(got: np.ndarray, want, rel_tol: float = 1e-4) -> bool:
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rel_tol, atol=1e-9))


@dataclass(frozen=True)
class Case:
    """One fresh case for a learner's function: a label, a factory for its arguments (fresh on
    every call, so a function that changes them cannot spoil the next case), the right result."""
    label: str
    make_args: object
    expected: object


def check_function(function, cases, slips=(), seconds: float = TIME_LIMIT_S) -> Feedback:
    """Run the learner's function on each Case; say which case failed and how.
    slips: (what, rule, diagnosis), where rule(*args) computes what that slip returns."""
    if not isinstance(cases, (list, tuple)) or not cases or not all(
            isinstance(case, Case) for case in cases):
        raise TypeError("cases must be a non-empty list of Case(label, make_args, expected)")
    if not isinstance(slips, (list, tuple)) or not all(
            isinstance(slip, tuple) and len(slip) == 3 and callable(slip[1]) for slip in slips):
        raise TypeError("slips must be a list of (what, rule, diagnosis), rule a function")
    seconds = _seconds(seconds)
    results = []
    for n, case in enumerate(cases):
        result, problem = run_learner(function, case.make_args(), seconds)
        if problem is None and result is None:
            if n == 0:
                return Feedback(NOT_ATTEMPTED, "Not attempted yet: the function returns None.")
            problem = "it returned None"
        if problem is None:
            result = _as_array(result)
            problem = result if isinstance(result, str) else None
        if problem is not None:
            return Feedback(WRONG, f"Case {case.label}: {problem}.")
        results.append(result)
    wrong = [n for n, case in enumerate(cases) if not _matches(results[n], case.expected)]
    if wrong:
        case = cases[wrong[0]]
        slipped = [(what, diagnosis, [_matches(got, rule(*c.make_args()))
                                      for got, c in zip(results, cases)])
                   for what, rule, diagnosis in slips]
        slipped.sort(key=lambda slip: not all(slip[2]))  # a slip that explains every case first
        for what, diagnosis, matched in slipped:
            if matched[wrong[0]]:
                return Feedback(WRONG, f"Case {case.label}: that is {what}. {diagnosis}")
        want = np.asarray(case.expected, dtype=float)
        return Feedback(WRONG, f"Case {case.label}: expected {want.tolist()!r:.80}, got "
                        f"{results[wrong[0]].tolist()!r:.80}.")
    return Feedback(CORRECT, f"Correct: right on all {len(cases)} cases.")


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
