"""A tiny autograd engine, the one lesson 05 has you write piece by piece (lesson 05).

A `Value` holds a NumPy array and remembers how it was made: `op` names the operation ("" for a
leaf you made yourself) and `parents` lists, for each input, the input and its *rule*, a
function from the gradient arriving at this value to that input's share of it. The rules come
from four small backward functions; with the order and the walk they are the six pieces the
lesson asks you to write:

    add_backward(grad)            -> (grad, grad)            adding passes g on to both sides
    mul_backward(a, b, grad)      -> (grad * b, grad * a)    each side gets "times the other"
    square_backward(a, grad)      -> 2 * a * grad
    relu_backward(a, grad)        -> grad where a > 0, else 0
    topo_order(root)              -> every value, each before the values it was made from
    backward_pass(root)           -> fills in .grad everywhere (Value.backward() calls it)

`backward_pass(root)` seeds the root's gradient with 1, walks `topo_order` and *adds* each
share into the input's `.grad`, so a value used twice collects both shares (lesson 03's fan-out
rule). It starts every value made by an operation at zero, so a
second call gives the same shares again; leaves keep adding, as in PyTorch (set
`leaf.grad[...] = 0` between training steps). `topo_order` uses a list as its stack, not
recursion, so a chain of 10,000 operations is fine.

`graph.walk_values` draws a Value's graph with the same code that draws PyTorch's.
"""
import functools
import inspect

import numpy as np

from lessons_lib import validation


def _arrays(piece):
    """Check a backward piece's arguments (arrays of finite numbers whose shapes broadcast) and
    run it with overflow turned into words, so that the piece itself stays three words long."""
    signature = inspect.signature(piece)
    names = list(signature.parameters)

    @functools.wraps(piece)
    def checked(*args, **kwargs):
        if not kwargs and len(args) == len(names) and all(
                type(a) is np.ndarray and a.dtype == np.float64 and np.isfinite(a).all()
                for a in args):  # the engine's own arrays: only the shapes can still be wrong
            try:
                with np.errstate(over="raise", invalid="raise"):
                    return piece(*args)
            except FloatingPointError:
                raise ValueError(f"{piece.__name__}: the values are too large") from None
            except ValueError:
                pass  # shapes that do not broadcast: said in words below
        try:
            given = signature.bind(*args, **kwargs).arguments
        except TypeError:
            raise TypeError(f"{piece.__name__} takes {', '.join(names)}") from None
        arrays = [validation.array(name, given[name]) for name in names]
        try:
            np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            raise ValueError(f"{', '.join(names)} must have shapes that match or broadcast, "
                             f"got {', '.join(str(a.shape) for a in arrays)}") from None
        with validation.no_overflow(piece.__name__, "the values are too large"):
            return piece(*arrays)
    return checked


def _a_value(root) -> None:
    """Any value with .data, .grad and .parents will do (lesson 05's own Value class too)."""
    if not all(hasattr(root, attr) for attr in ("data", "grad", "parents")):
        raise TypeError(f"root must be a Value (with .data, .grad and .parents), got "
                        f"{type(root).__name__} {root!r:.40}")


@_arrays
def add_backward(grad):
    return grad, grad


@_arrays
def mul_backward(a, b, grad):
    return grad * b, grad * a


@_arrays
def square_backward(a, grad):
    return 2 * a * grad


@_arrays
def relu_backward(a, grad):
    return (a > 0) * grad


def topo_order(root) -> list:
    """Every value behind root once, root first, each value before the values it was made from
    (a depth-first walk kept on a list; a value is listed once all its inputs are)."""
    _a_value(root)
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        value, inputs_done = stack.pop()
        if inputs_done:
            order.append(value)
        elif id(value) not in seen:
            seen.add(id(value))
            stack.append((value, True))
            stack.extend((parent, False) for parent, _ in value.parents)
    return order[::-1]


def backward_pass(root) -> None:
    """d root / d every value behind it, added into their .grad."""
    _a_value(root)
    order = topo_order(root)
    for value in order:
        if value.parents:  # made by an operation: start from zero on every call
            value.grad = np.zeros_like(value.data)
    root.grad = root.grad + np.ones_like(root.data)  # the seed: d root / d root = 1
    for value in order:
        for parent, rule in value.parents:
            parent.grad = parent.grad + rule(value.grad)  # add: fan-out collects every share


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


def _pair(a, b, op: str):
    b = b if isinstance(b, Value) else Value(b)
    try:
        np.broadcast_shapes(a.data.shape, b.data.shape)
    except ValueError:
        raise ValueError(f"cannot {op} a Value of shape {a.data.shape} and one of shape "
                         f"{b.data.shape}: the shapes must match or broadcast") from None
    return b


class Value:
    """An array that remembers the operation that made it."""

    # NumPy would otherwise treat `array * value` as its own ufunc and apply it to the Value
    # entry by entry; None tells NumPy to step aside, so Python calls Value.__rmul__ instead.
    __array_ufunc__ = None

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
        other = _pair(self, other, "add")
        return Value(self.data + other.data,
                     ((self, lambda g: _fit(add_backward(g)[0], self.shape)),
                      (other, lambda g: _fit(add_backward(g)[1], other.shape))), "add")

    __radd__ = __add__

    @_no_overflow
    def __mul__(self, other):
        other = _pair(self, other, "multiply")
        a, b = self.data, other.data
        return Value(a * b, ((self, lambda g: _fit(mul_backward(a, b, g)[0], self.shape)),
                             (other, lambda g: _fit(mul_backward(a, b, g)[1], other.shape))),
                     "mul")

    __rmul__ = __mul__

    @_no_overflow
    def square(self):
        return Value(self.data**2, ((self, lambda g: square_backward(self.data, g)),), "square")

    def relu(self):
        return Value(np.maximum(self.data, 0), ((self, lambda g: relu_backward(self.data, g)),),
                     "relu")

    @_no_overflow
    def sum(self):
        return Value(self.data.sum(), ((self, lambda g: np.full(self.shape, g)),), "sum")

    def __getitem__(self, index):
        def rule(g):  # the picked entries get g, every other entry 0; picked twice, twice
            full = np.zeros_like(self.data)
            np.add.at(full, index, g)
            return full

        return Value(self.data[index], ((self, rule),), "index")

    @_no_overflow
    def backward(self) -> None:
        """d self / d every value it was made from, added into their .grad."""
        backward_pass(self)


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
