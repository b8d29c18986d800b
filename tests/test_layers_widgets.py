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
