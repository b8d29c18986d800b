"""A tiny autograd engine, the one lesson 05 has you write (lesson 05).

A `Value` holds a NumPy array and remembers how it was made: `op` names the operation ("" for a
leaf you made yourself) and `parents` lists, for each input, the input and its *rule*, a
function from the gradient arriving at this value to that input's share of it. Five operations
are enough for lesson 03's chain and lesson 04's training step: add, multiply, square, sum and
indexing. `backward()` orders the graph so that every value comes after all the values made
from it (reverse topological order), then hands each gradient to the inputs. It *adds* into
`.grad`, so a value used twice collects both shares (the fan-out rule of lesson 03).

`graph.walk_values` draws a Value's graph with the same code that draws PyTorch's.
"""
import functools

import numpy as np

from lessons_lib import validation


def _no_overflow(operation):
    """Run an operation (or the backward pass) so that leaving float64's range is a ValueError
    in words, never a silent inf or a RuntimeWarning."""
    @functools.wraps(operation)
    def checked(*args, **kwargs):
        with validation.no_overflow(f"Value.{operation.__name__}", "the values are too large"):
            return operation(*args, **kwargs)
    return checked


def _fit(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting: sum a gradient down to the shape of the value it belongs to (a
    weight times a whole image slice gets one number back, the sum over the slice)."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Value:
    """An array that remembers the operation that made it."""

    __array_ufunc__ = None  # array * Value goes to Value.__rmul__, not to NumPy

    def __init__(self, data, parents=(), op: str = ""):
        self.data = validation.array("data", data)  # a number, or an array of numbers
        if not isinstance(parents, (tuple, list)) or not all(
                isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], Value)
                and callable(p[1]) for p in parents):
            raise TypeError(f"parents must be a tuple of (input Value, rule) pairs, "
                            f"got {parents!r:.60}")
        self.grad = np.zeros_like(self.data)
        self.parents = tuple(parents)  # ((input Value, rule), ...)
        self.op = validation.text("op", op)

    @property
    def shape(self) -> tuple:
        return self.data.shape

    def __repr__(self) -> str:
        return f"Value({self.data}, op={self.op or 'leaf'!r})"

    @_no_overflow
    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data,
                     ((self, lambda g: _fit(g, self.data.shape)),  # adding passes g on as it is
                      (other, lambda g: _fit(g, other.data.shape))), "add")

    __radd__ = __add__

    @_no_overflow
    def __mul__(self, other):
        other = _as_value(other)
        return Value(self.data * other.data,
                     ((self, lambda g: _fit(g * other.data, self.data.shape)),  # times the other
                      (other, lambda g: _fit(g * self.data, other.data.shape))), "mul")

    __rmul__ = __mul__

    @_no_overflow
    def square(self):
        return Value(self.data**2, ((self, lambda g: 2 * self.data * g),), "square")

    @_no_overflow
    def sum(self):
        return Value(self.data.sum(), ((self, lambda g: np.full(self.data.shape, g)),), "sum")

    def __getitem__(self, index):
        def rule(g):  # the picked entries get g, every other entry 0
            full = np.zeros_like(self.data)
            full[index] += g
            return full

        return Value(self.data[index], ((self, rule),), "index")

    @_no_overflow
    def backward(self) -> None:
        """d self / d every value it was made from, added into their .grad."""
        order, seen = [], set()

        def visit(value):  # depth first: a value is listed after all its inputs
            if id(value) not in seen:
                seen.add(id(value))
                for parent, _ in value.parents:
                    visit(parent)
                order.append(value)

        visit(self)
        self.grad = np.ones_like(self.data)  # d self / d self
        for value in reversed(order):  # self first; each value before its inputs
            for parent, rule in value.parents:
                parent.grad = parent.grad + rule(value.grad)  # add: fan-out collects shares


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def conv2d(image: Value, kernel: Value) -> Value:
    """Lesson 04's cross-correlation from index, multiply and add (no padding, stride 1)."""
    for name, v in (("image", image), ("kernel", kernel)):
        if not isinstance(v, Value) or v.data.ndim != 2:
            raise ValueError(f"{name} must be a 2-D Value, got "
                             f"{getattr(getattr(v, 'data', v), 'shape', type(v).__name__)}")
    h = image.data.shape[0] - kernel.data.shape[0] + 1
    w = image.data.shape[1] - kernel.data.shape[1] + 1
    if h < 1 or w < 1:
        raise ValueError(f"kernel {kernel.data.shape} does not fit in image {image.data.shape}")
    out = None
    for a in range(kernel.data.shape[0]):
        for b in range(kernel.data.shape[1]):
            term = kernel[a, b] * image[a:a + h, b:b + w]
            out = term if out is None else out + term
    return out


def lesson_04_gradients(image, kernel) -> tuple[np.ndarray, np.ndarray]:
    """(d loss / d kernel, d loss / d image) for loss = sum(conv2d(image, kernel)**2)."""
    image, kernel = (validation.array(name, v, ndim=2) for name, v in
                     (("image", image), ("kernel", kernel)))
    for name, v in (("image", image), ("kernel", kernel)):
        if np.abs(v).max() > 1e50:
            raise ValueError(f"{name} must hold values within +-1e50")
    image, kernel = Value(image), Value(kernel)
    conv2d(image, kernel).square().sum().backward()
    return kernel.grad, image.grad
