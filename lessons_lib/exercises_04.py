"""Checkers for lesson 04's exercises. Right answers come from lessons_lib.conv2d."""
import numpy as np

from lessons_lib import conv2d
from lessons_lib.conv2d_widgets import IMAGE, KERNEL, TARGET, WEIGHT_NAMES
from lessons_lib.exercises import Mistake, check_choice, check_number

LR = 1e-5


def _gradients():
    output = conv2d.conv2d_numpy(IMAGE, KERNEL)
    return output, conv2d.kernel_grad_numpy(IMAGE, conv2d.blame(output, TARGET), KERNEL.shape)


def bottom_right_gradient(answer):
    """The bottom-right weight's gradient: sum of (pixel it multiplied) x (blame) over 9 places."""
    output, grads = _gradients()
    with_outputs = conv2d.kernel_grad_numpy(IMAGE, output, KERNEL.shape)[1, 1]
    others = {name: grads.flat[n] for n, name in enumerate(WEIGHT_NAMES) if n != 3}
    mistakes = [Mistake(with_outputs, "Half the answer: multiply the pixels by the blame scores "
                        "(2 x output), not by the outputs; the square's derivative brings a 2.")]
    mistakes += [Mistake(value, f"That is the {name} weight's gradient: the bottom-right weight "
                         "multiplies the bottom-right pixel of each 2x2 patch.")
                 for name, value in others.items()]
    return check_number(answer, grads[1, 1], mistakes)


def moves_most(answer):
    """Which weight changes most in the update? (All share the learning rate.)"""
    _, grads = _gradients()
    right = WEIGHT_NAMES[int(np.argmax(np.abs(grads)))]
    largest_weight = WEIGHT_NAMES[int(np.argmax(np.abs(KERNEL)))]
    flipped = np.sign(KERNEL - LR * grads) != np.sign(KERNEL)
    mistakes = [Mistake(WEIGHT_NAMES[n], "It flips sign, because it started small; but its step, "
                        "lr x gradient, is not the largest.") for n in np.flatnonzero(flipped)]
    mistakes.append(Mistake(largest_weight, "It is the largest weight, but the step depends on "
                            "the gradient, not on the weight's value."))
    return check_choice(answer, right, WEIGHT_NAMES, mistakes)


def new_top_right(answer):
    """The top-right weight after one update with lr = 0.00001."""
    _, grads = _gradients()
    new = conv2d.sgd_update(KERNEL, grads, LR)
    step = LR * grads[0, 1]
    return check_number(answer, new[0, 1], [
        Mistake(KERNEL[0, 1] + step, "Right size, wrong direction: subtract lr x gradient; the "
                "gradient points uphill."),
        Mistake(step, "That is the step, lr x gradient: subtract it from the old weight 0.3."),
        Mistake(KERNEL[0, 1] - grads[0, 1], "You left out the learning rate."),
    ], rel_tol=1e-3)
