"""Checkers, hints and worked solutions for lesson 03's exercises. Right answers come from
lessons_lib.chain_rule and torch; each Mistake's value is the slip it describes, computed."""
import torch

from lessons_lib import chain_rule, validation
from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_03")
hint, solution = BOOK.hint, BOOK.solution

X_OUTER = 3.0  # exercise 1: z = 2x - 1, y = z**3 (every slip below has its own value)
X_CHAIN = 0.5  # exercise 2: the lesson's chain at a new input
IN_CHANNELS, OUT_CHANNELS, KERNEL_SIZE, IMAGE_SIDE = 3, 8, 5, 28  # exercise 3


def _outer_inner():
    z = 2 * X_OUTER - 1
    dy_dz, dz_dx = 3 * z**2, 2.0
    return dy_dz * dz_dx, [
        Mistake(dy_dz, "That is dy/dz alone: multiply by how fast z moves with x (dz/dx = 2)."),
        Mistake(3 * X_OUTER**2 * dz_dx, "dy/dz = 3z**2 must be taken at z = 2x - 1, not at x."),
        Mistake(2 * z * dz_dx, "The derivative of z**3 is 3z**2, not 2z."),
        Mistake(z**3, "That is y itself, not how fast it moves."),
    ]


@validation.autograd()  # the same answer inside a learner's torch.no_grad()
def _torch_outer_inner():
    x = torch.tensor(X_OUTER, requires_grad=True)
    ((2 * x - 1) ** 3).backward()
    return float(x.grad)


def outer_inner(answer):
    """dy/dx for z = 2x - 1, y = z**3, at x = 3: (dy/dz) * (dz/dx)."""
    right, mistakes = _outer_inner()
    return BOOK.with_help("outer_inner", check_number(answer, right, mistakes))


BOOK.add("outer_inner", [
    f"Forward first: what is z at x = {X_OUTER:g}?",
    "Then two local derivatives, dy/dz = 3z**2 (at that z) and dz/dx = 2, multiplied.",
], lambda: Solution((
    f"z = 2 * {X_OUTER:g} - 1 = {2 * X_OUTER - 1:g}",
    f"dy/dz = 3 * {2 * X_OUTER - 1:g}**2 = {3 * (2 * X_OUTER - 1) ** 2:g}, dz/dx = 2",
    f"dy/dx = {3 * (2 * X_OUTER - 1) ** 2:g} * 2 = {_outer_inner()[0]:g}",
    f"torch agrees: x.grad = {_torch_outer_inner():g}",
), _outer_inner()[0]))


def _weight_gradient():
    steps = chain_rule.backward(chain_rule.tiny_network(), X_CHAIN)
    multiply = steps[-1]  # the first layer, reached last on the way back
    loss_layer, square = steps[0], steps[1]
    return multiply.param_grad, [
        Mistake(multiply.downstream, "That is dloss/dx. For the weight, the local gradient of "
                "w * x is x (how the output moves with w), not w."),
        Mistake(multiply.upstream, "That is the upstream gradient alone: multiply it by the "
                "local d(w * x)/dw = x."),
        Mistake(loss_layer.downstream * X_CHAIN, "You skipped the square's local derivative: "
                f"between the loss and the add layer, multiply by 2a = {square.local:g}."),
    ]


def weight_gradient(answer):
    """dloss/dw of lesson 03's chain (w = 3, b = -4, y_true = 1) at x = 0.5."""
    right, mistakes = _weight_gradient()
    return BOOK.with_help("weight_gradient", check_number(answer, right, mistakes))


BOOK.add("weight_gradient", [
    "Forward first: w * x, then + b, then square, then the loss; write every value down.",
    "Backward: start at 1, multiply by each local derivative on the way back; at the multiply, "
    "the weight's local derivative is x.",
], lambda: Solution((
    f"x = {X_CHAIN:g}; forward values: "
    + ", ".join(f"{v:g}" for v in chain_rule.forward(chain_rule.tiny_network(), X_CHAIN)),
) + tuple(f"{s.name}: upstream {s.upstream:g} * local {s.local:g} = {s.downstream:g}"
              for s in chain_rule.backward(chain_rule.tiny_network(), X_CHAIN))
    + (f"dloss/dw = (upstream at the multiply) * {X_CHAIN:g} = "
       f"{chain_rule.backward(chain_rule.tiny_network(), X_CHAIN)[-1].upstream:g} * {X_CHAIN:g} "
       f"= {_weight_gradient()[0]:g}",),
    _weight_gradient()[0]))


def _layer():
    """The exercise's layer, on PyTorch's "meta" device: shapes only, no values drawn (so the
    checker leaves the random number generator where it was)."""
    return torch.nn.Conv2d(IN_CHANNELS, OUT_CHANNELS, kernel_size=KERNEL_SIZE, device="meta")


def _conv_parameter_count():
    right = sum(p.numel() for p in _layer().parameters())
    k2 = KERNEL_SIZE**2
    return right, [
        Mistake(OUT_CHANNELS * IN_CHANNELS * k2, "Those are the weights; each output channel "
                "has a bias that gets a gradient too."),
        Mistake(OUT_CHANNELS * (k2 + 1), "One 5x5 kernel per output channel is the one-input-"
                "channel count: with 3 input channels, each output channel has a 5x5 kernel for "
                "EACH of them."),
        Mistake(OUT_CHANNELS * IN_CHANNELS * (k2 + 1), "One bias per output channel, not one "
                "per kernel: out * (in * k * k + 1)."),
        Mistake(IN_CHANNELS * k2 + 1, "That is one output channel's kernel and bias; the layer "
                f"has {OUT_CHANNELS} output channels."),
        Mistake(right + IN_CHANNELS * IMAGE_SIDE**2, "The 28x28 input image is data, not a "
                "parameter: it gets no update."),
        Mistake(OUT_CHANNELS * (IMAGE_SIDE - KERNEL_SIZE + 1) ** 2, "That is the number of "
                "outputs; the parameters are the kernels' weights and the biases."),
    ]


def conv_parameter_count(answer):
    """How many numbers get a gradient update in nn.Conv2d(3, 8, kernel_size=5) on 28x28x3?"""
    right, mistakes = _conv_parameter_count()
    return BOOK.with_help("conv_parameter_count", check_number(answer, right, mistakes,
                                                                 rel_tol=0, whole=True))


BOOK.add("conv_parameter_count", [
    "Only parameters get an update: the image is data, and the outputs are computed.",
    "Each output channel has one 5x5 kernel per input channel, plus one bias: "
    "out_channels * (in_channels * k * k + 1).",
], lambda: Solution((
    f"weights: {OUT_CHANNELS} * {IN_CHANNELS} * {KERNEL_SIZE} * {KERNEL_SIZE} = "
    f"{OUT_CHANNELS * IN_CHANNELS * KERNEL_SIZE**2}, biases: {OUT_CHANNELS}",
    "torch: " + ", ".join(f"{name} {tuple(p.shape)}" for name, p in _layer().named_parameters()),
    f"total {_conv_parameter_count()[0]}",
), _conv_parameter_count()[0]))

# Exercise 4: write dloss/dw of the lesson's chain as a function, checked on fresh values.
GRAD_CASES = ((1.5, 3.0, -4.0, 1.0), (1.0, 2.0, 0.5, 3.0), (-2.0, 0.5, 2.0, 0.0))


def _grad_w(x, w, b, y_true):
    return chain_rule.gradients(chain_rule.tiny_network(w, b, y_true), x)["w"]


def _slip(drop):
    """dloss/dw with one factor of the chain left out: the slip that forgets it."""
    def rule(x, w, b, y_true):
        a = w * x + b
        factors = {"outer": 2 * (a * a - y_true), "inner": 2 * a, "x": x}
        factors.pop(drop)
        return factors.popitem()[1] * factors.popitem()[1]
    return rule


GRAD_SLIPS = (
    ("dloss/d(w * x)", _slip("x"), "Multiply by the multiply's local derivative for w: x."),
    ("missing the square's 2a", _slip("inner"), "The square layer's local derivative is "
     "2 * (w * x + b): it belongs in the chain."),
    ("missing the loss's 2 * (a**2 - y_true)", _slip("outer"), "Start the chain at the loss: "
     "its local derivative is 2 * (square - y_true)."),
    ("the loss's factor 2 * (a - y_true)", lambda x, w, b, y_true: (
        2 * ((w * x + b) - y_true) * 2 * (w * x + b) * x), "The loss compares the SQUARE with "
     "y_true: its local derivative is 2 * ((w * x + b)**2 - y_true), not 2 * (a - y_true)."),
)


def chain_gradient(function):
    """`function(x, w, b, y_true)`: dloss/dw of the chain loss = ((w * x + b)**2 - y_true)**2."""
    cases = [Case(f"x={x:g}, w={w:g}, b={b:g}, y_true={y:g}", lambda args=(x, w, b, y): args,
                  _grad_w(x, w, b, y)) for x, w, b, y in GRAD_CASES]
    return BOOK.with_help("chain_gradient", check_function(function, cases, GRAD_SLIPS))


BOOK.add("chain_gradient", [
    "Name the values on the way forward: a = w * x + b, s = a**2, loss = (s - y_true)**2.",
    "Multiply the local derivatives from the loss back to w: 2 * (s - y_true), then 2 * a, "
    "then x.",
], lambda: Solution((
    "def chain_gradient(x, w, b, y_true):",
    "    a = w * x + b",
    "    return 2 * (a**2 - y_true) * 2 * a * x",
) + tuple(f"at x={x:g}, w={w:g}, b={b:g}, y_true={y:g}: {_grad_w(x, w, b, y):g}"
          for x, w, b, y in GRAD_CASES), [_grad_w(*case) for case in GRAD_CASES]))

ANSWERS = {"outer_inner": _outer_inner, "weight_gradient": _weight_gradient,
           "conv_parameter_count": _conv_parameter_count}
