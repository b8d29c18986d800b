"""One figure standard for every lesson: palette, sizes, fonts, heatmaps, and how figures show.

The standard (tests/test_figure_standard.py holds every figure a lesson makes to it):
- a figure is shown at a fixed CSS size, CSS_DPI CSS pixels per inch of its size, and drawn at
  DPI = 2 x CSS_DPI, so it stays sharp on high-density screens and is never stretched;
- no text smaller than MIN_FONT_CSS_PX on screen (MIN_FONT_PT points);
- no text clipped by the figure's edge or overlapping other text;
- numbers written on a heatmap are black or white, whichever contrasts more with their cell
  (at least 4.5:1; one of the two always does);
- signed data get a diverging colormap centred on 0 and a colorbar.

Helpers keep no state: no global rcParams, no pyplot figure manager. Figures are `LessonFigure`s,
shown as a PNG with their CSS size and a one-sentence description (alt text) by ending a cell
with `fig` (and as the same PNG in an HTML <img> with that alt text, which JupyterLab shows).
"""
import base64
import html
import io
from pathlib import Path

import matplotlib.colors
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from lessons_lib import validation

# Okabe-Ito: distinguishable with every common form of colour blindness.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, GREY = "#56B4E9", "#CC79A7", "#7F7F7F"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE)
RED = "#CC0000"  # what a lesson's text calls red (Okabe-Ito's vermillion reads as orange)
# The colour each colour word in a lesson's text means (tests check the lesson draws it).
NAMED_COLOURS = {"red": RED, "orange": ORANGE, "blue": BLUE, "green": GREEN, "grey": GREY,
                 "black": "#000000"}
CMAP = "viridis"  # unsigned data: perceptually uniform, colour-blind safe
DIVERGING = "RdBu_r"  # signed data: blue below 0, white at 0, red above
PANEL_SIZE = (3.6, 2.8)  # inches per panel: every figure is a grid of these
CSS_DPI = 80  # CSS pixels per inch: a panel shows 288 x 224 CSS px, three fit a notebook
DPI = 2 * CSS_DPI  # image pixels per inch: 2 per CSS pixel
MIN_FONT_CSS_PX = 10
MIN_FONT_PT = 72 * MIN_FONT_CSS_PX / CSS_DPI  # 9 pt
MIN_CONTRAST = 4.5  # WCAG AA for text


class LessonFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG when a cell ends with it, with no pyplot
    and no inline backend involved (so it works the same in JupyterLab, Colab and nbclient).

    `alt`: one sentence saying what the figure shows; it travels with the PNG as its alt text.
    """

    def __init__(self, *args, alt: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.alt = validation.text("alt", alt)

    def describe(self, alt: str) -> "LessonFigure":
        """Set the one-sentence description; returns the figure, so a cell can end with it."""
        self.alt = validation.text("alt", alt)
        return self

    def css_size(self) -> tuple[int, int]:
        """(width, height) in CSS pixels: the size the figure is shown at."""
        width, height = self.get_size_inches() * CSS_DPI
        return round(width), round(height)

    def _repr_png_(self):
        png = io.BytesIO()
        self.savefig(png, format="png", dpi=DPI)
        width, height = self.css_size()
        return png.getvalue(), {"width": width, "height": height, "alt": self.alt}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _shown_png(*self._repr_png_())


def _shown_png(png: bytes, metadata: dict) -> tuple[dict, dict]:
    """A picture's display bundle: the PNG with its CSS size and alt text as metadata, and the
    same PNG as an HTML <img> carrying them, which is what JupyterLab shows (it ignores
    metadata alt text, so a screen reader would hear nothing there)."""
    data = base64.b64encode(png).decode()
    img = (f'<img src="data:image/png;base64,{data}" alt="{html.escape(metadata["alt"])}" '
           f'width="{metadata["width"]}" height="{metadata["height"]}">')
    return {"image/png": data, "text/html": img}, {"image/png": metadata}


def render(fig: Figure) -> np.ndarray:
    """The figure drawn at DPI into an (height, width, 4) uint8 array, on its own Agg canvas."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    fig.set_dpi(DPI)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def figure(nrows: int = 1, ncols: int = 1, alt: str = "", **subplot_kw):
    """A new figure of nrows x ncols styled panels; axes always come back as a 2-D array."""
    nrows = validation.count("nrows", nrows, minimum=1, maximum=10)
    ncols = validation.count("ncols", ncols, minimum=1, maximum=10)
    fig = LessonFigure(figsize=(PANEL_SIZE[0] * ncols, PANEL_SIZE[1] * nrows), dpi=DPI,
                       layout="constrained", alt=alt)
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


def contrast(colour_a, colour_b) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    colour_a, colour_b = validation.colour("colour_a", colour_a), validation.colour("colour_b",
                                                                                  colour_b)

    def luminance(colour):
        rgb = np.array(matplotlib.colors.to_rgb(colour))
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(linear @ [0.2126, 0.7152, 0.0722])
    light, dark = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background) -> str:
    """"black" or "white", whichever contrasts more with `background` (always >= 4.58:1)."""
    background = validation.colour("background", background)
    return max(("black", "white"), key=lambda colour: contrast(colour, background))


def annotated_heatmap(ax, values, title: str = "", fmt: str = "{:g}", vmin=None, vmax=None,
                      ticks: bool = True, colorbar: bool = False):
    """A heatmap with each cell's number written on it (lessons 04-07).

    Signed colour scales (vmin < 0, or negative values) use the diverging colormap, centred on
    0. Returns (image, texts[i][j]); a slider moves both with `update_heatmap`.
    """
    _check_axes(ax)
    values = validation.array("values", values, ndim=2, allow_nan=True)  # NaN: a blank cell
    title, fmt = validation.text("title", title), validation.text("fmt", fmt)
    try:
        fmt.format(1.0)
    except (ValueError, IndexError, KeyError) as error:
        raise ValueError(f"fmt must format one number, such as '{{:g}}': {error}") from None
    # Within +-1e300: the colour scale's span, vmax - vmin, must stay finite.
    vmin, vmax = (None if v is None else validation.bounded(name, v, limit=1e300)
                  for name, v in (("vmin", vmin), ("vmax", vmax)))
    if np.nanmax(np.abs(values), initial=0.0) > 1e300:
        raise ValueError("values must lie within +-1e300, so that the colour scale's span is "
                         "finite")
    shown = values[~np.isnan(values)]
    low = vmin if vmin is not None else shown.min() if shown.size else 0.0
    high = vmax if vmax is not None else shown.max() if shown.size else 0.0
    if (vmin is not None or vmax is not None) and low > high:
        raise ValueError(f"vmin ({low:g}) must not be above vmax ({high:g}; the largest value "
                         f"when vmax is None)")
    for name, flag in (("ticks", ticks), ("colorbar", colorbar)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r:.40}")
    if values.size > 400:
        raise ValueError(f"values has {values.size} cells: at most 400 can carry a number each")
    if low < 0:  # signed: symmetric about 0, so white means 0
        top = max(abs(low), abs(high), 1e-12)
        image = ax.imshow(values, cmap=DIVERGING, vmin=-top, vmax=top)
    else:
        image = ax.imshow(values, cmap=CMAP, vmin=vmin, vmax=vmax)
    texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=MIN_FONT_PT)
              for j in range(values.shape[1])] for i in range(values.shape[0])]
    update_heatmap(image, texts, values, fmt)
    ax.set_xticks(range(values.shape[1]) if ticks else [])
    ax.set_yticks(range(values.shape[0]) if ticks else [])
    ax.grid(False)
    ax.set_title(title, fontsize=10)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image, texts


def update_heatmap(image, texts, values, fmt: str = "{:g}") -> None:
    """New numbers for an annotated heatmap: its colours, its texts, and each text's colour
    (black or white, by contrast with its cell). NaN cells are blank."""
    if not isinstance(image, AxesImage):
        raise TypeError("image must be the image that annotated_heatmap returned, got "
                        f"{type(image).__name__}")
    shape = (len(texts), len(texts[0])) if isinstance(texts, list) and texts else None
    if shape is None or not all(isinstance(row, list) and len(row) == shape[1] for row in texts):
        raise TypeError("texts must be the grid of texts that annotated_heatmap returned")
    values = validation.array("values", values, allow_nan=True)  # NaN: a blank cell
    if values.shape != shape:
        raise ValueError(f"values must be a {shape[0]}x{shape[1]} grid of finite numbers (NaN "
                         f"leaves a cell blank), got shape {values.shape}")
    fmt = validation.text("fmt", fmt)
    image.set_data(np.ma.masked_invalid(values))
    colours = image.to_rgba(np.ma.masked_invalid(values))
    for (i, j), value in np.ndenumerate(values):
        blank = np.isnan(value)
        texts[i][j].set_text("" if blank else fmt.format(value))
        texts[i][j].set_color("black" if blank else text_colour(colours[i, j]))


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
