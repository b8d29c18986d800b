"""Checkers for lesson 04's exercises. Right answers come from lessons_lib.conv2d."""
import numpy as np

from lessons_lib import conv2d
from lessons_lib.conv2d_widgets import IMAGE, KERNEL, TARGET, WEIGHT_NAMES
from lessons_lib.exercises import Mistake, check_choice, check_number

LR = 1e-5


def _grad():
    output = conv2d.conv2d_numpy(IMAGE, KERNEL)
    return output, conv2d.kernel_grad_numpy(IMAGE, conv2d.blame(output, TARGET), KERNEL.shape)


def bottom_right_grad(answer):
    """dloss/dkernel[1, 1] for the lesson's image and kernel."""
    output, grad = _grad()
    with_outputs = conv2d.kernel_grad_numpy(IMAGE, output, KERNEL.shape)[1, 1]
    others = {(0, 0): "top-left", (0, 1): "top-right", (1, 0): "bottom-left"}
    return check_number(answer, grad[1, 1], [
        Mistake(with_outputs, "Half the right size: you multiplied the pixels by the outputs, "
                "or dropped the 2 of the blame score 2·output (the derivative of output²)."),
        *[Mistake(grad[a, b], f"That is the {name} weight's gradient. The bottom-right weight "
                  "multiplied the bottom-right pixel of each 2x2 patch.")
          for (a, b), name in others.items()],
        Mistake(float(np.sum(IMAGE[1:, 1:])), "Each pixel must be weighted by the blame score "
                "at the position where the weight touched it."),
    ])


def moves_most(answer):
    """Which weight changes most in the update at lr = 1e-5 (by how far, ignoring direction)."""
    _, grad = _grad()
    moves = np.abs(LR * grad).ravel()
    right = WEIGHT_NAMES[int(np.argmax(moves))]
    flipped = np.sign(KERNEL - LR * grad) != np.sign(KERNEL)  # (2, 2) bools
    mistakes = [Mistake(WEIGHT_NAMES[int(np.argmax(KERNEL))], "That is the largest weight, but "
                        "how far a weight moves is lr × its gradient, not its own size.")]
    mistakes += [Mistake(WEIGHT_NAMES[n], "It flips sign, which is striking, but another weight "
                         "moves further: compare lr × gradient.")
                 for n in np.flatnonzero(flipped) if WEIGHT_NAMES[n] != right]
    return check_choice(answer, right, WEIGHT_NAMES, mistakes)


def new_top_right(answer):
    """The top-right weight after one update at lr = 1e-5."""
    _, grad = _grad()
    w, g = KERNEL[0, 1], grad[0, 1]
    return check_number(answer, w - LR * g, [
        Mistake(w + LR * g, "Right step, wrong direction: subtract lr × gradient, because the "
                "gradient points uphill."),
        Mistake(w - LR * g / 2, "Half the step: the blame score is 2·output, not output."),
        Mistake(-LR * g, "That is only the change; add it to the old weight 0.3."),
    ], rel_tol=1e-3, abs_tol=1e-4)
