"""lessons_lib.autograd_conv: a conv made of indexing, multiply and add gets F.conv2d's outputs
and gradients from autograd, and passes gradcheck in float64."""
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.autograd.gradcheck import GradcheckError

from lessons_lib import autograd_conv, conv2d

IMAGE = [[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]]
KERNEL = [[0.5, 0.3], [0.2, 0.1]]


def test_lesson_04_gradients_by_both_routes():
    image, kernel = torch.tensor(IMAGE, dtype=torch.float64), torch.tensor(KERNEL,
                                                                          dtype=torch.float64)
    target = torch.zeros(3, 3, dtype=torch.float64)
    by_indexing = autograd_conv.kernel_grad(autograd_conv.conv2d_indexing, image, kernel, target)
    by_torch = autograd_conv.kernel_grad(autograd_conv.conv2d_torch, image, kernel, target)
    torch.testing.assert_close(by_indexing, by_torch)
    torch.testing.assert_close(by_indexing, torch.tensor([[22080.0, 28740.0], [21180.0, 27840.0]],
                                                         dtype=torch.float64))


@given(h=st.integers(3, 7), w=st.integers(3, 7), kh=st.integers(1, 3), kw=st.integers(1, 3),
       seed=st.integers(0, 2**31 - 1))
def test_outputs_and_gradients_equal_f_conv2d(h, w, kh, kw, seed):
    gen = torch.Generator().manual_seed(seed)
    image = torch.randn(h, w, generator=gen, dtype=torch.float64)
    kernel = torch.randn(kh, kw, generator=gen, dtype=torch.float64)
    target = torch.randn(h - kh + 1, w - kw + 1, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(autograd_conv.conv2d_indexing(image, kernel),
                               autograd_conv.conv2d_torch(image, kernel))
    torch.testing.assert_close(
        autograd_conv.kernel_grad(autograd_conv.conv2d_indexing, image, kernel, target),
        autograd_conv.kernel_grad(autograd_conv.conv2d_torch, image, kernel, target))


def test_gradcheck_in_float64_for_image_and_kernel():
    gen = torch.Generator().manual_seed(0)
    image = torch.randn(5, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    kernel = torch.randn(3, 2, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(autograd_conv.conv2d_indexing, (image, kernel))


def test_gradcheck_catches_a_wrong_backward():
    class Doubled(torch.autograd.Function):  # forward is right, backward is twice too big
        @staticmethod
        def forward(ctx, kernel):
            return kernel * 3.0

        @staticmethod
        def backward(ctx, grad):
            return grad * 6.0

    kernel = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
    with pytest.raises(GradcheckError):
        torch.autograd.gradcheck(Doubled.apply, (kernel,))


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="2-D"):
        autograd_conv.conv2d_indexing(torch.ones(1, 4, 4), torch.ones(2, 2))
    with pytest.raises(ValueError, match="does not fit"):
        autograd_conv.conv2d_indexing(torch.ones(2, 2), torch.ones(3, 3))


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_kernel_grad_works_in_no_grad_and_inference_mode_and_fills_no_callers_grad(mode):
    image = torch.tensor(conv2d.IMAGE, requires_grad=True)
    kernel = torch.tensor(conv2d.KERNEL, requires_grad=True)
    target = torch.tensor(conv2d.TARGET)
    expected = torch.tensor(conv2d.training_step(conv2d.IMAGE, conv2d.KERNEL, conv2d.TARGET,
                                                 0.0)[2])
    with mode():
        grad = autograd_conv.kernel_grad(autograd_conv.conv2d_indexing, image, kernel, target)
    torch.testing.assert_close(grad, expected)
    assert image.grad is None and kernel.grad is None
