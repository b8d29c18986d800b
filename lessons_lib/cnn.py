"""Lesson 10's network on the digits, every layer's forward and backward in NumPy:

    conv (1 -> 8 kernels, 3x3, padding 1) -> ReLU -> 2x2 max-pool -> linear (128 -> 10)
    -> softmax cross-entropy, the mean over a mini-batch.

The conv's kernel gradient is lesson 04's rule (each weight: the input it touched times the
blame, added up) with channels, padding and a batch; ReLU, linear and softmax cross-entropy come
from lessons_lib.layers (lesson 09); max-pool hands each window's gradient to its largest input.

    conv_forward(x, w, b) / conv_backward(x, w, dy) -> (dx, dw, db)
    pool_forward(x) / pool_backward(x, dy) -> dx
    init(seed) -> Params;  loss_and_grads(params, x, y) -> (loss, Params of gradients)
    batch_order(n, batch_size, epochs, seed)   the mini-batches, shared with the torch run
    train(params, x, y, lr, beta, batch_size, epochs, seed, every) -> Run (SGD with momentum)
    predict(params, x);  accuracy(params, x, y);  confusion(predicted, labels)
"""
from dataclasses import dataclass, fields

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lessons_lib import layers, validation

KERNELS, SIZE, CLASSES, SIDE = 8, 3, 10, 8  # 8 kernels of 3x3; 10 digits; 8x8 images
FEATURES = KERNELS * (SIDE // 2) ** 2  # 8 pooled maps of 4x4 = 128 inputs to the linear layer
LINEAR_STD = 0.01
DIVERGED_LOSS = 1e3  # a loss this large puts e**-1000 on the right digit: training has blown up


def _pad(x):
    return np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))


def _patches(x):
    """(N, H, W, C * 9): the padded 3x3 patch under each output pixel, as one row."""
    n, c, h, w = x.shape
    windows = sliding_window_view(_pad(x), (SIZE, SIZE), axis=(2, 3))  # (N, C, H, W, 3, 3)
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n, h, w, c * SIZE * SIZE)


def _conv_args(x, w):
    x, w = validation.array("x", x, ndim=4), validation.array("w", w, ndim=4)
    if w.shape[1:] != (x.shape[1], SIZE, SIZE):
        raise ValueError(f"w must have shape (kernels, {x.shape[1]}, 3, 3) for x's "
                         f"{x.shape[1]} channel(s), got {w.shape}")
    return x, w


def conv_forward(x, w, b) -> np.ndarray:
    """x (N, C, H, W), w (F, C, 3, 3), b (F,) -> (N, F, H, W): cross-correlation, padding 1."""
    x, w = _conv_args(x, w)
    b = validation.array("b", b, ndim=1)
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must hold one bias per kernel ({w.shape[0]}), got {b.shape}")
    with validation.no_overflow("the conv's output", "x, w or b is too large"):
        y = _patches(x) @ w.reshape(len(w), -1).T + b  # (N, H, W, F)
    return y.transpose(0, 3, 1, 2)


def conv_backward(x, w, dy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) from dy (N, F, H, W), the loss's gradient at the conv's output."""
    x, w = _conv_args(x, w)
    dy = validation.array("dy", dy, ndim=4)
    if dy.shape != (len(x), len(w), *x.shape[2:]):
        raise ValueError(f"dy must have shape {(len(x), len(w), *x.shape[2:])}, got {dy.shape}")
    rows = dy.transpose(0, 2, 3, 1).reshape(-1, len(w))  # (N * H * W, F)
    with validation.no_overflow("the conv's gradients", "x, w or dy is too large"):
        dw = (rows.T @ _patches(x).reshape(len(rows), -1)).reshape(w.shape)
        # Each input pixel's blame: the blames of the outputs it fed, weighted by the kernel
        # entries that carried it there (a correlation of dy with the flipped kernel).
        flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C, F, 3, 3)
        dx = _patches(dy) @ flipped.reshape(len(flipped), -1).T  # (N, H, W, C)
    return dx.transpose(0, 3, 1, 2), dw, dy.sum(axis=(0, 2, 3))


def _windows(x):
    """(N, C, H/2, W/2, 4): each 2x2 window's four values, row by row."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, h // 2, w // 2, 4)


def _pool_input(x):
    x = validation.array("x", x, ndim=4)
    if x.shape[2] % 2 or x.shape[3] % 2:
        raise ValueError(f"x's height and width must be even for 2x2 pooling, got {x.shape}")
    return x


def pool_forward(x) -> np.ndarray:
    """2x2 max-pool, stride 2: (N, C, H, W) -> (N, C, H/2, W/2)."""
    return _windows(_pool_input(x)).max(axis=-1)


def pool_backward(x, dy) -> np.ndarray:
    """Each window's gradient goes to its largest input (the first, on a tie), 0 elsewhere."""
    x = _pool_input(x)
    dy = validation.array("dy", dy, ndim=4)
    n, c, h, w = x.shape
    if dy.shape != (n, c, h // 2, w // 2):
        raise ValueError(f"dy must have shape {(n, c, h // 2, w // 2)}, got {dy.shape}")
    routed = (np.arange(4) == _windows(x).argmax(axis=-1)[..., None]) * dy[..., None]
    return routed.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        x.shape)


@dataclass(frozen=True)
class Params:
    conv_w: np.ndarray  # (8, 1, 3, 3)
    conv_b: np.ndarray  # (8,)
    lin_w: np.ndarray  # (128, 10)
    lin_b: np.ndarray  # (10,)

    def arrays(self) -> list[np.ndarray]:
        return [getattr(self, f.name) for f in fields(self)]


def init(seed: int = 0, scale: float = 1.0) -> Params:
    """Random kernels (standard deviation sqrt(2 / 9): He's rule for 9 inputs per output) and
    small linear weights (standard deviation 0.01, so every digit starts about equally likely),
    both times `scale`; biases 0."""
    rng = np.random.default_rng(validation.count("seed", seed))
    scale = validation.non_negative("scale", validation.bounded("scale", scale, 1e3))
    scale += 0.0  # -0.0 becomes 0.0, which numpy's normal takes
    return Params(rng.normal(0, scale * np.sqrt(2 / SIZE**2), (KERNELS, 1, SIZE, SIZE)),
                  np.zeros(KERNELS), rng.normal(0, scale * LINEAR_STD,
                                                (FEATURES, CLASSES)), np.zeros(CLASSES))


def _check(params, x, y=None):
    if not isinstance(params, Params):
        raise TypeError(f"params must be a cnn.Params (what cnn.init returns), "
                        f"got {type(params).__name__}")
    x = validation.array("x", x, ndim=4)
    if x.shape[1:] != (1, SIDE, SIDE):
        raise ValueError(f"x must have shape (N, 1, 8, 8), got {x.shape}")
    if y is None:
        return x
    y = validation.array("y", y, ndim=1)
    if len(y) != len(x) or not np.isin(y, np.arange(CLASSES)).all():
        raise ValueError(f"y must hold one label 0..9 per image ({len(x)}), got {y.shape}")
    return x, y.astype(np.int64)


def _forward(params, x):
    conv = conv_forward(x, params.conv_w, params.conv_b)
    relu = layers.relu_forward(conv)
    pooled = pool_forward(relu)
    logits = layers.linear_forward(pooled.reshape(len(x), -1), params.lin_w, params.lin_b)
    return conv, relu, pooled, logits


def loss_and_grads(params, x, y) -> tuple[float, Params]:
    """The mean cross-entropy on the batch and its gradient for every parameter."""
    x, y = _check(params, x, y)
    with validation.no_overflow("the forward pass", "params or x is too large"):
        conv, relu, pooled, logits = _forward(params, x)
        loss = layers.cross_entropy(logits, y)
        d_logits = layers.cross_entropy_backward(logits, y)
        d_flat, d_lin_w, d_lin_b = layers.linear_backward(pooled.reshape(len(x), -1),
                                                          params.lin_w, d_logits)
        d_relu = pool_backward(relu, d_flat.reshape(pooled.shape))
        d_conv = layers.relu_backward(conv, d_relu)
    _, d_conv_w, d_conv_b = conv_backward(x, params.conv_w, d_conv)
    return loss, Params(d_conv_w, d_conv_b, d_lin_w, d_lin_b)


def batch_order(n: int, batch_size: int, epochs: int, seed: int = 0) -> list[np.ndarray]:
    """Each epoch, a fresh shuffle of rows 0..n-1 cut into batches (the last may be smaller)."""
    n = validation.count("n", n, minimum=1, maximum=10**6)
    batch_size = validation.count("batch_size", batch_size, minimum=1, maximum=n)
    epochs = validation.count("epochs", epochs, minimum=1, maximum=1000)
    rng = np.random.default_rng(validation.count("seed", seed))
    return [order[start:start + batch_size] for _ in range(epochs)
            for order in [rng.permutation(n)] for start in range(0, n, batch_size)]


@dataclass(frozen=True)
class Run:
    losses: np.ndarray  # the batch loss at each step, before that step's update
    steps: np.ndarray  # the steps at which `params` were recorded (0: before training)
    params: list  # Params after each recorded step
    diverged: bool  # the loss passed DIVERGED_LOSS or left float64's range: training stopped


def train(params, x, y, lr: float = 0.1, beta: float = 0.9, batch_size: int = 32,
          epochs: int = 10, seed: int = 0, every: int = 0) -> Run:
    """Mini-batch SGD with momentum (lesson 07: v = beta * v + g; w = w - lr * v) over
    batch_order(len(x), batch_size, epochs, seed); the params are recorded every `every`
    steps (0: only at the start and the end)."""
    x, y = _check(params, x, y)
    lr = validation.positive("lr", validation.bounded("lr", lr, 1e6))
    beta = validation.non_negative("beta", beta)
    if beta >= 1:
        raise ValueError(f"beta must be below 1, got {beta!r}")
    every = validation.count("every", every)
    batches = batch_order(len(x), batch_size, epochs, seed)
    weights = [a.copy() for a in params.arrays()]
    velocity = [np.zeros_like(a) for a in weights]
    losses, steps, kept = [], [0], [params]
    for step, rows in enumerate(batches, start=1):
        try:
            loss, grads = loss_and_grads(Params(*weights), x[rows], y[rows])
            if loss > DIVERGED_LOSS:
                raise ValueError("diverged")
            with validation.no_overflow("the weights", "lr is too large"):
                for w, v, g in zip(weights, velocity, grads.arrays()):
                    v *= beta
                    v += g
                    w -= lr * v
        except ValueError:  # the loss blew up or overflowed: the run diverged
            return Run(np.array(losses), np.array(steps), kept, True)
        losses.append(loss)
        if (every and step % every == 0) or step == len(batches):
            steps.append(step)
            kept.append(Params(*(w.copy() for w in weights)))
    return Run(np.array(losses), np.array(steps), kept, False)


def predict(params, x) -> np.ndarray:
    """The digit each image's largest logit picks."""
    x = _check(params, x)
    with validation.no_overflow("the forward pass", "params or x is too large"):
        return _forward(params, x)[-1].argmax(axis=1)


def accuracy(params, x, y) -> float:
    """The share of images whose predicted digit is the label."""
    x, y = _check(params, x, y)
    return float((predict(params, x) == y).mean())


def confusion(predicted, labels) -> np.ndarray:
    """counts[true, predicted]: how often each digit was read as each digit."""
    predicted = validation.array("predicted", predicted, ndim=1)
    labels = validation.array("labels", labels, ndim=1)
    if predicted.shape != labels.shape:
        raise ValueError(f"predicted and labels must have the same length, got "
                         f"{predicted.shape} and {labels.shape}")
    if not (np.isin(predicted, np.arange(CLASSES)).all() and np.isin(labels,
                                                                      np.arange(CLASSES)).all()):
        raise ValueError("predicted and labels must hold digits 0..9")
    counts = np.zeros((CLASSES, CLASSES), dtype=np.int64)
    np.add.at(counts, (labels.astype(int), predicted.astype(int)), 1)
    return counts
