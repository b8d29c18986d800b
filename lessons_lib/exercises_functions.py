"""Checkers for "write the function" exercises (lesson 00 onwards): the learner's function runs
on fresh cases, and whatever it does (raise, loop, recurse, warn, return None, NaN or text, switch
off gradients, change the default dtype, replace a lessons_lib function) the checker answers with
Feedback that names the failing case, and leaves the notebook as it found it.

    run_learner(function, args)  -> (result, None) or (None, what went wrong)
    check_function(function, cases, slips)  -> Feedback
"""
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from lessons_lib import validation
from lessons_lib.exercises import CORRECT, NOT_ATTEMPTED, WRONG, Feedback

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
