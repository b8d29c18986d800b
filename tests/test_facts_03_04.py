"""Every lesson-03/04 number COURSE.md lists, asserted against the library and against the
stored outputs of the executed notebooks."""
import re

import numpy as np
import torch

from lessons_lib import chain_rule, conv2d
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET
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
    shown_loss = stored_notebooks.output_after(nb, "loss = np.sum((output - target) ** 2)")
    assert shown_loss.strip().endswith("= 13,341")
    assert stored_notebooks.output_after(nb, "blame = 2 * (output - target)") == (
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
    update = stored_notebooks.output_after(nb, "new_kernel = kernel - lr * grad")
    for name, value in zip(GRADS, np.ravel(NEW_KERNEL)):
        assert update.count(f"{name:>12}:") == 1 and f"= {value:.4f}" in update
    assert "loss before: 13,341   after one step: 129.68" in stored_notebooks.output_after(
        nb, "new_loss = conv2d.loss(")
    autograd_grads = stored_notebooks.output_after(
        nb, "kernel_t = torch.tensor(kernel, requires_grad=True)")
    assert "tensor([[22080., 28740.], [21180., 27840.]]" in " ".join(autograd_grads.split())
    limit = stored_notebooks.output_after(nb, "lr_limit = 2 / curvatures.max()")
    assert "diverge above lr = 2.09e-05" in limit and "is 0.48 of that limit" in limit
    runs = stored_notebooks.output_after(nb, "for lr_try in (1e-5, 2.0e-5, 2.2e-5):\n    losses")
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
    walk = stored_notebooks.output_after(nb, "upstream = 1.0  # dloss/dloss").splitlines()[0]
    assert walk == "dloss/da3 = 6.0, dloss/da2 = 24.0, dloss/da1 = 24.0, dloss/dx = 72.0"
    prose = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "1, then 6, then 24, still 24 after the add, then 72" in " ".join(prose.split())


def by_hand_input_grad(image, kernel, blame):
    """dloss/dimage: each output sends blame * kernel back to the pixels it read."""
    kh, kw = kernel.shape
    grad = np.zeros_like(image)
    for i in range(blame.shape[0]):
        for j in range(blame.shape[1]):
            grad[i:i + kh, j:j + kw] += blame[i, j] * kernel
    return grad


def test_lesson_04_bias_and_input_gradients():
    blame = conv2d.blame(conv2d.conv2d_loops(IMAGE, KERNEL), TARGET)
    image_t = torch.tensor(IMAGE, requires_grad=True)
    bias_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    out = torch.nn.functional.conv2d(image_t[None, None], torch.tensor(KERNEL)[None, None], bias_t)
    (out**2).sum().backward()
    assert blame.sum() == bias_t.grad.item() == 666
    input_grad = by_hand_input_grad(IMAGE, KERNEL, blame)
    np.testing.assert_allclose(input_grad, image_t.grad.numpy(), rtol=0, atol=1e-12)
    flipped = conv2d.conv2d_numpy(np.pad(blame, 1), KERNEL[::-1, ::-1])
    np.testing.assert_allclose(flipped, input_grad, rtol=0, atol=1e-12)
    assert input_grad[0, 0] == 42 * 0.5 == 21

    nb = stored_notebooks.load("04")
    assert stored_notebooks.output_after(nb, "bias_grad = float(np.sum(") == "666.0"
    shown = stored_notebooks.output_after(nb, "image_grad = np.zeros_like(image)")
    numbers = re.findall(r"-?\d+(?:\.\d+)?", shown)
    rows = np.array([float(v) for v in numbers]).reshape(4, 4)
    np.testing.assert_allclose(rows, input_grad, atol=1e-9)
    assert stored_notebooks.output_after(nb, "as_correlation = conv2d.conv2d_numpy(") == (
        "loops = padded, flipped cross-correlation: True\nloops = autograd's image.grad: True\n")
    assert "tensor([666.], dtype=torch.float64)" in stored_notebooks.output_after(
        nb, "assert bias_t.grad.item() == bias_grad")


def test_lesson_04_both_small_weights_flip_sign():
    new = conv2d.sgd_update(KERNEL, conv2d.kernel_grad_loops(
        IMAGE, conv2d.blame(conv2d.conv2d_loops(IMAGE, KERNEL), TARGET), KERNEL.shape), 1e-5)
    assert KERNEL[1, 0] == 0.2 and round(new[1, 0], 4) == -0.0118
    assert KERNEL[1, 1] == 0.1 and round(new[1, 1], 4) == -0.1784
    update = stored_notebooks.output_after(stored_notebooks.load("04"),
                                           "new_kernel = kernel - lr * grad")
    assert "bottom-left: 0.2 - 1e-05 × 21,180 = -0.0118" in update


def test_lesson_04_four_curvatures_their_factors_and_the_loss_they_predict():
    x = conv2d.patches(IMAGE, KERNEL.shape)
    curvatures, directions = np.linalg.eigh(2 * x.T @ x)
    assert abs(curvatures[0]) < 1e-9
    assert [round(c, 1) for c in curvatures[1:]] == [112.6, 3600.0, 95887.4]
    factors = 1 - 1e-5 * curvatures
    assert [round(f, 4) for f in factors] == [1.0, 0.9989, 0.964, 0.0411]
    assert round(2 / curvatures[-1], 7) == 2.09e-5
    component = directions.T @ KERNEL.ravel()
    losses, _, _ = conv2d.train(IMAGE, KERNEL, TARGET, 1e-5, steps=30)
    for t in (0, 1, 29):  # the per-direction parts add up to the loss the steps really print
        parts = curvatures / 2 * (component * factors**t) ** 2
        assert np.isclose(parts.sum(), losses[t])
    assert round(losses[-1], 2) == 16.01
    assert round(100 * (1 - losses[1] / losses[0]), 2) == 99.03

    nb = stored_notebooks.load("04")
    # what one step keeps of each direction's part: factor squared (0.0411 is nearly "lands in
    # one step", not slow: it keeps 0.17%, removes 99.8%)
    assert [round(100 * f**2, 2) for f in factors] == [100.0, 99.77, 92.93, 0.17]
    assert round(100 * (1 - factors[-1] ** 2), 1) == 99.8
    table = stored_notebooks.output_after(nb, "def regime(factor):").splitlines()
    assert table[1].split() == ["0.0", "1.0000", "no", "movement", "100.00%", "0.00", "0.00",
                                "0.00"]
    assert table[2].split()[:5] == ["112.6", "0.9989", "never", "crosses", "99.77%"]
    assert table[2].split()[-1] == "2.59"
    assert table[3].split()[:5] == ["3,600.0", "0.9640", "never", "crosses", "92.93%"]
    assert table[3].split()[-1] == "13.42"
    assert table[4].split()[:5] == ["95,887.4", "0.0411", "never", "crosses", "0.17%"]
    assert table[4].split()[-2] == "22.37"
    assert "slow and steady" not in "\n".join(table)
    assert table[5].split() == ["total", "13,341.00", "129.68", "16.01"]
    assert table[6] == ("one step removes 99.03% of the loss, and 99.8% of the steepest "
                        "direction's part")
    steepest = stored_notebooks.output_after(nb, "steepest = 1 - lr_try * curvatures.max()")
    assert "+0.041 (never crosses)" in steepest and "-1.110 (diverges)" in steepest
    assert stored_notebooks.output_after(nb, "k, losses_by_hand = kernel.ravel(), []") == (
        "'loss at step 1: 13,341, at step 30: 16.01'")


def test_lesson_03_product_formula_fan_out_and_relu():
    nb = stored_notebooks.load("03")
    assert stored_notebooks.output_after(nb, "factors = [2 * (a3 - y_true)") == (
        "([6.0, 4.0, 1.0, 2.0], 48.0)")
    # fan-out, three ways: by hand, autograd, finite differences
    w, x1, x2 = 3.0, 2.0, -1.0
    by_hand = 2 * (w * x1) * x1 + 2 * (w * x2) * x2
    w_t = torch.tensor(w, requires_grad=True)
    ((w_t * x1) ** 2 + (w_t * x2) ** 2).backward()
    h = 1e-5
    nudged = (((w + h) * x1) ** 2 + ((w + h) * x2) ** 2
              - ((w - h) * x1) ** 2 - ((w - h) * x2) ** 2) / (2 * h)
    assert by_hand == w_t.grad.item() == 30 and abs(nudged - 30) < 1e-6
    assert stored_notebooks.output_after(nb, "fan_out_by_hand = via_p + via_q") == (
        "via p: 24, via q: 6, sum by hand: 30\nautograd: 30, finite differences: 30.0000\n")
    relu = stored_notebooks.output_after(nb, "def relu_chain(x):").splitlines()
    assert relu == ["x = 2: ReLU input 2, loss 1, dloss/dw: by hand 4, autograd 4, "
                    "finite differences 4.0000",
                    "x = 1: ReLU input -1, loss 1, dloss/dw: by hand 0, autograd 0, "
                    "finite differences 0.0000"]
    assert "parameters of the ReLU: 0" in stored_notebooks.output_after(nb, "n_gradients = sum(")


def test_lesson_04_the_output_peaks_where_the_kernel_covers_the_brightest_patch():
    output = conv2d.conv2d_loops(IMAGE, KERNEL)
    peak = np.unravel_index(np.argmax(output), output.shape)
    assert tuple(map(int, peak)) == (1, 2) and output[peak] == 56  # middle row, right end
    assert output[2, 2] < output[1, 2]  # not the bottom right
    assert tuple(map(int, np.unravel_index(np.argmax(IMAGE), IMAGE.shape))) == (1, 3)
    assert IMAGE.max() == 60
    sums = np.array([[IMAGE[i:i + 2, j:j + 2].sum() for j in range(3)] for i in range(3)])
    assert tuple(map(int, np.unravel_index(np.argmax(sums), sums.shape))) == (1, 2)
    assert sums.max() == 200
    shown = stored_notebooks.output_after(stored_notebooks.load("04"), "peak = np.unravel_index(")
    assert shown.splitlines() == [
        "largest output 56 at row 1, column 2",
        "brightest patch: pixels adding up to 200, at the same place; brightest pixel 60"]


def test_lesson_04_brightness_alone_does_not_rank_the_outputs():
    output = conv2d.conv2d_loops(IMAGE, KERNEL)
    sums = np.array([[IMAGE[i:i + 2, j:j + 2].sum() for j in range(3)] for i in range(3)])
    assert sums.tolist() == [[100, 140, 180], [120, 160, 200], [80, 120, 160]]
    assert KERNEL.max() == KERNEL[0, 0] == 0.5  # the top-left weight counts most
    assert (sums[0, 1], output[0, 1]) == (140, 32) and (sums[1, 0], output[1, 0]) == (120, 34)
    nb = stored_notebooks.load("04")
    shown = stored_notebooks.output_after(nb, "print(patch_sums)\nprint(output)")
    assert shown.splitlines()[-1] == "patch sum 140 -> output 32; patch sum 120 -> output 34"
    prose = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    prose = " ".join(prose.split())
    assert "adding up to 140 gives 32, while the darker one adding up to 120 gives 34" in prose
    assert "the slowest of the directions that hold any loss" in prose


def test_lesson_04_blame_is_a_sensitivity_not_a_share_of_the_loss():
    output = conv2d.conv2d_loops(IMAGE, KERNEL)
    blame = conv2d.blame(output, TARGET)
    loss = conv2d.loss(output, TARGET)
    assert round(100 * 56**2 / loss, 1) == 23.5 and round(100 * 112 / blame.sum(), 1) == 16.8
    assert blame[1, 2] == 112 and blame.sum() == 666
    shown = stored_notebooks.output_after(stored_notebooks.load("04"), "share_of_loss = ")
    assert shown.strip() == "output 56: 23.5% of the loss, 16.8% of the summed blame (112 of 666)"


def test_lesson_04_autograd_updated_kernel_is_equal_to_the_bit():
    blame = conv2d.blame(conv2d.conv2d_loops(IMAGE, KERNEL), TARGET)
    grad = conv2d.kernel_grad_loops(IMAGE, blame, KERNEL.shape)
    kernel_t = torch.tensor(KERNEL, requires_grad=True)
    out = torch.nn.functional.conv2d(torch.tensor(IMAGE)[None, None], kernel_t[None, None])
    (out**2).sum().backward()
    assert torch.equal(kernel_t.detach() - 1e-5 * kernel_t.grad,
                       torch.tensor(conv2d.sgd_update(KERNEL, grad, 1e-5)))
    source = "".join(next(c["source"] for c in stored_notebooks.code_cells(
        stored_notebooks.load("04")) if "kernel_t.detach() - lr * kernel_t.grad" in
        "".join(c["source"])))
    assert "rtol=0, atol=0)" in source.split("kernel_t.detach() - lr * kernel_t.grad")[1]


def test_lesson_03_conv2d_parameter_count_is_out_times_in_k_k_plus_one():
    for in_channels, out_channels, k in ((1, 1, 3), (4, 16, 3), (16, 32, 5), (3, 8, 5)):
        layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size=k, device="meta")
        assert sum(p.numel() for p in layer.parameters()) == out_channels * (
            in_channels * k * k + 1)
    shown = stored_notebooks.output_after(stored_notebooks.load("03"), "def conv_parameters(")
    assert shown.splitlines() == [
        "Conv2d(1, 1, kernel_size=3): weight (1, 1, 3, 3), bias (1,), 10 parameters",
        "Conv2d(4, 16, kernel_size=3): weight (16, 4, 3, 3), bias (16,), 592 parameters",
        "Conv2d(16, 32, kernel_size=5): weight (32, 16, 5, 5), bias (32,), 12,832 parameters"]


def test_lesson_03_blame_is_not_split_the_multiply_layer_hands_back_more_than_it_gets():
    steps = chain_rule.backward(chain_rule.tiny_network(w=3.0, b=-4.0, y_true=1.0), 2.0)
    multiply = steps[-1]
    assert (multiply.upstream, multiply.downstream, multiply.param_grad) == (24, 72, 48)
    assert multiply.downstream + multiply.param_grad > multiply.upstream
    text = "".join("".join(c["source"]) for c in stored_notebooks.load("03")["cells"]
                   if c["cell_type"] == "markdown")
    assert "splits that blame" not in text


def test_lesson_04_power_iteration_finds_the_largest_curvature():
    shown = stored_notebooks.output_after(stored_notebooks.load("04"), "direction = curved / ")
    rounds = shown.splitlines()
    assert rounds[0] == "round 1: largest curvature about 94,200.0"
    assert all(line.endswith("about 95,887.4") for line in rounds[1:]) and len(rounds) == 5
    x = conv2d.patches(IMAGE, KERNEL.shape)
    assert round(np.linalg.eigvalsh(2 * x.T @ x).max(), 1) == 95887.4
    ones = np.ones(4)
    assert ones @ (2 * x.T @ x) @ ones / 4 == 94200  # round 1 measures along (1, 1, 1, 1)
