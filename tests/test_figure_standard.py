"""plotting's figure standard, held against every figure the lessons make.

Each notebook's code runs here, in this process (an IPython shell, no kernel), and every figure
is checked at the moment it is drawn: static figures when shown, slider figures at every setting
they are drawn at (their first picture and every static-twin frame), and the twins' title
strips. A check draws the figure with the renderer and reads each drawn text's extent:
- every text is at least plotting.MIN_FONT_PT points, i.e. 10 CSS px at the size shown;
- no text reaches past the figure's edge, and no two texts overlap;
- a number written on an image cell contrasts at least 4.5:1 with that cell.
The stored notebooks are checked for what the reader's browser gets: each PNG with its CSS size
(at least 2 image pixels per CSS pixel) and alt text, and every colour the text names drawn.
"""
import base64
import io
import itertools
import json
import re

import matplotlib.colors
import numpy as np
import PIL.Image
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import AxesImage
from matplotlib.text import Text

from lessons_lib import plotting, slider_figure
from tests import stored_notebooks

PATHS = stored_notebooks.paths()
IDS = [p.name[:2] for p in PATHS]
COLOUR_WORD = r"\b(" + "|".join(plotting.NAMED_COLOURS) + r")\b"
SLACK_PX = 0.5  # anti-aliasing: extents that touch within half a pixel do not collide
# A colour word whose picture the stored notebook cannot show, and why.
NOT_STORED = {"08": {"green": "the GPU line: drawn only on a machine with a GPU "
                              "(test_the_gpu_line_is_green checks it)"}}


def drawn_texts(fig) -> list[tuple[Text, object]]:
    """Every non-empty text a full draw of `fig` renders, with its extent in image pixels.
    Slider figures keep their moving artists out of full draws (blitting): they are put back
    for this draw."""
    animated = [a for a in fig.findobj() if a.get_animated()]
    drawn, draw = [], Text.draw

    def record(text, renderer):
        draw(text, renderer)
        if text.get_visible() and text.get_text().strip():
            drawn.append((text, text.get_window_extent(renderer)))

    for artist in animated:
        artist.set_animated(False)
    Text.draw = record
    try:
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.draw()
    finally:
        Text.draw = draw
        for artist in animated:
            artist.set_animated(True)
    return drawn


def problems(fig) -> list[str]:
    """What in `fig` breaks the standard, one line each; [] when nothing does."""
    found = []
    texts = drawn_texts(fig)
    width, height = fig.bbox.width, fig.bbox.height
    for text, box in texts:
        name = repr(text.get_text()[:40])
        if text.get_fontsize() < plotting.MIN_FONT_PT - 1e-9:
            found.append(f"{name} is {text.get_fontsize():g} pt, below {plotting.MIN_FONT_PT:g}")
        if (box.x0 < -SLACK_PX or box.y0 < -SLACK_PX or box.x1 > width + SLACK_PX
                or box.y1 > height + SLACK_PX):
            found.append(f"{name} is clipped by the figure's edge")
    for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
        if (min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > SLACK_PX
                and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > SLACK_PX):
            found.append(f"{a.get_text()[:40]!r} overlaps {b.get_text()[:40]!r}")
    for ax in fig.axes:
        for image in (a for a in ax.get_children() if isinstance(a, AxesImage)):
            cells = image.get_array()
            colours = image.to_rgba(cells)
            for text in ax.texts:
                i, j = (round(v) for v in (text.get_position()[1], text.get_position()[0]))
                if (text.get_text() and (i, j) == text.get_position()[::-1]
                        and 0 <= i < cells.shape[0] and 0 <= j < cells.shape[1]):
                    ratio = plotting.contrast(text.get_color(), colours[i, j])
                    if ratio < plotting.MIN_CONTRAST:
                        found.append(f"{text.get_text()!r} has contrast {ratio:.2f} on its cell")
    return found


def test_the_checks_catch_what_they_look_for():
    fig, axes = plotting.figure(1, 1)
    image, texts = plotting.annotated_heatmap(axes[0][0], [[0.0, 112.0]])
    axes[0][0].set_title("a title", fontsize=7)
    fig.text(0.5, 0.5, "one")
    fig.text(0.5, 0.5, "two")
    fig.text(0.99, 0.5, "far past the right-hand edge")
    texts[0][1].set_color("white")  # white on viridis's yellow
    found = "\n".join(problems(fig))
    assert "'a title' is 7 pt" in found and "'one' overlaps 'two'" in found
    assert "'far past the right-hand edge' is clipped" in found
    assert "'112' has contrast" in found
    fig, axes = plotting.figure(1, 1)
    plotting.annotated_heatmap(axes[0][0], [[0.0, 56.0, 112.0]], "fine")
    assert problems(fig) == []


def run_notebook(path, monkeypatch, tmp_path) -> dict[str, list[str]]:
    """Run every code cell of `path` here; {where: problems} of every figure drawn."""
    from IPython.core.interactiveshell import InteractiveShell

    found = {}
    where = {"cell": ""}

    def check(fig, what):
        for problem in problems(fig):
            found.setdefault(f"cell {where['cell']} ({what})", []).append(problem)

    repr_png, draw, render = (plotting.LessonFigure._repr_png_, slider_figure.SliderFigure._draw,
                              plotting.render)

    def checked_repr(fig):
        check(fig, "figure")
        return repr_png(fig)

    def checked_draw(slider, values):
        status = draw(slider, values)
        check(slider.fig, f"slider at {values}")
        draw(slider, values)  # the check drew over the canvas: the frame as the slider draws it
        return status

    def checked_render(fig):
        check(fig, "twin title")
        return render(fig)

    monkeypatch.setattr(plotting.LessonFigure, "_repr_png_", checked_repr)
    monkeypatch.setattr(slider_figure.SliderFigure, "_draw", checked_draw)
    monkeypatch.setattr(plotting, "render", checked_render)
    monkeypatch.setenv("LESSONS_GPU_MAX_SIZE", "32")
    monkeypatch.chdir(tmp_path)  # figures a lesson saves go under tmp_path, not the repository
    shell = InteractiveShell()
    nb = json.loads(path.read_text())
    for cell in stored_notebooks.code_cells(nb):
        where["cell"] = cell.get("id", "?")
        result = shell.run_cell("".join(cell["source"]), silent=False)
        assert result.success, f"cell {where['cell']} failed: {result.error_in_exec!r}"
    shell.clear_instance()
    return found


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_figure_a_lesson_draws_meets_the_standard(path, monkeypatch, tmp_path, capsys):
    found = run_notebook(path, monkeypatch, tmp_path)
    assert found == {}, "\n".join(f"{where}: {p}" for where, ps in found.items() for p in ps)


def stored_pngs(nb: dict):
    for cell in stored_notebooks.code_cells(nb):
        for output in cell["outputs"]:
            if "image/png" in output.get("data", {}):
                yield cell.get("id", "?"), output


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_stored_figures_carry_their_css_size_and_alt_text_at_two_pixels_per_css_pixel(path):
    for cell_id, output in stored_pngs(json.loads(path.read_text())):
        metadata = output.get("metadata", {}).get("image/png", {})
        assert metadata.get("width") and metadata.get("alt", "").strip(), cell_id
        png = PIL.Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"])))
        assert png.width >= 2 * metadata["width"], f"cell {cell_id}: {png.width} px image " \
                                                   f"shown {metadata['width']} CSS px wide"
        assert png.width / png.height == pytest.approx(metadata["width"] / metadata["height"],
                                                       rel=0.02), cell_id


def colour_words(nb: dict) -> set[str]:
    """The colour names (plotting.NAMED_COLOURS) the notebook's text uses."""
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return {word.lower() for word in re.findall(COLOUR_WORD, text, flags=re.IGNORECASE)}


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_colours_the_text_names_are_drawn(path):
    nb = json.loads(path.read_text())
    pixels = np.concatenate([
        np.asarray(PIL.Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"])))
                   .convert("RGB")).reshape(-1, 3) for _, o in stored_pngs(nb)] or
        [np.zeros((0, 3))]).astype(int)
    skip = NOT_STORED.get(path.name[:2], {})
    for word in colour_words(nb) - set(skip):
        rgb = np.array(matplotlib.colors.to_rgb(plotting.NAMED_COLOURS[word])) * 255
        close = np.abs(pixels - rgb).max(axis=1) <= 12
        assert close.sum() >= 20, f"the text says {word!r}, but no figure draws {word}"


def test_the_gpu_line_is_green():
    from lessons_lib import ladder

    results = {"PyTorch cpu": ([8, 16], [2e-3, 4e-3]), "PyTorch cuda": ([8, 16], [3e-3, 1e-3])}
    fig = ladder.time_vs_size_figure(results, "a test machine", 4)
    colours = {line.get_label(): line.get_color() for line in fig.axes[0].get_lines()}
    assert colours["PyTorch cuda"] == plotting.NAMED_COLOURS["green"]
