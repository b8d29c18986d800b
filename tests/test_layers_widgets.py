"""Lesson 09's logit slider: its bars are softmax's probabilities and p - y, for each logit."""
import numpy as np
import pytest

from lessons_lib import layers, layers_widgets

LOGITS = np.array([1.0, 2.0, 0.5, -1.0])


def heights(slider):
    bars = [a for a in slider.moving_artists]
    n = len(bars) // 2
    return np.array([b.get_height() for b in bars[:n]]), np.array([b.get_height()
                                                                  for b in bars[n:]])


@pytest.mark.filterwarnings("error")
def test_bars_follow_the_slider():
    slider = layers_widgets.logit_slider(LOGITS, label=0)
    for value in (-4.0, 1.0, 3.5, 6.0):
        slider.sliders["logit"].value = value
        z = LOGITS.copy()
        z[0] = value
        p = layers.softmax(z[None])[0]
        probs, grads = heights(slider)
        assert np.allclose(probs, p) and np.allclose(grads, p - np.eye(4)[0])
        assert f"{p[0]:.3f}" in slider.status.value
    low, high = heights(layers_widgets.logit_slider(LOGITS, 0))[1][0], grads[0]
    assert low < high < 0  # raising the right class's logit shrinks its gradient towards 0


def test_static_twin_leaves_the_live_slider_alone():
    slider = layers_widgets.logit_slider(LOGITS, label=2)
    before = slider.status.value
    twin = slider.static_twin([{"logit": -2.0}, {"logit": 4.0}])
    assert len(twin.frames) == 2 and slider.status.value == before


@pytest.mark.parametrize("kwargs, words", [
    ({"logits": np.ones(1)}, "logits"), ({"logits": np.ones(9)}, "logits"),
    ({"logits": LOGITS, "label": 4}, "label"), ({"logits": LOGITS, "label": 1.0}, "label"),
    ({"logits": np.array([100.0, 0.0])}, "logits"),
])
def test_bad_arguments_are_named(kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        layers_widgets.logit_slider(**kwargs)


def _run():
    points = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    regions = np.array([[0, 2], [0, 1]])  # bottom row: x < 0 -> 0, x > 0 -> 2; top: 0, 1
    return np.linspace(1.0, 0.1, 20), np.linspace(1.0, 0.1, 20), points, np.array([0, 1, 2]), \
        regions, (-2.0, 2.0, -2.0, 2.0)


def test_training_figure_draws_both_runs_and_counts_points_in_their_region():
    hand, torch_run, points, labels, regions, extent = _run()
    fig = layers_widgets.training_figure(hand, torch_run, points, labels, regions, extent)
    loss_ax, data_ax = fig.axes
    line, dots = loss_ax.get_lines()
    assert np.array_equal(line.get_ydata(), hand) and len(dots.get_xdata()) == 2  # every 10th
    assert len(data_ax.collections) == 3  # one marker set per class
    assert "100% of points inside their own class's region" in fig.alt
    wrong = layers_widgets.training_figure(hand, torch_run, points, np.array([0, 1, 1]),
                                           regions, extent)
    assert "67% of points" in wrong.alt


@pytest.mark.parametrize("change, words", [
    ({1: np.ones(3)}, "torch_losses"), ({2: np.ones((3, 3))}, "points"),
    ({3: np.array([0.0, 1.0, 2.0])}, "labels"), ({4: np.ones((2, 2), dtype=bool)}, "regions"),
    ({5: (2.0, -2.0, -2.0, 2.0)}, "extent"), ({2: np.full((3, 2), 1e7)}, "points"),
])
def test_training_figure_names_bad_arguments(change, words):
    arguments = list(_run())
    for index, value in change.items():
        arguments[index] = value
    with pytest.raises((ValueError, TypeError), match=words):
        layers_widgets.training_figure(*arguments)
