"""A conv layer built from indexing, multiply and add, with gradients autograd derives (lesson 05).

`conv2d_indexing` never calls `F.conv2d` and has no backward code of its own: each
`kernel[a, b] * image[a:a + h, b:b + w]` is a multiply of an indexed weight by an image slice,
and autograd records those ops, so `loss.backward()` gives the same kernel gradient that
`F.conv2d` would, and `torch.autograd.gradcheck` agrees with finite differences.
"""
import torch
import torch.nn.functional as F

from lessons_lib import validation


def _check(image: torch.Tensor, kernel: torch.Tensor):
    """2-D float tensors of one dtype on one device, the kernel no larger than the image."""
    image, kernel = validation.tensor("image", image, 2), validation.tensor("kernel", kernel, 2)
    if image.dtype != kernel.dtype or image.device != kernel.device:
        raise ValueError(f"image and kernel must share dtype and device, got {image.dtype} on "
                         f"{image.device} and {kernel.dtype} on {kernel.device}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {tuple(kernel.shape)} does not fit in image "
                         f"{tuple(image.shape)}")
    return image, kernel


def _check_output(out: torch.Tensor) -> torch.Tensor:
    if not bool(torch.isfinite(out.detach()).all()):
        raise ValueError(f"the convolution overflowed {out.dtype}: image or kernel values are "
                         f"too large")
    return out


def conv2d_indexing(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Cross-correlation, no padding, stride 1: one multiply-and-add per kernel weight."""
    image, kernel = _check(image, kernel)
    h = image.shape[0] - kernel.shape[0] + 1  # output height: places the kernel fits
    w = image.shape[1] - kernel.shape[1] + 1
    out = None
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            term = kernel[a, b] * image[a:a + h, b:b + w]  # (h, w)
            out = term if out is None else out + term
    return _check_output(out)


def conv2d_torch(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """The same through F.conv2d, which wants (batch, channels, height, width) shapes."""
    image, kernel = _check(image, kernel)
    return _check_output(F.conv2d(image[None, None], kernel[None, None])[0, 0])


def kernel_grad(conv, image, kernel, target) -> torch.Tensor:
    """dloss/dkernel for loss = sum((conv(image, kernel) - target)**2), by autograd.
    Works inside torch.no_grad() too, and fills no tensor's .grad: the caller's are left alone."""
    if not callable(conv):
        raise TypeError(f"conv must be a function conv(image, kernel), such as conv2d_indexing; "
                        f"got {type(conv).__name__}")
    with validation.autograd():  # a gradient is the answer, whatever mode the caller is in
        image, kernel = _check(image, kernel)
        target = validation.tensor("target", target, 2).to(image.dtype)
        image, target = image.detach(), target.detach()
        kernel = kernel.detach().clone().requires_grad_(True)
        out = conv(image, kernel)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"conv must return a tensor, got {type(out).__name__}")
        if target.shape != out.shape:
            raise ValueError(f"target must have the output's shape {tuple(out.shape)}, "
                             f"got {tuple(target.shape)}")
        if not out.requires_grad:
            raise ValueError("conv must build its output from kernel (autograd found no path "
                             "from the output back to the kernel)")
        loss = ((out - target) ** 2).sum()
        if not bool(torch.isfinite(loss)):
            raise ValueError("the loss overflowed: image, kernel or target values are too large")
        return torch.autograd.grad(loss, kernel)[0]
