"""Why training works: a random kernel learns an edge detector nobody wrote down (lesson 05).

A hidden 3x3 kernel (a Sobel filter for vertical edges) turns each small synthetic image into its
target. A second kernel starts random and is trained with mini-batch SGD, using lesson 04's
NumPy training step (`lessons_lib.conv2d`) unchanged except that the loss is a *mean* over the
batch and the output pixels, so the learning rate does not depend on the image size.

    images, targets = make_dataset(HIDDEN_KERNEL)
    run = train(images, targets, random_kernel())   # run.kernels[s] = the kernel after s steps
"""
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from lessons_lib import conv2d, plotting, validation
from lessons_lib.widgets import SliderFigure

# Responds to dark-to-bright edges running top to bottom. Its middle column is zero: the target
# never depends on the pixel under the kernel's centre column, so a learned kernel should not
# either.
HIDDEN_KERNEL = np.array([[-1.0, 0.0, 1.0],
                          [-2.0, 0.0, 2.0],
                          [-1.0, 0.0, 1.0]])


def edge_image(rng: np.random.Generator, size: int = 10, noise: float = 0.2) -> np.ndarray:
    """A size x size image: two flat regions split by a straight edge at a random angle and
    offset, with random brightnesses in [-1, 1], plus Gaussian pixel noise."""
    y, x = np.mgrid[0:size, 0:size] - (size - 1) / 2  # pixel coordinates about the centre
    angle, offset = rng.uniform(0, 2 * np.pi), rng.uniform(-size / 4, size / 4)
    one_side = x * np.cos(angle) + y * np.sin(angle) > offset
    bright_a, bright_b = rng.uniform(-1, 1, size=2)
    return np.where(one_side, bright_a, bright_b) + noise * rng.standard_normal((size, size))


def make_dataset(hidden=HIDDEN_KERNEL, n_images: int = 64, size: int = 10, noise: float = 0.2,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(images, targets), shapes (n, size, size) and (n, size - 2, size - 2) for a 3x3 kernel:
    each target is the hidden kernel's output on its image."""
    n_images = validation.count("n_images", n_images)
    noise = validation.non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    images = np.stack([edge_image(rng, size, noise) for _ in range(n_images)])
    targets = np.stack([conv2d.conv2d_numpy(image, hidden) for image in images])
    return images, targets


def random_kernel(shape=(3, 3), scale: float = 0.5, seed: int = 1) -> np.ndarray:
    """Where training starts: small random weights, no edge detector in sight."""
    return scale * np.random.default_rng(seed).standard_normal(shape)


@dataclass
class Run:
    kernels: np.ndarray  # (steps + 1, kh, kw): the kernel before step 1, then after each step
    losses: np.ndarray  # (steps,): each step's batch loss, measured before its update
    grads: np.ndarray  # (steps, kh, kw): each step's gradient


def train(images, targets, kernel0, lr: float = 0.1, steps: int = 300, batch_size: int = 8,
          seed: int = 2) -> Run:
    """Mini-batch SGD: each step averages lesson 04's kernel gradient over a random batch."""
    lr = validation.non_negative("lr", lr)
    steps, batch_size = validation.count("steps", steps), validation.count("batch_size", batch_size)
    if not 1 <= batch_size <= len(images):
        raise ValueError(f"batch_size must be between 1 and {len(images)}, got {batch_size}")
    rng = np.random.default_rng(seed)
    kernel = np.asarray(kernel0, dtype=float)
    kernels, losses, grads = [kernel], [], []
    for _ in range(steps):
        grad, loss = np.zeros_like(kernel), 0.0
        for n in rng.choice(len(images), size=batch_size, replace=False):
            output = conv2d.conv2d_numpy(images[n], kernel)
            scale = batch_size * output.size  # mean, not sum, over the batch and the pixels
            loss += conv2d.loss(output, targets[n]) / scale
            blame = conv2d.blame(output, targets[n]) / scale
            grad += conv2d.kernel_grad_numpy(images[n], blame, kernel.shape)
        kernel = conv2d.sgd_update(kernel, grad, lr)
        kernels.append(kernel)
        losses.append(loss)
        grads.append(grad)
    return Run(np.stack(kernels), np.array(losses), np.stack(grads))


def training_scrubber(run: Run, hidden=HIDDEN_KERNEL) -> SliderFigure:
    """Slide over the steps: the learned kernel then, the hidden one, and the loss so far."""
    fig, axes = plotting.figure(1, 3)
    learned_ax, hidden_ax, loss_ax = axes[0]
    limit = 2.5  # colour scale of both kernels, so they can be compared
    image, texts = plotting.annotated_heatmap(learned_ax, run.kernels[0], "learned kernel",
                                              fmt="{:+.2f}", vmin=-limit, vmax=limit,
                                              ticks=False)
    plotting.annotated_heatmap(hidden_ax, hidden, "hidden kernel (the answer)", fmt="{:+.2f}",
                               vmin=-limit, vmax=limit, ticks=False)
    plotting.style(loss_ax, "batch loss so far", "step", "loss (log scale)")
    loss_ax.set_yscale("log")
    loss_ax.set_xlim(0, len(run.losses))
    loss_ax.set_ylim(run.losses.min() / 2, run.losses.max() * 2)
    (line,) = loss_ax.plot([], [], color=plotting.ORANGE)
    unneeded = np.asarray(hidden) == 0

    def update(step):
        kernel = run.kernels[step]
        image.set_data(kernel)
        for (a, b), text in np.ndenumerate(np.array(texts, dtype=object)):
            text.set_text(f"{kernel[a, b]:+.2f}")
        line.set_data(np.arange(1, step + 1), run.losses[:step])
        largest = np.abs(kernel[unneeded]).max()
        return (f"step {step}: largest |weight| the target does not need = {largest:.3f}, "
                f"largest distance from the hidden kernel = {np.abs(kernel - hidden).max():.3f}")

    step = widgets.IntSlider(value=0, min=0, max=len(run.losses), step=1, description="step",
                             continuous_update=True)
    return SliderFigure(fig, update, step=step)


def weight_paths(run: Run, hidden=HIDDEN_KERNEL):
    """Every weight against the step: weights the target needs solid, the rest dashed."""
    fig, axes = plotting.figure(1, 2)
    for ax, needed in zip(axes[0], (True, False)):
        for (a, b), goal in np.ndenumerate(np.asarray(hidden)):
            if (goal != 0) == needed:
                ax.plot(run.kernels[:, a, b], label=f"w[{a},{b}] -> {goal:g}",
                        linestyle="-" if needed else "--")
        ax.axhline(0, color=plotting.GREY, linewidth=0.8)
        ax.legend(frameon=False, fontsize=7, ncols=2 if needed else 1)
        plotting.style(ax, "weights the target needs" if needed else "weights it does not need",
                       "step", "weight")
    return fig
