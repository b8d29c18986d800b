"""A conv layer built from indexing, multiply and add, with gradients autograd derives (lesson 05).

`conv2d_indexing` never calls `F.conv2d` and has no backward code of its own: each
`kernel[a, b] * image[a:a + h, b:b + w]` is a multiply of an indexed weight by an image slice,
and autograd records those ops, so `loss.backward()` gives the same kernel gradient that
`F.conv2d` would, and `torch.autograd.gradcheck` agrees with finite differences.
"""
import torch
import torch.nn.functional as F


def _check(image: torch.Tensor, kernel: torch.Tensor) -> None:
    for name, t in (("image", image), ("kernel", kernel)):
        if not isinstance(t, torch.Tensor) or t.ndim != 2:
            raise ValueError(f"{name} must be a 2-D torch.Tensor, got "
                             f"{getattr(t, 'shape', type(t).__name__)}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {tuple(kernel.shape)} does not fit in image "
                         f"{tuple(image.shape)}")


def conv2d_indexing(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Cross-correlation, no padding, stride 1: one multiply-and-add per kernel weight."""
    _check(image, kernel)
    h = image.shape[0] - kernel.shape[0] + 1  # output height: places the kernel fits
    w = image.shape[1] - kernel.shape[1] + 1
    out = None
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            term = kernel[a, b] * image[a:a + h, b:b + w]  # (h, w)
            out = term if out is None else out + term
    return out


def conv2d_torch(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """The same through F.conv2d, which wants (batch, channels, height, width) shapes."""
    _check(image, kernel)
    return F.conv2d(image[None, None], kernel[None, None])[0, 0]


def kernel_grad(conv, image, kernel, target) -> torch.Tensor:
    """dloss/dkernel for loss = sum((conv(image, kernel) - target)**2), by autograd."""
    kernel = kernel.detach().clone().requires_grad_(True)
    loss = ((conv(image, kernel) - target) ** 2).sum()
    loss.backward()
    return kernel.grad
