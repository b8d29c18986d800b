"""Fast sliders: redraw one reused figure into an image widget (lesson 00 onwards).

A classic `interact` builds a new figure on every slider move. Here the figure is built once;
each move only updates its artists' data, renders the figure to PNG bytes and hands them to a
`widgets.Image`. When the caller names the artists that move, everything else (axes, ticks,
labels, fixed curves) is drawn once and kept as a background, and a move draws only the moving
artists on top of it ("blitting"): about 5 ms instead of 50 ms for lesson 01's two panels.
Only API shared by ipywidgets 7.7 (what Colab ships) and 8 is used.
"""
import io

import ipywidgets as widgets
import matplotlib.image
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessons_lib import gradient_descent as gd
from lessons_lib import plotting, validation

# line_fit's slope slider runs from 0 to 5: data far beyond this would leave the figure useless.
LINE_FIT_MAX = 1e6


class SliderFigure:
    """Sliders + a status line + the figure as an image.

    update(**slider_values) moves the figure's artists and returns the status line's text.
    moving_artists: the artists `update` changes. Given, only they are redrawn on a move, over a
    background drawn once, so `update` must change nothing else (no axis limits, no new
    artists). Left out, the whole figure is redrawn.
    Show it by ending a cell with `.widget`.
    """

    def __init__(self, fig, update, moving_artists=(), **sliders):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        if not callable(update):
            raise TypeError(f"update must be a function, got {type(update).__name__}")
        if not sliders or not all(isinstance(w, widgets.ValueWidget) for w in sliders.values()):
            raise TypeError("sliders must be one or more ipywidgets sliders, given by name "
                            "(SliderFigure(fig, update, lr=widgets.FloatSlider(...)))")
        self.fig, self.update, self.sliders = fig, update, sliders
        self.moving_artists = list(moving_artists)
        self.status = widgets.Label()
        self.image = widgets.Image(format="png")
        self.widget = widgets.VBox([widgets.HBox(list(sliders.values())), self.status, self.image])
        # Render straight to pixels: savefig would re-run the layout pass on every call.
        self.fig.set_dpi(plotting.DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.update(**self.values())
        self.canvas.draw()
        # Lay the figure out once, then freeze it: re-solving the layout on every move would
        # cost more than drawing.
        self.fig.set_layout_engine("none")
        self.background = None
        if self.moving_artists:
            for artist in self.moving_artists:
                artist.set_animated(True)  # left out of full draws: drawn by redraw() alone
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        for slider in sliders.values():
            slider.observe(self.redraw, names="value")
        self.redraw()

    def values(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def redraw(self, change=None) -> None:
        status = self.update(**self.values())
        if not isinstance(status, str):
            raise TypeError(f"update must return the status line as a str, "
                            f"got {type(status).__name__}")
        self.status.value = status
        if self.background is None:
            self.canvas.draw()
        else:
            self.canvas.restore_region(self.background)
            for artist in self.moving_artists:
                self.fig.draw_artist(artist)
        self.image.value = self.png()

    def png(self) -> bytes:
        """The canvas as PNG bytes: RGB (the figure is opaque) and light compression, which
        encodes several times faster than the default for a few per cent more bytes."""
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]
        png = io.BytesIO()
        PIL.Image.fromarray(rgb).save(png, format="png", compress_level=1)
        return png.getvalue()

    def static_twin(self, settings: list[dict], ncols: int = 1):
        """The figure at each of `settings` (slider values), as one figure for readers with no
        kernel. The frames are the slider's own images, so the twin cannot drift from it."""
        if not isinstance(settings, (list, tuple)) or not settings or not all(
                isinstance(values, dict) and set(values) <= set(self.sliders)
                for values in settings):
            raise ValueError(f"settings must be a non-empty list of dicts whose keys are slider "
                             f"names ({', '.join(self.sliders)})")
        if len(settings) > 24:
            raise ValueError(f"settings must list at most 24 frames, got {len(settings)}")
        ncols = validation.count("ncols", ncols, minimum=1, maximum=len(settings))
        for n, values in enumerate(settings):
            for name, value in values.items():
                self._check_setting(f"settings[{n}][{name!r}]", self.sliders[name], value)
        frames, titles = [], []
        before = self.values()
        for values in settings:
            for name, value in values.items():
                self.sliders[name].value = value
            self.redraw()  # also when nothing changed
            frames.append(matplotlib.image.imread(io.BytesIO(self.image.value), format="png"))
            titles.append(self.status.value)
        for name, value in before.items():  # leave the live slider where it was
            self.sliders[name].value = value
        self.redraw()
        nrows = -(-len(frames) // ncols)
        height, width = frames[0].shape[:2]
        twin = plotting.LessonFigure(
            figsize=(ncols * width / plotting.DPI, nrows * (height + 30) / plotting.DPI),
            dpi=plotting.DPI, layout="constrained")
        axes = twin.subplots(nrows, ncols, squeeze=False)
        for ax in axes.flat:
            ax.set_axis_off()
        for ax, frame, title in zip(axes.flat, frames, titles):
            ax.imshow(frame, interpolation="none")
            ax.set_title(title, fontsize=9, loc="left")
        return twin

    @staticmethod
    def _check_setting(name: str, slider, value) -> None:
        if hasattr(slider, "min"):  # a numeric slider: a number within its range
            value = validation.real(name, value)
            if not slider.min <= value <= slider.max:
                raise ValueError(f"{name} must be between {slider.min} and {slider.max}, "
                                 f"got {value!r}")
            if isinstance(slider, widgets.IntSlider) and value != int(value):
                raise ValueError(f"{name} must be a whole number, got {value!r}")
        else:
            options = [o[1] if isinstance(o, tuple) else o for o in slider.options]
            if isinstance(value, bool) or value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r:.60}")


def line_fit(x=(1.0, 2.0, 3.0), y_true=(3.0, 6.0, 9.0)) -> SliderFigure:
    """Lesson 00: slide the slope a of y = a * x and watch the line and its squared error."""
    x, y_true = validation.array("x", x, ndim=1), validation.array("y_true", y_true, ndim=1)
    if x.shape != y_true.shape:
        raise ValueError(f"x and y_true must be 1-D and the same length, got {x.shape} and "
                         f"{y_true.shape}")
    if len(x) > 1000 or max(np.abs(x).max(), np.abs(y_true).max()) > LINE_FIT_MAX:
        raise ValueError(f"x and y_true must hold at most 1000 points within ±{LINE_FIT_MAX:g}")
    fig, axes = plotting.figure(1, 1)
    ax = plotting.style(axes[0][0], "y = a * x", "x", "y")
    ax.plot(x, y_true, "o", color=plotting.VERMILLION, label="data")
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

    slope = widgets.FloatSlider(value=1.0, min=0.0, max=5.0, step=0.1, description="a",
                                continuous_update=True)
    return SliderFigure(fig, update, moving_artists=[line, ax.get_legend()], a=slope)


def learning_rate_explorer(x: float = 2.0, y_true: float = 6.0, w0: float = 0.0) -> SliderFigure:
    """Lesson 01: learning rate and step count -> the path on the parabola and the loss curve."""
    x, y_true, w0 = (validation.real(name, v) for name, v in
                     (("x", x), ("y_true", y_true), ("w0", w0)))
    plot = plotting.DescentPlot(x, y_true)
    lr = widgets.FloatSlider(value=0.1, min=0.0, max=0.3, step=0.005, description="lr",
                             readout_format=".3f", continuous_update=True)
    steps = widgets.IntSlider(value=10, min=1, max=30, step=1, description="steps",
                              continuous_update=True)

    def update(lr, steps):
        history = gd.descend(w0, x, y_true, lr, steps)
        regime = gd.lr_regime(lr, x)
        plot.draw(history, label=f"lr = {lr:.3f}: {regime}")
        factor = gd.contraction(lr, x)
        return f"lr = {lr:.3f} -> each step multiplies (w - 3) by {factor:+.2f}: {regime}"

    return SliderFigure(plot.fig, update, moving_artists=plot.moving_artists, lr=lr,
                        steps=steps)
