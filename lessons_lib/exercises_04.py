"""Checkers, hints and worked solutions for lesson 04's exercises.

They use a NEW 3x3 image, 2x2 kernel, bias and target that the lesson never shows, so every
answer needs the lesson's method, not its tables. Right answers and worked solutions come from
lessons_lib.conv2d; each Mistake's value is the slip it describes, computed.
"""
import numpy as np

from lessons_lib import conv2d
from lessons_lib.conv2d import WEIGHT_NAMES
from lessons_lib.exercises import Hints, Mistake, Solution, check_number

BOOK = Hints("exercises_04")
hint, solution = BOOK.hint, BOOK.solution

IMAGE = np.array([[2.0, 0.0, 1.0], [1.0, 3.0, 0.0], [0.0, 2.0, 1.0]])
KERNEL = np.array([[3.0, 2.0], [-2.0, 1.0]])
BIAS = 0.25
TARGET = np.array([[1.0, 5.0], [2.0, 4.0]])
POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right")  # of the 2x2 output too
CENTRE = (1, 1)  # the input pixel whose gradient exercise 6 asks for


def _forward(bias=BIAS):
    output = conv2d.conv2d_numpy(IMAGE, KERNEL) + bias
    return output, conv2d.blame(output, TARGET)


def _terms(a: int, b: int):
    """The four pixel x blame terms of weight [a, b]'s gradient, one per output position."""
    _, blame = _forward()
    return [(IMAGE[i + a, j + b], blame[i, j]) for i, j in np.ndindex(*blame.shape)]


def _line(terms) -> str:
    return " + ".join(f"{p:g} x {q:g}" for p, q in terms) + f" = {sum(p * q for p, q in terms):g}"


# 1. One output (top-right), bias included.
def _output_top_right():
    patch = IMAGE[0:2, 1:3]
    right = float(np.sum(patch * KERNEL) + BIAS)
    return right, [
        Mistake(right - BIAS, f"You left out the bias: every output adds b = {BIAS:g}."),
        Mistake(float(np.sum(IMAGE[0:2, 0:2] * KERNEL) + BIAS), "That is the top-left output: "
                "the top-right one uses the patch one column to the right."),
        Mistake(float(np.sum(patch * KERNEL[::-1, ::-1]) + BIAS), "You flipped the kernel: "
                "here (as in PyTorch) each weight multiplies the pixel in the same place."),
    ]


def output_top_right(answer):
    """The top-right output of the new image and kernel, with the bias."""
    right, mistakes = _output_top_right()
    return BOOK.with_help("output_top_right", check_number(answer, right, mistakes))


BOOK.add("output_top_right", [
    "The top-right output's patch is the 2x2 block in rows 0-1, columns 1-2 of the image.",
    "Multiply each patch pixel by the weight in the same place, add the four products, then "
    "add the bias.",
], lambda: Solution((
    "patch = " + str(IMAGE[0:2, 1:3].tolist()) + ", kernel = " + str(KERNEL.tolist()),
    _line(list(zip(IMAGE[0:2, 1:3].ravel(), KERNEL.ravel()))) + " (patch x kernel)",
    f"+ bias {BIAS:g} = {_output_top_right()[0]:g}",
), _output_top_right()[0]))


# 2. One blame score (bottom-left).
def _blame_bottom_left():
    output, blame = _forward()
    right = float(blame[1, 0])
    return right, [
        Mistake(float(output[1, 0] - TARGET[1, 0]), "That is the error; the blame is the "
                "derivative of the squared error, 2 x (output - target)."),
        Mistake(float(2 * (TARGET[1, 0] - output[1, 0])), "Target minus output: the blame is "
                "2 x (output - target), positive when the output is too big."),
        Mistake(float(conv2d.blame(_forward(0.0)[0], TARGET)[1, 0]), "You left out the bias "
                "in the output."),
    ]


def blame_bottom_left(answer):
    """The blame score, dloss/doutput, at the bottom-left output."""
    right, mistakes = _blame_bottom_left()
    return BOOK.with_help("blame_bottom_left", check_number(answer, right, mistakes))


BOOK.add("blame_bottom_left", [
    "First compute the bottom-left output (patch in rows 1-2, columns 0-1, plus the bias).",
    "The loss is the sum of (output - target) squared; its derivative for one output is "
    "2 x (output - target).",
], lambda: Solution((
    f"output = {_line(list(zip(IMAGE[1:3, 0:2].ravel(), KERNEL.ravel())))} + {BIAS:g} "
    f"= {_forward()[0][1, 0]:g}",
    f"blame = 2 x ({_forward()[0][1, 0]:g} - {TARGET[1, 0]:g}) = {_forward()[1][1, 0]:g}",
), _blame_bottom_left()[0]))


# 3. One weight's gradient (bottom-right).
def _weight_bottom_right():
    output, blame = _forward()
    grads = conv2d.kernel_grad_numpy(IMAGE, blame, KERNEL.shape)
    mistakes = [Mistake(float(conv2d.kernel_grad_numpy(IMAGE, output - TARGET, (2, 2))[1, 1]),
                        "Half the answer: the blame is 2 x (output - target); the square's "
                        "derivative brings the 2.")]
    mistakes += [Mistake(float(grads.flat[n]), f"That is the {name} weight's gradient: the "
                         "bottom-right weight multiplies the bottom-right pixel of each patch.")
                 for n, name in enumerate(WEIGHT_NAMES) if n != 3]
    mistakes.append(Mistake(float(np.sum(blame * KERNEL[1, 1])), "That multiplies the blame by "
                            "the weight; a weight's gradient multiplies it by the PIXEL the "
                            "weight touched."))
    return float(grads[1, 1]), mistakes


def weight_bottom_right(answer):
    """dloss/d(bottom-right weight): the sum of pixel x blame over the four positions."""
    right, mistakes = _weight_bottom_right()
    return BOOK.with_help("weight_bottom_right", check_number(answer, right, mistakes))


BOOK.add("weight_bottom_right", [
    "You need all four blame scores first (four outputs, then 2 x (output - target)).",
    "At each of the four positions, the bottom-right weight touches the bottom-right pixel of "
    "the patch; multiply that pixel by the blame there and add the four products.",
], lambda: Solution((
    "blame map = " + str(_forward()[1].tolist()),
    "pixel x blame: " + _line(_terms(1, 1)),
), _weight_bottom_right()[0]))


# 4. The bias gradient.
def _bias_gradient():
    output, blame = _forward()
    return float(blame.sum()), [
        Mistake(float((output - TARGET).sum()), "Half the answer: the blame is 2 x (output - "
                "target)."),
        Mistake(float(blame.mean()), "That is the mean; the bias is used by all four outputs, "
                "so its gradient is the SUM of their blame."),
        Mistake(float(blame[0, 0]), "That is one position's blame; the bias is used at all four: "
                "add them."),
        Mistake(float(conv2d.blame(_forward(0.0)[0], TARGET).sum()), "You left out the bias "
                "in the outputs."),
    ]


def bias_gradient(answer):
    """dloss/db: the bias adds to every output, so its gradient is the sum of the blame."""
    right, mistakes = _bias_gradient()
    return BOOK.with_help("bias_gradient", check_number(answer, right, mistakes))


BOOK.add("bias_gradient", [
    "The bias is added to every one of the four outputs: which rule adds up gradients of the "
    "uses of one number?",
    "Moving b by a little moves every output by the same little, so dloss/db = the sum of the "
    "four blame scores.",
], lambda: Solution((
    "blame map = " + str(_forward()[1].tolist()),
    " + ".join(f"{v:g}" for v in _forward()[1].ravel()) + f" = {_forward()[1].sum():g}",
), _bias_gradient()[0]))


# 5. The gradient of one input pixel (the centre one, touched at all four positions).
def _pixel_terms():
    _, blame = _forward()
    r, c = CENTRE
    return [(KERNEL[r - i, c - j], blame[i, j]) for i, j in np.ndindex(*blame.shape)
            if 0 <= r - i < 2 and 0 <= c - j < 2]


def _centre_pixel_gradient():
    terms = _pixel_terms()
    _, blame = _forward()
    right = float(sum(w * q for w, q in terms))
    return right, [
        Mistake(float(sum(KERNEL[i, j] * blame[i, j] for i, j in np.ndindex(2, 2))),
                "Each weight paired with the blame at the same index: but at output (i, j) "
                "the centre pixel meets weight (1 - i, 1 - j), the flipped one."),
        Mistake(float(sum(IMAGE[CENTRE] * q for _, q in terms)), "That multiplies the blame by "
                "the pixel; a pixel's gradient multiplies it by the WEIGHT that touched it."),
        Mistake(float(KERNEL[0, 0] * blame[1, 1]), "That is one of its four uses: the centre "
                "pixel sits in all four patches, so four terms add."),
    ]


def centre_pixel_gradient(answer):
    """dloss/d(centre pixel): over each patch it sits in, the weight it met x the blame."""
    right, mistakes = _centre_pixel_gradient()
    return BOOK.with_help("centre_pixel_gradient", check_number(answer, right, mistakes))


BOOK.add("centre_pixel_gradient", [
    "The centre pixel sits in all four patches: four uses, so four terms add.",
    "In the top-left patch it meets the bottom-right weight, in the bottom-right patch the "
    "top-left weight: each term is that weight x the blame at that output.",
], lambda: Solution((
    "blame map = " + str(_forward()[1].tolist()),
    "weight x blame: " + _line(_pixel_terms()),
), _centre_pixel_gradient()[0]))


# 6. The learning rate that sends the top-left weight exactly to zero.
def _zeroing_lr():
    _, blame = _forward()
    grad = float(conv2d.kernel_grad_numpy(IMAGE, blame, KERNEL.shape)[0, 0])
    w = float(KERNEL[0, 0])
    return w / grad, [
        Mistake(grad / w, "Upside down: w - lr x g = 0 gives lr = w / g."),
        Mistake(w / (grad / 2), "Your gradient is half the real one: the blame is "
                "2 x (output - target)."),
    ]


def _updated():
    grads = conv2d.kernel_grad_numpy(IMAGE, _forward()[1], KERNEL.shape)
    return conv2d.sgd_update(KERNEL, grads, _zeroing_lr()[0])


def zeroing_lr(answer):
    """The learning rate that makes the top-left weight exactly 0 after one update."""
    right, mistakes = _zeroing_lr()
    return BOOK.with_help("zeroing_lr", check_number(answer, right, mistakes))


BOOK.add("zeroing_lr", [
    "The update is new = w - lr x gradient. Which lr makes new = 0?",
    "Find the top-left weight's gradient (pixel x blame over four positions), then solve "
    "w - lr x g = 0 for lr: lr = w / g.",
], lambda: Solution((
    "gradient of top-left: " + _line(_terms(0, 0)),
    f"lr = w / g = {KERNEL[0, 0]:g} / {sum(p * q for p, q in _terms(0, 0)):g} "
    f"= {_zeroing_lr()[0]:.6g}",
    f"check: conv2d.sgd_update gives top-left = {_updated()[0, 0]:.2g}",
), _zeroing_lr()[0]))


# 7. Predict without recomputing: how much does the bias's gradient change if b rises by 1?
BIAS_RAISED = BIAS + 1.0


def _bias_grad_at(bias):
    return float(_forward(bias)[1].sum())


def _bias_shift():
    right = _bias_grad_at(BIAS_RAISED) - _bias_grad_at(BIAS)
    n_outputs = _forward()[0].size
    return right, [
        Mistake(right / n_outputs, "That is how much ONE blame score changes. The bias is "
                "used by every output, and its gradient adds all their blame scores."),
        Mistake(right / 2, "That is how much the errors (output - target) add up to change; "
                "each blame score is 2 x (output - target), so it moves twice as far."),
        Mistake(BIAS_RAISED - BIAS, "That is how much each OUTPUT changes; the blame is "
                "2 x (output - target), and the bias gradient adds the blame of all outputs."),
        Mistake(0.0, "The bias gradient depends on the bias: raising b raises every output, "
                "so every blame score grows."),
    ]


def bias_shift(answer):
    """By how much does dloss/db change when the bias goes from 0.25 to 1.25?"""
    right, mistakes = _bias_shift()
    return BOOK.with_help("bias_shift", check_number(answer, right, mistakes))


BOOK.add("bias_shift", [
    "Raising b by 1 raises every output by exactly 1. What does that do to each blame score, "
    "2 x (output - target)?",
    "Each blame score rises by 2, and the bias gradient is the sum of the blame over every "
    "output that used b: count the outputs.",
], lambda: Solution((
    f"b: {BIAS:g} -> {BIAS_RAISED:g}, so each of the {_forward()[0].size} outputs rises by "
    f"{BIAS_RAISED - BIAS:g}",
    f"each blame 2 x (output - target) rises by {2 * (BIAS_RAISED - BIAS):g}; the sum rises by "
    f"{_forward()[0].size} x {2 * (BIAS_RAISED - BIAS):g} = {_bias_shift()[0]:g}",
    f"check, computed both ways: dloss/db = {_bias_grad_at(BIAS):g} at b = {BIAS:g} and "
    f"{_bias_grad_at(BIAS_RAISED):g} at b = {BIAS_RAISED:g}",
), _bias_shift()[0]))


# 8. The learning-rate limit for repeated steps on this image (the lesson's deeper section).
def _curvatures():
    x = conv2d.patches(IMAGE, KERNEL.shape)  # (4, 4): one row per output position
    return x, np.linalg.eigvalsh(2 * x.T @ x)  # smallest first


def _lr_limit():
    x, curvatures = _curvatures()
    hessian = 2 * x.T @ x
    right = float(2 / curvatures.max())
    return right, [
        Mistake(float(1 / curvatures.max()), "That is 1 / (largest curvature): a step diverges "
                "where its factor 1 - lr x curvature falls below -1, at lr = 2 / curvature."),
        Mistake(float(2 / np.linalg.eigvalsh(x.T @ x).max()), "You took the eigenvalues of X^T X; "
                "the loss |X k - target|^2 has curvature 2 X^T X."),
        Mistake(float(2 / curvatures[curvatures > 1e-9].min()), "That is the limit of the FLATTEST "
                "direction; the steepest one diverges first, so it sets the limit."),
        Mistake(float(2 / np.diag(hessian).max()), "That uses the curvature along one weight "
                "alone (a diagonal entry of 2 X^T X). The steepest direction mixes the weights: "
                "take the largest eigenvalue."),
        Mistake(float(2 / np.trace(hessian)), "You added up all the curvatures (the trace); the "
                "limit comes from the largest one alone."),
        Mistake(conv2d.max_stable_lr(conv2d.IMAGE, conv2d.KERNEL.shape), "That is the "
                "lesson's limit, for its 4x4 image; the exercises' image has other patches."),
    ]


def _train_from(lr, steps=100):
    losses, _, diverged = conv2d.train(IMAGE, KERNEL, TARGET - BIAS, lr, steps=steps)
    return losses, diverged


def lr_limit(answer):
    """2 / the largest eigenvalue of 2 X^T X, for the exercises' image and a 2x2 kernel."""
    right, mistakes = _lr_limit()
    return BOOK.with_help("lr_limit", check_number(answer, right, mistakes))


def _lr_limit_solution():
    x, curvatures = _curvatures()
    right = _lr_limit()[0]
    below, above = _train_from(0.9 * right), _train_from(1.1 * right)
    return Solution((
        "X = conv2d.patches(IMAGE, (2, 2)), one row per output position: "
        + str(x.astype(int).tolist()),
        "curvatures = np.linalg.eigvalsh(2 * X.T @ X) = "
        + ", ".join(f"{c:.4g}" for c in curvatures),
        f"limit = 2 / {curvatures.max():.4g} = {right:.4g}",
        f"check with conv2d.train, 100 steps: at 0.9 x the limit the loss goes from "
        f"{below[0][0]:.4g} to {below[0][-1]:.2g}; at 1.1 x it "
        + ("diverges" if above[1] else f"ends at {above[0][-1]:.4g}"),
        f"exercise 7's rate, {_zeroing_lr()[0]:.4g}, is above the limit: 100 steps at it "
        + ("diverge" if _train_from(_zeroing_lr()[0])[1] else "do not diverge"),
    ), right)


BOOK.add("lr_limit", [
    "Follow the deeper section: stack the patches as the rows of X (here 4 rows of 4 pixels; "
    "conv2d.patches does it), and the loss is a bowl with curvature 2 X^T X.",
    "np.linalg.eigvalsh(2 * X.T @ X) gives the four curvatures; repeated steps diverge above "
    "lr = 2 / the largest one.",
], _lr_limit_solution)

ANSWERS = {"output_top_right": _output_top_right, "blame_bottom_left": _blame_bottom_left,
           "weight_bottom_right": _weight_bottom_right, "bias_gradient": _bias_gradient,
           "centre_pixel_gradient": _centre_pixel_gradient, "zeroing_lr": _zeroing_lr,
           "bias_shift": _bias_shift, "lr_limit": _lr_limit}
