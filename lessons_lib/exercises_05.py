"""Checkers, hints and worked solutions for lesson 05's exercises: the engine's pieces, written
by the learner one function at a time (each checked on fresh cases against PyTorch or the
library's engine, typical slips named), and one count read off PyTorch's graph.

`yours_or_ours(name, function)` lets the lesson run on: the learner's piece when it passes its
checker, else tiny_autograd's own."""
import functools
import gc
import inspect
import sys
import time

import numpy as np
import torch

from lessons_lib import autograd_conv, graph, tiny_autograd, validation
from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function
from lessons_lib.tiny_autograd import Value

BOOK = Hints("exercises_05")
hint, solution = BOOK.hint, BOOK.solution


class _Say(Exception):
    """Raised in the checker's process to say, in words, why a result cannot be used."""


def _plain(feedback):
    """Feedback with a _Say message shown as plain words (no exception name)."""
    return type(feedback)(feedback.status, feedback.message.replace("it raised _Say: ", ""),
                          feedback.slip)


@validation.autograd()  # the same answer inside a learner's torch.no_grad()
def _torch_shares(make, *arrays):
    """The gradient of make(*tensors) with respect to each input, sent back with `grad`."""
    *inputs, grad = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays)
    make(*inputs).backward(grad.detach())
    return [t.grad.numpy() for t in inputs]


_EXAMPLE = {"add_backward": "(grad, grad)", "mul_backward": "(grad * b, grad * a)",
            "square_backward": "2 * a * grad", "relu_backward": "(a > 0) * grad"}


def _rule_of(name, function, pair):
    """In the checker's process: the learner's rule on copies of the arguments; its shares must
    be NumPy arrays of the input's shape, and the arguments must come back unchanged."""
    def run(*args):
        kept = [np.array(a, copy=True) for a in args]
        result = function(*args)
        names = list(inspect.signature(getattr(tiny_autograd, name)).parameters)
        for arg_name, arg, before in zip(names, args, kept):
            if not np.array_equal(arg, before):
                raise _Say(f"it changed {arg_name} in place: build a new array, as in "
                           f"{_EXAMPLE[name]}, and leave {arg_name} as it came")
        if result is None:
            return None
        if isinstance(result, str) or isinstance(result, float) and not np.isfinite(result):
            return result  # text or NaN: said as the checker says it for every exercise
        shares = result if pair else (result,)
        if pair and (not isinstance(result, (tuple, list)) or len(result) != 2):
            raise _Say(f"return two shares, {_EXAMPLE[name]}, not {type(result).__name__}")
        if any(isinstance(x, str) or isinstance(x, float) and not np.isfinite(x)
               for x in shares):
            return result  # text or NaN: said as the checker says it for every exercise
        for share in shares:
            if not isinstance(share, (np.ndarray, np.generic)):
                raise _Say(f"return NumPy arrays, like {_EXAMPLE[name]}, not a "
                           f"{type(share).__name__}: the engine's arrays must stay arrays")
            if np.shape(share) != np.shape(args[-1]):
                raise _Say(f"a share has shape {np.shape(share)}, but grad has shape "
                           f"{np.shape(args[-1])}: each entry of grad gets its own share")
        return np.array([np.asarray(s, dtype=float) for s in shares]) if pair else result
    return run


def _code_solution(name, code, case):
    """A worked solution: the code, a line of reasoning per step, run on the first case."""
    space = {"np": np}
    exec(code, space)  # the solution's own code computes the answer shown
    answer = (np.asarray(space[name](*case.make_args())) + 0.0).tolist()  # + 0.0: no -0.0
    return Solution((*code.strip().splitlines(), f"# on {case.label}: {answer}"), answer)


def _rule_exercise(name, cases, slips, hints, code):
    pair = name in ("add_backward", "mul_backward")

    def check(function):
        run = _rule_of(name, function, pair) if callable(function) else function
        return _plain(BOOK.with_help(name, check_function(run, cases, slips)))

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"Checks your {name} on fresh cases against PyTorch."
    BOOK.add(name, hints, lambda: _code_solution(name, code, cases[0]))
    return check


def _rule_cases(make, shapes):
    """Fresh cases in 1-D, 0-d and 2-D: shapes gives the arrays of each case."""
    cases = []
    for arrays in shapes:
        names = {1: ("grad",), 2: ("a", "grad"), 3: ("a", "b", "grad")}[len(arrays)]
        label = ", ".join(f"{n}={np.asarray(x).tolist()}" for n, x in zip(names, arrays))
        if len(arrays) == 2:  # one input: its share
            want = _torch_shares(make, *arrays)[0]
        else:  # two inputs (add's values do not matter, so grad stands in for both)
            want = np.array(_torch_shares(make, *(arrays * 3)[-3:])[:2])
        cases.append(Case(label, lambda arrays=arrays: tuple(np.array(x, copy=True)
                                                             for x in arrays), want))
    return cases


A, B, G = np.array([1.5, -2.0, 0.5]), np.array([4.0, 3.0, -1.0]), np.array([2.0, -1.0, 3.0])
A2, B2 = np.array([[1.5, -3.0], [0.0, -0.25]]), np.array([[2.0, 0.5], [-1.0, 4.0]])
G2 = np.array([[-2.0, 0.5], [7.0, 1.0]])
add_backward = _rule_exercise(
    "add_backward", _rule_cases(lambda x, y: x + y, [(np.array([1.0, 4.0]),), (G,),
                                                      (np.array(2.5),), (G2,)]),
    [("half of grad to each input", lambda g: (g / 2, g / 2), "Adding does not split the "
      "gradient: each input moves the sum one for one, so each gets all of grad."),
     ("ones, whatever arrives", lambda g: (np.ones_like(g), np.ones_like(g)), "1 is the local "
      "derivative; the chain rule multiplies it by the grad that arrives."),
     ("grad to the first input only", lambda g: (g, 0 * g), "Both inputs made the sum: both "
      "get a share.")],
    ["If a moves by a little bit, how much does a + b move? And if b does?",
     "That movement per unit is the local derivative. The chain rule multiplies it by the "
     "gradient that arrives: what does that leave for each input?"],
    """def add_backward(grad):
    # a + b moves one for one with a, and one for one with b: both local derivatives are 1
    # chain rule: each input's share is its local derivative times the arriving grad
    return grad, grad""")

mul_backward = _rule_exercise(
    "mul_backward", _rule_cases(lambda x, y: x * y, [
        (np.array([2.0, -1.0]), np.array([0.5, 3.0]), np.array([1.0, 4.0])), (A, B, G),
        (np.array(-1.5), np.array(4.0), np.array(2.0)), (A2, B2, G2)]),
    [("the two shares swapped", lambda a, b, g: (g * a, g * b), "a's share is grad times the "
      "OTHER factor, b: nudging a moves a * b by b per unit."),
     ("the other factors without grad", lambda a, b, g: (b, a), "That is the local derivative "
      "alone; multiply it by the grad that arrives (chain rule)."),
     ("add's rule", lambda a, b, g: (g, g), "Multiplying is not adding: each share is scaled by "
      "the other factor.")],
    ["If a moves by a little bit h, a * b moves by h * b. What about b?",
     "Those movements per unit are the local derivatives. Multiply each by the gradient that "
     "arrives, entry by entry."],
    """def mul_backward(a, b, grad):
    # nudging a by h moves a * b by h * b, so d(a * b)/da = b; likewise d(a * b)/db = a
    # chain rule: each local derivative times the arriving grad, entry by entry
    return grad * b, grad * a""")

square_backward = _rule_exercise(
    "square_backward", _rule_cases(lambda x: x**2, [
        (np.array([3.0, -0.5]), np.array([1.0, 2.0])), (A, G), (np.array(-1.5), np.array(2.0)),
        (A2, G2)]),
    [("a * grad", lambda a, g: a * g, "The derivative of a squared is 2 * a: the 2 is missing."),
     ("2 * a without grad", lambda a, g: 2 * a, "That is the local derivative alone; multiply "
      "it by the grad that arrives."),
     ("a squared times grad", lambda a, g: a**2 * g, "That is the value a**2, not its "
      "derivative 2 * a."),
     ("2 * grad", lambda a, g: 2 * g, "The derivative of a squared depends on a: 2 * a.")],
    ["Square is a * a: lesson 03's fan-out rule says a collects a share from each factor.",
     "What is each factor's share in a * a (think of mul's rule), and what do the two add up "
     "to?"],
    """def square_backward(a, grad):
    # a**2 is a * a: a gets a share grad * a from each of the two factors
    # the two shares add up (fan-out): 2 * a * grad
    return 2 * a * grad""")

RELU_DATA = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
RELU_GRAD = np.array([-1.0, 2.0, -3.0, 4.0, -5.0])  # negative too: max(grad, 0) is no mask
relu_backward = _rule_exercise(
    "relu_backward", _rule_cases(torch.relu, [
        (RELU_DATA, RELU_GRAD), (A2, G2), (np.array(-0.5), np.array(3.0)),
        (np.array(2.0), np.array(-3.0))]),
    [("the gradient unchanged", lambda a, g: g, "ReLU blocks the gradient where its input was "
      "negative: multiply by 0 there."),
     ("only the 0/1 mask", lambda a, g: (a > 0).astype(float), "The mask is the local "
      "derivative; multiply it by the gradient that arrives (chain rule)."),
     ("input times gradient", lambda a, g: a * g, "That is the rule for multiply. ReLU's local "
      "derivative is 1 where the input was positive, else 0."),
     ("a mask with >= 0", lambda a, g: (a >= 0) * g, "At exactly 0 PyTorch passes nothing on: "
      "use a > 0."),
     ("ReLU of the gradient", lambda a, g: np.maximum(g, 0), "Whether the gradient passes "
      "depends on the INPUT a, not on the sign of grad.")],
    ["ReLU's output is max(0, a): how does it move when a moves a little, for a < 0 and a > 0?",
     "A rule returns local derivative times the arriving gradient, entry by entry, like "
     "square's. Which entries of a let the gradient through?"],
    """def relu_backward(a, grad):
    # max(0, a) moves one for one with a where a > 0 and not at all where a <= 0
    # (a > 0) is that local derivative, 1 or 0 (PyTorch uses 0 at exactly 0)
    # chain rule: times the arriving grad, entry by entry
    return (a > 0) * grad""")


def yours_or_ours(name: str, function):
    """Your piece if it passes its checker, else tiny_autograd's (so the lesson runs on)."""
    checkers = {"add_backward": add_backward, "mul_backward": mul_backward,
                "square_backward": square_backward, "relu_backward": relu_backward,
                "topo_order": topo_order, "backward_pass": backward_pass}
    if name not in checkers:
        raise ValueError(f"name must be one of {', '.join(checkers)}, got {name!r:.40}")
    feedback = checkers[name](function)
    if feedback.correct:  # yours agreed with PyTorch and the library on every case
        sys.stdout.write(f"Using your {name}: it passes every check.\n")  # one write, one line
        return function
    why = ("Not attempted yet" if feedback.status == "not attempted" else
           f"Your {name} is not right yet (see its checker)")
    sys.stdout.write(f"{why}: carrying on with tiny_autograd.{name}.\n")
    return getattr(tiny_autograd, name)


def _features(order, root):
    """What the checker reads off an order: [every value in it, none twice, each value before
    the values it was made from (so the root first), each value after them (the order
    reversed)], 1 for yes and 0 for no."""
    if order is None or isinstance(order, (str, int, float)):
        return order  # None, text or a number: said as for every exercise
    if isinstance(order, bytes) or not hasattr(order, "__len__"):
        if "reverse" in type(order).__name__:
            raise _Say("reversed(order) is an iterator, not a list: return order[::-1]")
        raise _Say(f"return a list of Values, not a {type(order).__name__}")
    order = list(order)
    if not all(isinstance(v, Value) for v in order):
        kind = next(type(v).__name__ for v in order if not isinstance(v, Value))
        raise _Say(f"return a list of the Values themselves, not of {kind}s")
    everything = tiny_autograd.topo_order(root)
    ids = [id(v) for v in order]
    covers = set(ids) == {id(v) for v in everything}
    once = covers and len(ids) == len(set(ids))
    if not once:
        return [float(covers), 0.0, 0.0, 0.0]
    place = {i: n for n, i in enumerate(ids)}
    pairs = [(place[id(v)], place[id(p)]) for v in everything for p, _ in v.parents]
    return [1.0, 1.0, float(all(v < p for v, p in pairs)), float(all(v > p for v, p in pairs))]


def _chain():
    x, w, b = Value(1.5), Value(-2.0), Value(0.5)
    return ((w * x + b).square() + (-1.0)).square()


def _fan_out():
    v = Value([1.0, 2.0, 3.0])
    shared = v * v
    return (shared + shared * v).sum() + v[0]


def _long_chain():
    """The chain's root, and the value a quarter of the way up it (5,001 values behind it)."""
    long, quarter = Value(0.0), None
    for n in range(1, 10_001):
        long = long + 1.0
        if n == 2_500:
            quarter = long
    return long, quarter


def _seconds_for(function, root) -> float:
    """The fastest of two runs of function(root), with no garbage collection pausing either."""
    gc.disable()
    try:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            function(root)
            times.append(time.perf_counter() - start)
        return min(times)
    finally:
        gc.enable()


def _growth(function, root, quarter) -> float | None:
    """How many times as long the whole chain takes as a quarter of it, when that is over 9 and
    the whole takes over a quarter of a second; else None. A walk that looks at each value once
    takes about 4 times as long on 4 times the values (and a tenth of that quarter second); one
    that searches a list of every value seen so far at each step, about 16 times."""
    whole = _seconds_for(function, root)
    ratio = whole / max(_seconds_for(function, quarter), 1e-9)
    return ratio if whole > 0.25 and ratio > 9 else None


def _order_of(function):
    def run(root, quarter=None):
        try:
            features = _features(function(root), root)
            ratio = None if quarter is None else _growth(function, root, quarter)
            if ratio is not None:  # the causes are added by _too_slow (a reason is cut at 120)
                raise _Say(f"too slow: 4 times the values (20,001 against 5,001) took "
                           f"{ratio:.0f} times as long")
            return features
        except RecursionError:
            raise _Say("too deep for recursion (10,000 nested calls, RecursionError): keep the "
                       "values still to visit on a list") from None
    return run


_SLOW_CAUSES = ("Is `in` used on a list (seen, or the order itself)? It looks at every entry: "
                "keep a set of ids. Or does each step copy or shift the whole order (order + "
                "[value], order.insert(0, value))? Use order.append(value), and reverse once at "
                "the end.")


def _too_slow(feedback):
    """The long chain (20,001 values) timed out, or grew like the square of its size: most
    likely `seen` kept as a list, or the order copied at every step."""
    case = "Case a chain of 10,000 adds: "
    timed_out, grew = case + "it ran for more than ", case + "too slow: "
    if feedback.message.startswith(timed_out):
        seconds = feedback.message[len(timed_out):].split(" s", 1)[0]
        what = f"too slow, more than {seconds} s for its 20,001 values."
    elif feedback.message.startswith(grew):
        what = (feedback.message[len(case):].split(".", 1)[0] + ", as if each step went "
                "through every value before it.")
    else:
        return feedback
    return type(feedback)(feedback.status, f"{case}{what} {_SLOW_CAUSES}", feedback.slip)


def _order_slip(vector):
    return lambda root, quarter=None: vector


def topo_order(function):
    """`function(root)`: every value behind root once, root first, each value before the values
    it was made from."""
    right = [1.0, 1.0, 1.0, 0.0]  # each graph has more than one value: reversed is wrong
    cases = [Case("lesson 03's chain", lambda: (_chain(),), right),
             Case("a value used three times", lambda: (_fan_out(),), right),
             Case("a chain of 10,000 adds", _long_chain, right)]
    slips = [("the order reversed (leaves first)", _order_slip([1.0, 1.0, 0.0, 1.0]),
              "Backward needs the root first: reverse your list."),
             ("a list with a value in it twice", _order_slip([1.0, 0.0, 0.0, 0.0]),
              "A value used by two others is reached twice: keep a set of the ids seen."),
             ("a list missing some values", _order_slip([0.0, 0.0, 0.0, 0.0]), "Follow every "
              "parent of every value, down to the leaves."),
             ("a value listed before one made from it", _order_slip([1.0, 1.0, 0.0, 0.0]),
              "List a value only once all the values made from it are listed: add it after "
              "its inputs (depth first), then reverse.")]
    run = _order_of(function) if callable(function) else function  # not one: the checker says
    return BOOK.with_help("topo_order", _too_slow(_plain(check_function(run, cases, slips))))


TOPO_CODE = """def topo_order(root):
    # a value goes on `order` only after all its inputs are on it (depth first)
    # the stack holds (value, inputs_done) pairs instead of nested calls: no recursion limit
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        value, inputs_done = stack.pop()
        if inputs_done:  # its inputs went on the order first: now it may follow
            order.append(value)
        elif id(value) not in seen:  # a set: each value once, and a fast `in`
            seen.add(id(value))
            stack.append((value, True))  # come back to it after its inputs
            stack.extend((parent, False) for parent, _ in value.parents)
    # inputs come before the values made from them; reversed, the root is first
    return order[::-1]"""


def _topo_solution():
    space = {}
    exec(TOPO_CODE, space)  # the solution's own code computes the answer shown
    ops = [v.op or "leaf" for v in space["topo_order"](_chain())]
    return Solution((*TOPO_CODE.splitlines(), f"# on lesson 03's chain: {ops}"), ops)


BOOK.add("topo_order", [
    "Depth first: a value goes on the list after all its inputs are on it; reversed, that puts "
    "the root first. Keep a set of ids seen so each value is listed once.",
    "Without recursion, a list `stack` holds the values still to visit. When you pop a value, "
    "its inputs may not be on the order yet: how could the stack remember to come back to it "
    "once they are?",
], _topo_solution)


def _chain_ops():
    return [v.op or "leaf" for v in tiny_autograd.topo_order(_chain())]


def _chain_twice():
    x, w, b = Value(1.5), Value(-2.0), Value(0.5)
    return ((w * x + w * b).square() + (-1.0)).square(), (x, w, b), 1  # w is used twice


def _fan_out_leaf():
    v = Value([1.0, 2.0, 3.0])
    shared = v * v
    return (shared + shared * v).sum(), (v,), 1


def _cube_twice():
    y = Value(2.0)
    return y * y * y, (y,), 2


def _long_backward():  # 2,000 deep: twice Python's usual limit on nested calls
    start = Value(0.0)
    long = start
    for _ in range(2_000):
        long = long + 1.0
    return long, (start,), 1


# Fresh graphs for backward_pass: (root, leaves whose .grad is compared, calls of backward).
BACKWARD_GRAPHS = {"lesson 03's chain, w used twice": _chain_twice,
                   "a value used three times": _fan_out_leaf,
                   "x * x * x with backward run twice": _cube_twice,
                   "a chain of 2,000 adds": _long_backward}


def _grads_after(function):
    def run(label):
        root, leaves, times = BACKWARD_GRAPHS[label]()
        before = [id(v.grad) for v in tiny_autograd.topo_order(root)]
        for _ in range(times):
            try:
                result = function(root)
            except RecursionError:
                raise _Say("too deep for recursion (2,000 nested calls, RecursionError): walk "
                           "topo_order(root) with a for loop") from None
            if isinstance(result, (str, int, float)):
                return result  # text or a number: said as for every exercise
            if result is not None:
                raise _Say("backward_pass returns nothing; it fills in .grad (drop the "
                           "return)")
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
        if seed == "assigned":  # micrograd's way: root.grad = 1
            root.grad = np.ones_like(root.data)
        elif seed:
            root.grad = root.grad + np.ones_like(root.data)
        for v in order[::-1] if reverse else order:
            for parent, rule in v.parents:
                parent.grad = parent.grad + rule(v.grad)
    return slipped


@functools.cache
def _backward_cases():
    """The cases and their right gradients, worked out once (the long chain takes a while)."""
    right = _grads_after(tiny_autograd.backward_pass)
    return tuple(Case(label, lambda label=label: (label,), right(label))
                 for label in BACKWARD_GRAPHS)


def backward_pass(function):
    """`function(root)`: seed root's gradient with 1, walk topo_order(root), add each share."""
    cases = _backward_cases()
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
              "adding, as in PyTorch, so a gradient can be summed over several pieces."),
             ("no reset, and the seed assigned (root.grad = 1)",
              _grads_after(_slip(seed="assigned", reset=False)), "Duty 1: every value made by "
              "an operation starts at zero on each call. Without that, a second backward() "
              "adds new shares to the old ones of the values in between.")]
    run = _grads_after(function) if callable(function) else function  # not one: checker says
    return _plain(BOOK.with_help("backward_pass", check_function(run, cases, slips)))


BACKWARD_CODE = """def backward_pass(root):
    order = topo_order(root)  # root first, each value before its inputs
    for value in order:  # duty 1: values made by an operation start at 0 on every call
        if value.parents:  # (leaves keep adding)
            value.grad = np.zeros_like(value.data)
    root.grad = root.grad + np.ones_like(root.data)  # duty 2: the seed, d root / d root = 1
    for value in order:  # duty 3: a value's .grad is complete before it is passed on
        for parent, rule in value.parents:
            parent.grad = parent.grad + rule(value.grad)  # added: fan-out keeps every share"""


def _backward_solution():
    space = {"np": np, "topo_order": tiny_autograd.topo_order}
    exec(BACKWARD_CODE, space)  # the solution's own code computes the answer shown
    twice = float(_grads_after(space["backward_pass"])("x * x * x with backward run twice")[0])
    return Solution((*BACKWARD_CODE.splitlines(),
                     f"# x * x * x at x = 2, backward twice: x.grad = {twice:g}"), twice)


BOOK.add("backward_pass", [
    "Three duties: values made by an operation (v.parents not empty) start at zero; the root's "
    "gradient gets 1 added (the seed); then every value, root first, hands its .grad through "
    "each (parent, rule) pair.",
    "Which order makes sure a value has collected every share before it hands its .grad on? "
    "And what must happen to parent.grad so that a second share does not wipe out the first?",
], _backward_solution)


def _conv_graph(image_size=10, kernel_size=3):
    with validation.autograd():  # the same answer inside a learner's torch.no_grad()
        kernel = torch.zeros(kernel_size, kernel_size, requires_grad=True)
        out = autograd_conv.conv2d_indexing(torch.zeros(image_size, image_size), kernel)
        return graph.walk(out.sum(), {"kernel": kernel})


_KINDS = ("SumBackward0", "AddBackward0", "MulBackward0", "SelectBackward0", "kernel")


def _graph_nodes(image_size=10, kernel_size=3):
    g = _conv_graph(image_size, kernel_size)
    count = {kind: g.count(kind) for kind in _KINDS}
    weights = kernel_size**2
    return len(g.nodes), [
        Mistake(len(g.nodes) - 1, "Count the leaf too: the kernel is a node of the graph, "
                "where every path ends."),
        Mistake(len(g.nodes) - count["SelectBackward0"] + weights, "kernel[a, b] is two "
                "selects, a row and then a column: two SelectBackward0 nodes per weight."),
        Mistake(len(g.nodes) + 1, "Adding 9 terms takes 8 adds (the first term starts the "
                "sum), not 9."),
        Mistake(len(g.nodes) + weights - 1, "All nine weights are picked out of the one kernel: "
                "one leaf, not one per weight."),
        Mistake(len(_conv_graph(image_size, 2).nodes), "That is for the lesson's 2x2 kernel; "
                "this one is 3x3."),
    ]


def graph_nodes(answer):
    """Nodes in the graph of conv2d_indexing(image, kernel).sum(), 3x3 kernel, 10x10 image."""
    right, mistakes = _graph_nodes()
    return BOOK.with_help("graph_nodes", check_number(answer, right, mistakes, rel_tol=0,
                                                        whole=True))


def _graph_nodes_solution():
    count = {kind: _conv_graph().count(kind) for kind in _KINDS}
    total = len(_conv_graph().nodes)
    return Solution(("one term per weight: kernel[a, b] * slice, so 9 MulBackward0",
                     "each kernel[a, b] picks a row, then a column: 2 * 9 = 18 SelectBackward0",
                     "9 terms joined by 8 AddBackward0, one SumBackward0, one leaf (kernel)",
                     f"graph.walk counts: {count}", f"total {total}"), total)


BOOK.add("graph_nodes", [
    "Draw the graph for a 3x3 kernel in your head, as hand_graph.draw showed it for 2x2: which "
    "node types are there, from the sum at the top down to the kernel?",
    "Count each type for 9 weights: how many products, how many adds to join them, how many "
    "selects to pick one weight out of a 2-D kernel? Don't forget the top and the bottom.",
], _graph_nodes_solution)

ANSWERS = {"graph_nodes": _graph_nodes}
