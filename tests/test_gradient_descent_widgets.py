"""Kernel-side slider tests: move the sliders lessons_lib builds, as a learner would."""
import pytest

from lessons_lib import gradient_descent as gd
from lessons_lib import gradient_descent_widgets as gd_widgets


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("lr, regime", [
    (0.05, gd.ONE_SIDE), (0.125, gd.ONE_STEP), (0.2, gd.OVERSHOOT), (0.25, gd.OSCILLATE),
    (0.3, gd.DIVERGE)])
def test_learning_rate_slider_redraws_and_names_the_regime(lr, regime):
    explorer = gd_widgets.learning_rate_explorer()
    before = explorer.image.value
    explorer.sliders["lr"].value = lr
    assert explorer.image.value != before and explorer.image.value[:4] == b"\x89PNG"
    assert explorer.status.value.endswith(regime)
    assert f"lr = {lr:.3f}" in explorer.status.value


@pytest.mark.filterwarnings("error")
def test_diverging_run_is_labelled_diverged_without_overflow_warnings():
    explorer = gd_widgets.learning_rate_explorer()
    explorer.sliders["steps"].value = explorer.sliders["steps"].max
    explorer.sliders["lr"].value = explorer.sliders["lr"].max
    plot_note = [t.get_text() for t in explorer.fig.axes[0].texts]
    assert "diverged" in plot_note
    explorer.sliders["lr"].value = 0.1
    assert "diverged" not in [t.get_text() for t in explorer.fig.axes[0].texts]


@pytest.mark.filterwarnings("error")
def test_steps_slider_changes_the_image():
    explorer = gd_widgets.learning_rate_explorer()
    before = explorer.image.value
    explorer.sliders["steps"].value = 3
    assert explorer.image.value != before


@pytest.mark.filterwarnings("error")
def test_line_fit_slider_reports_zero_error_at_the_right_slope():
    slider = gd_widgets.line_fit()
    before = slider.image.value
    slider.sliders["a"].value = 3.0
    assert slider.image.value != before
    assert slider.status.value == "a = 3.0: mean squared error = 0.00"


def test_line_fit_rejects_mismatched_data():
    with pytest.raises(ValueError, match="same length"):
        gd_widgets.line_fit(x=(1.0, 2.0), y_true=(1.0, 2.0, 3.0))


def test_descent_plot_moves_its_artists_and_labels_divergence():
    plot = gd_widgets.DescentPlot(2.0, 6.0)
    plot.draw(gd.descend(0.0, 2.0, 6.0, 0.1, 10))
    assert len(plot.path.get_xdata()) == 11 and plot.note.get_text() == ""
    plot.draw(gd.descend(0.0, 2.0, 6.0, 0.3, 30))
    assert plot.note.get_text() == "diverged" and "(diverged)" in plot.fig.alt


def test_weight_and_loss_describes_itself():
    fig = gd_widgets.weight_and_loss([0, 2.4, 2.88], [36, 1.44, 0.06], w_true=3.0)
    assert "true weight 3" in fig.alt and len(fig.axes) == 2


@pytest.mark.filterwarnings("error")
def test_static_twin_names_each_setting_and_leaves_the_slider_alone():
    explorer = gd_widgets.learning_rate_explorer()
    explorer.sliders["lr"].value = 0.07
    image = explorer.image.value
    twin = explorer.static_twin([{"lr": 0.05}, {"lr": 0.3}], ncols=1)
    assert len(twin.titles) == 2
    assert twin.titles[0].endswith(gd.ONE_SIDE) and twin.titles[1].endswith(gd.DIVERGE)
    assert explorer.sliders["lr"].value == 0.07 and explorer.image.value == image


@pytest.mark.filterwarnings("error")
def test_line_fit_shows_negative_targets():
    slider = gd_widgets.line_fit([1.0, 2.0, 3.0], [-3.0, -6.0, -9.0])
    ax = slider.fig.axes[0]
    low, high = ax.get_ylim()
    assert low <= -9.0 and high >= 0.0
