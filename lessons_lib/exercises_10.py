"""Checkers, hints and worked solutions for lesson 10's exercises. Right answers come from
lessons_lib.cnn, never from typed-in values.

    exercises_10.hint("overlapping_pool_backward")      a hint (..., 2) the next one
    exercises_10.solution("overlapping_pool_backward")  the worked solution, computed
"""
import inspect

import numpy as np

from lessons_lib import cnn
from lessons_lib.exercises import Hints, Mistake, Solution, check_number
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_10")
hint, solution = BOOK.hint, BOOK.solution

# Exercise 3: a wider network (16 kernels of 5x5, padding 2, same pool and linear readout).
WIDE_KERNELS, WIDE_SIZE = 16, 5
# Exercise 4: a network that reads the 26 letters, initialised like the lesson's.
LETTERS = 26


# --- Exercise 1: max-pool backward when the windows overlap ------------------------------------

def _pool_backward_solved(x, dy):
    dx = np.zeros_like(x, dtype=float)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            a, b = np.unravel_index(np.argmax(x[i:i + 2, j:j + 2]), (2, 2))  # first maximum
            dx[i + a, j + b] += dy[i, j]  # +=: an input may be the largest of several windows
    return dx


def _pool_slip(x, dy, combine):
    """What a slip gives: '=' instead of '+=' ("assign"), average pooling's rule ("spread"),
    only the windows of a stride-2 pool, as in the lesson ("stride 2"), or the last of tied
    maxima instead of the first ("last")."""
    dx = np.zeros_like(x, dtype=float)
    step = 2 if combine == "stride 2" else 1
    for i in range(0, dy.shape[0], step):
        for j in range(0, dy.shape[1], step):
            window = x[i:i + 2, j:j + 2]
            if combine == "spread":
                dx[i:i + 2, j:j + 2] += dy[i, j] / 4
                continue
            flat = 3 - np.argmax(window.ravel()[::-1]) if combine == "last" else np.argmax(window)
            a, b = np.unravel_index(flat, (2, 2))
            if combine == "assign":
                dx[i + a, j + b] = dy[i, j]
            else:
                dx[i + a, j + b] += dy[i, j]
    return dx


TIED = np.array([[1.0, 1.0, 0.0, 2.0], [1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0],
                 [3.0, 0.0, 3.0, 0.0]])  # windows whose largest input appears twice or more


def _pool_cases():
    rng = np.random.default_rng(10)
    shapes = [(4, 4), (4, 5), (6, 6)]  # more than 9 numbers: feedback shows a few, not all
    data = [(rng.normal(size=s).round(2), rng.normal(size=(s[0] - 1, s[1] - 1)).round(2))
            for s in shapes] + [(TIED, rng.normal(size=(3, 3)).round(2))]
    return [Case(f"x of shape {x.shape}" + (" with tied maxima" if x is TIED else ""),
                 lambda x=x, dy=dy: (x.copy(), dy.copy()), _pool_backward_solved(x, dy))
            for x, dy in data]


POOL_SLIPS = [
    ("what = gives instead of +=", lambda x, dy: _pool_slip(x, dy, "assign"),
     "When windows overlap, one input can be the largest of several windows: it then gets "
     "each of their gradients, added up (lesson 03's fan-out rule), not only the last one. "
     "The lesson's pool could use = because its windows never shared an input."),
    ("the routing of a stride-2 pool", lambda x, dy: _pool_slip(x, dy, "stride 2"),
     "The lesson's pool stepped 2 at a time; here a window starts at every (i, j), so dy has "
     "(H - 1) x (W - 1) entries and every one of them is routed."),
    ("the last of tied maxima", lambda x, dy: _pool_slip(x, dy, "last"),
     "On a tie, the first largest input (reading the window row by row) gets the gradient, "
     "as np.argmax and PyTorch choose; a comparison with >= picks the last."),
    ("each window's gradient spread evenly, / 4", lambda x, dy: _pool_slip(x, dy, "spread"),
     "That is average pooling's backward. Max-pool's output is one input of the window, so "
     "only that input gets the gradient."),
]


def overlapping_pool_backward(function):
    """`function(x, dy)` -> dx: the backward of a 2x2 max-pool with stride 1 on one image."""
    return BOOK.with_help("overlapping_pool_backward",
                          check_function(function, _pool_cases(), POOL_SLIPS))


def _solve_pool():
    case = _pool_cases()[0]
    x, dy = case.make_args()
    return Solution((
        f"x (4x4) = {x.tolist()}, dy (3x3) = {dy.tolist()}",
        "each of the 9 windows hands its dy to the position of its largest input (on a tie, "
        "the first, row by row)",
        "an input that is the largest of two windows gets both: += , never =",
        f"dx = {case.expected.round(2).tolist()}",
        inspect.getsource(_pool_backward_solved).replace("_pool_backward_solved",
                                                         "overlapping_pool_backward"),
    ), case.expected.round(4).tolist())


BOOK.add("overlapping_pool_backward", [
    "Start from dx = zeros like x. Visit each window (i, j): which of its 4 inputs is largest?",
    "np.argmax(x[i:i + 2, j:j + 2]) and np.unravel_index give its place (a, b); add dy[i, j] "
    "to dx[i + a, j + b]. Add, because windows now share inputs.",
], _solve_pool)


# --- Exercise 2: the kernel gradient of a conv with stride 2 and no padding --------------------

def _strided_rule(x, dy, batch="sum", stride=2, flip=False):
    """dw[f, c, a, b] = sum over n, i, j of dy[n, f, i, j] * x[n, c, stride*i + a, stride*j + b]."""
    n, f, ho, wo = dy.shape
    dw = np.zeros((f, x.shape[1], 3, 3))
    for a in range(3):
        for b in range(3):
            patch = x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            if stride == 1:
                patch = x[:, :, a:a + ho, b:b + wo]
            dw[:, :, a, b] = np.einsum("nfhw,nchw->fc", dy, patch)
    if batch == "mean":
        dw /= n
    return dw[:, :, ::-1, ::-1] if flip else dw


def _strided_cases():
    rng = np.random.default_rng(11)
    shapes = [(1, 1, 5, 5, 2), (2, 1, 7, 7, 2), (3, 2, 8, 9, 4)]  # n, c, h, w, kernels
    cases = []
    for n, c, h, w, f in shapes:
        x = rng.normal(size=(n, c, h, w)).round(2)
        dy = rng.normal(size=(n, f, (h - 3) // 2 + 1, (w - 3) // 2 + 1)).round(2)
        cases.append(Case(f"x {x.shape}, dy {dy.shape}", lambda x=x, dy=dy: (x.copy(), dy.copy()),
                          _strided_rule(x, dy)))
    return cases


STRIDED_SLIPS = [
    ("the mean over the batch", lambda x, dy: _strided_rule(x, dy, "mean"),
     "The loss already holds the 1/N (it came in through dy): the kernel's gradient adds the "
     "examples' contributions up."),
    ("the first example's gradient only", lambda x, dy: _strided_rule(x[:1], dy[:1]),
     "The same kernel slides over every image of the batch: add over all of them."),
    ("the stride-1 patches", lambda x, dy: _strided_rule(x, dy, stride=1),
     "Output (i, j) starts at input (2i, 2j), not (i, j): step 2 through x."),
    ("the flipped kernel gradient", lambda x, dy: _strided_rule(x, dy, flip=True),
     "The flip belongs to the input's gradient. Weight (a, b) multiplied the pixel a rows and "
     "b columns from each output's corner: pair it with that pixel."),
]


def strided_kernel_grad(function):
    """`function(x, dy)` -> dw (F, C, 3, 3) for a 3x3 conv with stride 2 and no padding."""
    return BOOK.with_help("strided_kernel_grad",
                          check_function(function, _strided_cases(), STRIDED_SLIPS))


def _solve_strided():
    case = _strided_cases()[0]
    x, dy = case.make_args()
    return Solution((
        f"case 1: x is {x.shape}, dy is {dy.shape}: output (i, j) saw x[2i:2i+3, 2j:2j+3]",
        "so weight (a, b) touched x[2i + a, 2j + b] for every output (i, j)",
        f"dw[0, 0, 0, 0] = sum of dy[0, 0] * x[0, 0, 0:3:2, 0:3:2] = "
        f"{np.sum(dy[0, 0] * x[0, 0, 0:3:2, 0:3:2]):.4f}",
        "with channels and a batch: dw[f, c, a, b] = sum over n, i, j of "
        "dy[n, f, i, j] * x[n, c, 2i + a, 2j + b]",
        "    patch = x[:, :, a:a + 2*(ho - 1) + 1:2, b:b + 2*(wo - 1) + 1:2]",
        "    dw[:, :, a, b] = np.einsum('nfhw,nchw->fc', dy, patch)",
    ), case.expected.round(4).tolist())


BOOK.add("strided_kernel_grad", [
    "Lesson 04's rule still holds: each weight's gradient is the sum, over every output it "
    "helped make, of that output's blame times the input pixel the weight multiplied.",
    "With stride 2, output (i, j) starts at input row 2*i and column 2*j, so weight (a, b) "
    "met x[..., 2*i + a, 2*j + b]. Loop over a and b; for each, one einsum over n, i, j.",
], _solve_strided)


# --- Exercise 3: count the parameters of a wider network ----------------------------------------

def _wide_counts():
    conv_w = WIDE_KERNELS * WIDE_SIZE**2
    features = WIDE_KERNELS * (cnn.SIDE // 2) ** 2
    lin_w = features * cnn.CLASSES
    return conv_w, WIDE_KERNELS, lin_w, cnn.CLASSES, features


def _wide():
    conv_w, conv_b, lin_w, lin_b, features = _wide_counts()
    right = conv_w + conv_b + lin_w + lin_b
    no_pool = WIDE_KERNELS * cnn.SIDE**2 * cnn.CLASSES
    unpadded = WIDE_KERNELS * ((cnn.SIDE - WIDE_SIZE + 1) // 2) ** 2 * cnn.CLASSES
    lesson = cnn.KERNELS * 9 + cnn.KERNELS + cnn.FEATURES * cnn.CLASSES + cnn.CLASSES
    return right, [
        Mistake(lesson, "That is the lesson's network (8 kernels of 3x3). Count this one: 16 "
                "kernels of 5x5, and a linear layer that reads 16 pooled maps."),
        Mistake(conv_w + conv_b, "That is the conv layer alone: the linear layer's weights and "
                "biases are trained too."),
        Mistake(conv_w + conv_b + cnn.FEATURES * cnn.CLASSES + lin_b, "The linear layer now "
                "reads 16 pooled maps of 4x4, not the lesson's 8."),
        Mistake(conv_w + conv_b + unpadded + lin_b, "Padding 2 keeps each map 8x8: a 5x5 "
                "kernel with 2 zeros on each side fits at all 64 positions."),
        Mistake(lin_w + lin_b, "The kernels are trained too: count the conv layer."),
        Mistake(conv_w + lin_w, "Count the biases too: one per kernel and one per digit."),
        Mistake(conv_w + lin_w + lin_b, "Each kernel has a bias as well."),
        Mistake(conv_w + conv_b + lin_w, "The linear layer has a bias per digit."),
        Mistake(conv_w + conv_b + no_pool + lin_b, "The pool halves each side before the linear "
                "layer: 16 maps of 4x4, not 8x8."),
        Mistake(WIDE_KERNELS * 9 + WIDE_KERNELS + lin_w + lin_b, "The kernels are 5x5 here."),
    ]


def wide_parameters(answer):
    """Parameters of conv 1 -> 16 (5x5, padding 2) -> ReLU -> 2x2 max-pool -> linear -> 10."""
    right, mistakes = _wide()
    return BOOK.with_help("wide_parameters", check_number(answer, right, mistakes, rel_tol=0,
                                                          whole=True))


def _solve_wide():
    conv_w, conv_b, lin_w, lin_b, features = _wide_counts()
    return Solution((
        f"conv: {WIDE_KERNELS} kernels x 1 channel x {WIDE_SIZE}x{WIDE_SIZE} = {conv_w} "
        f"weights, + {conv_b} biases",
        "padding 2 keeps each map 8x8; the pool makes it 4x4",
        f"linear: {WIDE_KERNELS} x 4 x 4 = {features} inputs, x 10 digits = {lin_w} weights, "
        f"+ {lin_b} biases",
        f"total {conv_w} + {conv_b} + {lin_w} + {lin_b} = {conv_w + conv_b + lin_w + lin_b}",
    ), conv_w + conv_b + lin_w + lin_b)


BOOK.add("wide_parameters", [
    "Count layer by layer: a conv has kernels x channels x height x width weights plus a bias "
    "per kernel; ReLU and max-pool have none.",
    "Padding 2 keeps a 5x5 kernel's output at 8x8; the 2x2 pool halves each side. The linear "
    "layer needs one weight per input per digit, plus a bias per digit.",
], _solve_wide)


# --- Exercise 4: the loss at the start, with 26 classes ------------------------------------------

def _letters():
    right = float(np.log(LETTERS))
    return right, [
        Mistake(float(np.log(cnn.CLASSES)), "That is the start for 10 digits. With 26 letters "
                "each starts with probability 1/26."),
        Mistake(float(np.log(LETTERS - 1)), f"There are {LETTERS} letters, not {LETTERS - 1}: "
                f"each starts with probability 1/{LETTERS}."),
        Mistake(float(np.log(LETTERS + 1)), f"There are {LETTERS} letters, not {LETTERS + 1}: "
                f"each starts with probability 1/{LETTERS}."),
        Mistake(float(np.log10(LETTERS)), "Cross-entropy uses the natural logarithm, ln."),
        Mistake(float(np.log2(LETTERS)), "Cross-entropy uses the natural logarithm, ln, not "
                "log2."),
        Mistake(float(LETTERS), "The loss is -ln of the right letter's probability, 1/26."),
        Mistake(1 / LETTERS, "That is the probability of the right letter; the loss is -ln of "
                "it."),
        Mistake(float(np.log(LETTERS) * LETTERS), "The loss uses only the right letter's "
                "probability: one -ln(1/26) per example, not one per letter."),
    ]


def letters_start_loss(answer):
    """The expected loss at step 0 of a 26-letter network whose logits start near 0."""
    right, mistakes = _letters()
    return BOOK.with_help("letters_start_loss", check_number(answer, right, mistakes))


def _solve_letters():
    right, _ = _letters()
    return Solution((
        "logits near 0: softmax gives every class about the same probability, 1/26",
        f"each example's loss is -ln(1/26) = ln 26 = {right:.4f}; so is their mean",
    ), right)


BOOK.add("letters_start_loss", [
    "Small weights make every logit about 0. What does softmax do with 26 equal logits?",
    "The cross-entropy of one example is -ln(probability of its right class).",
], _solve_letters)


ANSWERS = {"wide_parameters": _wide, "letters_start_loss": _letters}
