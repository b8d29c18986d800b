import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib import conv2d
from tests.numeric import finite_difference


@st.composite
def image_and_kernel(draw):
    height, width = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, height)), draw(st.integers(1, width))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return rng.normal(size=(height, width)), rng.normal(size=(kh, kw)), rng.normal(
        size=conv2d.output_shape((height, width), (kh, kw)))


def torch_reference(image, kernel, target):
    kernel_t = torch.tensor(kernel, requires_grad=True)
    out = F.conv2d(torch.tensor(image)[None, None], kernel_t[None, None])[0, 0]
    loss = ((out - torch.tensor(target)) ** 2).sum()
    loss.backward()
    return out.detach(), loss.detach(), kernel_t.grad


@given(image_and_kernel())
def test_loops_equal_numpy_equal_f_conv2d_and_autograd(case):
    image, kernel, target = case
    out_t, loss_t, grad_t = torch_reference(image, kernel, target)
    for conv, kernel_grad in ((conv2d.conv2d_loops, conv2d.kernel_grad_loops),
                              (conv2d.conv2d_numpy, conv2d.kernel_grad_numpy)):
        out = conv(image, kernel)
        torch.testing.assert_close(torch.tensor(out), out_t)
        torch.testing.assert_close(torch.tensor(conv2d.loss(out, target), dtype=torch.float64),
                                   loss_t)
        grad = kernel_grad(image, conv2d.blame(out, target), kernel.shape)
        torch.testing.assert_close(torch.tensor(grad), grad_t)


@given(image_and_kernel())
def test_kernel_gradient_equals_finite_differences(case):
    image, kernel, target = case
    grad = conv2d.kernel_grad_numpy(image, conv2d.blame(conv2d.conv2d_numpy(image, kernel),
                                                        target), kernel.shape)
    nudged = finite_difference(
        lambda k: conv2d.loss(conv2d.conv2d_numpy(image, k), target), kernel)
    torch.testing.assert_close(torch.tensor(grad), torch.tensor(nudged), rtol=1e-5, atol=1e-4)


@given(image_and_kernel())
def test_kernel_gradient_is_the_image_cross_correlated_with_the_blame_map(case):
    image, kernel, target = case
    blame = conv2d.blame(conv2d.conv2d_numpy(image, kernel), target)
    np.testing.assert_allclose(conv2d.kernel_grad_numpy(image, blame, kernel.shape),
                               conv2d.conv2d_numpy(image, blame))


def test_training_step_methods_agree_and_lower_the_loss():
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
    target = np.zeros((4, 4))
    by_loops = conv2d.training_step(image, kernel, target, 1e-3, method="loops")
    by_numpy = conv2d.training_step(image, kernel, target, 1e-3, method="numpy")
    np.testing.assert_allclose(by_loops[0], by_numpy[0])
    assert conv2d.loss(conv2d.conv2d_numpy(image, by_numpy[0]), target) < by_numpy[1]


def test_max_stable_lr_separates_converging_from_diverging_runs():
    rng = np.random.default_rng(2)
    image, kernel = rng.normal(size=(5, 5)), rng.normal(size=(2, 2))
    target = rng.normal(size=(4, 4))
    limit = conv2d.max_stable_lr(image, kernel.shape)
    below, _, _ = conv2d.train(image, kernel, target, 0.9 * limit, 300)
    above, _, diverged = conv2d.train(image, kernel, target, 1.1 * limit, 300)
    assert below[-1] < below[0] and (diverged or above[-1] > above[0])
    assert all(np.isfinite(above))


@pytest.mark.parametrize("call, error, words", [
    (lambda: conv2d.conv2d_numpy(np.ones((2, 2)), np.ones((3, 1))), ValueError, "does not fit"),
    (lambda: conv2d.conv2d_loops(np.ones(4), np.ones((1, 1))), ValueError, "image must be 2-D"),
    (lambda: conv2d.conv2d_numpy(np.ones((3, 3)), [[np.nan]]), ValueError, "kernel must contain"),
    (lambda: conv2d.conv2d_numpy([["a"]], [[1.0]]), TypeError, "image must be a 2-D array"),
    (lambda: conv2d.conv2d_numpy(np.ones((0, 3)), [[1.0]]), ValueError, "must not be empty"),
    (lambda: conv2d.blame(np.ones((2, 2)), np.ones((3, 3))), ValueError, "target must have"),
    (lambda: conv2d.kernel_grad_numpy(np.ones((4, 4)), np.ones((2, 2)), (2, 2)), ValueError,
     "blame_map must have shape"),
    (lambda: conv2d.sgd_update(np.ones((2, 2)), np.ones((2, 2)), -1.0), ValueError, "lr must"),
    (lambda: conv2d.train(np.ones((3, 3)), np.ones((2, 2)), np.zeros((2, 2)), 0.1, -1),
     ValueError, "steps must be"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_counts_and_sizes_have_caps_stated_in_the_message():
    with pytest.raises(ValueError, match="steps must be <= 10000"):
        conv2d.train(conv2d.IMAGE, conv2d.KERNEL, conv2d.TARGET, 1e-5, 10**30)
    with pytest.raises(ValueError, match="kernel_shape of shape .* does not fit"):
        conv2d.patches(conv2d.IMAGE, (10**9, 10**9))  # no MemoryError on the way
    with pytest.raises(ValueError, match="at most 16,777,216 numbers"):
        conv2d.patches(np.ones((3000, 3000)), (100, 100))
    with pytest.raises(ValueError, match="loops take at most 10,000,000"):
        conv2d.conv2d_loops(np.ones((4000, 4000)), np.ones((2, 2)))


def test_max_stable_lr_is_exact_for_the_lesson_and_names_the_image_beyond_float64():
    x = conv2d.patches(conv2d.IMAGE, (2, 2))
    assert conv2d.max_stable_lr(conv2d.IMAGE, (2, 2)) == 2 / np.linalg.eigvalsh(2 * x.T @ x).max()
    assert conv2d.max_stable_lr(np.full((4, 4), 1e-100), (2, 2)) == pytest.approx(
        conv2d.max_stable_lr(np.ones((4, 4)), (2, 2)) * 1e200)  # tiny: no underflow on the way
    for value, words in ((1e-160, "too small"), (1e200, "too large")):
        with pytest.raises(ValueError, match=f"image values are {words}"):
            conv2d.max_stable_lr(np.full((4, 4), value), (2, 2))


def test_train_returns_a_copy_of_the_starting_kernel_not_the_lessons_constant():
    kernels = conv2d.train(conv2d.IMAGE, conv2d.KERNEL, conv2d.TARGET, 1e-5, 2)[1]
    assert kernels[0] is not conv2d.KERNEL and np.array_equal(kernels[0], conv2d.KERNEL)
    kernels[0][0, 0] = 99.0
    assert conv2d.KERNEL[0, 0] == 0.5
