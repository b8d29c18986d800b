"""Checkers, hints and worked solutions for lesson 00's warm-up exercises. Right answers are
computed, never typed in; each Mistake's value is the slip it describes, computed."""
import numpy as np

from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_00")
hint, solution = BOOK.hint, BOOK.solution

X = np.array([1.0, 2.0, 3.0])
Y_TRUE = np.array([3.0, 6.0, 9.0])
A = 2.5  # exercise 2's slope: the lesson never evaluates it


def _best_slope():
    a = float(np.sum(X * Y_TRUE) / np.sum(X * X))  # least squares; exact here
    return a, [Mistake(1 / a, "That is x / y: the slope is how much y you get per unit of x, "
                       "y / x.")]


def best_slope(answer):
    """The slope a that makes y = a * x pass through every data point."""
    right, mistakes = _best_slope()
    return BOOK.with_help("best_slope", check_number(answer, right, mistakes))


BOOK.add("best_slope", [
    "A line y = a * x through (1, 3) must have 3 = a * 1.",
    "Check that the same a also gives 6 at x = 2 and 9 at x = 3.",
], lambda: Solution(tuple(f"y / x at x = {x:g}: {y:g} / {x:g} = {y / x:g}"
                          for x, y in zip(X, Y_TRUE)) + ("the same at every point",),
                    _best_slope()[0]))


def _errors(a=A):
    return a * X - Y_TRUE


def _mean_squared_error():
    error = _errors()
    return float(np.mean(error**2)), [
        Mistake(float(np.sum(error**2)), "That is the sum of the squares: divide by how many "
                "points there are to get the mean."),
        Mistake(float(np.mean(error)), "That is the mean error: square each error first, so "
                "that misses in both directions count."),
        Mistake(float(np.sqrt(np.mean(error**2))), "That is the root of the mean squared error "
                "(RMSE): leave out the square root."),
        Mistake(float(np.mean(np.abs(error))), "That is the mean absolute error: square each "
                "error instead of taking its size."),
    ]


def mean_squared_error(answer):
    """The mean squared error of y = a * x on the lesson's three points, at a = 2.5."""
    right, mistakes = _mean_squared_error()
    return BOOK.with_help("mean_squared_error", check_number(answer, right, mistakes))


BOOK.add("mean_squared_error", [
    f"First the predictions: {A:g} times each x.",
    "Subtract each truth, square each difference, add the squares, divide by 3.",
], lambda: Solution((
    f"predictions = {(A * X).tolist()}, truth = {Y_TRUE.tolist()}",
    f"errors = {_errors().tolist()}, squared = {(_errors() ** 2).tolist()}",
    f"mean = {np.sum(_errors() ** 2):g} / {len(X)} = {_mean_squared_error()[0]:.6g}",
), _mean_squared_error()[0]))


# Exercise 3: write the loss as a function; it runs on data the lesson never used.
MSE_CASES = (([1.0, 2.0], [1.5, 1.0]), ([0.0, 4.0, -2.0], [1.0, 1.0, 1.0]), ([7.0], [4.0]))


def _mse(predictions, targets):
    return float(np.mean((np.asarray(predictions) - np.asarray(targets)) ** 2))


MSE_SLIPS = (
    ("the sum of the squares", lambda p, t: float(np.sum((np.array(p) - np.array(t)) ** 2)),
     "Divide by the number of points: it is a mean."),
    ("the mean error", lambda p, t: float(np.mean(np.array(p) - np.array(t))),
     "Square each difference before averaging."),
    ("the root of the mean squared error",
     lambda p, t: float(np.sqrt(np.mean((np.array(p) - np.array(t)) ** 2))),
     "Leave out the square root."),
    ("the mean absolute error", lambda p, t: float(np.mean(np.abs(np.array(p) - np.array(t)))),
     "Square the differences instead of taking their size."),
)


def mse_function(function):
    """`function(predictions, targets)`: the mean squared error of two equal-length lists."""
    cases = [_case(p, t) for p, t in MSE_CASES]
    return BOOK.with_help("mse_function", check_function(function, cases, MSE_SLIPS))


def _case(predictions, targets) -> Case:
    return Case(f"predictions={predictions}, targets={targets}",
                lambda: (list(predictions), list(targets)), _mse(predictions, targets))


BOOK.add("mse_function", [
    "Work element by element: difference, then square; then the average of the squares.",
    "With NumPy: np.mean((np.array(predictions) - np.array(targets)) ** 2).",
], lambda: Solution(tuple(f"mse({p}, {t}) = {_mse(p, t):g}" for p, t in MSE_CASES)
                    + ("def mse(predictions, targets):\n"
                       "    return np.mean((np.array(predictions) - np.array(targets)) ** 2)",),
                    [_mse(p, t) for p, t in MSE_CASES]))

ANSWERS = {"best_slope": _best_slope, "mean_squared_error": _mean_squared_error}
