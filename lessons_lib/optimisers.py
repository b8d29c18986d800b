"""Better steps: plain gradient descent, momentum and Adam, written by hand (lesson 07).

Each optimiser turns this step's gradient g into a new weight vector, keeping its own memory:

    Plain     w <- w - lr * g
    Momentum  v <- beta * v + g                   (v starts at 0: a running sum of gradients)
              w <- w - lr * v                      same as torch.optim.SGD(lr=lr, momentum=beta)
    Adam      m <- b1 * m + (1 - b1) * g           (running mean of g)
              s <- b2 * s + (1 - b2) * g**2        (running mean of g**2)
              w <- w - lr * m_hat / (sqrt(s_hat) + eps)   same as torch.optim.Adam,
              with m_hat = m / (1 - b1**t) and s_hat = s / (1 - b2**t)   (t: the step, from 1)

On a bowl whose curvatures (Hessian eigenvalues) are lam, plain gradient descent multiplies the
distance along each curvature's direction by 1 - lr * lam per step (lessons 01 and 04). Momentum
carries two numbers per direction (distance and velocity); per step they shrink by the size of
the largest root of z**2 - (1 + beta - lr * lam) * z + beta (`momentum_factor`).
"""
from dataclasses import dataclass

import numpy as np

from lessons_lib import conv2d, validation

MAX_STEPS = 100_000  # a run's length: about 10 s on a laptop


def _vector(name: str, value) -> np.ndarray:
    """A non-empty 1-D float array within +-1e50 (so that squares and products stay finite)."""
    array = validation.array(name, value, ndim=1)
    if np.abs(array).max() > 1e50:
        raise ValueError(f"{name} must hold values within +-1e50, got {np.abs(array).max():g}")
    return array


def _rate(name: str, value) -> float:
    return validation.non_negative(name, validation.bounded(name, value))


def _below_one(name: str, value) -> float:
    value = _rate(name, value)
    if value >= 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def _matching(w, g) -> tuple[np.ndarray, np.ndarray]:
    w, g = _vector("w", w), _vector("g", g)
    if w.shape != g.shape:
        raise ValueError(f"g must have the shape of w {w.shape}, got {g.shape}")
    return w, g


class Plain:
    """w <- w - lr * g: no memory."""

    def __init__(self, lr: float):
        self.lr = _rate("lr", lr)

    def step(self, w, g) -> np.ndarray:
        w, g = _matching(w, g)
        return w - self.lr * g


class Momentum:
    """v <- beta * v + g;  w <- w - lr * v: steps that keep pointing the same way add up."""

    def __init__(self, lr: float, beta: float):
        self.lr, self.beta = _rate("lr", lr), _below_one("beta", beta)
        self.v = 0.0

    def step(self, w, g) -> np.ndarray:
        w, g = _matching(w, g)
        self.v = self.beta * self.v + g
        return w - self.lr * self.v


class Adam:
    """Each weight's step is its running mean gradient over its running root-mean-square one."""

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr = _rate("lr", lr)
        self.beta1, self.beta2 = _below_one("beta1", beta1), _below_one("beta2", beta2)
        self.eps = validation.positive("eps", validation.bounded("eps", eps))
        self.m, self.s, self.t = 0.0, 0.0, 0

    def step(self, w, g) -> np.ndarray:
        w, g = _matching(w, g)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * g
        self.s = self.beta2 * self.s + (1 - self.beta2) * g**2
        m_hat = self.m / (1 - self.beta1**self.t)  # undo the pull towards the starting 0
        s_hat = self.s / (1 - self.beta2**self.t)
        return w - self.lr * m_hat / (np.sqrt(s_hat) + self.eps)


@dataclass(frozen=True)
class Bowl:
    """loss(w) = |X w - target|**2: lesson 04's loss, with the weights as one vector."""
    X: np.ndarray  # (positions, weights)
    target: np.ndarray  # (positions,)

    def __post_init__(self):
        X, target = validation.array("X", self.X, ndim=2), _vector("target", self.target)
        if X.shape[0] != target.shape[0] or np.abs(X).max() > 1e50:
            raise ValueError(f"X must be a 2-D array within +-1e50 with one row per target "
                             f"value ({target.shape[0]}), got shape {X.shape}")
        object.__setattr__(self, "X", X.copy())  # the bowl's own: no caller's array, no view
        object.__setattr__(self, "target", target.copy())  # of a lesson's constant

    def _weights(self, w, name: str = "w") -> np.ndarray:
        w = _vector(name, w)
        if w.shape != self.X.shape[1:]:
            raise ValueError(f"{name} must hold {self.X.shape[1]} weights, got {w.size}")
        return w

    def loss(self, w) -> float:
        residual = self.X @ self._weights(w) - self.target
        return float(residual @ residual)

    def grad(self, w) -> np.ndarray:
        return 2 * self.X.T @ (self.X @ self._weights(w) - self.target)

    def curvatures(self) -> np.ndarray:
        """The Hessian 2 X^T X's eigenvalues, smallest first."""
        return np.linalg.eigvalsh(2 * self.X.T @ self.X)


def conv_bowl(image, kernel_shape, target) -> Bowl:
    """Lesson 04's loss as a Bowl over the kernel's weights (row by row): out = X @ kernel."""
    image, target = (validation.array(name, v, ndim=2) for name, v in
                     (("image", image), ("target", target)))
    for name, v in (("image", image), ("target", target)):
        if np.abs(v).max() > 1e50:
            raise ValueError(f"{name} must hold values within +-1e50")
    X = conv2d.patches(image, kernel_shape)
    out_shape = conv2d.output_shape(image.shape, kernel_shape)
    if target.shape != out_shape:
        raise ValueError(f"target must have the output's shape {out_shape} (image {image.shape}, "
                         f"kernel_shape {tuple(kernel_shape)}), got {target.shape}")
    return Bowl(X, target.ravel())


def _checked(optimiser, bowl):
    if not isinstance(optimiser, (Plain, Momentum, Adam)):
        raise TypeError(f"optimiser must be a Plain, Momentum or Adam, "
                        f"got {type(optimiser).__name__}")
    if not isinstance(bowl, Bowl):
        raise TypeError(f"bowl must be a Bowl (conv_bowl makes one), got {type(bowl).__name__}")


def _loss_or_inf(bowl: Bowl, w) -> float:
    """The loss, or inf once a step has left the weights' range (+-1e50): diverged."""
    return bowl.loss(w) if np.abs(w).max() <= 1e50 else np.inf


def run(optimiser, bowl: Bowl, w0, steps: int) -> np.ndarray:
    """The weights before any step, then after each: (steps + 1, weights). Stops early (fewer
    rows) if the loss passes 1e6 times its start, long before float64 overflows."""
    _checked(optimiser, bowl)
    steps = validation.count("steps", steps, maximum=MAX_STEPS)
    path = [bowl._weights(w0, "w0")]
    limit = 1e6 * max(bowl.loss(path[0]), 1e-12)
    for _ in range(steps):
        w = optimiser.step(path[-1], bowl.grad(path[-1]))
        if not _loss_or_inf(bowl, w) <= limit:
            break
        path.append(w)
    return np.array(path)


def steps_to(optimiser, bowl: Bowl, w0, threshold: float, max_steps: int = 20_000):
    """How many steps until the loss is below `threshold` (None if not within max_steps)."""
    _checked(optimiser, bowl)
    threshold = _rate("threshold", threshold)
    max_steps = validation.count("max_steps", max_steps, maximum=MAX_STEPS)
    w = bowl._weights(w0, "w0")
    limit = 1e6 * max(bowl.loss(w), 1e-12)
    for step in range(max_steps + 1):
        loss = _loss_or_inf(bowl, w)
        if loss < threshold:
            return step
        if not loss < limit:
            return None  # diverged
        w = optimiser.step(w, bowl.grad(w))
    return None


def _extremes(curvatures) -> tuple[float, float]:
    lam = _vector("curvatures", curvatures)
    positive = lam[lam > 1e-9 * lam.max()] if lam.max() > 0 else lam[:0]
    if positive.size == 0:
        raise ValueError("curvatures must contain at least one positive value")
    return float(positive.min()), float(positive.max())


TOO_SMALL = "curvatures are too small: the best lr, about 2 / curvature, is beyond float64"


def best_plain_lr(curvatures) -> float:
    """2 / (lam_min + lam_max): the rate whose slowest factor |1 - lr * lam| is smallest.
    Curvatures that are (numerically) 0 are left out: the loss does not change along them."""
    lam_min, lam_max = _extremes(curvatures)
    with validation.no_overflow("the best lr", TOO_SMALL):
        return validation.finite("the best lr", 2 / (lam_min + lam_max), TOO_SMALL)


def best_momentum(curvatures) -> tuple[float, float]:
    """(lr, beta) that make every direction shrink by the same, smallest factor sqrt(beta):
    lr = 4 / (sqrt(lam_max) + sqrt(lam_min))**2, beta = ((sqrt(k) - 1) / (sqrt(k) + 1))**2,
    k = lam_max / lam_min (the heavy-ball settings of Polyak, 1964)."""
    lam_min, lam_max = _extremes(curvatures)
    with validation.no_overflow("the best lr", TOO_SMALL):
        root_k = np.sqrt(lam_max / lam_min)
        lr = validation.finite("the best lr", 4 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2,
                               TOO_SMALL)
        return lr, float(((root_k - 1) / (root_k + 1)) ** 2)


def plain_factor(lr: float, lam: float) -> float:
    """What one plain step multiplies the distance along a curvature-lam direction by."""
    return 1 - _rate("lr", lr) * _rate("lam", lam)


def momentum_factor(lr: float, beta: float, lam: float) -> float:
    """How much one momentum step shrinks a curvature-lam direction, in the long run: the size
    of the larger root of z**2 - (1 + beta - lr * lam) * z + beta."""
    lr, lam = _rate("lr", lr), _rate("lam", lam)
    beta = _below_one("beta", beta)
    return float(np.abs(np.roots([1.0, -(1 + beta - lr * lam), beta])).max())
