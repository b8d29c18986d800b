import base64
import io

import numpy as np
import PIL.Image
import pytest
from matplotlib.figure import Figure

from lessons_lib import plotting


def test_figure_returns_a_2d_grid_of_styled_axes():
    fig, axes = plotting.figure(2, 3)
    assert isinstance(fig, Figure) and axes.shape == (2, 3)
    assert not axes[0][0].spines["top"].get_visible()


def test_a_figure_shows_at_its_css_size_with_two_image_pixels_per_css_pixel_and_alt_text():
    fig, _ = plotting.figure(1, 2, alt="Two empty panels.")
    png, metadata = fig._repr_png_()
    width, height = PIL.Image.open(io.BytesIO(png)).size
    assert metadata == {"width": 576, "height": 224, "alt": "Two empty panels."}
    assert (width, height) == (2 * 576, 2 * 224)
    assert fig.describe("Changed.").alt == "Changed."


def test_the_display_bundle_also_carries_the_png_as_an_img_with_its_alt_text():
    """JupyterLab ignores metadata alt text: the HTML <img> it shows instead carries it."""
    fig, _ = plotting.figure(1, 1, alt='A "quoted" <b> figure.')
    data, metadata = fig._repr_mimebundle_()
    assert metadata == {"image/png": {"width": 288, "height": 224,
                                      "alt": 'A "quoted" <b> figure.'}}
    assert data["text/html"] == (f'<img src="data:image/png;base64,{data["image/png"]}" '
                                 'alt="A &quot;quoted&quot; &lt;b&gt; figure." width="288" '
                                 'height="224">')
    assert base64.b64decode(data["image/png"]) == fig._repr_png_()[0]


def test_contrast_ratios_are_wcags():
    assert plotting.contrast("black", "white") == pytest.approx(21.0)
    assert plotting.contrast("#777777", "#777777") == pytest.approx(1.0)
    assert plotting.contrast("white", "#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("background, colour", [("#FDE725", "black"), ("#440154", "white"),
                                                 ("#FFFFFF", "black"), ("#31688E", "white")])
def test_text_colour_picks_whichever_contrasts_more(background, colour):
    assert plotting.text_colour(background) == colour
    assert plotting.contrast(colour, background) >= plotting.MIN_CONTRAST


def test_heatmap_numbers_contrast_with_their_cells_also_after_an_update():
    fig, axes = plotting.figure()
    image, texts = plotting.annotated_heatmap(axes[0][0], [[0.0, 56.0], [112.0, np.nan]])
    plotting.update_heatmap(image, texts, [[112.0, 0.0], [56.0, np.nan]])
    colours = image.to_rgba(image.get_array())
    for (i, j), text in np.ndenumerate(np.array(texts, dtype=object)):
        if text.get_text():
            assert plotting.contrast(text.get_color(), colours[i, j]) >= plotting.MIN_CONTRAST
    assert texts[0][0].get_text() == "112" and texts[1][1].get_text() == ""


def test_signed_heatmaps_use_the_diverging_map_centred_on_zero():
    fig, axes = plotting.figure()
    image, _ = plotting.annotated_heatmap(axes[0][0], [[-1.0, 3.0]], colorbar=True)
    assert image.get_cmap().name == plotting.DIVERGING and image.get_clim() == (-3.0, 3.0)
    assert len(fig.axes) == 2  # the heatmap and its colorbar


def test_save_figure_writes_under_assets_images(tmp_path, monkeypatch):
    (tmp_path / "lessons_lib").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    fig = plotting.figure(1, 2)[0]
    path = plotting.save_figure(fig, "02-autograd", "w.png")
    assert str(path) == "assets/images/02-autograd/w.png"
    first = (tmp_path / path).read_bytes()
    plotting.save_figure(fig, "02-autograd", "w.png")
    assert (tmp_path / path).read_bytes() == first  # no timestamp: re-running changes no byte


@pytest.mark.parametrize("n", [1, 4])
def test_small_grids(n):
    assert plotting.figure(1, n)[1].shape == (1, n)



@pytest.mark.parametrize("lesson, name", [
    ("../..", "x.png"), ("02-autograd", "../x.png"), ("02-autograd", "{tmp}/x.png"),
    ("{tmp}", "x.png"), ("02-autograd", "a/b.png"), ("02-autograd", "a\\b.png"), ("..", "x.png"),
    ("02-autograd", ""), ("02-autograd", "x.exe"), (2, "x.png"),
])
def test_save_figure_keeps_to_assets_images(tmp_path, monkeypatch, lesson, name):
    repo = tmp_path / "repo"
    (repo / "lessons_lib").mkdir(parents=True)
    monkeypatch.chdir(repo)
    lesson, name = (v.format(tmp=tmp_path) if isinstance(v, str) else v for v in (lesson, name))
    fig = plotting.figure()[0]
    with pytest.raises((ValueError, TypeError), match="lesson|name"):
        plotting.save_figure(fig, lesson, name)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # nothing written anywhere


def test_contrast_refuses_nan_and_out_of_range_channels_and_save_figure_long_names(tmp_path,
                                                                                   monkeypatch):
    for bad in ((float("nan"), 0.0, 0.0), (2.0, 0.0, 0.0)):
        with pytest.raises(ValueError, match="colour_a must be a colour"):
            plotting.contrast(bad, "white")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="name must be at most 200 bytes"):
        plotting.save_figure(plotting.figure()[0], "x", "x" * 300 + ".png")
