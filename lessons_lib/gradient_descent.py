"""Gradient descent on one weight: learn w in y = w * x from one example (lesson 01).

    loss(w) = (w * x - y_true) ** 2
    grad(w) = 2 * (w * x - y_true) * x
    w <- w - lr * grad(w)

Because the loss is a parabola in w, one update multiplies the distance to the answer by a
fixed factor:  w_next - w_star = (1 - 2 * x**2 * lr) * (w - w_star),  with w_star = y_true / x.
That factor decides everything the learning-rate slider shows (`lr_regime`).
"""
import math
import numbers
from dataclasses import dataclass

from lessons_lib import validation

# A run whose distance to the answer grows this many times past where it started (or past this
# distance itself, for a start closer than 1) is called diverged and stopped there, long before
# float64 could overflow.
DIVERGED_DISTANCE = 1e6
MAX_STEPS = 10_000  # a run's length; a typo such as 10**6 would otherwise take minutes


TOO_LARGE = "w, x and y_true are too large: keep |w * x - y_true| below about 1e150"


def _numbers(w, x, y_true):
    """x and y_true as floats; w as a float or, for a curve of weights, a float array."""
    w = (validation.real("w", w) if isinstance(w, numbers.Number) or not hasattr(w, "__len__")
         else validation.array("w", w))
    return w, validation.real("x", x), validation.real("y_true", y_true)


def loss(w: float, x: float, y_true: float) -> float:
    """Squared error of the prediction w * x (w may be an array of weights, for a curve)."""
    w, x, y_true = _numbers(w, x, y_true)
    with validation.no_overflow("the loss", TOO_LARGE):
        return validation.finite("the loss", (w * x - y_true) ** 2, TOO_LARGE)


def grad(w: float, x: float, y_true: float) -> float:
    """dloss/dw = 2 * (w * x - y_true) * x, by the power rule and the chain rule."""
    w, x, y_true = _numbers(w, x, y_true)
    with validation.no_overflow("the gradient", TOO_LARGE):
        return validation.finite("the gradient", 2 * (w * x - y_true) * x, TOO_LARGE)


@dataclass(frozen=True)
class Step:
    step: int  # counted from 1, as the lesson's table prints it
    w: float  # the weight after this step's update
    loss: float  # the loss measured before this step's update
    grad: float  # the gradient used by this step's update


@dataclass(frozen=True)
class History:
    w0: float
    steps: tuple[Step, ...]
    diverged: bool  # stopped early because w left the sensible range

    @property
    def weights(self) -> list[float]:
        """w before any step, then after each step."""
        return [self.w0] + [s.w for s in self.steps]

    @property
    def losses(self) -> list[float]:
        return [s.loss for s in self.steps]

    def table(self) -> str:
        """The table lesson 01 prints: one line per step, 4 decimals."""
        return "\n".join(f"step {s.step}: w={s.w:.4f}, loss={s.loss:.4f}" for s in self.steps)


def descend(w0: float, x: float, y_true: float, lr: float, steps: int) -> History:
    """Run `steps` gradient-descent updates from w0 and record each one."""
    w = validation.real("w0", w0)
    x = validation.real("x", x)
    y_true = validation.real("y_true", y_true)
    lr = validation.non_negative("lr", lr)
    steps = validation.count("steps", steps, maximum=MAX_STEPS)
    try:  # the starting point itself must not overflow
        loss(w, x, y_true), grad(w, x, y_true)
    except ValueError:
        raise ValueError("w0, x and y_true are too large: the first loss (w0 * x - y_true)**2 "
                         "or its gradient overflows float64; keep |w0 * x - y_true| * |x| below "
                         "about 1e150") from None
    w_star = y_true / x if x != 0 else w
    too_far = DIVERGED_DISTANCE * max(abs(w - w_star), 1.0)
    record = []
    for step in range(1, steps + 1):
        g = grad(w, x, y_true)
        before = loss(w, x, y_true)
        w = w - lr * g
        if not math.isfinite(w):  # a huge lr overflowed this very step: stop before it
            return History(w0=float(w0), steps=tuple(record), diverged=True)
        record.append(Step(step=step, w=w, loss=before, grad=g))
        if abs(w - w_star) > too_far:
            return History(w0=float(w0), steps=tuple(record), diverged=True)
    return History(w0=float(w0), steps=tuple(record), diverged=False)


def contraction(lr: float, x: float) -> float:
    """The factor one update multiplies (w - w_star) by: 1 - 2 * x**2 * lr."""
    x, lr = validation.real("x", x), validation.non_negative("lr", lr)
    with validation.no_overflow("the contraction factor", "x and lr are too large"):
        return validation.finite("the contraction factor", 1 - 2 * x**2 * lr,
                                 "x and lr are too large")


# The regimes, in order of growing learning rate.
NO_MOVEMENT = "no movement"
ONE_SIDE = "approaches from one side"  # fast when the factor is near 0, slow near 1
ONE_STEP = "lands in one step"
OVERSHOOT = "overshoots, but converges"
OSCILLATE = "oscillates forever"
DIVERGE = "diverges"


def lr_regime(lr: float, x: float, tol: float = 1e-9) -> str:
    """Name what gradient descent does at this learning rate, from the contraction factor."""
    factor = contraction(lr, x)
    tol = validation.non_negative("tol", tol)
    if abs(factor - 1) <= tol:
        return NO_MOVEMENT
    if abs(factor) <= tol:
        return ONE_STEP
    if abs(factor + 1) <= tol:
        return OSCILLATE
    if factor > 0:
        return ONE_SIDE
    return OVERSHOOT if factor > -1 else DIVERGE
