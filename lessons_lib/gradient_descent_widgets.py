"""Lessons 00-02's pictures and sliders, over gradient_descent's maths.

    line_fit()                 lesson 00: slide the slope a of y = a * x, watch its error
    DescentPlot                lesson 01: the path on the loss parabola and the loss per step
    learning_rate_explorer()   lesson 01: lr and step count -> DescentPlot, one regime each
    weight_and_loss()          lesson 02: the weight and the loss at each step
"""
import ipywidgets
import numpy as np

from lessons_lib import gradient_descent as gd
from lessons_lib import plotting, validation
from lessons_lib.slider_figure import SliderFigure

# line_fit's slope slider runs from 0 to 5: data far beyond this would leave the figure useless.
LINE_FIT_MAX = 1e6


class DescentPlot:
    """Lesson 01's two panels: the path on the loss parabola, and the loss at each step.

    Built once; `draw(history, label)` only moves the data of existing artists, which is what
    keeps the learning-rate slider fast.
    """

    def __init__(self, x: float, y_true: float, w_range=(-1.0, 7.0), max_steps: int = 30):
        # Within +-1e50, so that the loss curve (squares of products) stays far from overflow.
        x, y_true = validation.bounded("x", x), validation.bounded("y_true", y_true)
        w_range = validation.array("w_range", w_range, ndim=1)
        if w_range.shape != (2,) or not w_range[0] < w_range[1] or np.abs(w_range).max() > 1e50:
            raise ValueError(f"w_range must be (low, high) with low < high, within +-1e50, "
                             f"got {w_range}")
        max_steps = validation.count("max_steps", max_steps, minimum=1, maximum=10_000)
        self.x, self.y_true = x, y_true
        self.fig, axes = plotting.figure(1, 2)
        self.path_ax, self.loss_ax = axes[0]
        w_grid = np.linspace(*w_range, 200)
        loss_top = max(max(gd.loss(w, x, y_true) for w in w_range), 1e-12)  # flat: still a box
        plotting.style(self.path_ax, "Path on the loss curve", "w", "loss")
        self.path_ax.plot(w_grid, gd.loss(w_grid, x, y_true), color=plotting.GREY,
                          linewidth=1.5)
        self.path_ax.set_xlim(*w_range)
        self.path_ax.set_ylim(-0.05 * loss_top, 1.05 * loss_top)
        (self.path,) = self.path_ax.plot([], [], "-o", color=plotting.BLUE, markersize=4,
                                         linewidth=1)
        plotting.style(self.loss_ax, "Loss before each update", "step", "loss")
        (self.loss_line,) = self.loss_ax.plot([], [], "-o", color=plotting.ORANGE, markersize=3)
        self.loss_ax.set_xlim(0.5, max_steps + 0.5)
        self.loss_ax.set_ylim(-0.05 * loss_top, 1.05 * loss_top)
        self.note = self.path_ax.text(0.5, 0.92, "", transform=self.path_ax.transAxes,
                                      ha="center", color=plotting.VERMILLION, fontweight="bold")
        # All that draw() changes: a slider redraws only these (SliderFigure). The title moves
        # only when draw() is given a label.
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
        diverged = history.diverged or left_plot
        self.note.set_text("diverged" if diverged else "")
        self.path_ax.set_title(label or "Path on the loss curve", fontsize=10)
        self.fig.describe(f"Left, the path of w over {len(history.steps)} steps on the loss "
                          f"parabola, ending at w = {weights[-1]:.3g}"
                          f"{' (diverged)' if diverged else ''}; right, the loss at each step.")


def weight_and_loss(weights, losses, w_true: float):
    """Lesson 02: the weight and the loss at each step, the true weight dashed."""
    weights, losses = (validation.array(n, v, ndim=1) for n, v in
                       (("weights", weights), ("losses", losses)))
    if weights.shape != losses.shape:
        raise ValueError(f"weights and losses must have the same length, got {len(weights)} "
                         f"and {len(losses)}")
    w_true = validation.real("w_true", w_true)
    fig, axes = plotting.figure(1, 2, alt=(
        f"Left, the weight at each of {len(weights)} steps, from {weights[0]:.3g} to "
        f"{weights[-1]:.3g}, the true weight {w_true:g} dashed; right, the loss at each step, "
        f"from {losses[0]:.3g} to {losses[-1]:.3g}."))
    w_ax, loss_ax = axes[0]
    steps = np.arange(len(weights))
    w_ax.plot(steps, weights, "-o", color=plotting.BLUE, markersize=3, label="w")
    w_ax.axhline(w_true, color=plotting.VERMILLION, linestyle="--", label=f"true w = {w_true:g}")
    w_ax.legend(frameon=False, loc="lower right")
    plotting.style(w_ax, "Weight at each step", "step", "w")
    loss_ax.plot(steps, losses, "-o", color=plotting.ORANGE, markersize=3)
    plotting.style(loss_ax, "Loss at each step", "step", "loss")
    return fig


def line_fit(x=(1.0, 2.0, 3.0), y_true=(3.0, 6.0, 9.0)) -> SliderFigure:
    """Lesson 00: slide the slope a of y = a * x and watch the line and its squared error."""
    x, y_true = validation.array("x", x, ndim=1), validation.array("y_true", y_true, ndim=1)
    if x.shape != y_true.shape:
        raise ValueError(f"x and y_true must be 1-D and the same length, got {x.shape} and "
                         f"{y_true.shape}")
    if len(x) > 1000 or max(np.abs(x).max(), np.abs(y_true).max()) > LINE_FIT_MAX:
        raise ValueError(f"x and y_true must hold at most 1000 points within ±{LINE_FIT_MAX:g}")
    fig, axes = plotting.figure(1, 1, alt="The data points and the line y = a * x through the "
                                "origin, whose slope a the slider sets.")
    ax = plotting.style(axes[0][0], "y = a * x", "x", "y")
    ax.plot(x, y_true, "o", color=plotting.RED, label="data")
    x_grid = np.linspace(min(0, x.min()) * 1.1, max(0, x.max()) * 1.1, 2)
    (line,) = ax.plot(x_grid, 0 * x_grid, color=plotting.BLUE, label="model")
    # From 0 (or the lowest target, if one is negative) to above the highest: all data shows.
    bottom, top = min(0, y_true.min() * 1.6), max(0, y_true.max() * 1.6)
    ax.set_ylim(bottom, top if top > bottom else 1.0)
    ax.legend(frameon=False, loc="upper left")

    def update(a):
        line.set_ydata(a * x_grid)
        error = float(np.mean((a * x - y_true) ** 2))
        return f"a = {a:.1f}: mean squared error = {error:.2f}"

    slope = ipywidgets.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="a",
                                   continuous_update=True)
    return SliderFigure(fig, update, moving_artists=[line, ax.get_legend()], a=slope)


def learning_rate_explorer(x: float = 2.0, y_true: float = 6.0, w0: float = 0.0) -> SliderFigure:
    """Lesson 01: learning rate and step count -> the path on the parabola and the loss curve."""
    x, y_true, w0 = (validation.real(name, v) for name, v in
                     (("x", x), ("y_true", y_true), ("w0", w0)))
    plot = DescentPlot(x, y_true)
    lr = ipywidgets.FloatSlider(value=0.1, min=0.0, max=0.3, step=0.005, description="lr",
                                readout_format=".3f", continuous_update=True)
    steps = ipywidgets.IntSlider(value=10, min=1, max=30, step=1, description="steps",
                                 continuous_update=True)

    def update(lr, steps):
        # The regime goes in the status line above the picture, not in the title: re-drawing a
        # line of text costs more than both curves (benchmarks/bench_slider_latency.py).
        plot.draw(gd.descend(w0, x, y_true, lr, steps))
        factor = gd.contraction(lr, x)
        return (f"lr = {lr:.3f} -> each step multiplies (w - 3) by {factor:+.2f}: "
                f"{gd.lr_regime(lr, x)}")

    return SliderFigure(plot.fig, update, moving_artists=plot.moving_artists[:3], lr=lr,
                        steps=steps)
