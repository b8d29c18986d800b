"""Lesson 09's pictures, over layers' maths.

    logit_slider(logits, label)   slide the logit of class `label` (the right answer); left,
                                  the softmax probabilities; right, dloss/dlogits = p - y
    training_figure(...)          the loss of a run by hand and with torch.optim, step by
                                  step; the data over the regions the trained network predicts
"""
import ipywidgets
import numpy as np
from matplotlib.colors import ListedColormap

from lessons_lib import layers, plotting, validation
from lessons_lib.slider_figure import SliderFigure

LOGIT_RANGE = (-4.0, 6.0)  # the slider's range; a step is LOGIT_STEP
LOGIT_STEP = 0.25
MAX_CLASSES = 8  # bars stay readable


def logit_slider(logits, label: int = 0) -> SliderFigure:
    """Slider `logit`: the logit of class `label`, the other classes' logits held fixed."""
    logits = validation.array("logits", logits, ndim=1)
    if not 2 <= logits.size <= MAX_CLASSES:
        raise ValueError(f"logits must have from 2 to {MAX_CLASSES} entries, got {logits.size}")
    if np.abs(logits).max() > 50:
        raise ValueError(f"logits must be within ±50 to make a readable picture, "
                         f"got {np.abs(logits).max():g}")
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
        raise TypeError(f"label must be a whole number (a class index), got {label!r:.40}")
    if not 0 <= label < logits.size:
        raise ValueError(f"label must be from 0 to {logits.size - 1}, got {label}")
    label = int(label)
    start = float(np.clip(np.round(logits[label] / LOGIT_STEP) * LOGIT_STEP, *LOGIT_RANGE))
    classes = np.arange(logits.size)
    fig, axes = plotting.figure(1, 2)
    prob_ax, grad_ax = axes[0]
    plotting.style(prob_ax, "softmax probabilities p", "class", "probability")
    plotting.style(grad_ax, "dloss/dlogit = p − y", "class", "dloss/dlogit")
    prob_bars = prob_ax.bar(classes, np.zeros(logits.size), color=plotting.BLUE)
    prob_ax.bar(label, 1.0, fill=False, edgecolor=plotting.GREY, linestyle="--", linewidth=1.5)
    grad_bars = grad_ax.bar(classes, np.zeros(logits.size), color=plotting.ORANGE)
    grad_ax.axhline(0.0, color=plotting.GREY, linewidth=1)
    prob_ax.set_ylim(0.0, 1.05)
    grad_ax.set_ylim(-1.05, 1.05)
    for ax in (prob_ax, grad_ax):
        ax.set_xticks(classes, [f"{k}*" if k == label else str(k) for k in classes])
    logit = ipywidgets.FloatSlider(value=start, min=LOGIT_RANGE[0], max=LOGIT_RANGE[1],
                                   step=LOGIT_STEP, description=f"logit {label}",
                                   continuous_update=True)

    def update(logit):
        z = logits.copy()
        z[label] = logit
        p = layers.softmax(z[None])[0]
        grad = p - np.eye(logits.size)[label]
        for bar, height in zip(prob_bars, p):
            bar.set_height(height)
        for bar, height in zip(grad_bars, grad):
            bar.set_height(height)
        loss = -np.log(p[label])
        fig.describe(f"Left, the softmax probabilities of {logits.size} classes, class {label} "
                     f"(the right one, starred, dashed outline at 1) at {p[label]:.2f}; right, "
                     f"the gradient p - y, {grad[label]:.2f} for class {label}.")
        return (f"logit {label} = {logit:g}: p = [{', '.join(f'{v:.3f}' for v in p)}], "
                f"loss = -ln p[{label}] = {loss:.3f}, p - y at class {label} = "
                f"{grad[label]:.3f}")

    return SliderFigure(fig, update, moving_artists=[*prob_bars, *grad_bars], logit=logit)


MARKERS = ("o", "s", "^", "D", "v", "P")  # one per class: classes differ by shape, not colour only


def training_figure(hand_losses, torch_losses, points, labels, regions, extent):
    """Left: the loss at each step, by hand (line) and with torch.optim (a dot every tenth
    step). Right: the points, one marker per class, over `regions`, the class the network
    predicts on a grid spanning `extent` = (x_min, x_max, y_min, y_max)."""
    hand, torch_run, points = (_modest(name, value, ndim) for name, value, ndim in (
        ("hand_losses", hand_losses, 1), ("torch_losses", torch_losses, 1),
        ("points", points, 2)))
    if torch_run.shape != hand.shape:
        raise ValueError(f"torch_losses must have hand_losses' length {hand.size}, "
                         f"got {torch_run.size}")
    if points.shape[1] != 2:
        raise ValueError(f"points must have 2 columns (x, y), got shape {points.shape}")
    labels = np.asarray(labels)
    regions = np.asarray(regions)
    for name, value, ndim in (("labels", labels, 1), ("regions", regions, 2)):
        if (value.dtype == bool or value.dtype.kind not in "iu" or value.ndim != ndim
                or value.size == 0):
            raise TypeError(f"{name} must be a non-empty {ndim}-D array of class indices "
                            f"(ints), got dtype {value.dtype}, shape {value.shape}")
    if labels.shape != (len(points),):
        raise ValueError(f"labels must have one entry per point ({len(points)},), "
                         f"got {labels.shape}")
    classes = int(max(labels.max(), regions.max())) + 1
    if min(labels.min(), regions.min()) < 0 or classes > len(MARKERS):
        raise ValueError(f"labels and regions must be classes 0 to {len(MARKERS) - 1}")
    extent = _modest("extent", extent, 1)
    if extent.shape != (4,) or not (extent[0] < extent[1] and extent[2] < extent[3]):
        raise ValueError(f"extent must be (x_min, x_max, y_min, y_max), min < max, got {extent}")
    fig, axes = plotting.figure(1, 2)
    loss_ax, data_ax = axes[0]
    steps = np.arange(1, hand.size + 1)
    plotting.style(loss_ax, "loss at each step", "step", "mean cross-entropy")
    loss_ax.plot(steps, hand, color=plotting.BLUE, linewidth=2.5, label="by hand")
    loss_ax.plot(steps[::10], torch_run[::10], "o", color=plotting.ORANGE, markersize=4,
                 label="torch.optim")
    loss_ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT, loc="upper right")
    plotting.style(data_ax, "data and the regions learned", "x₁", "x₂")
    data_ax.imshow(regions, origin="lower", extent=tuple(extent), aspect="auto", alpha=0.25,
                   cmap=ListedColormap(plotting.PALETTE[:classes]), vmin=-0.5,
                   vmax=classes - 0.5, interpolation="nearest")
    for k in range(classes):
        mine = points[labels == k]
        data_ax.scatter(mine[:, 0], mine[:, 1], s=16, marker=MARKERS[k],
                        color=plotting.PALETTE[k], edgecolors="black", linewidths=0.4)
    data_ax.set_xlim(extent[0], extent[1])
    data_ax.set_ylim(extent[2], extent[3])
    accuracy = float(np.mean(_region_of(points, regions, extent) == labels))
    return fig.describe(
        f"Left, the loss at each of {hand.size} steps, by hand as a line and with torch.optim "
        f"as a dot every tenth step, falling from {hand[0]:.2f} to {hand[-1]:.3f}; right, the "
        f"{len(points)} points, one marker shape per class, over the regions where the "
        f"network predicts each of {classes} classes ({accuracy:.0%} of points inside their "
        f"own class's region).")


def _modest(name: str, value, ndim: int) -> np.ndarray:
    """A finite array of numbers within ±1e6: plenty for losses and 2-D points."""
    array = validation.array(name, value, ndim=ndim)
    if np.abs(array).max() > 1e6:
        raise ValueError(f"{name} must be within ±1e6 to be drawn, got {np.abs(array).max():g}")
    return array


def _region_of(points, regions, extent) -> np.ndarray:
    """The grid cell of `regions` each point falls in."""
    rows, cols = regions.shape
    col = np.clip(((points[:, 0] - extent[0]) / (extent[1] - extent[0]) * cols).astype(int),
                  0, cols - 1)
    row = np.clip(((points[:, 1] - extent[2]) / (extent[3] - extent[2]) * rows).astype(int),
                  0, rows - 1)
    return regions[row, col]
