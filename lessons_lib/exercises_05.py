"""Checkers for lesson 05's exercises. Right answers come from building the graphs and running
the experiment, never from typed-in values."""
import numpy as np
import torch

from lessons_lib import autograd_conv, edge_experiment, graph
from lessons_lib.exercises import Mistake, check_choice, check_number

# Exercise 3's hidden kernel: lesson 05's edge detector turned a quarter turn.
HORIZONTAL_EDGES = np.array([[-1.0, -2.0, -1.0],
                             [0.0, 0.0, 0.0],
                             [1.0, 2.0, 1.0]])
LINES = ("top row", "middle row", "bottom row", "left column", "middle column", "right column")


def count_nodes(answer):
    """Nodes in the graph of loss = ((w * x + b) ** 2).sum(), x a plain 3-vector."""
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    g = graph.walk(((w * x + b) ** 2).sum(), {"w": w, "b": b})
    leaves = sum(node.kind == "leaf" for node in g.nodes)
    return check_number(answer, len(g.nodes), [
        Mistake(len(g.nodes) - leaves, "Those are the operations only. Each leaf that needs a "
                "gradient (w and b) gets a node too: AccumulateGrad, which stores its .grad."),
        Mistake(len(g.nodes) + 1, "x needs no gradient, so the backward pass never visits it: "
                "it is not a node (next_functions has None in its place)."),
        Mistake(len(g.nodes) - 1, "One short: did you count both leaves, w and b, and the sum?"),
    ])


def mul_nodes(answer, image_size=10, kernel_size=3):
    """MulBackward0 nodes in conv2d_indexing's graph for a 3x3 kernel on a 10x10 image."""
    kernel = torch.zeros(kernel_size, kernel_size, requires_grad=True)
    out = autograd_conv.conv2d_indexing(torch.zeros(image_size, image_size), kernel)
    g = graph.walk(out.sum(), {"kernel": kernel})
    positions = (image_size - kernel_size + 1) ** 2
    return check_number(answer, g.count("MulBackward0"), [
        Mistake(positions, "That is one per output pixel. Each multiply works on a whole image "
                "slice at once: one per kernel weight."),
        Mistake(positions * kernel_size**2, "That counts every scalar product. One MulBackward0 "
                "multiplies a weight by a whole slice."),
        Mistake(g.count("AddBackward0"), "Those are the adds: one fewer than the terms they "
                "join."),
        Mistake(4, "That is for the lesson's 2x2 kernel; this one is 3x3."),
    ])


def near_zero(answer, seed=0):
    """Train on targets made by HORIZONTAL_EDGES: which line of the kernel ends near zero?"""
    if answer is None:  # no need to train just to say so
        return check_choice(None, LINES[0], LINES)
    images, targets = edge_experiment.make_dataset(HORIZONTAL_EDGES, seed=seed)
    run = edge_experiment.train(images, targets, edge_experiment.random_kernel())
    final = np.abs(run.kernels[-1])
    sizes = [final[row].max() for row in range(3)] + [final[:, col].max() for col in range(3)]
    right = LINES[int(np.argmin(sizes))]
    mistakes = [Mistake("middle column", "That was the lesson's kernel, which finds edges running "
                        "top to bottom. This one is turned a quarter turn.")]
    mistakes += [Mistake(line, "The target needs those weights: the hidden kernel has -1, -2, -1 "
                         "or 1, 2, 1 there. Look for the line where it is all zeros.")
                 for line in LINES if line != right and line != "middle column"]
    return check_choice(answer, right, LINES, mistakes)
