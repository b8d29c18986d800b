"""lessons_lib.clinic_widgets (lesson 11): the failed runs' curves and the picture of the
layers' insides show what they say."""
import numpy as np
import pytest

from lessons_lib import clinic_widgets, cnn, digits, plotting


def test_loss_curves_draws_one_line_per_run_and_dots_the_stopped_ones():
    fig = clinic_widgets.loss_curves({"healthy": [2.3, 1.0, 0.5, 0.2], "blew up": [2.3, 50.0]})
    ax = fig.axes[0]
    lines = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert [line.get_label() for line in lines] == ["healthy", "blew up"]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(dots) == 1 and list(dots[0].get_ydata()) == [50.0]
    assert ax.get_yscale() == "log" and "healthy, blew up" in fig.alt


def test_inside_figure_titles_the_share_below_zero_and_the_dead_kernels():
    split = digits.load_split()
    x, y = split.train_x[:64], split.train_y[:64]
    fig = clinic_widgets.inside_figure({"start": cnn.init(1)}, x, y)
    conv = cnn.conv_forward(x, cnn.init(1).conv_w, cnn.init(1).conv_b)
    assert f"{np.mean(conv <= 0):.1%} at or below 0, 0 dead" in fig.axes[0].get_title()
    assert any(line.get_color() == plotting.RED for line in fig.axes[0].lines)
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["conv_w", "conv_b",
                                                                     "lin_w", "lin_b"]


@pytest.mark.parametrize("call, words", [
    (lambda: clinic_widgets.loss_curves({"a": [1.0, -1.0]}), "above 0"),
    (lambda: clinic_widgets.loss_curves([1.0]), "curves"),
    (lambda: clinic_widgets.inside_figure({"a": "p"}, np.ones((1, 1, 8, 8)), [1]),
     "params_by_title"),
])
def test_bad_arguments_are_named(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()
