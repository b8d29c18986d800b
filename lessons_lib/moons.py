"""Two interleaved moons, and a two-layer network of tiny_autograd Values trained on them by
plain gradient descent (lesson 05).

    make_moons(n, noise, seed)      -> points (n, 2), labels (n,) of -1 and +1
    start(hidden, seed)             -> the starting weights, a dict of NumPy arrays
    scores(weights, points)         -> the network's score per point: > 0 means "+1"
    train(weights, points, labels, lr, steps) -> (weights after every step, losses)
    train_torch(...)                -> the same run in PyTorch (float64): its losses
    accuracy(weights, points, labels)

The network: `hidden` ReLU neurons, each with two weights and a bias
(relu(w1[0] * x + w1[1] * y + b1)), then one output neuron with a weight per hidden neuron and a
bias. The loss is the mean squared gap between score and label.
"""
import numpy as np
import torch

from lessons_lib import validation
from lessons_lib.tiny_autograd import Value

NAMES = ("w1", "b1", "w2", "b2")
LIMIT = 1e6  # weights and points beyond this are a typo, not data
MAX_LR = 10.0


def make_moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points on two interleaved half circles, jittered by Gaussian noise; label +1 for the
    upper moon, -1 for the lower."""
    n = validation.count("n", n, minimum=2, maximum=100_000)
    noise = validation.non_negative("noise", noise)
    seed = validation.count("seed", seed)
    rng = np.random.default_rng(seed)
    upper = rng.random(n) < 0.5
    angle = rng.random(n) * np.pi
    points = np.where(upper[:, None],
                      np.stack([np.cos(angle), np.sin(angle)], axis=1),
                      np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    points = points + noise * rng.standard_normal((n, 2))
    return points, np.where(upper, 1.0, -1.0)


def start(hidden: int, seed: int) -> dict:
    hidden = validation.count("hidden", hidden, minimum=1, maximum=1000)
    rng = np.random.default_rng(validation.count("seed", seed))
    return {"w1": rng.standard_normal((2, hidden)), "b1": np.zeros(hidden),
            "w2": rng.standard_normal(hidden) / np.sqrt(hidden), "b2": np.zeros(())}


def _checked(weights: dict, points, labels=None):
    if not isinstance(weights, dict) or set(weights) != set(NAMES):
        raise TypeError(f"weights must be a dict with keys {NAMES}, as start() returns")
    hidden = np.shape(weights["w2"])[0] if np.ndim(weights["w2"]) == 1 else -1
    shapes = {"w1": (2, hidden), "b1": (hidden,), "w2": (hidden,), "b2": ()}
    arrays = {}
    for name in NAMES:
        data = weights[name].data if isinstance(weights[name], Value) else weights[name]
        arrays[name] = validation.array(f"weights[{name!r}]", data)
        if np.abs(arrays[name]).max(initial=0) > LIMIT:
            raise ValueError(f"weights[{name!r}] must hold values within +-{LIMIT:g}")
        if arrays[name].shape != shapes[name]:
            raise ValueError(f"weights[{name!r}] must have shape {shapes[name]}, "
                             f"got {arrays[name].shape}")
    points = validation.array("points", points, ndim=2)
    if points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"points must have shape (n, 2), n >= 1, got {points.shape}")
    if np.abs(points).max() > LIMIT:
        raise ValueError(f"points must hold values within +-{LIMIT:g}")
    if labels is not None:
        labels = validation.array("labels", labels, ndim=1)
        if labels.shape[0] != points.shape[0]:
            raise ValueError(f"labels must have one entry per point ({points.shape[0]}), "
                             f"got {labels.shape[0]}")
    return arrays, points, labels


def _forward(w: dict, points: np.ndarray) -> Value:
    """Scores as a Value, from weights that are Values (the graph backward() walks)."""
    hidden = (points[:, 0:1] * w["w1"][0] + points[:, 1:2] * w["w1"][1] + w["b1"]).relu()
    out = w["b2"]
    for j in range(w["w2"].shape[0]):  # the output neuron: one weight per hidden neuron
        out = out + hidden[:, j] * w["w2"][j]
    return out


def _mean_squared_gap(out: Value, labels: np.ndarray) -> Value:
    return (out + (-labels)).square().sum() * (1 / labels.shape[0])


def scores(weights: dict, points) -> np.ndarray:
    """The same network in plain NumPy: no graph is needed when nothing will be differentiated
    (the same scores as the network written with Value)."""
    w, points, _ = _checked(weights, points)
    return np.maximum(points @ w["w1"] + w["b1"], 0) @ w["w2"] + w["b2"]


def accuracy(weights: dict, points, labels) -> float:
    """The share of points whose score has the sign of their label."""
    arrays, points, labels = _checked(weights, points, labels)
    return float(np.mean(np.sign(scores(arrays, points)) == labels))


def train(weights: dict, points, labels, lr: float, steps: int):
    """Plain gradient descent with the tiny engine: (weights after 0..steps steps, loss at
    each step before it is taken)."""
    arrays, points, labels, lr, steps = _run_arguments(weights, points, labels, lr, steps)
    w = {k: Value(v.copy()) for k, v in arrays.items()}
    history, losses = [{k: v.data.copy() for k, v in w.items()}], []
    try:
        for _ in range(steps):
            loss = _mean_squared_gap(_forward(w, points), labels)
            loss.backward()
            losses.append(float(loss.data))
            for v in w.values():
                v.data = v.data - lr * v.grad
                v.grad = np.zeros_like(v.data)
                if np.abs(v.data).max() > 1e100:
                    raise ValueError
            history.append({k: v.data.copy() for k, v in w.items()})
    except ValueError:  # the values left float64's range
        raise ValueError(f"the run diverged: lr = {lr:g} is too large for these points") from None
    return history, losses


def _run_arguments(weights, points, labels, lr, steps):
    arrays, points, labels = _checked(weights, points, labels)
    lr = validation.positive("lr", lr)
    if lr > MAX_LR:
        raise ValueError(f"lr must be at most {MAX_LR:g}, got {lr!r}")
    return arrays, points, labels, lr, validation.count("steps", steps, maximum=10_000)


def train_torch(weights: dict, points, labels, lr: float, steps: int) -> list[float]:
    """The same run with PyTorch's autograd in float64: its loss at each step."""
    arrays, points, labels, lr, steps = _run_arguments(weights, points, labels, lr, steps)
    with validation.autograd():  # a gradient is the point, whatever the caller's grad mode
        w = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
             for k, v in arrays.items()}
        x, y = torch.tensor(points), torch.tensor(labels)
        losses = []
        for _ in range(steps):
            hidden = torch.relu(x @ w["w1"] + w["b1"])
            loss = ((hidden @ w["w2"] + w["b2"] - y) ** 2).mean()
            loss.backward()
            losses.append(loss.item())
            if not np.isfinite(losses[-1]) or losses[-1] > 1e100:
                raise ValueError(f"the run diverged: lr = {lr:g} is too large for these points")
            with torch.no_grad():
                for v in w.values():
                    v -= lr * v.grad
                    v.grad = None
    return losses
