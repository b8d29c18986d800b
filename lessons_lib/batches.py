"""Full batch, mini-batch and single example: how many examples each step looks at (lesson 07).

The data: many small random images, each passed through a hidden 2x2 kernel (lesson 04's), plus
a little noise. The model: lesson 04's conv with a kernel to learn. The loss is the mean over
examples of each image's sum of squared errors, so its size does not depend on how many
examples a step uses.

    batch_grad(kernel, data, rows)   the gradient from the examples in `rows` only
    train(data, batch_size, lr, epochs)  one epoch = every example used once, in shuffled batches

A step on a batch of B examples costs B example-gradients: a full-batch step costs N, a
single-example step costs 1, and both are an unbiased estimate of the same full gradient.
"""
from dataclasses import dataclass

import numpy as np

from lessons_lib import conv2d, validation
from lessons_lib.conv2d import KERNEL

HIDDEN_KERNEL = KERNEL  # lesson 04's kernel, now the one the data hides


@dataclass(frozen=True)
class Data:
    X: np.ndarray  # (examples, positions, 4): each image's 2x2 patches, one row per position
    y: np.ndarray  # (examples, positions): hidden kernel's outputs + noise

    @property
    def n(self) -> int:
        return self.X.shape[0]


def make_data(n_images: int = 256, size: int = 4, noise: float = 0.05, seed: int = 0,
              hidden=HIDDEN_KERNEL) -> Data:
    """Random images (pixels uniform in [0, 1)), their outputs under `hidden`, plus noise."""
    n_images = validation.count("n_images", n_images, minimum=1, maximum=100_000)
    size = validation.count("size", size, minimum=2, maximum=256)
    validation.pixel_budget("n_images", n_images, size, 2**24)
    noise = validation.non_negative("noise", validation.bounded("noise", noise))
    hidden = _kernel(hidden, "hidden")
    rng = np.random.default_rng(validation.count("seed", seed))
    images = rng.random((n_images, size, size))
    X = np.array([conv2d.patches(image, (2, 2)) for image in images])
    y = X @ hidden + noise * rng.standard_normal(X.shape[:2])
    return Data(X, y)


def _kernel(kernel, name: str = "kernel") -> np.ndarray:
    kernel = validation.array(name, kernel).ravel()
    if kernel.shape != (4,) or np.abs(kernel).max() > 1e50:
        raise ValueError(f"{name} must be 4 numbers (a 2x2 kernel) within +-1e50, "
                         f"got {kernel!r:.80}")
    return kernel


def _data(data) -> "Data":
    if not isinstance(data, Data):
        raise TypeError(f"data must be a batches.Data (make one with make_data), "
                        f"got {type(data).__name__}")
    return data


def loss(kernel, data: Data) -> float:
    """Mean over all examples of the sum of squared errors."""
    kernel, data = _kernel(kernel), _data(data)
    with validation.no_overflow("the loss", "kernel holds values too large"):
        residual = data.X @ kernel - data.y  # (examples, positions)
        return float(np.mean(np.sum(residual**2, axis=1)))


def batch_grad(kernel, data: Data, rows) -> np.ndarray:
    """The loss's gradient estimated from the examples in `rows`: mean of 2 X_i^T (X_i k - y_i)."""
    kernel, data = _kernel(kernel), _data(data)
    try:
        rows = np.asarray(rows)
    except ValueError:
        rows = np.array(None)
    if (rows.dtype == bool or rows.dtype.kind not in "iu" or rows.ndim != 1 or rows.size == 0
            or rows.min() < 0 or rows.max() >= data.n):
        raise ValueError(f"rows must be a non-empty 1-D list of example numbers in [0, {data.n})")
    X, y = data.X[rows], data.y[rows]
    with validation.no_overflow("the gradient", "kernel holds values too large"):
        residual = X @ kernel - y  # (batch, positions)
        return 2 * np.einsum("bpk,bp->k", X, residual) / rows.size


def best_kernel(data: Data) -> np.ndarray:
    """The kernel with the lowest loss on this data (least squares): what training aims at."""
    data = _data(data)
    return np.linalg.lstsq(data.X.reshape(-1, 4), data.y.ravel(), rcond=None)[0]


@dataclass(frozen=True)
class Run:
    batch_size: int
    losses: np.ndarray  # the full-data loss before any step, then after each step
    kernel: np.ndarray  # the last kernel, (4,)
    steps_per_epoch: int

    @property
    def epochs(self) -> np.ndarray:
        """The losses' x positions in epochs: step t has used t * batch_size examples."""
        return np.arange(len(self.losses)) / self.steps_per_epoch


def train(data: Data, batch_size: int, lr: float, epochs: int, seed: int = 0) -> Run:
    """Plain gradient descent from a zero kernel, on shuffled batches of `batch_size`.
    A run whose loss grows past 1e6 times its start stops with a ValueError: lr is too large."""
    data, batch_size = _data(data), validation.count("batch_size", batch_size)
    if not 1 <= batch_size <= data.n or data.n % batch_size:
        raise ValueError(f"batch_size must divide the {data.n} examples, got {batch_size}")
    lr = validation.non_negative("lr", validation.bounded("lr", lr))
    epochs = validation.count("epochs", epochs, maximum=10_000)
    rng = np.random.default_rng(validation.count("seed", seed))
    kernel, losses = np.zeros(4), [loss(np.zeros(4), data)]
    for _ in range(epochs):
        order = rng.permutation(data.n)
        for start in range(0, data.n, batch_size):
            try:
                kernel = kernel - lr * batch_grad(kernel, data, order[start:start + batch_size])
                losses.append(loss(kernel, data))
            except ValueError:  # the kernel overflowed
                losses.append(np.inf)
            if not losses[-1] <= 1e6 * max(losses[0], 1e-12):
                raise ValueError(f"training diverged at step {len(losses) - 1} (the loss grew "
                                 f"past a million times its start): lower lr (it was {lr:g})")
    return Run(batch_size, np.array(losses), kernel, data.n // batch_size)


def gradient_spread(kernel, data: Data, batch_size: int, draws: int = 2000, seed: int = 0):
    """Root-mean-square distance between a batch's gradient and the full gradient, over `draws`
    random batches (drawn without replacement), at `kernel`."""
    kernel, data = _kernel(kernel), _data(data)
    batch_size = validation.count("batch_size", batch_size)
    if not 1 <= batch_size <= data.n:
        raise ValueError(f"batch_size must be from 1 to {data.n}, got {batch_size}")
    draws = validation.count("draws", draws, minimum=1, maximum=100_000)
    rng = np.random.default_rng(validation.count("seed", seed))
    full = batch_grad(kernel, data, np.arange(data.n))
    gaps = [batch_grad(kernel, data, rng.choice(data.n, batch_size, replace=False)) - full
            for _ in range(draws)]
    with validation.no_overflow("the spread", "kernel holds values too large"):
        return float(np.sqrt(np.mean(np.sum(np.square(gaps), axis=1))))
