"""Layers of neurons, by hand (lesson 09; lesson 10 builds on it): a linear layer on a batch,
a ReLU, softmax and cross-entropy, each with its backward pass. NumPy float64 arrays.

    linear:         y = x @ w + b            x (N, D_in), w (D_in, D_out), b (D_out,)
                    dx = dy @ w.T, dw = x.T @ dy, db = dy summed over the batch
    relu:           y = max(x, 0)            dx = dy where x > 0, else 0 (a gate)
    softmax:        p[n, k] = exp(z[n, k]) / sum_j exp(z[n, j])   (row max subtracted first)
    cross-entropy:  loss = mean over n of -log p[n, label[n]]   (log-sum-exp, never log(0))
                    dloss/dz = (p - onehot(labels)) / N

Every gradient here is "how much the loss moves per unit nudge" of each entry, so it has the
shape of the thing it is the gradient of (the shape trick of lesson 09).
"""
import numpy as np

from lessons_lib import validation

TOO_LARGE = "x, w, b or dy are too large"
TOO_LARGE_LOGITS = "the logits are too far apart (beyond about 1e308)"


def _matrix(name: str, value) -> np.ndarray:
    return validation.array(name, value, ndim=2)


def _inner(x_name: str, x: np.ndarray, w_name: str, w: np.ndarray) -> None:
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"{x_name} has {x.shape[1]} columns but {w_name} has {w.shape[0]} "
                         f"rows: {x_name} @ {w_name} needs them equal "
                         f"(shapes {x.shape} and {w.shape})")


def linear_forward(x, w, b) -> np.ndarray:
    """y = x @ w + b: row n of y is example n's D_out outputs."""
    x, w, b = _matrix("x", x), _matrix("w", w), validation.array("b", b, ndim=1)
    _inner("x", x, "w", w)
    if b.shape[0] != w.shape[1]:
        raise ValueError(f"b must have one entry per column of w ({w.shape[1]}), got {b.shape}")
    with validation.no_overflow("the linear layer", TOO_LARGE):
        return x @ w + b


def linear_backward(x, w, dy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) from dy = dloss/dy: dx = dy @ w.T, dw = x.T @ dy, db = dy.sum(0)."""
    x, w, dy = _matrix("x", x), _matrix("w", w), _matrix("dy", dy)
    _inner("x", x, "w", w)
    if dy.shape != (x.shape[0], w.shape[1]):
        raise ValueError(f"dy must have y's shape (N, D_out) = {(x.shape[0], w.shape[1])}, "
                         f"got {dy.shape}")
    with validation.no_overflow("the linear layer's backward pass", TOO_LARGE):
        return dy @ w.T, x.T @ dy, dy.sum(axis=0)


def relu_forward(x) -> np.ndarray:
    """max(x, 0), element by element."""
    return np.maximum(validation.array("x", x), 0.0)


def relu_backward(x, dy) -> np.ndarray:
    """The ReLU's gate: dy passes where x > 0 and is stopped (0) elsewhere."""
    x, dy = validation.array("x", x), validation.array("dy", dy)
    if x.shape != dy.shape:
        raise ValueError(f"dy must have x's shape {x.shape}, got {dy.shape}")
    return np.where(x > 0, dy, 0.0)


def _logits(value) -> np.ndarray:
    logits = _matrix("logits", value)
    if logits.shape[1] < 2:
        raise ValueError(f"logits must have at least 2 columns (classes), got {logits.shape}")
    return logits


def _labels(value, logits: np.ndarray) -> np.ndarray:
    raw = np.asarray(value.detach().cpu() if hasattr(value, "detach") else value)
    if raw.dtype == bool or raw.dtype.kind not in "iu":
        raise TypeError(f"labels must be whole-number class indices (an int array), "
                        f"got dtype {raw.dtype}")
    if raw.shape != (logits.shape[0],):
        raise ValueError(f"labels must have one entry per row of logits "
                         f"({logits.shape[0]},), got shape {raw.shape}")
    if raw.min() < 0 or raw.max() >= logits.shape[1]:
        raise ValueError(f"labels must be from 0 to {logits.shape[1] - 1} "
                         f"(one per class), got {raw.min()} to {raw.max()}")
    return raw.astype(np.int64)


def softmax(logits) -> np.ndarray:
    """Each row turned into probabilities. Subtracting the row's max first changes nothing
    (it cancels between top and bottom) but keeps exp() from overflowing."""
    logits = _logits(logits)
    with validation.no_overflow("softmax", TOO_LARGE_LOGITS):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))  # every exponent <= 0
        return e / e.sum(axis=1, keepdims=True)


def log_softmax(logits) -> np.ndarray:
    """log p, computed as z - logsumexp(z): finite even where p itself rounds to 0."""
    logits = _logits(logits)
    with validation.no_overflow("log-softmax", TOO_LARGE_LOGITS):
        shifted = logits - logits.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(logits, labels) -> float:
    """The mean over the batch of -log(probability given to the right class)."""
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return float(-log_softmax(logits)[np.arange(len(labels)), labels].mean())


def one_hot(labels, classes: int) -> np.ndarray:
    """(N, classes): row n is 1 at labels[n], 0 elsewhere."""
    classes = validation.count("classes", classes, minimum=2, maximum=10_000)
    raw = np.asarray(labels.detach().cpu() if hasattr(labels, "detach") else labels)
    if raw.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of class indices, got shape {raw.shape}")
    if raw.dtype.kind in "iu" and raw.size and (raw.min() < 0 or raw.max() >= classes):
        raise ValueError(f"labels run from {raw.min()} to {raw.max()}, but with classes = "
                         f"{classes} they must be from 0 to {classes - 1}")
    return np.eye(classes)[_labels(raw, np.zeros((len(raw), classes)))]


def cross_entropy_backward(logits, labels) -> np.ndarray:
    """dloss/dlogits for the mean cross-entropy: (softmax - onehot) / N."""
    logits = _logits(logits)
    labels = _labels(labels, logits)
    return (softmax(logits) - one_hot(labels, logits.shape[1])) / len(labels)
