"""Lesson 07's pictures: optimisers' paths on a loss's contours, and loss curves of batch sizes.

    pair_bowl()        lesson 04's loss over two kernel weights (the other two held fixed)
    path_explorer()    sliders for lr, momentum's beta and Adam's lr -> three paths on the
                       contours and their losses (the fast SliderFigure; figure built once)
    batch_curves()     full-data loss against steps and against epochs, one line per batch size
"""
import ipywidgets
import numpy as np

from lessons_lib import batches, optimisers, plotting, validation
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET, WEIGHT_NAMES
from lessons_lib.slider_figure import SliderFigure

PAIR = (0, 2)  # top-left and bottom-left: curvatures 1,800 and 35,400 in this plane
# Plain last, so it is drawn on top: with beta = 0, momentum's path is the same path.
COLOURS = {"momentum": plotting.ORANGE, "Adam": plotting.GREEN, "plain": plotting.BLUE}


def pair_bowl(pair=PAIR, image=IMAGE, kernel=KERNEL, target=TARGET):
    """(Bowl over kernel weights `pair`, their starting values): the rest stay at `kernel`."""
    kernel = validation.array("kernel", kernel, ndim=2)
    if np.abs(kernel).max() > 1e50:
        raise ValueError("kernel must hold values within +-1e50")
    full = optimisers.conv_bowl(image, kernel.shape, target)
    if not isinstance(pair, (tuple, list)):
        raise TypeError(f"pair must be two weight numbers, such as (0, 2), got {pair!r:.60}")
    pair = [validation.count("pair", n) for n in pair]
    if len(pair) != 2 or len(set(pair)) != 2 or not set(pair) <= set(range(kernel.size)):
        raise ValueError(f"pair must name two different weights in 0..{kernel.size - 1}, "
                         f"got {pair!r}")
    rest = [n for n in range(kernel.size) if n not in pair]
    k = kernel.ravel()
    rest_target = full.target - full.X[:, rest] @ k[rest]
    if not np.abs(rest_target).max() <= 1e50:
        raise ValueError("image, kernel or target hold values too large (beyond +-1e50)")
    bowl = optimisers.Bowl(full.X[:, pair], rest_target)
    return bowl, k[pair]


def path_explorer(steps: int = 30, pair=PAIR, limits=(-1.5, 1.0)) -> SliderFigure:
    """Three optimisers from the same start on the pair's bowl: their paths and losses."""
    steps = validation.count("steps", steps, minimum=1, maximum=1000)
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise TypeError(f"limits must be (low, high), got {limits!r:.60}")
    limits = tuple(validation.bounded("limits", v, limit=1e6) for v in limits)
    if not limits[0] < limits[1]:
        raise ValueError(f"limits must be (low, high) with low < high, got {limits}")
    bowl, w0 = pair_bowl(pair)
    lam_max = bowl.curvatures().max()
    fig, axes = plotting.figure(1, 2)
    path_ax, loss_ax = axes[0]
    names = [WEIGHT_NAMES[n] for n in pair]
    plotting.style(path_ax, "", f"{names[0]} weight", f"{names[1]} weight")
    grid = np.linspace(*limits, 121)
    a, b = np.meshgrid(grid, grid)
    residuals = np.stack([a, b], axis=-1) @ bowl.X.T - bowl.target  # (121, 121, positions)
    losses = np.sum(residuals**2, axis=-1)
    levels = np.geomspace(losses.min() * 1.02, losses.max(), 14)
    path_ax.contour(a, b, losses, levels=levels, colors=plotting.GREY, linewidths=0.7)
    best = np.linalg.lstsq(bowl.X, bowl.target, rcond=None)[0]
    path_ax.plot(*best, "*", color="black", markersize=10)
    path_ax.plot(*w0, "o", color="black", markersize=4)
    path_ax.set_xlim(*limits)
    path_ax.set_ylim(*limits)
    path_ax.set_aspect("equal")
    plotting.style(loss_ax, "", "step", "loss - lowest loss (log)")
    loss_ax.set_yscale("log")
    loss_ax.set_xlim(0, steps)
    start_gap = bowl.loss(w0) - bowl.loss(best)
    loss_ax.set_ylim(start_gap * 1e-8, start_gap * 1e2)
    paths, curves = {}, {}
    for name, colour in COLOURS.items():
        (paths[name],) = path_ax.plot([], [], "-o", color=colour, markersize=2.5, linewidth=1,
                                      label=name)
        (curves[name],) = loss_ax.plot([], [], "-", color=colour, label=name)
    path_ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT + 1, loc="lower right")
    note = path_ax.text(0.03, 0.95, "", transform=path_ax.transAxes,
                        fontsize=plotting.MIN_FONT_PT + 1, color=plotting.VERMILLION,
                        fontweight="bold", va="top")

    def update(lr_x_lam, beta, adam_lr):
        lr = lr_x_lam / lam_max
        runs = {"momentum": optimisers.Momentum(lr, beta), "Adam": optimisers.Adam(adam_lr),
                "plain": optimisers.Plain(lr)}
        left, summary = [], []
        for name, optimiser in runs.items():
            path = optimisers.run(optimiser, bowl, w0, steps)
            outside = np.flatnonzero(np.any((path < limits[0]) | (path > limits[1]), axis=1))
            shown = path[:outside[0] + 1] if outside.size else path  # up to where it leaves
            paths[name].set_data(*np.clip(shown, limits[0] - 1, limits[1] + 1).T)
            gaps = [bowl.loss(w) - bowl.loss(best) for w in path]
            curves[name].set_data(np.arange(len(gaps)), np.clip(gaps, 1e-300, start_gap * 1e2))
            if len(path) <= steps or outside.size:
                left.append(name)
            grew = len(path) <= steps or gaps[-1] > start_gap
            summary.append(f"{name} diverged" if grew else f"{name} {gaps[-1]:.2g}")
        note.set_text("left the plot: " + ", ".join(left) if left else "")
        return (f"lr·λmax {lr_x_lam:.2f}, β {beta:.2f}, Adam lr {adam_lr:.2f}: loss - lowest "
                f"after {steps} steps: " + ", ".join(summary))

    wide = {"description_width": "initial"}  # show each label whole (ipywidgets 7 and 8)
    sliders = {
        "lr_x_lam": ipywidgets.FloatSlider(value=1.0, min=0.1, max=2.2, step=0.05, style=wide,
                                        description="lr × λmax", continuous_update=True),
        "beta": ipywidgets.FloatSlider(value=0.6, min=0.0, max=0.95, step=0.05, style=wide,
                                    description="β", continuous_update=True),
        "adam_lr": ipywidgets.FloatSlider(value=0.5, min=0.01, max=1.0, step=0.01, style=wide,
                                       description="Adam lr", continuous_update=True)}
    moving = [*paths.values(), *curves.values(), note]
    return SliderFigure(fig, update, moving_artists=moving, **sliders)


def batch_curves(runs, floor: float) -> plotting.LessonFigure:
    """Full-data loss against steps (log) and against epochs, one line per run (batches.Run),
    and the lowest loss any kernel reaches on this data (`floor`), dashed."""
    floor = validation.positive("floor", validation.bounded("floor", floor))
    if (not isinstance(runs, (tuple, list)) or not 1 <= len(runs) <= 3
            or not all(isinstance(run, batches.Run) for run in runs)):
        raise TypeError(f"runs must be a list of 1 to 3 batches.Run (what batches.train "
                        f"returns), got {runs!r:.60}")
    fig, axes = plotting.figure(1, 2, alt=(
        "The full-data loss on log scales against steps taken (left) and against epochs "
        f"(right), one line per batch size ({', '.join(str(r.batch_size) for r in runs)}), the "
        "lowest possible loss dashed."))
    step_ax, epoch_ax = axes[0]
    plotting.style(step_ax, "Loss against steps", "steps taken (log scale)", "loss (log scale)")
    plotting.style(epoch_ax, "Loss against epochs", "epochs", "loss (log scale)")
    colours = (plotting.BLUE, plotting.ORANGE, plotting.GREEN)
    for n, (run, colour) in enumerate(zip(runs, colours)):
        style = {"color": colour, "linewidth": 1, "label": f"batch of {run.batch_size}",
                 "zorder": 3 + len(runs) - n}  # the first run on top: noisy lines hide less
        step_ax.plot(np.arange(1, len(run.losses)), run.losses[1:], **style)  # log x: from 1
        epoch_ax.plot(run.epochs, run.losses, **style)
    for ax in (step_ax, epoch_ax):
        ax.axhline(floor, color="black", linestyle="--", linewidth=1, label="lowest possible")
        ax.set_yscale("log")
    step_ax.set_xscale("log")
    epoch_ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT + 1)
    return fig
