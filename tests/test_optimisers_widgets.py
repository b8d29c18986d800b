"""Lesson 07's slider and figures: the slider moves the paths, and says when a run leaves."""
import numpy as np
import pytest

from lessons_lib import batches, optimisers_widgets


def test_pair_bowl_is_lesson_04s_loss_with_two_weights_free():
    bowl, w0 = optimisers_widgets.pair_bowl()
    np.testing.assert_array_equal(w0, [0.5, 0.2])
    assert bowl.loss(w0) == pytest.approx(13341)
    np.testing.assert_allclose(bowl.curvatures(), [1800, 35400])
    with pytest.raises(ValueError, match="pair must name two different weights"):
        optimisers_widgets.pair_bowl((1, 1))


def test_path_explorer_moves_its_paths_and_reports_a_divergence():
    explorer = optimisers_widgets.path_explorer()
    before = explorer.image.value
    explorer.sliders["beta"].value = 0.8
    assert explorer.image.value != before and "β 0.80" in explorer.status.value
    explorer.sliders["lr_x_lam"].value = 2.2
    assert "plain diverged" in explorer.status.value


def test_one_step_of_any_slider_redraws_the_picture():
    explorer = optimisers_widgets.path_explorer()
    for name, slider in explorer.sliders.items():
        before = (explorer.image.value, explorer.status.value)
        slider.value = slider.value + slider.step
        after = (explorer.image.value, explorer.status.value)
        assert after[0] != before[0] and after[1] != before[1], name


def test_batch_curves_draw_one_line_per_run_in_each_panel():
    data = batches.make_data(n_images=16)
    runs = [batches.train(data, b, 0.05, 2) for b in (16, 4, 1)]
    fig = optimisers_widgets.batch_curves(runs, batches.loss(batches.best_kernel(data), data))
    assert [len(ax.get_lines()) for ax in fig.axes] == [4, 4]
