"""One plotting style for every lesson, and the figures lessons 01-02 draw.

Helpers take or return matplotlib objects and keep no state: no global rcParams, no pyplot
figure manager. Figures are `LessonFigure`s, shown as a PNG by ending a cell with `fig`.
"""
import io
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lessons_lib import gradient_descent as gd
from lessons_lib import validation

# Okabe-Ito: distinguishable with every common form of colour blindness.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, GREY = "#56B4E9", "#CC79A7", "#7F7F7F"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE)
CMAP = "viridis"  # perceptually uniform, colour-blind safe
PANEL_SIZE = (3.6, 2.8)  # inches per panel: every figure is a grid of these
DPI = 80


class LessonFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG when a cell ends with it, with no pyplot
    and no inline backend involved (so it works the same in JupyterLab, Colab and nbclient)."""

    def _repr_png_(self) -> bytes:
        png = io.BytesIO()
        self.savefig(png, format="png", dpi=DPI)
        return png.getvalue()


def figure(nrows: int = 1, ncols: int = 1, **subplot_kw) -> tuple[Figure, np.ndarray]:
    """A new figure of nrows x ncols styled panels; axes always come back as a 2-D array."""
    nrows = validation.count("nrows", nrows, minimum=1, maximum=10)
    ncols = validation.count("ncols", ncols, minimum=1, maximum=10)
    fig = LessonFigure(figsize=(PANEL_SIZE[0] * ncols, PANEL_SIZE[1] * nrows), dpi=DPI,
                 layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw)
    for ax in axes.flat:
        style(ax)
    return fig, axes


def style(ax, title: str = "", xlabel: str = "", ylabel: str = ""):
    """The lesson look: palette, light grid, no top/right spines."""
    _check_axes(ax)
    title, xlabel, ylabel = (validation.text(name, value) for name, value in
                             (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)))
    ax.set_prop_cycle(color=PALETTE)
    ax.grid(True, color="#E5E5E5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def _check_axes(ax) -> None:
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (one of plotting.figure()'s axes), "
                        f"got {type(ax).__name__}")


def annotated_heatmap(ax, values, title: str = "", fmt: str = "{:g}", vmin=None, vmax=None,
                      ticks: bool = True):
    """A heatmap with each cell's number written on it (lessons 04-05).

    Returns (image, texts[i][j]) so a slider can update the colours and numbers in place.
    """
    _check_axes(ax)
    values = validation.array("values", values, ndim=2, allow_nan=True)  # NaN: a blank cell
    title, fmt = validation.text("title", title), validation.text("fmt", fmt)
    try:
        fmt.format(1.0)
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f"fmt must format one number, such as '{{:g}}': {error}") from None
    vmin, vmax = (None if v is None else validation.real(name, v)
                  for name, v in (("vmin", vmin), ("vmax", vmax)))
    if not isinstance(ticks, bool):
        raise TypeError(f"ticks must be True or False, got {ticks!r:.40}")
    if values.size > 400:
        raise ValueError(f"values has {values.size} cells: at most 400 can carry a number each")
    image = ax.imshow(values, cmap=CMAP, vmin=vmin, vmax=vmax)
    texts = [[ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=9,
                      color="white") for j in range(values.shape[1])]
             for i in range(values.shape[0])]
    ax.set_xticks(range(values.shape[1]) if ticks else [])
    ax.set_yticks(range(values.shape[0]) if ticks else [])
    ax.grid(False)
    ax.set_title(title, fontsize=10)
    return image, texts


def save_figure(fig: Figure, lesson: str, name: str) -> Path:
    """Save under assets/images/<lesson>/<name> in the course repository.

    Outside the repository (on Colab, say) the same relative folder is made next to the notebook.
    PNG metadata is left out so that re-running a lesson writes identical bytes.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    lesson, name = validation.file_name("lesson", lesson), validation.file_name("name", name)
    if not name.lower().endswith((".png", ".svg", ".pdf")):
        raise ValueError(f"name must end in .png, .svg or .pdf, got {name!r}")
    here = Path.cwd().resolve()
    root = next((p for p in (here, *here.parents) if (p / "lessons_lib").is_dir()), here)
    path = root / "assets" / "images" / lesson / name
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path.relative_to(root)


class DescentPlot:
    """Lesson 01's two panels: the path on the loss parabola, and the loss at each step.

    Built once; `draw(history, label)` only moves the data of existing artists, which is what
    keeps the learning-rate slider fast.
    """

    def __init__(self, x: float, y_true: float, w_range=(-1.0, 7.0), max_steps: int = 30):
        x, y_true = validation.real("x", x), validation.real("y_true", y_true)
        w_range = validation.array("w_range", w_range, ndim=1)
        if w_range.shape != (2,) or not w_range[0] < w_range[1]:
            raise ValueError(f"w_range must be (low, high) with low < high, got {w_range}")
        max_steps = validation.count("max_steps", max_steps, minimum=1, maximum=10_000)
        self.x, self.y_true = x, y_true
        self.fig, axes = figure(1, 2)
        self.path_ax, self.loss_ax = axes[0]
        w_grid = np.linspace(*w_range, 200)
        loss_top = max(max(gd.loss(w, x, y_true) for w in w_range), 1e-12)  # flat: still a box
        style(self.path_ax, "Path on the loss curve", "w", "loss")
        self.path_ax.plot(w_grid, gd.loss(w_grid, x, y_true), color=GREY, linewidth=1.5)
        self.path_ax.set_xlim(*w_range)
        self.path_ax.set_ylim(-0.05 * loss_top, 1.05 * loss_top)
        (self.path,) = self.path_ax.plot([], [], "-o", color=BLUE, markersize=4, linewidth=1)
        style(self.loss_ax, "Loss before each update", "step", "loss")
        (self.loss_line,) = self.loss_ax.plot([], [], "-o", color=ORANGE, markersize=3)
        self.loss_ax.set_xlim(0.5, max_steps + 0.5)
        self.loss_ax.set_ylim(-0.05 * loss_top, 1.05 * loss_top)
        self.note = self.path_ax.text(0.5, 0.92, "", transform=self.path_ax.transAxes,
                                      ha="center", color=VERMILLION, fontweight="bold")
        # All that draw() changes: a slider redraws only these (widgets.SliderFigure).
        self.moving_artists = [self.path, self.loss_line, self.note, self.path_ax.title]

    def draw(self, history: gd.History, label: str = "") -> None:
        if not isinstance(history, gd.History):
            raise TypeError(f"history must be what gradient_descent.descend returns, "
                            f"got {type(history).__name__}")
        label = validation.text("label", label)
        weights = np.array(history.weights)
        w_min, w_max = self.path_ax.get_xlim()
        far = 1e7 * (w_max - w_min)  # beyond any run descend lets go on; keeps the loss finite
        shown = np.clip(weights, w_min - far, w_max + far)
        self.path.set_data(shown, gd.loss(shown, self.x, self.y_true))
        self.loss_line.set_data(np.arange(1, len(history.steps) + 1), history.losses)
        left_plot = bool(np.any((weights < w_min) | (weights > w_max)))
        self.note.set_text("diverged" if history.diverged or left_plot else "")
        self.path_ax.set_title(label or "Path on the loss curve", fontsize=10)


def weight_and_loss(weights, losses, w_true: float) -> Figure:
    """Lesson 02: the weight and the loss at each step, the true weight dashed."""
    weights, losses = (validation.array(n, v, ndim=1) for n, v in
                       (("weights", weights), ("losses", losses)))
    if weights.shape != losses.shape:
        raise ValueError(f"weights and losses must have the same length, got {len(weights)} "
                         f"and {len(losses)}")
    w_true = validation.real("w_true", w_true)
    fig, axes = figure(1, 2)
    w_ax, loss_ax = axes[0]
    steps = np.arange(len(weights))
    w_ax.plot(steps, weights, "-o", color=BLUE, markersize=3, label="w")
    w_ax.axhline(w_true, color=VERMILLION, linestyle="--", label=f"true w = {w_true:g}")
    w_ax.legend(frameon=False)
    style(w_ax, "Weight at each step", "step", "w")
    loss_ax.plot(steps, losses, "-o", color=ORANGE, markersize=3)
    style(loss_ax, "Loss at each step", "step", "loss")
    return fig
