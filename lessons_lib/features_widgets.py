"""Lesson 06's pictures: the task's images, the kernels, and a slider through training.

    examples_figure(images, labels)   a few images of each orientation, both channels
    kernels_figure(kernels, titles)   several 3x3 kernels side by side, numbers written on them
    training_scrubber(images, labels, run)   slide over the steps: the kernel's two channels then,
                                      and how edge-like it is and how large its noise weights are
"""
import ipywidgets
import numpy as np

from lessons_lib import features, plotting, validation
from lessons_lib.slider_figure import SliderFigure


def _bare(ax, title: str):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(title, fontsize=plotting.MIN_FONT_PT + 1)


def examples_figure(images, labels, per_label: int = 3):
    """Top row: the image channel of `per_label` vertical then horizontal examples; bottom row:
    the noise channel that came with each."""
    images, labels = features._check(images, validation.array("labels", labels, ndim=1))
    per_label = validation.count("per_label", per_label, minimum=1, maximum=10)
    picks = [n for label in (1, 0) for n in np.flatnonzero(labels == label)[:per_label]]
    fig, axes = plotting.figure(2, len(picks))
    fig.set_size_inches(1.5 * len(picks), 3.4)
    limits = np.abs(images[picks]).max(axis=(0, 2, 3))  # one colour scale per channel (row)
    for col, n in enumerate(picks):
        kind = "vertical (1)" if labels[n] == 1 else "horizontal (0)"
        for row, channel in enumerate(("image", "noise")):
            axes[row][col].imshow(images[n, row], cmap=plotting.DIVERGING,
                                  vmin=-limits[row], vmax=limits[row])
            _bare(axes[row][col], f"{kind}\n{channel}" if row == 0 else channel)
        if col == len(picks) - 1:
            for row in range(2):  # signed pixels: a colour scale per row, 0 is white
                fig.colorbar(axes[row][col].images[0], ax=list(axes[row]), shrink=0.9)
    fig.describe(f"{per_label} vertical and {per_label} horizontal example images (top row) "
                 f"and the noise channel of each (bottom row), negative pixels blue and "
                 f"positive red.")
    return fig


def kernels_figure(kernels, titles, limit: float | None = None):
    """Each kernel (3x3) as an annotated heatmap, all on one colour scale."""
    if not isinstance(kernels, (list, tuple)) or not 1 <= len(kernels) <= 12:
        raise TypeError(f"kernels must be a list of 1 to 12 kernels, got {type(kernels).__name__}")
    if not isinstance(titles, (list, tuple)) or len(titles) != len(kernels):
        raise TypeError(f"kernels and titles must be lists of the same length (one title per "
                        f"kernel), got {len(kernels)} kernels and titles {titles!r:.60}")
    titles = [validation.text(f"titles[{n}]", t) for n, t in enumerate(titles)]
    kernels = [validation.array(f"kernels[{n}]", k, ndim=2) for n, k in enumerate(kernels)]
    if any(k.shape != (3, 3) or np.abs(k).max() > 1e50 for k in kernels):
        raise ValueError("kernels must be 3x3 arrays with values within +-1e50")
    if limit is not None:
        limit = validation.positive("limit", validation.bounded("limit", limit))
    limit = limit or max(np.abs(k).max() for k in kernels) or 1.0
    fig, axes = plotting.figure(1, len(kernels))
    fig.set_size_inches(2.3 * len(kernels), 2.5)
    for ax, kernel, title in zip(axes[0], kernels, titles):
        image, _ = plotting.annotated_heatmap(ax, kernel, title, fmt="{:+.2f}", vmin=-limit,
                                              vmax=limit, ticks=False)
    fig.colorbar(image, ax=list(axes[0]), shrink=0.8)
    fig.describe(f"{len(kernels)} 3x3 kernels side by side ({', '.join(titles)}), each weight "
                 f"written on its cell, negative blue and positive red.")
    return fig


def training_scrubber(images, labels, run: features.Run) -> SliderFigure:
    """Slide `step`: left, the image channel's kernel; middle, the noise channel's; right, the
    kernel's |correlation| with Sobel and its largest noise weight over all steps, a marker at
    `step`."""
    images, labels = features._check(images, validation.array("labels", labels, ndim=1))
    if not isinstance(run, features.Run):
        raise TypeError(f"run must be a features.Run (what features.train returns), "
                        f"got {type(run).__name__}")
    kernels = run.kernels
    sobel = np.array([features.sobel_correlation(k[features.IMAGE]) for k in kernels])
    noise = np.abs(kernels[:, features.NOISE]).max(axis=(1, 2))
    fig, axes = plotting.figure(1, 3)
    image_ax, noise_ax, curve_ax = axes[0]
    limit = np.abs(kernels).max()
    heatmaps = [plotting.annotated_heatmap(ax, kernels[0][c], title, fmt="{:+.2f}",
                                           vmin=-limit, vmax=limit, ticks=False)
                for c, (ax, title) in enumerate(((image_ax, "kernel, image channel"),
                                                 (noise_ax, "kernel, noise channel")))]
    steps = np.arange(len(kernels))
    curve_ax.plot(steps, sobel, color=plotting.BLUE, label="|correlation| with Sobel")
    curve_ax.plot(steps, noise, color=plotting.VERMILLION, linestyle="--",
                  label="largest |noise weight|")
    curve_ax.set_ylim(0, max(1.05, noise.max() * 1.05))
    curve_ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT, loc="center right")
    plotting.style(curve_ax, "over training", "step", "")
    marker = curve_ax.axvline(0, color=plotting.GREY, linewidth=1)

    def update(step):
        for c, (image, texts) in enumerate(heatmaps):
            plotting.update_heatmap(image, texts, kernels[step][c], "{:+.2f}")
        marker.set_xdata([step, step])
        right = features.accuracy(images, labels, run.models[step])
        return (f"step {step}: |correlation| with Sobel {sobel[step]:.2f}, largest |noise "
                f"weight| {noise[step]:.3f}, accuracy {right:.2f}")

    step = ipywidgets.IntSlider(value=0, min=0, max=len(kernels) - 1, step=1, description="step",
                             continuous_update=True)
    return SliderFigure(fig, update, step=step)
