"""Checkers, hints and worked solutions for lesson 05's exercises: the engine's pieces, written
by the learner one function at a time (each checked on fresh cases against PyTorch or the
library's engine, typical slips named), and one count read off PyTorch's graph.

`yours_or_ours(name, function)` lets the lesson run on: the learner's piece when it passes its
checker, else tiny_autograd's own."""
import numpy as np
import torch

from lessons_lib import autograd_conv, graph, tiny_autograd
from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function
from lessons_lib.tiny_autograd import Value

BOOK = Hints("exercises_05")
hint, solution = BOOK.hint, BOOK.solution


def _torch_shares(make, *arrays):
    """The gradient of make(*tensors) with respect to each input, sent back with `grad`."""
    *inputs, grad = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays)
    make(*inputs).backward(grad.detach())
    return [t.grad.numpy() for t in inputs]


def _rule_exercise(name, cases, slips, hints, steps):
    def check(function):
        return BOOK.with_help(name, check_function(function, cases, slips))

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"Checks your {name} on fresh cases against PyTorch."
    reference = getattr(tiny_autograd, name)
    BOOK.add(name, hints, lambda: Solution(
        (*steps, f"on {cases[0].label}: {np.asarray(reference(*cases[0].make_args())).tolist()}"),
        np.asarray(reference(*cases[0].make_args())).tolist()))
    return check


A, B, G = np.array([1.5, -2.0, 0.5]), np.array([4.0, 3.0, -1.0]), np.array([2.0, -1.0, 3.0])
add_backward = _rule_exercise(
    "add_backward", [Case(f"grad={g.tolist()}", lambda g=g: (g.copy(),),
                          np.array(_torch_shares(lambda x, y: x + y, A[:len(g)], B[:len(g)], g)))
                     for g in (np.array([1.0, 4.0]), G)],
    [("half of grad to each input", lambda g: (g / 2, g / 2), "Adding does not split the "
      "gradient: each input moves the sum one for one, so each gets all of grad."),
     ("ones, whatever arrives", lambda g: (np.ones_like(g), np.ones_like(g)), "1 is the local "
      "derivative; the chain rule multiplies it by the grad that arrives."),
     ("grad to the first input only", lambda g: (g, 0 * g), "Both inputs made the sum: both "
      "get a share.")],
    ["If a moves by a little bit, how much does a + b move? And if b does?",
     "Each local derivative is 1; times the arriving grad: return (grad, grad)."],
    ("d(a + b)/da = 1 and d(a + b)/db = 1", "times the arriving grad: (grad, grad)"))

MUL_CASES = [(np.array([2.0, -1.0]), np.array([0.5, 3.0]), np.array([1.0, 4.0])), (A, B, G)]
mul_backward = _rule_exercise(
    "mul_backward", [Case(f"a={a.tolist()}, b={b.tolist()}, grad={g.tolist()}",
                          lambda a=a, b=b, g=g: (a.copy(), b.copy(), g.copy()),
                          np.array(_torch_shares(lambda x, y: x * y, a, b, g)))
                     for a, b, g in MUL_CASES],
    [("the two shares swapped", lambda a, b, g: (g * a, g * b), "a's share is grad times the "
      "OTHER factor, b: nudging a moves a * b by b per unit."),
     ("the other factors without grad", lambda a, b, g: (b, a), "That is the local derivative "
      "alone; multiply it by the grad that arrives (chain rule)."),
     ("add's rule", lambda a, b, g: (g, g), "Multiplying is not adding: each share is scaled by "
      "the other factor.")],
    ["If a moves by a little bit h, a * b moves by h * b. What about b?",
     "a gets grad * b, b gets grad * a: return (grad * b, grad * a)."],
    ("d(a * b)/da = b and d(a * b)/db = a", "times the arriving grad: (grad * b, grad * a)"))

SQUARE_CASES = [(np.array([3.0, -0.5]), np.array([1.0, 2.0])), (A, G)]
square_backward = _rule_exercise(
    "square_backward", [Case(f"a={a.tolist()}, grad={g.tolist()}",
                             lambda a=a, g=g: (a.copy(), g.copy()),
                             _torch_shares(lambda x: x**2, a, g)[0]) for a, g in SQUARE_CASES],
    [("a * grad", lambda a, g: a * g, "The derivative of a squared is 2 * a: the 2 is missing."),
     ("2 * a without grad", lambda a, g: 2 * a, "That is the local derivative alone; multiply "
      "it by the grad that arrives."),
     ("a squared times grad", lambda a, g: a**2 * g, "That is the value a**2, not its "
      "derivative 2 * a."),
     ("2 * grad", lambda a, g: 2 * g, "The derivative of a squared depends on a: 2 * a.")],
    ["Square is a * a: lesson 03's fan-out gives a two shares of grad * a.",
     "Return 2 * a * grad."],
    ("d(a**2)/da = 2 * a", "times the arriving grad: 2 * a * grad"))

RELU_DATA = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
RELU_GRAD = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
RELU_CASES = [(RELU_DATA, RELU_GRAD), (np.array([[1.5, -3.0], [0.0, -0.25]]),
                                       np.array([[-2.0, 0.5], [7.0, 1.0]]))]
relu_backward = _rule_exercise(
    "relu_backward", [Case(f"a={a.tolist()}, grad={g.tolist()}",
                           lambda a=a, g=g: (a.copy(), g.copy()),
                           _torch_shares(torch.relu, a, g)[0]) for a, g in RELU_CASES],
    [("the gradient unchanged", lambda a, g: g, "ReLU blocks the gradient where its input was "
      "negative: multiply by 0 there."),
     ("only the 0/1 mask", lambda a, g: (a > 0).astype(float), "The mask is the local "
      "derivative; multiply it by the gradient that arrives (chain rule)."),
     ("input times gradient", lambda a, g: a * g, "That is the rule for multiply. ReLU's local "
      "derivative is 1 where the input was positive, else 0."),
     ("a mask with >= 0", lambda a, g: (a >= 0) * g, "At exactly 0 PyTorch passes nothing on: "
      "use a > 0.")],
    ["ReLU's output is max(0, a): how does it move when a moves a little, for a < 0 and a > 0?",
     "A rule returns local derivative times the arriving gradient, entry by entry, like "
     "square's 2 * a * grad."],
    ("local derivative: 1 where a > 0, else 0 (PyTorch uses 0 at 0)", "rule: (a > 0) * grad"))


def yours_or_ours(name: str, function):
    """Your piece if it passes its checker, else tiny_autograd's (so the lesson runs on)."""
    checkers = {"add_backward": add_backward, "mul_backward": mul_backward,
                "square_backward": square_backward, "relu_backward": relu_backward,
                "topo_order": topo_order, "backward_pass": backward_pass}
    if name not in checkers:
        raise ValueError(f"name must be one of {', '.join(checkers)}, got {name!r:.40}")
    feedback = checkers[name](function)
    if feedback.correct:  # yours agreed with PyTorch and the library on every case
        print(f"Using your {name}: it gives the library's results on every case.")
        return function
    why = ("Not attempted yet" if feedback.status == "not attempted" else
           f"Your {name} is not right yet (see its checker)")
    print(f"{why}: carrying on with tiny_autograd.{name}.")
    return getattr(tiny_autograd, name)


def _features(order, root):
    """What the checker reads off an order: [every value in it, none twice, root first, each
    value before the values it was made from], 1 for yes and 0 for no."""
    if order is None or isinstance(order, (str, bytes)) or not hasattr(order, "__len__"):
        return order  # None, or not a list: check_function says what it was
    order = list(order)
    if not all(isinstance(v, Value) for v in order):
        return "a list holding something other than Values"
    everything = tiny_autograd.topo_order(root)
    ids = [id(v) for v in order]
    covers = set(ids) == {id(v) for v in everything}
    once = covers and len(ids) == len(set(ids))
    if not once:
        return [float(covers), 0.0, 0.0, 0.0]
    place = {i: n for n, i in enumerate(ids)}
    before = all(place[id(v)] < place[id(p)] for v in everything for p, _ in v.parents)
    return [1.0, 1.0, float(ids[0] == id(root)), float(before)]


def _chain():
    x, w, b = Value(1.5), Value(-2.0), Value(0.5)
    return ((w * x + b).square() + (-1.0)).square()


def _fan_out():
    v = Value([1.0, 2.0, 3.0])
    shared = v * v
    return (shared + shared * v).sum() + v[0]


def _long_chain():
    long = Value(0.0)
    for _ in range(10_000):
        long = long + 1.0
    return long


# Fresh graphs for topo_order: lesson 03's chain with new numbers, a fan-out, a long chain.
ORDER_GRAPHS = {"lesson 03's chain": _chain, "a value used three times": _fan_out,
                "a chain of 10,000 adds": _long_chain}


def _order_of(function):
    def run(root):
        try:
            return _features(function(root), root)
        except RecursionError:
            raise RuntimeError("too deep for recursion (10,000 nested calls): keep the values "
                               "still to visit on a list") from None
    return run


def _order_slip(vector):
    return lambda root: vector


def topo_order(function):
    """`function(root)`: every value behind root once, root first, each value before the values
    it was made from."""
    cases = [Case(label, lambda make=make: (make(),), [1.0] * 4)
             for label, make in ORDER_GRAPHS.items()]
    slips = [("the order reversed (leaves first)", _order_slip([1.0, 1.0, 0.0, 0.0]),
              "backward needs the root first: reverse your list."),
             ("a list with a value in it twice", _order_slip([1.0, 0.0, 0.0, 0.0]),
              "A value used by two others is reached twice: keep a set of the ids seen."),
             ("a list missing some values", _order_slip([0.0, 0.0, 0.0, 0.0]), "Follow every "
              "parent of every value, down to the leaves."),
             ("a value listed before one made from it", _order_slip([1.0, 1.0, 1.0, 0.0]),
              "List a value only once all the values made from it are listed: add it after "
              "its inputs (depth first), then reverse.")]
    run = _order_of(function) if callable(function) else function  # not one: the checker says
    return BOOK.with_help("topo_order", check_function(run, cases, slips))


BOOK.add("topo_order", [
    "Depth first: a value goes on the list after all its inputs are on it; reversed, that puts "
    "the root first. Keep a set of ids seen so each value is listed once.",
    "No recursion: a list `stack` of (value, inputs_done) pairs. Pop one; if inputs_done, "
    "append it to the order; else, if unseen, mark it, push (value, True), then push "
    "(parent, False) for each parent. Return the order reversed.",
], lambda: Solution(("stack = [(root, False)]; pop until empty",
                     "(v, True): order.append(v); (v, False) unseen: push (v, True), then each "
                     "(parent, False)", "return order[::-1]: the root first",
                     f"lesson 03's chain: {_chain_ops()}"), _chain_ops()))


def _chain_ops():
    return [v.op or "leaf" for v in tiny_autograd.topo_order(_chain())]


def _backward_graphs():
    """Fresh graphs and their leaves; the third runs backward twice."""
    x, w, b = Value(1.5), Value(-2.0), Value(0.5)
    chain = ((w * x + w * b).square() + (-1.0)).square()  # w is used twice
    v = Value([1.0, 2.0, 3.0])
    shared = v * v
    fan_out = (shared + shared * v).sum()
    y = Value(2.0)
    twice = y * y * y
    return {"lesson 03's chain, w used twice": (chain, (x, w, b), 1),
            "a value used three times": (fan_out, (v,), 1),
            "x * x * x with backward run twice": (twice, (y,), 2)}


def _grads_after(function):
    def run(label):
        root, leaves, times = _backward_graphs()[label]
        before = [id(v.grad) for v in tiny_autograd.topo_order(root)]
        for _ in range(times):
            result = function(root)
            if result is not None and not isinstance(result, Value):
                return result
        if before == [id(v.grad) for v in tiny_autograd.topo_order(root)] and not any(
                np.any(v.grad) for v in tiny_autograd.topo_order(root)):
            return None  # no .grad touched: not written yet
        return np.concatenate([np.ravel(v.grad) for v in leaves])
    return run


def _assign(root):
    order = tiny_autograd.topo_order(root)
    for v in order:
        if v.parents:
            v.grad = np.zeros_like(v.data)
    root.grad = np.ones_like(root.data)
    for v in order:
        for parent, rule in v.parents:
            parent.grad = rule(v.grad)


def _slip(seed=True, reverse=False, reset=True, leaves=False):
    def slipped(root):
        order = tiny_autograd.topo_order(root)
        for v in order:
            if (v.parents or leaves) and reset:
                v.grad = np.zeros_like(v.data)
        if seed:
            root.grad = root.grad + np.ones_like(root.data)
        for v in order[::-1] if reverse else order:
            for parent, rule in v.parents:
                parent.grad = parent.grad + rule(v.grad)
    return slipped


def backward_pass(function):
    """`function(root)`: seed root's gradient with 1, walk topo_order(root), add each share."""
    right = _grads_after(tiny_autograd.backward_pass)
    cases = [Case(label, lambda label=label: (label,), right(label))
             for label in _backward_graphs()]
    slips = [("a share assigned instead of added", _grads_after(_assign), "A value used twice "
              "must keep both shares: parent.grad = parent.grad + rule(value.grad)."),
             ("what a forgotten seed gives", _grads_after(_slip(seed=False)), "Start the root's "
              "gradient at 1 (d root / d root): with 0, every share is 0."),
             ("the order walked leaves first", _grads_after(_slip(reverse=True)), "Walk "
              "topo_order(root) root first: a value must hold all its shares before it passes "
              "them on."),
             ("what the gradients of a first call added in again give",
              _grads_after(_slip(reset=False)), "Values made by an operation must start from "
              "zero on every call (leaves keep adding, as in PyTorch)."),
             ("what resetting the leaves too gives", _grads_after(_slip(leaves=True)),
              "Reset only values made by an operation (v.parents not empty): leaves keep "
              "adding, as in PyTorch, so a gradient can be summed over several pieces.")]
    run = _grads_after(function) if callable(function) else function  # not one: checker says
    return BOOK.with_help("backward_pass", check_function(run, cases, slips))


BOOK.add("backward_pass", [
    "Three duties: values made by an operation (v.parents not empty) start at zero; the root's "
    "gradient gets 1 added (the seed); then every value, root first, hands its .grad through "
    "each (parent, rule) pair.",
    "order = topo_order(root); for v in order: if v.parents: v.grad = np.zeros_like(v.data). "
    "root.grad = root.grad + np.ones_like(root.data). for v in order: for parent, rule in "
    "v.parents: parent.grad = parent.grad + rule(v.grad).",
], lambda: Solution(("made values start at 0; root.grad += 1",
                     "root first: parent.grad = parent.grad + rule(value.grad)",
                     f"x * x * x at x = 2, backward twice: x.grad = {_twice():g}"), _twice()))


def _twice():
    return float(_grads_after(tiny_autograd.backward_pass)("x * x * x with backward run twice")[0])


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

ANSWERS = {"mul_nodes": _mul_nodes}
