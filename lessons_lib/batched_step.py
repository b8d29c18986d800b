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
    step_autograd  what people write in practice: F.conv2d forward, autograd for the gradient
"""
import numpy as np
import torch
import torch.nn.functional as F

from lessons_lib import conv2d, validation

# How close each rung must come to the one before it, relative to the largest value compared.
# loops -> numpy: both float64, only the order of the additions differs.
# numpy -> torch: torch works in float32 (what GPUs are fast at; Apple's mps has no float64),
# whose rounding is about 6e-8 relative: the lesson's gaps are 1e-7 to 3e-7, so 1e-5 leaves
# room for other hardware and still catches a real bug.
# torch cpu -> accelerator: both float32, different hardware adds in a different order.
RTOL = {"numpy": 1e-9, "torch": 1e-5, "accelerator": 1e-5}
TOO_LARGE = "images, kernel or targets hold values too large (or lr is)"


def make_batch(n: int, size: int, kernel_size: int = 3, seed: int = 0):
    """Random images in [0, 1), a random starting kernel, and targets that a hidden kernel
    produced (a hidden target to train towards). All float64 NumPy arrays."""
    n, size, kernel_size = (validation.count(name, v, minimum=1, maximum=4096) for name, v in
                            (("n", n), ("size", size), ("kernel_size", kernel_size)))
    if size < kernel_size:
        raise ValueError(f"need kernel_size <= size, got size={size}, kernel_size={kernel_size}")
    validation.pixel_budget("n", n, size, 2**27)
    seed = validation.count("seed", seed)
    rng = np.random.default_rng(seed)
    images = rng.random((n, size, size))
    hidden = rng.normal(size=(kernel_size, kernel_size))
    kernel = rng.normal(scale=0.5, size=(kernel_size, kernel_size))
    targets = _forward_numpy(images, hidden)
    return images, kernel, targets


def multiply_adds(n: int, size: int, kernel_size: int) -> int:
    """Multiply-adds in one forward pass: every output pixel of every image, every weight."""
    n, size, kernel_size = (validation.count(name, v, minimum=1) for name, v in
                            (("n", n), ("size", size), ("kernel_size", kernel_size)))
    if size < kernel_size:
        raise ValueError(f"need kernel_size <= size, got size={size}, kernel_size={kernel_size}")
    out_side = size - kernel_size + 1
    return n * out_side * out_side * kernel_size * kernel_size


def _arrays(images, kernel, targets, keep_float32: bool = False):
    """The batch as float arrays (ints and nested lists converted), checked like _check_batch."""
    arrays = tuple(validation.array(name, value, keep_float32=keep_float32) for name, value in
                   (("images", images), ("kernel", kernel), ("targets", targets)))
    _check_batch(*arrays)
    return arrays


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
        raise ValueError(f"targets must have shape {(images.shape[0], h, w)} for images "
                         f"{tuple(images.shape)} and kernel {tuple(kernel.shape)}, "
                         f"got {tuple(targets.shape)}")


def step_loops(images, kernel, targets, lr: float):
    """Rung 1: for each image, lesson 04's loops; add up the losses and the gradients."""
    images, kernel, targets = _arrays(images, kernel, targets)
    lr = validation.non_negative("lr", validation.bounded("lr", lr, limit=1e30))
    terms = images.shape[0] * targets[0].size * kernel.size
    if terms > conv2d.MAX_LOOP_TERMS:
        raise ValueError(f"images {images.shape} and kernel {kernel.shape} need {terms:,} "
                         f"multiply-adds: the loops take at most {conv2d.MAX_LOOP_TERMS:,} "
                         f"(use step_numpy)")
    total_loss, grad = 0.0, np.zeros(kernel.shape)
    try:  # lesson 04's functions blame their own arguments; here the batch's are to blame
        with validation.no_overflow("the training step", TOO_LARGE):
            for image, target in zip(images, targets, strict=True):
                output = conv2d.conv2d_loops(image, kernel)
                total_loss += conv2d.loss(output, target)
                grad += conv2d.kernel_grad_loops(image, conv2d.blame(output, target),
                                                 kernel.shape)
            validation.finite("the training step", total_loss, TOO_LARGE)
            return conv2d.sgd_update(kernel, grad, lr), total_loss, grad
    except ValueError:
        raise ValueError(f"the training step overflowed (left float64's range): {TOO_LARGE}") \
            from None


def _forward_numpy(images, kernel) -> np.ndarray:
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
    images, kernel, targets = _arrays(images, kernel, targets, keep_float32=True)
    lr = validation.non_negative("lr", validation.bounded("lr", lr, limit=1e30))
    with validation.no_overflow("the training step", TOO_LARGE):
        out = _forward_numpy(images, kernel)
        error = out - targets
        blame = 2 * error
        h, w = out.shape[1:]
        grad = np.empty(kernel.shape, dtype=out.dtype)  # not kernel's dtype: ints would truncate
        for a in range(kernel.shape[0]):
            for b in range(kernel.shape[1]):
                # np.sum of the product, not np.vdot: vdot hands the sum to the BLAS library,
                # which runs its own threads; this way every NumPy operation uses one thread
                grad[a, b] = np.sum(images[:, a:a + h, b:b + w] * blame)
        validation.finite("the training step", grad, TOO_LARGE)  # an overflow, named
        return kernel - lr * grad, np.sum(error * error), grad


def _tensors(images, kernel, targets):
    """The batch as tensors on one device with one dtype, checked like _check_batch, and
    whether they are on the CPU (only there are values checked for NaN and inf)."""
    on_cpu = getattr(getattr(images, "device", None), "type", "cpu") == "cpu"
    images, kernel, targets = (validation.tensor(name, value, check_values=on_cpu)
                               for name, value in
                               (("images", images), ("kernel", kernel), ("targets", targets)))
    if len({t.dtype for t in (images, kernel, targets)}) > 1 or len(
            {t.device for t in (images, kernel, targets)}) > 1:
        raise ValueError("images, kernel and targets must share one dtype and one device "
                         "(make them with to_torch)")
    _check_batch(images, kernel, targets)
    return images, kernel, targets, on_cpu


def _stepped(kernel, lr: float, grad, on_cpu: bool):
    """kernel - lr * grad; on the CPU, an overflow (float32 ends at 3.4e38) is an error."""
    new = kernel - lr * grad
    if on_cpu and not bool(torch.isfinite(new).all()):
        raise ValueError(f"the new kernel overflowed ({new.dtype}): lr={lr:g} is too large")
    return new


def step_torch(images, kernel, targets, lr: float):
    """Rungs 3 and 4: step_numpy line for line in torch. The work runs on the device that holds
    the tensors, and the loss stays a tensor: turning it into a Python float (`.item()`) would
    make the CPU wait for the GPU. For the same reason values are checked for NaN and inf only on
    the CPU; on a GPU, relative_difference refuses a result holding them."""
    images, kernel, targets, on_cpu = _tensors(images, kernel, targets)
    lr = validation.non_negative("lr", validation.bounded("lr", lr, limit=1e30))
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
    loss = (error * error).sum()
    if on_cpu and not bool(torch.isfinite(loss)):
        raise ValueError(f"the training step overflowed ({loss.dtype}): {TOO_LARGE}")
    return _stepped(kernel, lr, grad, on_cpu), loss, grad


def step_autograd(images, kernel, targets, lr: float):
    """The practical rung: `F.conv2d` for the forward pass and autograd for the gradient, no
    hand-written gradient at all. Same (kernel_next, loss, grad) as the other rungs. Works inside
    torch.no_grad() too, and fills no tensor's .grad."""
    with validation.autograd():  # a gradient is the answer, whatever mode the caller is in
        images, kernel, targets, on_cpu = _tensors(images, kernel, targets)
        lr = validation.non_negative("lr", validation.bounded("lr", lr, limit=1e30))
        images, targets = images.detach(), targets.detach()
        kernel = kernel.detach().requires_grad_(True)
        out = F.conv2d(images[:, None], kernel[None, None])[:, 0]  # (n, 1, H, W) in, (n, h, w)
        loss = ((out - targets) ** 2).sum()
        if on_cpu and not bool(torch.isfinite(loss)):
            raise ValueError(f"the training step overflowed ({loss.dtype}): {TOO_LARGE}")
        (grad,) = torch.autograd.grad(loss, kernel)
    with torch.no_grad():
        return _stepped(kernel, lr, grad, on_cpu), loss.detach(), grad


def to_torch(arrays, device, dtype=torch.float32) -> tuple[torch.Tensor, ...]:
    """Copy NumPy arrays to `device` as tensors of `dtype`."""
    if not isinstance(arrays, (tuple, list)):
        raise TypeError(f"arrays must be a tuple of arrays, such as make_batch()'s, "
                        f"got {type(arrays).__name__}")
    device = validation.device("device", device)
    if not isinstance(dtype, torch.dtype) or dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r:.60}")
    checked = [validation.array(f"arrays[{n}]", a) for n, a in enumerate(arrays)]
    if dtype == torch.float32 and any(np.abs(a).max() > 1e38 for a in checked):
        raise ValueError("arrays hold values too large for float32 (above 3.4e38): "
                         "pass dtype=torch.float64")
    return tuple(torch.tensor(a, dtype=dtype, device=device) for a in checked)


def _to_numpy(name: str, result) -> tuple[np.ndarray, float, np.ndarray]:
    """A rung's (kernel, loss, grad), whatever produced it, as float64 NumPy on the CPU.
    NaN or inf anywhere is an error: a rung that produced it agrees with nothing."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise TypeError(f"{name} must be a rung's (kernel, loss, grad), "
                        f"got {type(result).__name__}")
    return tuple(validation.array(f"{name}'s {part}", r) for part, r in
                 zip(("kernel", "loss", "grad"), result))


def relative_difference(result, reference) -> float:
    """The largest |result - reference| over kernel, loss and grad, each divided by the
    largest |reference| value of its part: 0 for identical results. A part holding NaN or inf
    raises a ValueError (NaN never counts as "equal"), as do parts of different shapes."""
    worst = 0.0
    for got, want in zip(_to_numpy("result", result), _to_numpy("reference", reference),
                         strict=True):
        if got.shape != want.shape:
            raise ValueError(f"result and reference differ in shape: {got.shape} and "
                             f"{want.shape}")
        scale = max(float(np.max(np.abs(want))), 1e-300)
        with np.errstate(over="ignore"):  # a difference beyond float64 is simply infinite
            worst = max(worst, float(np.max(np.abs(got - want))) / scale)
    return worst
