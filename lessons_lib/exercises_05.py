"""Checkers, hints and worked solutions for lesson 05's exercises. Right answers come from
building the graphs (PyTorch's and the tiny engine's) and running backward, never from
typed-in values."""
import numpy as np
import torch

from lessons_lib import autograd_conv, graph, tiny_autograd
from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_05")
hint, solution = BOOK.hint, BOOK.solution


def _small_graph():
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    return graph.walk(((w * x + b) ** 2).sum(), {"w": w, "b": b})


def _count_nodes():
    g = _small_graph()
    leaves = sum(node.kind == "leaf" for node in g.nodes)
    return len(g.nodes), [
        Mistake(len(g.nodes) - leaves, "Those are the operations only. Each leaf that needs a "
                "gradient (w and b) gets a node too: AccumulateGrad, which stores its .grad."),
        Mistake(len(g.nodes) + 1, "x needs no gradient, so the backward pass never visits it: "
                "it is not a node (next_functions has None in its place)."),
        Mistake(len(g.nodes) - 1, "One short: did you count both leaves, w and b, and the sum?"),
    ]


def count_nodes(answer):
    """Nodes in the graph of loss = ((w * x + b) ** 2).sum(), x a plain 3-vector."""
    right, mistakes = _count_nodes()
    return BOOK.with_help("count_nodes", check_number(answer, right, mistakes, rel_tol=0,
                                                        whole=True))


BOOK.add("count_nodes", [
    "Count one node per operation: multiply, add, square, sum.",
    "Then the leaves: a leaf that needs a gradient gets an AccumulateGrad node; one that needs "
    "none gets no node at all.",
], lambda: Solution(tuple(_small_graph().text().splitlines())
                    + (f"{len(_small_graph().nodes)} lines, one per node",),
                    len(_small_graph().nodes)))


def _mul_graph(image_size=10, kernel_size=3):
    kernel = torch.zeros(kernel_size, kernel_size, requires_grad=True)
    out = autograd_conv.conv2d_indexing(torch.zeros(image_size, image_size), kernel)
    return graph.walk(out.sum(), {"kernel": kernel})


def _mul_nodes(image_size=10, kernel_size=3):
    g = _mul_graph(image_size, kernel_size)
    positions = (image_size - kernel_size + 1) ** 2
    return g.count("MulBackward0"), [
        Mistake(positions, "That is one per output pixel. Each multiply works on a whole image "
                "slice at once: one per kernel weight."),
        Mistake(positions * kernel_size**2, "That counts every scalar product. One MulBackward0 "
                "multiplies a weight by a whole slice."),
        Mistake(g.count("AddBackward0"), "Those are the adds: one fewer than the terms they "
                "join."),
        Mistake(4, "That is for the lesson's 2x2 kernel; this one is 3x3."),
    ]


def mul_nodes(answer):
    """MulBackward0 nodes in conv2d_indexing's graph for a 3x3 kernel on a 10x10 image."""
    right, mistakes = _mul_nodes()
    return BOOK.with_help("mul_nodes", check_number(answer, right, mistakes, rel_tol=0,
                                                      whole=True))


BOOK.add("mul_nodes", [
    "Look at the loop in conv2d_by_hand: how many times does it multiply?",
    "One multiply per kernel weight, whatever the image size: each one takes a whole slice.",
], lambda: Solution(("conv2d_indexing runs kernel[a, b] * slice once per weight",
                     "a 3x3 kernel has 3 * 3 weights",
                     f"graph.walk(...).count('MulBackward0') = "
                     f"{_mul_graph().count('MulBackward0')}"),
                    _mul_graph().count("MulBackward0")))

# Exercise 3: write ReLU's backward rule for the tiny engine.
RELU_DATA = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
RELU_GRAD = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
RELU_CASES = ((RELU_DATA, RELU_GRAD), (np.array([[1.5, -3.0], [0.0, -0.25]]),
                                       np.array([[-2.0, 0.5], [7.0, 1.0]])))


def _relu_reference(data, grad):
    x = torch.tensor(data, requires_grad=True)
    torch.relu(x).backward(torch.tensor(grad))
    return x.grad.numpy()


RELU_SLIPS = {
    "the gradient unchanged": (lambda d, g: g, "ReLU blocks the gradient where its input was "
                               "negative: multiply by 0 there."),
    "only the 0/1 mask": (lambda d, g: (d > 0).astype(float), "The mask is the local "
                          "derivative; multiply it by the gradient that arrives (chain rule)."),
    "input times gradient": (lambda d, g: d * g, "That is the rule for multiply. ReLU's local "
                             "derivative is 1 where the input was positive, else 0."),
    "a mask with >= 0": (lambda d, g: (d >= 0) * g, "At exactly 0 PyTorch passes nothing on: "
                         "use input > 0."),
}


def relu_rule(function):
    """`function(data, grad)`: the gradient ReLU passes to its input, as PyTorch computes it."""
    cases = [Case(f"data={d.tolist()}, grad={g.tolist()}", lambda d=d, g=g: (d.copy(), g.copy()),
                  _relu_reference(d, g)) for d, g in RELU_CASES]
    slips = [(slip, rule, diagnosis) for slip, (rule, diagnosis) in RELU_SLIPS.items()]
    return BOOK.with_help("relu_rule", check_function(function, cases, slips))


BOOK.add("relu_rule", [
    "ReLU's output is max(0, x): how does it move when x moves a little, for x < 0 and x > 0?",
    "A rule returns local derivative times the arriving gradient, entry by entry, like square's "
    "2 * data * g.",
], lambda: Solution(("local derivative: 1 where data > 0, else 0 (PyTorch uses 0 at 0)",
                     "rule: (data > 0) * grad",
                     f"on {RELU_DATA.tolist()} with {RELU_GRAD.tolist()}: "
                     f"{_relu_reference(RELU_DATA, RELU_GRAD).tolist()}"),
                    _relu_reference(RELU_DATA, RELU_GRAD).tolist()))


def _cube_grad(x: float) -> float:
    v = tiny_autograd.Value(x)
    (v * v * v).backward()
    return float(v.grad)


CUBE_X = 2.5  # exercise 4: the lesson never cubes it


def _three_uses(x=CUBE_X):
    return _cube_grad(x), [
        Mistake(x**2, "That is one share only, as if each use overwrote .grad. backward adds "
                "every share."),
        Mistake(2 * x**2, "Two shares of three: x appears three times."),
        Mistake(x**3, "That is the value x * x * x, not its gradient."),
        Mistake(3 * x, "Close: the derivative of x cubed is 3 * x squared."),
    ]


def three_uses(answer):
    """x.grad after (x * x * x).backward() at x = 2.5, in the tiny engine."""
    right, mistakes = _three_uses()
    return BOOK.with_help("three_uses", check_number(answer, right, mistakes))


BOOK.add("three_uses", [
    "x feeds the first multiply twice and the second multiply once: three shares.",
    "Each share is the product of the other two factors, x * x.",
], lambda: Solution((f"x * x * x uses x three times; each share is x * x = {CUBE_X:g} * "
                     f"{CUBE_X:g} = {CUBE_X**2:g}",
                     f"backward adds them: 3 * {CUBE_X**2:g} = {3 * CUBE_X**2:g}",
                     f"tiny_autograd gives {_cube_grad(CUBE_X):g}"), _cube_grad(CUBE_X)))

ANSWERS = {"count_nodes": _count_nodes, "mul_nodes": _mul_nodes, "three_uses": _three_uses}
