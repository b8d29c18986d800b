"""A test's own check of a hand-written gradient: central differences, one entry at a time."""
import numpy as np


def finite_difference(f, a, h=1e-6):
    """d f / d a by central differences: f(a with one entry nudged up and down by h), entry by
    entry; f returns a number."""
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad
