"""Every lesson-03/04 number COURSE.md lists, asserted against the library and against the
stored outputs of the executed notebooks."""
import numpy as np
import torch

from lessons_lib import conv2d
from lessons_lib.conv2d_widgets import IMAGE, KERNEL, TARGET
from tests import stored_notebooks

OUTPUT = [[21, 32, 43], [34, 45, 56], [23, 34, 45]]
BLAME = [[42, 64, 86], [68, 90, 112], [46, 68, 90]]
GRADS = {"top-left": 22080, "top-right": 28740, "bottom-left": 21180, "bottom-right": 27840}
NEW_KERNEL = [[0.2792, 0.0126], [-0.0118, -0.1784]]


def test_library_reproduces_every_lesson_04_number():
    output = conv2d.conv2d_loops(IMAGE, KERNEL)
    assert output.tolist() == OUTPUT
    assert conv2d.loss(output, TARGET) == 13341
    blame = conv2d.blame(output, TARGET)
    assert blame.tolist() == BLAME
    grads = conv2d.kernel_grad_loops(IMAGE, blame, KERNEL.shape)
    assert grads.ravel().tolist() == list(GRADS.values())
    new = conv2d.sgd_update(KERNEL, grads, 1e-5)
    np.testing.assert_allclose(new, NEW_KERNEL, atol=1e-12)
    assert round(new[0, 0], 3) == 0.279 and round(new[1, 1], 3) == -0.178
    assert round(conv2d.loss(conv2d.conv2d_numpy(IMAGE, new), TARGET), 2) == 129.68
    assert round(conv2d.max_stable_lr(IMAGE, KERNEL.shape), 7) == 2.09e-5


def test_lesson_04_outputs_show_every_number():
    nb = stored_notebooks.load("04")
    assert stored_notebooks.output_after(nb, "patch = image[0:2, 0:2]").strip() == (
        "10·0.5 + 20·0.3 + 30·0.2 + 40·0.1 = 5 + 6 + 6 + 4 = 21")
    assert stored_notebooks.output_after(nb, "output[i, j] = np.sum(") == (
        "array([[21., 32., 43.],\n       [34., 45., 56.],\n       [23., 34., 45.]])")
    assert "loops = numpy = F.conv2d: True" in stored_notebooks.output_after(nb, "flipped =")
    assert stored_notebooks.output_after(nb, "loss = conv2d.loss(output").strip().endswith(
        "= 13,341")
    assert stored_notebooks.output_after(nb, "blame = conv2d.blame(") == (
        "array([[ 42.,  64.,  86.],\n       [ 68.,  90., 112.],\n       [ 46.,  68.,  90.]])")
    top_left = stored_notebooks.output_after(nb, "dloss/dw[top-left]")
    assert ("10·42 + 20·64 + 30·86 + 30·68 + 40·90 + 50·112 + 20·46 + 30·68 + 40·90"
            in top_left and top_left.strip().endswith("= 22,080"))
    table = stored_notebooks.output_after(nb, "for n, (a, b) in enumerate([(0, 0), (0, 1), "
                                          "(1, 0), (1, 1)]):\n    grad[a, b]")
    for name, value in GRADS.items():
        assert f"{name:>12}: {value:,}" in table
    assert stored_notebooks.output_after(nb, "np.array_equal(conv2d.conv2d_numpy(image, blame)"
                                         ) == "True"
    update = stored_notebooks.output_after(nb, "new_kernel = conv2d.sgd_update(")
    for name, value in zip(GRADS, np.ravel(NEW_KERNEL)):
        assert update.count(f"{name:>12}:") == 1 and f"= {value:.4f}" in update
    assert "loss before: 13,341   after one step: 129.68" in stored_notebooks.output_after(
        nb, "new_loss = conv2d.loss(")
    assert "tensor([[22080., 28740.],\n        [21180., 27840.]]" in (
        stored_notebooks.output_after(nb, "kernel_t = torch.tensor(kernel, requires_grad=True)"))
    limit = stored_notebooks.output_after(nb, "lr_limit = 2 / curvatures.max()")
    assert "diverge above lr = 2.09e-05" in limit and "is 0.48 of that limit" in limit
    runs = stored_notebooks.output_after(nb, "for lr_try in (1e-5, 2.0e-5, 2.2e-5):\n")
    assert runs.count("(diverged)") == 1 and "lr = 2.2e-05" in runs.splitlines()[2]


def test_autograd_reproduces_every_gradient_exactly():
    kernel_t = torch.tensor(KERNEL, requires_grad=True)
    out = torch.nn.functional.conv2d(torch.tensor(IMAGE)[None, None], kernel_t[None, None])
    (out**2).sum().backward()
    assert kernel_t.grad.ravel().tolist() == list(GRADS.values())


def test_lesson_03_outputs():
    nb = stored_notebooks.load("03")
    assert stored_notebooks.output_after(nb, "dy_dz, dz_dx, dy_dz * dz_dx") == (
        "(14.0, 3.0, 42.0, 42.0)")
    checks = stored_notebooks.output_after(nb, "by_nudging = {")
    for name, value in (("w", 48), ("b", 24), ("x", 72)):
        assert (f"dloss/d{name}: by hand {value}, autograd {value}, finite differences "
                f"{value}.0000") in checks
    counted = stored_notebooks.output_after(nb, "n_gradients = sum(")
    assert "in all: 10 gradients" in counted and "has a gradient? False" in counted
