"""The chain rule, one layer at a time (lesson 03).

A network is a chain of functions: a1 = f1(x), a2 = f2(a1), ..., loss = fn(a_{n-1}).
The backward pass walks the chain from the loss towards the input. Each layer needs only two
numbers:

    local     = d(my output) / d(my input), at the input I saw on the forward pass
    upstream  = d(loss) / d(my output), handed to me by the layer after me

and hands `local * upstream` = d(loss) / d(my input) to the layer before it. A layer with a
parameter p also keeps d(loss)/dp = d(my output)/dp * upstream: that is what training updates.

Every gradient here can be checked against `finite_difference`, which only nudges and re-runs.
"""
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from lessons_lib import validation


@dataclass(frozen=True)
class Layer:
    name: str  # what the layer does, as the lesson writes it
    forward: Callable[[float], float]
    local: Callable[[float], float]  # d out / d in, as a function of the input
    param_name: str = ""  # "" for a layer with nothing to learn
    param_local: Callable[[float], float] | None = None  # d out / d param, given the input


def scale(w: float) -> Layer:
    """out = w * in: local gradient w; d out / dw = in."""
    w = validation.real("w", w)
    return Layer(f"multiply by w = {w:g}", lambda a: w * a, lambda a: w, "w", lambda a: a)


def shift(b: float) -> Layer:
    """out = in + b: local gradient 1; d out / db = 1."""
    b = validation.real("b", b)
    return Layer(f"add b = {b:g}", lambda a: a + b, lambda a: 1.0, "b", lambda a: 1.0)


def square() -> Layer:
    """out = in**2: local gradient 2 * in (nothing to learn)."""
    return Layer("square", lambda a: a * a, lambda a: 2 * a)


def squared_error(y_true: float) -> Layer:
    """The loss, (in - y_true)**2: local gradient 2 * (in - y_true)."""
    y_true = validation.real("y_true", y_true)
    return Layer(f"loss = (a - {y_true:g})²", lambda a: (a - y_true) ** 2,
                 lambda a: 2 * (a - y_true))


def tiny_network(w: float = 3.0, b: float = -4.0, y_true: float = 1.0) -> list[Layer]:
    """Lesson 03's chain: multiply by w, add b, square, then the squared-error loss."""
    return [scale(w), shift(b), square(), squared_error(y_true)]


def forward(layers: list[Layer], x: float) -> list[float]:
    """[x, a1, a2, ..., loss]: every layer's input is the previous layer's output."""
    layers = _layers(layers)
    values = [validation.real("x", x)]
    for layer in layers:
        values.append(_finite(layer.forward, values[-1], f"layer '{layer.name}'"))
    return values


def _layers(layers) -> list[Layer]:
    if not isinstance(layers, (list, tuple)) or not layers or not all(
            isinstance(layer, Layer) for layer in layers):
        raise TypeError("layers must be a non-empty list of Layers, such as tiny_network() or "
                        "[scale(3.0), square()]")
    return list(layers)


def _finite(f, a: float, where: str) -> float:
    """f(a) as a float, or a ValueError saying where the numbers overflowed."""
    try:
        result = f(a)
    except OverflowError:
        result = float("inf")
    try:
        value = float(result)
    except (TypeError, ValueError):
        raise TypeError(f"{where} must give one number, got {type(result).__name__}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where} overflowed float64 at input {a:g}: x or a layer's parameter "
                         f"(w, b or y_true in tiny_network) is too large")
    return value


@dataclass(frozen=True)
class BackwardStep:
    layer: int  # index into the chain
    name: str
    input: float  # what this layer saw on the forward pass
    upstream: float  # d loss / d (this layer's output)
    local: float  # d (this layer's output) / d (this layer's input)
    downstream: float  # local * upstream = d loss / d (this layer's input)
    param_name: str
    param_grad: float | None  # d loss / d (this layer's parameter), if it has one


def backward(layers: list[Layer], x: float) -> list[BackwardStep]:
    """The backward pass, in the order it runs: from the loss back to the input."""
    values = forward(layers, x)
    steps, upstream = [], 1.0  # d loss / d loss = 1
    for index in reversed(range(len(layers))):
        layer, a_in = layers[index], values[index]
        where = f"the backward step of layer '{layer.name}'"
        local = _finite(layer.local, a_in, where)
        param_grad = (_finite(layer.param_local, a_in, where) * upstream
                      if layer.param_local is not None else None)
        for value in (local * upstream, param_grad):
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{where} overflowed float64: x or a layer's parameter "
                                 f"(w, b or y_true in tiny_network) is too large")
        steps.append(BackwardStep(index, layer.name, a_in, upstream, local, local * upstream,
                                  layer.param_name, param_grad))
        upstream = local * upstream
    return steps


def gradients(layers: list[Layer], x: float) -> dict[str, float]:
    """d loss / d x and d loss / d (each parameter), read off the backward pass, keyed by the
    parameter's name. A name that several layers use (or a parameter named "x") is keyed with
    its layer's index as well, "w[0]" and "w[1]", so that every layer's gradient is kept."""
    steps = backward(layers, x)
    uses = Counter(step.param_name for step in steps if step.param_name)
    uses["x"] += 1
    grads = {(step.param_name if uses[step.param_name] == 1
              else f"{step.param_name}[{step.layer}]"): step.param_grad
             for step in steps if step.param_name}
    grads["x"] = steps[-1].downstream
    return grads


def finite_difference(f: Callable[[float], float], at: float, h: float = 1e-5) -> float:
    """(f(at + h) - f(at - h)) / (2h): the slope from nudging, no calculus needed."""
    if not callable(f):
        raise TypeError(f"f must be a function of one number, got {type(f).__name__}")
    at, h = validation.real("at", at), validation.positive("h", h)
    if not at - h < at < at + h:
        raise ValueError(f"h = {h!r} is too small to move at = {at!r} in float64")
    try:
        return _finite(lambda a: (f(a + h) - f(a - h)) / (2 * h), at, "the finite difference")
    except ValueError as error:
        raise ValueError(f"f failed between at - h = {at - h:g} and at + h = {at + h:g} "
                         f"({error}): choose a smaller at or h") from None


def loss_of(x: float, w: float = 3.0, b: float = -4.0, y_true: float = 1.0) -> float:
    """The tiny network's loss as a plain function of x and its parameters."""
    return forward(tiny_network(w, b, y_true), x)[-1]
