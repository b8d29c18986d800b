"""lessons_lib.moons_widgets: the boundary slider draws the network's answer at each step, its
status line says that step's accuracy, and its static twin shows the frames."""
import numpy as np
import pytest

from lessons_lib import moons, moons_widgets, plotting


def run():
    points, labels = moons.make_moons(60, 0.1, 0)
    history, losses = moons.train(moons.start(4, 0), points, labels, lr=0.1, steps=20)
    return points, labels, history, losses


def test_the_slider_shows_each_steps_answer_and_accuracy():
    points, labels, history, losses = run()
    slider = moons_widgets.boundary_slider(points, labels, history, losses)
    image = slider.fig.axes[0].images[0]
    for step in (0, 20):
        slider.sliders["step"].value = step
        right = moons.accuracy(history[step], points, labels)
        assert slider.status.value == f"step {step}: training accuracy {right:.0%}"
        grid_x = np.linspace(*image.get_extent()[:2], moons_widgets.GRID[1])
        grid_y = np.linspace(*image.get_extent()[2:], moons_widgets.GRID[0])
        corner = moons.scores(history[step], np.array([[grid_x[0], grid_y[0]]]))
        assert image.get_array()[0, 0] == np.sign(corner[0])
    twin = slider.static_twin([{"step": 0}, {"step": 20}])
    assert twin.titles[1].startswith("step 20")
    assert plotting.MIN_FONT_PT <= min(t.get_fontsize() for ax in slider.fig.axes
                                       for t in ax.get_xticklabels())


def test_bad_inputs_are_refused_with_the_argument_named():
    points, labels, history, losses = run()
    with pytest.raises(ValueError, match="losses must have one entry per step"):
        moons_widgets.boundary_slider(points, labels, history, losses[:3])
    with pytest.raises(TypeError, match="history must be"):
        moons_widgets.boundary_slider(points, labels, "history", losses)
    with pytest.raises(TypeError, match=r"history\[3\]"):
        moons_widgets.boundary_slider(points, labels, history[:3] + [{}] + history[4:], losses)
