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
from lessons_lib.conv2d_widgets import KERNEL

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
    n_images = validation.count("n_images", n_images)
    size = validation.count("size", size)
    noise = validation.non_negative("noise", noise)
    if n_images < 1 or size < 2:
        raise ValueError(f"n_images must be >= 1 and size >= 2, got {n_images} and {size}")
    rng = np.random.default_rng(seed)
    images = rng.random((n_images, size, size))
    X = np.array([conv2d.patches(image, (2, 2)) for image in images])
    y = X @ np.asarray(hidden, dtype=float).ravel() + noise * rng.standard_normal(X.shape[:2])
    return Data(X, y)


def _kernel(kernel) -> np.ndarray:
    kernel = np.asarray(kernel, dtype=float).ravel()
    if kernel.shape != (4,) or not np.all(np.isfinite(kernel)):
        raise ValueError(f"kernel must be 4 finite numbers (a 2x2 kernel), got {kernel!r}")
    return kernel


def loss(kernel, data: Data) -> float:
    """Mean over all examples of the sum of squared errors."""
    residual = data.X @ _kernel(kernel) - data.y  # (examples, positions)
    return float(np.mean(np.sum(residual**2, axis=1)))


def batch_grad(kernel, data: Data, rows) -> np.ndarray:
    """The loss's gradient estimated from the examples in `rows`: mean of 2 X_i^T (X_i k - y_i)."""
    rows = np.asarray(rows, dtype=int)
    if rows.ndim != 1 or rows.size == 0 or rows.min() < 0 or rows.max() >= data.n:
        raise ValueError(f"rows must be a non-empty 1-D list of example numbers in [0, {data.n})")
    X, y = data.X[rows], data.y[rows]
    residual = X @ _kernel(kernel) - y  # (batch, positions)
    return 2 * np.einsum("bpk,bp->k", X, residual) / rows.size


def best_kernel(data: Data) -> np.ndarray:
    """The kernel with the lowest loss on this data (least squares): what training aims at."""
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
    """Plain gradient descent from a zero kernel, on shuffled batches of `batch_size`."""
    batch_size = validation.count("batch_size", batch_size)
    if not 1 <= batch_size <= data.n or data.n % batch_size:
        raise ValueError(f"batch_size must divide the {data.n} examples, got {batch_size}")
    lr, epochs = validation.non_negative("lr", lr), validation.count("epochs", epochs)
    rng = np.random.default_rng(seed)
    kernel, losses = np.zeros(4), [loss(np.zeros(4), data)]
    for _ in range(epochs):
        order = rng.permutation(data.n)
        for start in range(0, data.n, batch_size):
            kernel = kernel - lr * batch_grad(kernel, data, order[start:start + batch_size])
            losses.append(loss(kernel, data))
    return Run(batch_size, np.array(losses), kernel, data.n // batch_size)


def gradient_spread(kernel, data: Data, batch_size: int, draws: int = 2000, seed: int = 0):
    """Root-mean-square distance between a batch's gradient and the full gradient, over `draws`
    random batches (drawn without replacement), at `kernel`."""
    batch_size = validation.count("batch_size", batch_size)
    if not 1 <= batch_size <= data.n:
        raise ValueError(f"batch_size must be from 1 to {data.n}, got {batch_size}")
    rng = np.random.default_rng(seed)
    full = batch_grad(kernel, data, np.arange(data.n))
    gaps = [batch_grad(kernel, data, rng.choice(data.n, batch_size, replace=False)) - full
            for _ in range(validation.count("draws", draws))]
    return float(np.sqrt(np.mean(np.sum(np.square(gaps), axis=1))))
