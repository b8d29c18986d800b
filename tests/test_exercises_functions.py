"""The runner for "write the function" exercises: whatever the learner's function does, the
checker answers with Feedback naming the case, and leaves global state as it found it."""
import math
import warnings

import numpy as np
import pytest
import torch

from lessons_lib import exercises_functions, gradient_descent


def _cases():
    return [exercises_functions.Case(f"x={x}", lambda x=x: (x,), 2 * x) for x in (1.0, -3.5)]


def _loops(x):
    while True:
        pass


def _recurses(x):
    return _recurses(x)


def _grad_off(x):
    torch.set_grad_enabled(False)
    torch.set_default_dtype(torch.float64)
    gradient_descent.grad = None
    return 2 * x


def _warns(x):
    warnings.warn("a learner's warning", stacklevel=2)
    return torch.tensor(2 * x, requires_grad=True)


@pytest.mark.parametrize("function, status, words", [
    (lambda x: 2 * x, "correct", "all 2 cases"),
    (lambda x: None, "not attempted", "returns None"),
    (lambda x: 2 * x if x > 0 else None, "wrong", "x=-3.5: it returned None"),
    (lambda x: 1 / 0, "wrong", "x=1.0: it raised ZeroDivisionError"),
    (lambda x: math.nan, "wrong", "NaN"),
    (lambda x: "2", "wrong", "not numbers"),
    (lambda x: [2 * x, 0], "wrong", "expected 2, got [2, 0] (2 numbers)"),
    (lambda x: 3 * x, "wrong", "that is triple. No."),
    (_loops, "wrong", "more than 0.2 s"),
    (_recurses, "wrong", "RecursionError"),
    (42, "wrong", "expected a function"),
    (_grad_off, "correct", "Correct"),
    (_warns, "correct", "Correct"),
])
def test_check_function_survives_any_learner_function(function, status, words):
    grad = gradient_descent.grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing the learner's code warns may reach the notebook
        feedback = exercises_functions.check_function(function, _cases(),
                                            [("triple", lambda x: 3 * x, "No.")], seconds=0.2)
    assert feedback.status == status and words in feedback.message, feedback.message
    assert torch.is_grad_enabled() and torch.get_default_dtype() == torch.float32
    assert gradient_descent.grad is grad


def test_learner_arguments_are_fresh_for_every_case():
    def spoils(a):
        total = float(a.sum())
        a[:] = 0
        return total
    cases = [exercises_functions.Case(str(n), lambda: (np.ones(3),), 3.0) for n in range(2)]
    assert exercises_functions.check_function(spoils, cases).correct


def test_check_function_and_run_learner_reject_bad_setups():
    with pytest.raises(TypeError, match="cases"):
        exercises_functions.check_function(lambda x: x, [])
    with pytest.raises(TypeError, match="args"):
        exercises_functions.run_learner(lambda x: x, [1])
    assert exercises_functions.run_learner(lambda x: x + 1, (1,)) == (2, None)
