"""Checkers for "write the function" exercises (lesson 00 onwards): the learner's function runs on
fresh cases in lessons_lib.sandbox's separate process, with a hard time limit, where it cannot
see the right answers or change the checker or the notebook; whatever it does (raise, loop, exit,
print instead of return, return NaN, text or an object that misbehaves) the checker answers with
Feedback that names the failing case.

    run_learner(function, args)  -> (result, None) or (None, what went wrong)
    check_function(function, cases, slips)  -> Feedback

A slip is named only when it explains every failing case, and so is a flipped sign; otherwise the
feedback names the first failing case, and there the wrong shape or the first entry that differs.
"""
import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from lessons_lib import sandbox
from lessons_lib.exercises import CORRECT, NOT_ATTEMPTED, WRONG, Feedback, _describe, readable

_MAX_NUMBERS = 100_000  # more numbers than any exercise's answer


def _numbers(result, finite: bool = True) -> dict:
    """In the child: the learner's result as plain data (numbers with a shape, text, or why not).
    Converting runs here, under the time limit, whatever __array__ or __float__ does."""
    if result is None:
        return {"kind": "none"}
    if isinstance(result, bool):
        return {"kind": "not numbers", "text": f"it returned {result}, not numbers"}
    if isinstance(result, str):
        return {"kind": "text", "text": result[:200]}
    if isinstance(result, torch.Tensor):
        if result.is_complex() or result.device.type == "meta":
            return {"kind": "not numbers", "text": f"it returned a {result.dtype} tensor on "
                    f"{result.device.type}, not numbers"}
        result = result.detach().cpu().double().numpy()
    bad = f"it returned {_describe(result)}, not numbers"
    if isinstance(result, (bytes, dict)):
        return {"kind": "not numbers", "text": bad}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            array = np.asarray(result, dtype=float)
    except (TypeError, ValueError, OverflowError, RuntimeWarning, np.exceptions.ComplexWarning):
        if isinstance(result, (tuple, list)) and 1 < len(result) <= 8:  # arrays of two shapes
            items = [_numbers(item, finite) for item in result]
            if all(item["kind"] == "numbers" for item in items):
                return {"kind": "several", "items": items}
        return {"kind": "not numbers", "text": bad}
    if array.size > _MAX_NUMBERS:
        return {"kind": "not numbers", "text": f"it returned {array.size:,} numbers, far more "
                "than the answer has"}
    if finite and not np.isfinite(array).all():
        return {"kind": "not numbers", "text": f"it returned {readable(array.tolist())}: NaN "
                "or inf, not a finite answer"}
    return {"kind": "numbers", "shape": list(array.shape), "data": array.ravel().tolist()}


def _call(function, args) -> dict:
    """In the child: one call, its result, and the arguments it changed in place."""
    reply = _numbers(function(*args))
    reply["args"] = [_numbers(arg, False) | ({"grad": _numbers(arg.grad, False)} if isinstance(
        arg, torch.Tensor) else {}) if isinstance(arg, (np.ndarray, torch.Tensor)) else None
        for arg in args]
    return reply


def _run_case(function, args) -> dict:
    """In the child: one case's result as plain data."""
    return _numbers(function(*args))


def _decode(reply):
    """Back in the parent: (float array, None), (None, None) for None, or (None, problem)."""
    if not isinstance(reply, dict) or not isinstance(reply.get("kind"), str):
        return None, "its reply could not be read"
    kind = reply["kind"]
    if kind == "none":
        return None, None
    if kind == "text":
        return None, f"it returned the text {str(reply.get('text'))!r:.40}, not numbers"
    if kind == "several":
        return None, (f"it returned {len(reply.get('items') or ())} arrays of different shapes, "
                      "not one array of numbers")
    if kind == "numbers":
        shape, data = reply.get("shape"), reply.get("data")
        if isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape) and \
                isinstance(data, (list, float, int)) and not isinstance(data, bool):
            data = [data] if not isinstance(data, list) else data
            if len(data) == math.prod(shape) <= _MAX_NUMBERS and all(
                    type(x) in (float, int) for x in data):
                return np.array(data, dtype=float).reshape(shape), None
        return None, "its reply could not be read"
    return None, str(reply.get("text", "its reply could not be read"))


def run_learner(function, args: tuple, seconds: float | None = None):
    """Call the learner's function(*args) in the sandbox: (result, None) or (None, problem).
    The result comes back as plain data: None, text, a float (any one number), a float array, or
    a tuple of float arrays when the function returned arrays of different shapes.
    A tensor or array in args that the function changed in place (values, and a tensor's .grad)
    is changed the same way here, as if the function had run in this process."""
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple, got {type(args).__name__}")
    seconds = sandbox._seconds(seconds)
    if not callable(function):
        return None, f"expected a function, got {_describe(function)}"
    outcome = sandbox.run([lambda function=function, args=args: _call(function, args)], seconds)
    if outcome.problem is not None:
        return None, outcome.problem
    reply = outcome.values[0]
    if isinstance(reply, dict) and reply.get("kind") == "text":
        return str(reply.get("text")), None
    if isinstance(reply, dict) and reply.get("kind") == "several":  # (dx, dw, db), say
        items = [_decode(item) for item in reply.get("items") or [None]]
        problem = next((p for _, p in items if p is not None), None) or _copy_back(
            args, reply.get("args"))
        return (None, problem) if problem else (tuple(item for item, _ in items), None)
    result, problem = _decode(reply)
    if problem is None:
        problem = _copy_back(args, reply.get("args"))
    if problem is not None:
        return None, problem
    if result is None:
        return None, _printed_instead(outcome.printed[0])
    return (float(result.reshape(-1)[0]) if result.size == 1 else result), None


def _copy_back(args: tuple, replies) -> str | None:
    """Make the in-place changes the function made in the child to tensors and arrays here."""
    if not isinstance(replies, list) or len(replies) != len(args):
        return "its reply could not be read"
    for arg, reply in zip(args, replies):
        if reply is None or not isinstance(arg, (np.ndarray, torch.Tensor)):
            continue
        values, problem = _decode(reply)
        if problem is not None or values is None or values.shape != tuple(arg.shape):
            return problem or "it changed the shape of an argument"
        if isinstance(arg, np.ndarray):
            if arg.flags.writeable and arg.dtype.kind in "iuf":
                arg[...] = values
            continue
        with torch.no_grad():
            arg.copy_(torch.as_tensor(values, dtype=arg.dtype))
        if arg.is_leaf and arg.requires_grad:
            grad, problem = _decode(reply.get("grad"))
            if problem is not None:
                return problem
            arg.grad = None if grad is None else torch.as_tensor(grad, dtype=arg.dtype)
    return None


def _printed_instead(printed: str) -> str | None:
    if printed.strip():
        text = " ".join(printed.split())
        text = text if len(text) <= 60 else text[:57] + "..."
        return f"your function printed {text!r} but returned None: use return, not print"
    return None


@dataclass(frozen=True)
class Case:
    """One fresh case for a learner's function: a label, a factory for its arguments (fresh on
    every call, so a function that changes them cannot spoil the next case), the right result."""
    label: str
    make_args: object
    expected: object


def _matches(got: np.ndarray, want, rel_tol: float = 1e-4) -> bool:
    want = np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=rel_tol, atol=1e-9))


def check_function(function, cases, slips=(), seconds: float | None = None) -> Feedback:
    """Run the learner's function on each Case in the sandbox; say which case failed and how.
    slips: (what, rule, diagnosis), where rule(*args) computes what that slip returns; a slip is
    named only when it gives what the function gave on every case the function failed."""
    if not isinstance(cases, (list, tuple)) or not cases or not all(
            isinstance(case, Case) for case in cases):
        raise TypeError("cases must be a non-empty list of Case(label, make_args, expected)")
    if not isinstance(slips, (list, tuple)) or not all(
            isinstance(slip, tuple) and len(slip) == 3 and callable(slip[1]) for slip in slips):
        raise TypeError("slips must be a list of (what, rule, diagnosis), rule a function")
    seconds = sandbox._seconds(seconds)
    if not callable(function):
        return Feedback(WRONG, f"Case {cases[0].label}: expected a function, got "
                        f"{_describe(function)}.")
    with sandbox.kept_state():
        steps = [functools.partial(_run_case, function, case.make_args()) for case in cases]
        outcome = sandbox.run(steps, seconds)
        results = []
        for n, case in enumerate(cases):
            if n == len(outcome.values):
                return Feedback(WRONG, f"Case {case.label}: {outcome.problem}.")
            result, problem = _decode(outcome.values[n])
            if problem is None and result is None:
                problem = _printed_instead(outcome.printed[n])
                if problem is None and n == 0:
                    return Feedback(NOT_ATTEMPTED, "Not attempted yet: the function returns "
                                    "None.")
                problem = problem or "it returned None"
            if problem is not None:
                return Feedback(WRONG, f"Case {case.label}: {problem}.")
            results.append(result)
        return _judge(results, cases, slips)


def _judge(results, cases, slips) -> Feedback:
    wrong = [n for n, case in enumerate(cases) if not _matches(results[n], case.expected)]
    if not wrong:
        return Feedback(CORRECT, f"Correct: right on all {len(cases)} cases.")
    case = cases[wrong[0]]
    named = [(what, f"that is {what}. {diagnosis}") for what, rule, diagnosis in slips
             if all(_matches(results[n], rule(*cases[n].make_args())) for n in wrong)]
    if named:
        return Feedback(WRONG, f"Case {case.label}: " + " Or: ".join(t for _, t in named),
                        " Or: ".join(what for what, _ in named))
    if all(_flipped(results[n], cases[n].expected) for n in wrong):
        return Feedback(WRONG, f"Case {case.label}: right size, wrong sign (every number is the "
                        "right one times -1).", "Right size, wrong sign.")
    return Feedback(WRONG, f"Case {case.label}: "
                    f"{_difference(np.asarray(case.expected, dtype=float), results[wrong[0]])}.")


def _flipped(got: np.ndarray, want) -> bool:
    """got is -want, and want is not all zero (then -want would be want)."""
    want = np.asarray(want, dtype=float)
    return bool(np.any(want != 0)) and _matches(-np.asarray(got, dtype=float), want)


def _difference(want: np.ndarray, got: np.ndarray) -> str:
    """Where got and want part: their shapes, or the first entry that differs, with enough
    digits that the two differ. Only one expected number is shown, never a whole array."""
    if want.shape != got.shape:
        return f"expected {_shown(want, 4, values=False)}, got {_shown(got, 4)}"
    differ = np.argwhere(~np.isclose(got, want, rtol=1e-4, atol=1e-9))
    first = tuple(differ[0])
    digits = next((d for d in range(4, 18) if readable(float(want[first]), d) != readable(
        float(got[first]), d)), 17)
    pair = f"expected {readable(float(want[first]), digits)}, got " \
        f"{readable(float(got[first]), digits)}"
    if not want.ndim:
        return pair
    count = (f"1 of {want.size} entries differs, at" if len(differ) == 1 else
             f"{len(differ)} of {want.size} entries differ, first at")
    return f"the shape is right ({_shape(want)}); {count} {list(map(int, first))}: {pair}"


def _shape(array: np.ndarray) -> str:
    return f"{array.size} numbers" if array.ndim == 1 else "x".join(map(str, array.shape))


def _shown(array: np.ndarray, digits: int, values: bool = True) -> str:
    if array.ndim == 0:
        return readable(float(array), digits)
    shape = _shape(array) if array.ndim == 1 else "shape " + _shape(array)
    if values and array.size <= 9:
        return f"{readable(array.tolist(), digits)} ({shape})"
    return f"an array of {shape}"
