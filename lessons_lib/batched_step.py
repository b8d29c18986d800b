"""Lesson 04's training step on a batch of images, climbing the GPU lesson's ladder.

A batch is `images` (n, H, W), one `kernel` (kh, kw) shared by every image, and `targets`
(n, H - kh + 1, W - kw + 1). The loss is summed over the batch, so the kernel's gradient is the
sum of each image's gradient (lesson 04's formula, once per image):

    out[m, i, j]  = sum_{a, b} images[m, i + a, j + b] * kernel[a, b]
    loss          = sum (out - targets)**2
    blame         = 2 * (out - targets)
    grad[a, b]    = sum_{m, i, j} images[m, i + a, j + b] * blame[m, i, j]
    kernel_next   = kernel - lr * grad

Every rung returns (kernel_next, loss, grad), like `conv2d.training_step`:
    step_loops   Python loops, one image at a time, with lesson 04's `*_loops` functions
    step_numpy   NumPy: one slice of the whole batch per kernel weight, no loop over pixels
    step_torch   the same slices written with torch; runs on whichever device holds the tensors
    step_autograd  what people write in practice: F.conv2d forward, loss.backward() for grad
"""
import numpy as np
import torch
import torch.nn.functional as F

from lessons_lib import conv2d, validation

# How close each rung must come to the one before it, relative to the largest value compared.
# loops -> numpy: both float64, only the order of the additions differs.
# numpy -> torch: torch works in float32 (what GPUs are fast at; Apple's mps has no float64).
# torch cpu -> accelerator: both float32, different hardware adds in a different order.
RTOL = {"numpy": 1e-9, "torch": 1e-4, "accelerator": 1e-4}


def make_batch(n: int, size: int, kernel_size: int = 3, seed: int = 0):
    """Random images in [0, 1), a random starting kernel, and targets that a hidden kernel
    produced (a hidden target to train towards). All float64 NumPy arrays."""
    n, size, kernel_size = (validation.count(name, v) for name, v in
                            (("n", n), ("size", size), ("kernel_size", kernel_size)))
    if n < 1 or kernel_size < 1 or size < kernel_size:
        raise ValueError(f"need n >= 1 and 1 <= kernel_size <= size, got n={n}, size={size}, "
                         f"kernel_size={kernel_size}")
    rng = np.random.default_rng(seed)
    images = rng.random((n, size, size))
    hidden = rng.normal(size=(kernel_size, kernel_size))
    kernel = rng.normal(scale=0.5, size=(kernel_size, kernel_size))
    targets = forward_numpy(images, hidden)
    return images, kernel, targets


def multiply_adds(n: int, size: int, kernel_size: int) -> int:
    """Multiply-adds in one forward pass: every output pixel of every image, every weight."""
    out_side = size - kernel_size + 1
    return n * out_side * out_side * kernel_size * kernel_size


def _check_batch(images, kernel, targets) -> None:
    if images.ndim != 3:
        raise ValueError(f"images must be (n, H, W), got shape {tuple(images.shape)}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be (kh, kw), got shape {tuple(kernel.shape)}")
    h, w = conv2d.output_shape(images.shape[1:], kernel.shape)
    if h < 1 or w < 1:
        raise ValueError(f"kernel {tuple(kernel.shape)} does not fit images "
                         f"{tuple(images.shape[1:])}")
    if tuple(targets.shape) != (images.shape[0], h, w):
        raise ValueError(f"targets must have shape {(images.shape[0], h, w)}, "
                         f"got {tuple(targets.shape)}")


def step_loops(images, kernel, targets, lr: float):
    """Rung 1: for each image, lesson 04's loops; add up the losses and the gradients."""
    images, kernel, targets = (np.asarray(a, dtype=float) for a in (images, kernel, targets))
    _check_batch(images, kernel, targets)
    total_loss, grad = 0.0, np.zeros(kernel.shape)
    for image, target in zip(images, targets, strict=True):
        output = conv2d.conv2d_loops(image, kernel)
        total_loss += conv2d.loss(output, target)
        grad += conv2d.kernel_grad_loops(image, conv2d.blame(output, target), kernel.shape)
    return conv2d.sgd_update(kernel, grad, lr), total_loss, grad


def forward_numpy(images, kernel) -> np.ndarray:
    """(n, h, w) outputs: for each kernel weight, weight * (the slice of every image it touches)."""
    kh, kw = kernel.shape
    h, w = conv2d.output_shape(images.shape[1:], kernel.shape)
    out = np.zeros((images.shape[0], h, w), dtype=np.result_type(images, kernel))
    for a in range(kh):
        for b in range(kw):
            out += kernel[a, b] * images[:, a:a + h, b:b + w]
    return out


def step_numpy(images, kernel, targets, lr: float):
    """Rung 2: no loop over images or pixels, only over the kh * kw kernel weights.
    Keeps the arrays' dtype (float64 in the lesson; float32 in the benchmark's fair race)."""
    images, kernel, targets = (np.asarray(a) for a in (images, kernel, targets))
    _check_batch(images, kernel, targets)
    lr = validation.non_negative("lr", lr)
    out = forward_numpy(images, kernel)
    error = out - targets
    blame = 2 * error
    h, w = out.shape[1:]
    grad = np.empty_like(kernel)
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            grad[a, b] = np.vdot(images[:, a:a + h, b:b + w], blame)  # sum of the product
    return kernel - lr * grad, np.sum(error * error), grad


def step_torch(images, kernel, targets, lr: float):
    """Rungs 3 and 4: step_numpy line for line in torch. The work runs on the device that holds
    the tensors, and the loss stays a tensor: turning it into a Python float (`.item()`) would
    make the CPU wait for the GPU."""
    _check_batch(images, kernel, targets)
    lr = validation.non_negative("lr", lr)
    kh, kw = kernel.shape
    h, w = targets.shape[1:]
    out = torch.zeros_like(targets)
    for a in range(kh):
        for b in range(kw):
            out += kernel[a, b] * images[:, a:a + h, b:b + w]
    error = out - targets
    blame = 2 * error
    grad = torch.stack([(images[:, a:a + h, b:b + w] * blame).sum()
                        for a in range(kh) for b in range(kw)]).reshape(kh, kw)
    return kernel - lr * grad, (error * error).sum(), grad


def step_autograd(images, kernel, targets, lr: float):
    """The practical rung: `F.conv2d` for the forward pass and `backward()` for the gradient,
    no hand-written gradient at all. Same (kernel_next, loss, grad) as the other rungs."""
    _check_batch(images, kernel, targets)
    lr = validation.non_negative("lr", lr)
    kernel = kernel.detach().requires_grad_(True)
    out = F.conv2d(images[:, None], kernel[None, None])[:, 0]  # (n, 1, H, W) in, (n, h, w) out
    loss = ((out - targets) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        return kernel - lr * kernel.grad, loss.detach(), kernel.grad


def to_torch(arrays, device, dtype=torch.float32) -> tuple[torch.Tensor, ...]:
    """Copy NumPy arrays to `device` as tensors of `dtype`."""
    return tuple(torch.as_tensor(a, dtype=dtype, device=device) for a in arrays)


def to_numpy(result) -> tuple[np.ndarray, float, np.ndarray]:
    """A rung's (kernel, loss, grad), whatever produced it, as float64 NumPy on the CPU."""
    kernel, loss, grad = (r.detach().cpu().double().numpy() if isinstance(r, torch.Tensor)
                          else np.asarray(r, dtype=float) for r in result)
    return kernel, float(loss), grad


def relative_difference(result, reference) -> float:
    """The largest |result - reference| over kernel, loss and grad, each divided by the
    largest |reference| value of its part: 0 for identical results."""
    worst = 0.0
    for got, want in zip(to_numpy(result), to_numpy(reference), strict=True):
        got, want = np.asarray(got), np.asarray(want)
        scale = max(float(np.max(np.abs(want))), np.finfo(float).tiny)
        worst = max(worst, float(np.max(np.abs(got - want))) / scale)
    return worst
