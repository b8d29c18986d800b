"""Checkers for lesson 03's exercises. Right answers come from lessons_lib.chain_rule and torch."""
import torch

from lessons_lib import chain_rule
from lessons_lib.exercises import Mistake, check_number


def cube_of_line(answer, x=2.0):
    """dy/dx for z = 2x - 1, y = z**3, at x = 2."""
    z = 2 * x - 1
    dz_dx, dy_dz = 2.0, 3 * z**2
    return check_number(answer, dy_dz * dz_dx, [
        Mistake(dy_dz, "That is only dy/dz. The chain rule multiplies it by dz/dx = 2."),
        Mistake(dz_dx, "That is only dz/dx, the first link; multiply by dy/dz = 3z²."),
        Mistake(dy_dz + dz_dx, "The links' derivatives multiply, they do not add."),
        Mistake(3 * x**2 * dz_dx, "dy/dz = 3z² must be evaluated at z (= 3 here), not at x."),
    ])


def weight_grad(answer, x=2.5):
    """dloss/dw of lesson 03's tiny network (w = 3, b = -4, y_true = 1) at x = 2.5."""
    steps = {step.name: step for step in chain_rule.backward(chain_rule.tiny_network(), x)}
    grads = chain_rule.gradients(chain_rule.tiny_network(), x)
    into_square = steps["square"].upstream  # dloss/da3, skipping the square's local gradient
    return check_number(answer, grads["w"], [
        Mistake(grads["b"], "That is dloss/db. For w there is one more factor: d(w·x)/dw = x."),
        Mistake(grads["x"], "That is dloss/dx: d(w·x)/dx = w, but d(w·x)/dw = x."),
        Mistake(into_square * x, "The square layer's local gradient 2·a2 is missing."),
    ])


def conv_gradient_count(answer, kernel_size=5):
    """How many gradients backprop computes for nn.Conv2d(1, 1, kernel_size=5)."""
    layer = torch.nn.Conv2d(1, 1, kernel_size=kernel_size)
    right = sum(p.numel() for p in layer.parameters())
    return check_number(answer, right, [
        Mistake(kernel_size**2, "Do not forget the bias: it gets a gradient too."),
        Mistake(10, "10 is the answer for a 3x3 kernel (9 + 1); this kernel is 5x5."),
        Mistake(kernel_size + 1, "A 5x5 kernel has 5·5 weights, not 5."),
    ])
