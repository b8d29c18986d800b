"""Checkers for lesson 03's exercises. Right answers come from lessons_lib.chain_rule and torch."""
import torch

from lessons_lib import chain_rule, validation
from lessons_lib.exercises import Mistake, check_number


def outer_inner(answer, x=2.0):
    """dy/dx for z = 3x + 1, y = z**2, at x = 2: (dy/dz) * (dz/dx)."""
    x = validation.bounded("x", x)
    z = 3 * x + 1
    dy_dz, dz_dx = 2 * z, 3.0
    return check_number(answer, dy_dz * dz_dx, [
        Mistake(dy_dz, "That is dy/dz alone: multiply by how fast z moves with x (dz/dx = 3)."),
        Mistake(2 * x * dz_dx, "dy/dz = 2z must be taken at z = 3x + 1, not at x."),
        Mistake(2 * dz_dx, "The derivative of z**2 is 2z: it depends on where you are, z."),
    ])


def weight_gradient(answer, x=0.5):
    """dloss/dw of lesson 03's chain (w = 3, b = -4, y_true = 1) at x = 0.5."""
    steps = chain_rule.backward(chain_rule.tiny_network(), x)
    multiply = steps[-1]  # the first layer, reached last on the way back
    return check_number(answer, multiply.param_grad, [
        Mistake(multiply.downstream, "That is dloss/dx. For the weight, the local gradient of "
                "w * x is x (how the output moves with w), not w."),
        Mistake(multiply.upstream, "That is the upstream gradient alone: multiply it by the "
                "local d(w * x)/dw = x."),
    ])


def conv_parameter_count(answer, kernel_size=5):
    """How many numbers get a gradient in nn.Conv2d(1, 1, kernel_size=5)?"""
    kernel_size = validation.count("kernel_size", kernel_size, minimum=1, maximum=28)
    layer = torch.nn.Conv2d(1, 1, kernel_size=kernel_size)
    right = sum(p.numel() for p in layer.parameters())
    return check_number(answer, right, [
        Mistake(kernel_size**2, "Those are the weights; the bias gets a gradient too."),
        Mistake(kernel_size + 1, "kernel_size=5 means a 5x5 grid of weights, plus the bias."),
        Mistake(kernel_size**2 + 1 + 28 * 28, "The input image is data, not a parameter: it "
                "gets no update."),
    ], whole=True)
