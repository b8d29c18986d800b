"""One Conv2d training step, by hand (lesson 04; reused by lessons 05 and 06).

Single channel, no padding, stride 1, no bias: what PyTorch calls conv2d is a
cross-correlation, the kernel slides over the image without being flipped.

    out[i, j]     = sum_{a, b} image[i + a, j + b] * kernel[a, b]
    loss          = sum (out - target)**2
    blame[i, j]   = dloss/dout[i, j] = 2 * (out[i, j] - target[i, j])
    grad[a, b]    = sum_{i, j} image[i + a, j + b] * blame[i, j]   (image x-correlated with blame)
    kernel_next   = kernel - lr * grad

Each quantity is written twice: `*_loops`, which reads like the lesson, and `*_numpy`, which
does the same with array slices (one slice per kernel weight) and is far faster.
"""
import numpy as np

from lessons_lib import validation

# Lesson 04's worked example (the numbers every test and lessons 04 and 07 check).
IMAGE = np.array([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]],
                 dtype=float)
KERNEL = np.array([[0.5, 0.3], [0.2, 0.1]])
TARGET = np.zeros((3, 3))
WEIGHT_NAMES = ("top-left", "top-right", "bottom-left", "bottom-right")


def _array2d(name: str, value) -> np.ndarray:
    return validation.array(name, value, ndim=2)


def _kernel_shape(value, name: str = "kernel_shape") -> tuple[int, int]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (rows, cols) pair, got {value!r:.60}")
    return tuple(validation.count(name, side, minimum=1) for side in value)


TOO_LARGE = "the image, kernel or target values are too large"


# Caps on work, each stated in its error: the loops run one Python step per multiply-add, and
# patches holds every patch's pixels at once.
MAX_LOOP_TERMS = 10_000_000  # one Python step each: about 10 s
MAX_PATCH_NUMBERS = 2**24
MAX_STEPS = 10_000


def _check_fits(image_shape, kernel_shape, name: str = "kernel") -> None:
    if kernel_shape[0] > image_shape[0] or kernel_shape[1] > image_shape[1]:
        raise ValueError(f"{name} of shape {tuple(kernel_shape)} does not fit in image of shape "
                         f"{tuple(image_shape)}: each kernel side must be <= the image's")


def _check_loop_work(image_shape, kernel_shape, name: str = "kernel") -> None:
    h, w = output_shape(image_shape, kernel_shape)
    if h * w * kernel_shape[0] * kernel_shape[1] > MAX_LOOP_TERMS:
        raise ValueError(f"image {tuple(image_shape)} and {name} {tuple(kernel_shape)} need "
                         f"{h * w * kernel_shape[0] * kernel_shape[1]:,} multiply-adds: the "
                         f"loops take at most {MAX_LOOP_TERMS:,} (use the *_numpy version)")


def output_shape(image_shape, kernel_shape) -> tuple[int, int]:
    """(H - kh + 1, W - kw + 1): the number of places the kernel fits."""
    image_shape = _kernel_shape(image_shape, "image_shape")
    kernel_shape = _kernel_shape(kernel_shape)
    return image_shape[0] - kernel_shape[0] + 1, image_shape[1] - kernel_shape[1] + 1


def conv2d_loops(image, kernel) -> np.ndarray:
    """Slide the kernel to every position; at each, multiply and add, one term at a time."""
    image, kernel = _array2d("image", image), _array2d("kernel", kernel)
    _check_fits(image.shape, kernel.shape)
    _check_loop_work(image.shape, kernel.shape)
    out = np.zeros(output_shape(image.shape, kernel.shape))
    with validation.no_overflow("the convolution", TOO_LARGE):
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                for a in range(kernel.shape[0]):
                    for b in range(kernel.shape[1]):
                        out[i, j] += image[i + a, j + b] * kernel[a, b]
    return out


def conv2d_numpy(image, kernel) -> np.ndarray:
    """Same result: for each kernel weight, add weight * (the image slice it touches)."""
    image, kernel = _array2d("image", image), _array2d("kernel", kernel)
    _check_fits(image.shape, kernel.shape)
    h, w = output_shape(image.shape, kernel.shape)
    out = np.zeros((h, w))
    with validation.no_overflow("the convolution", TOO_LARGE):
        for a in range(kernel.shape[0]):
            for b in range(kernel.shape[1]):
                out += kernel[a, b] * image[a:a + h, b:b + w]  # (h, w)
    return out


def loss(output, target) -> float:
    """Sum of squared differences."""
    output, target = _array2d("output", output), _array2d("target", target)
    if output.shape != target.shape:
        raise ValueError(f"target must have the output's shape {output.shape}, got {target.shape}")
    with validation.no_overflow("the loss", "output or target values are too large"):
        return float(np.sum((output - target) ** 2))


def blame(output, target) -> np.ndarray:
    """dloss/doutput = 2 * (output - target): how much the loss cares about each output."""
    output, target = _array2d("output", output), _array2d("target", target)
    if output.shape != target.shape:
        raise ValueError(f"target must have the output's shape {output.shape}, got {target.shape}")
    with validation.no_overflow("the blame", "output or target values are too large"):
        return 2 * (output - target)


def kernel_grad_loops(image, blame_map, kernel_shape) -> np.ndarray:
    """dloss/dkernel[a, b] = sum over positions of (pixel that weight touched) * blame."""
    image, blame_map = _array2d("image", image), _array2d("blame_map", blame_map)
    kernel_shape = _kernel_shape(kernel_shape)
    _check_fits(image.shape, kernel_shape, "kernel_shape")
    if output_shape(image.shape, kernel_shape) != blame_map.shape:
        raise ValueError(f"blame_map must have shape {output_shape(image.shape, kernel_shape)} "
                         f"for image {image.shape} and kernel {kernel_shape}, "
                         f"got {blame_map.shape}")
    _check_loop_work(image.shape, kernel_shape, "kernel_shape")
    grad = np.zeros(kernel_shape)
    with validation.no_overflow("the kernel gradient", "image or blame_map values are too large"):
        for a in range(kernel_shape[0]):
            for b in range(kernel_shape[1]):
                for i in range(blame_map.shape[0]):
                    for j in range(blame_map.shape[1]):
                        grad[a, b] += image[i + a, j + b] * blame_map[i, j]
    return grad


def kernel_grad_numpy(image, blame_map, kernel_shape) -> np.ndarray:
    """Same result: each weight's gradient is one slice of the image dotted with the blame map."""
    image, blame_map = _array2d("image", image), _array2d("blame_map", blame_map)
    kernel_shape = _kernel_shape(kernel_shape)
    _check_fits(image.shape, kernel_shape, "kernel_shape")
    h, w = output_shape(image.shape, kernel_shape)
    if (h, w) != blame_map.shape:
        raise ValueError(f"blame_map must have shape {(h, w)} for image {image.shape} and "
                         f"kernel {kernel_shape}, got {blame_map.shape}")
    grad = np.empty(kernel_shape)
    with validation.no_overflow("the kernel gradient", "image or blame_map values are too large"):
        for a in range(kernel_shape[0]):
            for b in range(kernel_shape[1]):
                grad[a, b] = np.sum(image[a:a + h, b:b + w] * blame_map)
    return grad


def sgd_update(kernel, grad, lr: float) -> np.ndarray:
    """kernel - lr * grad: every weight moves at once, against its gradient."""
    kernel, grad = _array2d("kernel", kernel), _array2d("grad", grad)
    lr = validation.non_negative("lr", lr)
    if kernel.shape != grad.shape:
        raise ValueError(f"grad must have the kernel's shape {kernel.shape}, got {grad.shape}")
    with validation.no_overflow("the update", "lr or grad is too large"):
        return kernel - lr * grad


def training_step(image, kernel, target, lr: float, method: str = "numpy"):
    """Forward, loss, blame, kernel gradient, update. Returns (new kernel, loss, grad)."""
    method = validation.choice("method", method, ("loops", "numpy"))
    conv, kernel_grad = {"loops": (conv2d_loops, kernel_grad_loops),
                         "numpy": (conv2d_numpy, kernel_grad_numpy)}[method]
    kernel, target = _array2d("kernel", kernel), _array2d("target", target)
    output = conv(image, kernel)
    if output.shape != target.shape:
        raise ValueError(f"target must have shape {output.shape}, the output of image "
                         f"{np.shape(image)} and kernel {kernel.shape}; got {target.shape}")
    try:  # loss and blame name their own arguments; here image, kernel or target are to blame
        grad = kernel_grad(image, blame(output, target), kernel.shape)
        step_loss = loss(output, target)
    except ValueError:
        raise ValueError(f"the training step overflowed (left float64's range): {TOO_LARGE}") \
            from None
    return sgd_update(kernel, grad, lr), step_loss, grad


# --- Repeated steps, and the largest learning rate that still converges (lesson 04) ---------
#
# The output is linear in the kernel: out.ravel() = X @ kernel.ravel(), where each row of X is
# one patch of the image. So the loss is a bowl, sum (X k - t)**2, whose curvature (Hessian) is
# 2 X^T X everywhere. Gradient descent on a bowl converges when lr < 2 / (its largest curvature).

# A run whose loss grows this many times above where it started is called diverged and stopped,
# long before float64 could overflow.
DIVERGED_FACTOR = 1e6


def patches(image, kernel_shape) -> np.ndarray:
    """X: one row per kernel position, holding the pixels under the kernel there, (h*w, kh*kw)."""
    image = _array2d("image", image)
    kernel_shape = _kernel_shape(kernel_shape)
    _check_fits(image.shape, kernel_shape, "kernel_shape")
    h, w = output_shape(image.shape, kernel_shape)
    if h * w * kernel_shape[0] * kernel_shape[1] > MAX_PATCH_NUMBERS:
        raise ValueError(f"image {image.shape} and kernel_shape {kernel_shape} make "
                         f"{h * w:,} patches of {kernel_shape[0] * kernel_shape[1]:,} pixels: at "
                         f"most {MAX_PATCH_NUMBERS:,} numbers in all")
    return np.array([image[i:i + kernel_shape[0], j:j + kernel_shape[1]].ravel()
                     for i in range(h) for j in range(w)])


def max_stable_lr(image, kernel_shape) -> float:
    """2 / largest eigenvalue of the loss's Hessian 2 X^T X: above it, repeated steps diverge.
    X is scaled by a power of 2 (exact: no rounding) to largest |pixel| in [0.5, 1) first (the
    eigenvalues scale with its square), so tiny or huge images neither underflow nor overflow
    on the way; only an answer beyond float64's range fails."""
    x = patches(image, kernel_shape)
    if not np.any(x):
        raise ValueError("image is all zeros: the loss is flat, so every lr is stable")
    scale = 2.0 ** np.frexp(np.abs(x).max())[1]
    unit = x / scale
    largest = np.linalg.eigvalsh(2 * unit.T @ unit).max()  # >= 0.5: a pixel is >= 0.5
    with np.errstate(over="ignore", under="ignore"):
        lr = 2 / largest / scale / scale
    if not 0 < lr < np.inf:
        raise ValueError(f"image values are too {'small' if lr else 'large'} (largest "
                         f"|pixel| {np.abs(x).max():g}): the largest stable lr, "
                         f"2 / (curvature), is beyond float64's range")
    return float(lr)


def train(image, kernel, target, lr: float, steps: int):
    """`steps` training steps from `kernel`. Returns (losses, kernels, diverged).

    losses[t] is the loss before step t + 1's update; kernels[0] is the starting kernel.
    A diverging run stops as soon as its loss passes DIVERGED_FACTOR times the first loss.
    """
    steps = validation.count("steps", steps, maximum=MAX_STEPS)
    lr = validation.non_negative("lr", lr)
    kernels, losses = [_array2d("kernel", kernel).copy()], []  # the caller's kernel stays theirs
    for _ in range(steps):
        try:
            new_kernel, step_loss, _grad = training_step(image, kernels[-1], target, lr)
        except ValueError:
            if not losses:  # the starting point itself is too large: say so
                raise
            return losses, kernels, True  # the run overflowed float64: it diverged
        losses.append(step_loss)
        if step_loss > DIVERGED_FACTOR * max(losses[0], 1e-12):
            return losses, kernels, True
        kernels.append(new_kernel)
    return losses, kernels, False
