"""Checkers for lesson 00's warm-up exercises. Right answers are computed, never typed in."""
import numpy as np

from lessons_lib import validation
from lessons_lib.exercises import Mistake, check_number

X = np.array([1.0, 2.0, 3.0])
Y_TRUE = np.array([3.0, 6.0, 9.0])


def best_slope(answer):
    """The slope a that makes y = a * x pass through every data point."""
    a = float(np.sum(X * Y_TRUE) / np.sum(X * X))  # least squares; exact here
    return check_number(answer, a, [
        Mistake(1 / a, "That is x / y: the slope is how much y you get per unit of x, y / x."),
    ])


def mean_squared_error(answer, a: float = 2.0):
    """The mean squared error of y = a * x on the data, at a = 2."""
    a = validation.bounded("a", a)
    error = a * X - Y_TRUE
    return check_number(answer, float(np.mean(error**2)), [
        Mistake(float(np.sum(error**2)), "That is the sum of the squares: divide by how many "
                "points there are to get the mean."),
        Mistake(float(np.mean(error)), "That is the mean error: square each error first, so that "
                "misses in both directions count."),
        Mistake(float(np.sqrt(np.mean(error**2))), "That is the root of the mean squared error "
                "(RMSE): leave out the square root."),
        Mistake(float(np.mean(np.abs(error))), "That is the mean absolute error: square each "
                "error instead of taking its size."),
    ])
