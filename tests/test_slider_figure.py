"""lessons_lib.slider_figure: the live picture's size, frames drawn ahead, and static twins that
touch no slider."""
import html
import io
import threading
import time

import numpy as np
import PIL.Image
import pytest

from lessons_lib import conv2d_widgets, plotting
from lessons_lib import gradient_descent_widgets as gd_widgets
from lessons_lib.slider_figure import A11Y_CLASS, MAX_TWIN_CSS_WIDTH, SliderFigure, _png


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("channels", [3, 4])
def test_the_hand_made_png_decodes_to_the_same_pixels(channels):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(7, 5, channels), dtype=np.uint8)
    image[3:] = image[2]  # rows equal to the one above: the Up filter's zeros
    decoded = np.asarray(PIL.Image.open(io.BytesIO(_png(image))))
    assert decoded.shape == image.shape and np.array_equal(decoded, image)


def test_the_live_picture_is_shown_at_its_drawn_css_size_never_stretched():
    slider = gd_widgets.learning_rate_explorer()
    assert slider.image.layout.width == "576px" and slider.image.layout.max_width == "100%"
    assert pixels(slider.image.value).shape[1] == 2 * 576  # 2 image pixels per CSS pixel


def wait_for_frame_ahead(slider, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while slider._ahead is None:
        assert time.monotonic() < deadline, "no frame was drawn ahead"
        time.sleep(0.01)


def test_an_arrow_key_step_sends_the_frame_drawn_ahead_equal_to_a_fresh_draw():
    slider = gd_widgets.learning_rate_explorer()
    lr = slider.sliders["lr"]
    lr.value = round(lr.value + lr.step, 3)  # one step right: the next is drawn ahead
    wait_for_frame_ahead(slider)
    draws = []  # the draws this thread makes (the next frame ahead is drawn on another)
    slider._draw = lambda values, draw=slider._draw: (
        threading.current_thread() is threading.main_thread() and draws.append(values)
    ) or draw(values)
    lr.value = round(lr.value + lr.step, 3)
    assert draws == []  # sent as drawn ahead, not drawn now
    fresh = gd_widgets.learning_rate_explorer()
    fresh.sliders["lr"].value = lr.value  # a jump: drawn when it happens
    assert slider.image.value == fresh.image.value
    assert slider.status.value == fresh.status.value


def test_a_step_back_sends_the_frame_shown_before_equal_to_a_fresh_draw():
    """Right, left, right, left (hunting for a value): after the first press nothing is drawn
    on the press itself, whichever way it goes."""
    slider = gd_widgets.learning_rate_explorer()
    lr = slider.sliders["lr"]
    start = lr.value
    draws = []  # the draws this thread makes (frames ahead are drawn on another)
    slider._draw = lambda values, draw=slider._draw: (
        threading.current_thread() is threading.main_thread() and draws.append(values)
    ) or draw(values)
    lr.value = round(start + lr.step, 3)
    assert len(draws) == 1  # the first press draws its frame
    for value in [start, start + lr.step, start, start + lr.step]:
        wait_for_frame_ahead(slider)
        lr.value = round(value, 3)
    assert len(draws) == 1
    fresh = gd_widgets.learning_rate_explorer()
    fresh.sliders["lr"].value = lr.value
    assert slider.image.value == fresh.image.value
    assert slider.status.value == fresh.status.value


def test_a_jump_is_drawn_when_it_happens_and_the_figure_shows_the_live_values():
    slider = gd_widgets.learning_rate_explorer()
    steps = slider.sliders["steps"]
    steps.value = 11  # one step: 12 is drawn ahead
    wait_for_frame_ahead(slider)
    steps.value = 20  # not the step drawn ahead
    fresh = gd_widgets.learning_rate_explorer()
    fresh.sliders["steps"].value = 20
    assert slider.image.value == fresh.image.value
    assert slider.png() == fresh.png()  # the canvas is left as the live picture shows it


@pytest.mark.filterwarnings("error")
def test_making_a_twin_sends_no_change_to_any_live_widget():
    slider = gd_widgets.learning_rate_explorer()
    slider.sliders["lr"].value = 0.07
    changes = []
    for widget in [*slider.sliders.values(), slider.status, slider.image]:
        widget.observe(changes.append)  # every trait of every widget the page shows
    slider.static_twin([{"lr": 0.05}, {"lr": 0.3, "steps": 30}])
    assert changes == []
    # ...and the next move draws from where the slider was, as if no twin had been made.
    slider.sliders["steps"].value = 11
    fresh = gd_widgets.learning_rate_explorer()
    fresh.sliders["lr"].value = 0.07
    fresh.sliders["steps"].value = 11
    assert slider.image.value == fresh.image.value


@pytest.mark.filterwarnings("error")
def test_twin_frames_are_the_live_pictures_pixel_for_pixel():
    slider = gd_widgets.line_fit()
    twin = slider.static_twin([{"a": 2.0}, {"a": 3.0}], ncols=2)
    frame = twin.frames[1]
    slider.sliders["a"].value = 3.0
    assert np.array_equal(pixels(slider.image.value), frame)  # drawn anew, not re-sampled
    strip_height = twin.strips[1].shape[0]
    assert np.array_equal(twin.pixels[strip_height:, frame.shape[1]:], frame)
    png, metadata = twin._repr_png_()
    assert pixels(png).shape[1] == 2 * metadata["width"]
    assert "a = 3.0: mean squared error = 0.00" in metadata["alt"]


def test_a_wide_figure_gets_one_row_per_setting():
    picker = conv2d_widgets.weight_picker()
    twin = picker.static_twin([{"weight": n} for n in range(4)], ncols=2)
    assert twin.ncols == 1 and twin.css_size()[0] <= MAX_TWIN_CSS_WIDTH


def test_bad_settings_name_the_setting():
    slider = gd_widgets.line_fit()
    with pytest.raises(ValueError, match=r"settings\[0\]\['a'\] must be between"):
        slider.static_twin([{"a": 9.0}])
    with pytest.raises(ValueError, match="slider names"):
        slider.static_twin([{"b": 1.0}])


def test_update_must_return_the_status_line():
    fig, _ = plotting.figure()
    with pytest.raises(TypeError, match="status line"):
        SliderFigure(fig, lambda a: None, a=gd_widgets.ipywidgets.FloatSlider())


def test_the_widget_carries_the_screen_reader_and_focus_script_with_the_figures_alt():
    """What it does in the page is checked in JupyterLab (tests/browser/test_lab_accessibility)."""
    slider = gd_widgets.line_fit()
    assert A11Y_CLASS in slider.widget._dom_classes
    helper = slider.widget.children[-1]
    assert helper.layout.display == "none"
    assert f'data-alt="{html.escape(slider.fig.alt)}"' in helper.value and slider.fig.alt
    assert "aria-live" in helper.value and "aria-label" in helper.value
    assert "focus-visible" in helper.value
