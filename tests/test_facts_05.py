"""Lesson 05's facts, asserted against the library and against the stored outputs of the executed
notebook (what a reader without a kernel sees)."""
import numpy as np
import torch

from lessons_lib import autograd_conv, chain_rule, tiny_autograd
from tests import stored_notebooks

GRAD = "tensor([[22080., 28740.],\n        [21180., 27840.]])"


def nb():
    return stored_notebooks.load_named("inside-autograd")


def test_the_graph_walk_by_hand_and_by_the_library():
    book = nb()
    assert stored_notebooks.output_after(book, "loss = (output**2).sum()") == (
        "tensor(13341., grad_fn=<SumBackward0>)")
    assert stored_notebooks.output_after(book, "made_by_conv = made_by_square") == (
        "['SumBackward0', 'PowBackward0', 'ConvolutionBackward0']")
    assert stored_notebooks.output_after(book, "for fn, _ in made_by_conv.next_functions") == (
        "[None, 'UnsqueezeBackward0', None]")
    assert stored_notebooks.output_after(book, "leaf_node.variable is kernel") == (
        "('AccumulateGrad', True)")
    tree = stored_notebooks.output_after(book, "print(conv_graph.text())").splitlines()
    assert [line.strip("└─ ") for line in tree] == [
        "SumBackward0", "PowBackward0", "ConvolutionBackward0", "UnsqueezeBackward0",
        "UnsqueezeBackward0", "kernel (2, 2)"]


def test_backward_gives_lesson_04_blame_and_gradients_by_both_convs():
    book = nb()
    backward = stored_notebooks.output_after(book, "print(output.grad[0, 0])")
    assert backward.startswith("tensor([[ 42.,  64.,  86.],\n        [ 68.,  90., 112.],\n"
                               "        [ 46.,  68.,  90.]])")
    assert backward.rstrip().endswith(GRAD)
    assert stored_notebooks.output_after(book, "conv2d_by_hand(image, kernel.detach())") == (
        "tensor([[21., 32., 43.],\n        [34., 45., 56.],\n        [23., 34., 45.]])")
    assert stored_notebooks.output_after(book, "loss_2.backward()") == GRAD
    counts = stored_notebooks.output_after(book, "node_counts = {")
    for name, count in {"SumBackward0": 1, "PowBackward0": 1, "AddBackward0": 3,
                        "MulBackward0": 4, "SelectBackward0": 8, "kernel": 1}.items():
        assert f"'{name}': {count}" in counts
    assert counts.rstrip().endswith("18)")
    assert stored_notebooks.output_after(book, "torch.autograd.gradcheck(conv2d_by_hand") == "True"


def test_the_library_agrees_with_the_stored_gradient():
    image = torch.tensor([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50],
                          [10, 20, 30, 40]], dtype=torch.float32)
    grad = autograd_conv.kernel_grad(autograd_conv.conv2d_indexing, image,
                                     torch.tensor([[0.5, 0.3], [0.2, 0.1]]), torch.zeros(3, 3))
    assert str(grad) == GRAD


def test_the_tiny_engine_reproduces_lessons_03_and_04_in_the_library_and_the_notebook():
    book = nb()
    x, w, b = (tiny_autograd.Value(v) for v in (2.0, 3.0, -4.0))
    loss = ((w * x + b).square() + (-1.0)).square()
    loss.backward()
    grads = {"w": float(w.grad), "b": float(b.grad), "x": float(x.grad)}
    assert grads == chain_rule.gradients(chain_rule.tiny_network(), 2.0)
    assert stored_notebooks.output_after(book, "chain_loss.backward()") == (
        f"({float(loss.data)}, {grads})") == "(9.0, {'w': 48.0, 'b': 24.0, 'x': 72.0})"
    image = np.array([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]])
    kernel_grad, _ = tiny_autograd.lesson_04_gradients(image, [[0.5, 0.3], [0.2, 0.1]])
    assert kernel_grad.tolist() == [[22080, 28740], [21180, 27840]]
    shown = stored_notebooks.output_after(book, "loss_v.backward()")
    assert shown.startswith("(13341.0,")
    assert "[[22080., 28740.],\n        [21180., 27840.]]" in shown
    assert stored_notebooks.output_after(book, "nudged.round(3)") == (
        "array([[22080., 28740.],\n       [21180., 27840.]])")
    assert stored_notebooks.output_after(book, "tiny_graph = graph.walk_values") == (
        "{'sum': 1, 'square': 1, 'add': 3, 'mul': 4, 'index': 8}")
    assert stored_notebooks.output_after(book, "tiny_autograd.lesson_04_gradients") == (
        "'library engine = hand-written engine = PyTorch'")


def test_exercise_cells_are_stored_unanswered():
    for snippet in ("exercises_05.count_nodes(", "exercises_05.mul_nodes(",
                    "exercises_05.relu_rule(", "exercises_05.three_uses("):
        assert "Not attempted yet" in stored_notebooks.output_after(nb(), snippet)
