"""Lesson 05's facts, asserted against the library and against the stored outputs of the executed
notebook (what a reader without a kernel sees)."""
import numpy as np
import torch

from lessons_lib import autograd_conv, edge_experiment
from tests import stored_notebooks
from tests.test_edge_experiment import TOLERANCE, UNNEEDED_SIZE

GRAD = "tensor([[22080., 28740.],\n        [21180., 27840.]])"


def nb():
    return stored_notebooks.load("05")


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


def test_the_experiment_numbers_the_notebook_shows():
    book = nb()
    images, targets = edge_experiment.make_dataset()
    run = edge_experiment.train(images, targets, edge_experiment.random_kernel())
    assert stored_notebooks.output_after(book, "images.shape, targets.shape") == (
        "((64, 10, 10), (64, 8, 8))")
    trained = stored_notebooks.output_after(book, "run = edge_experiment.train(")
    assert trained.strip() == (f"step 1 gradient matches autograd; loss {run.losses[0]:.4f} at "
                               f"step 1, {run.losses[-1]:.6f} at step 300")
    distance = np.abs(run.kernels[-1] - edge_experiment.HIDDEN_KERNEL).max()
    assert distance < TOLERANCE
    assert stored_notebooks.output_after(book, 'print("learned:').rstrip().endswith(
        f"largest distance from the hidden kernel: {distance:.3f}")
    assert np.abs(run.kernels[-1][:, 1]).max() < UNNEEDED_SIZE
    flips = stored_notebooks.output_after(book, "flip_rate = ").splitlines()[-1]
    needed, middle = (float(v) for v in flips.replace(",", "").split()[-4::3])
    assert middle > 2 * needed, "the prose says unneeded weights flip far more often"


def test_exercise_cells_are_stored_unanswered():
    for snippet in ("exercises_05.count_nodes(", "exercises_05.mul_nodes(",
                    "exercises_05.near_zero("):
        assert "Not attempted yet" in stored_notebooks.output_after(nb(), snippet)
