"""lessons_lib.cnn_widgets (lesson 10): each picture shows what it says, and the slider moves
through training."""
import numpy as np
import pytest

from lessons_lib import cnn, cnn_widgets, digits


@pytest.fixture(scope="module")
def split():
    return digits.load_split()


@pytest.fixture(scope="module")
def run(split):
    return cnn.train(cnn.init(1), split.train_x[:256], split.train_y[:256], 0.05, 0.9, 32,
                     epochs=2, every=4)


def test_digits_figure_shows_one_of_each_digit(split):
    fig = cnn_widgets.digits_figure(split.test_x, split.test_y)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"label {d}" for d in range(10)] and "0 to 9" in fig.alt


def test_kernels_figure_draws_the_kernels_and_their_relu_maps(split, run):
    params = run.params[-1]
    fig = cnn_widgets.kernels_figure(params, split.test_x, rows=2)
    assert np.array_equal(fig.axes[1].images[0].get_array(), params.conv_w[0, 0])
    maps = fig.axes[10].images[0].get_array()  # row 1, kernel 0: digit 0's map
    assert np.allclose(maps, np.maximum(cnn.conv_forward(split.test_x[:1], params.conv_w,
                                                         params.conv_b)[0, 0], 0))


def test_mistakes_figure_titles_each_misread_digit(split, run):
    params = run.params[-1]
    read = cnn.predict(params, split.test_x)
    wrong = np.flatnonzero(read != split.test_y)
    fig = cnn_widgets.mistakes_figure(params, split.test_x, split.test_y, limit=5)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"true {split.test_y[n]}, read {read[n]}" for n in wrong[:5]]


def test_confusion_figure_writes_every_nonzero_count():
    counts = np.diag(np.arange(1, 11))
    counts[3, 8] = 2
    fig = cnn_widgets.confusion_figure(counts)
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_text()]
    assert sorted(texts) == sorted([str(v) for v in range(1, 11)] + ["2"])
    assert "2 readings lie off it" in fig.alt


def test_training_slider_moves_the_kernels_and_the_marker(split, run):
    slider = cnn_widgets.training_slider(run, split)
    first = slider.image.value
    slider.sliders["step"].value = 8
    assert slider.image.value != first
    assert slider.status.value.startswith("step 8: test accuracy")
    index = list(run.steps).index(8)
    assert np.array_equal(slider.fig.axes[0].images[0].get_array(), run.params[index].conv_w[0, 0])
    twin = slider.static_twin([{"step": 0}, {"step": int(run.steps[-1])}])
    assert len(twin.frames) == 2 and twin.titles[0].startswith("step 0")


@pytest.mark.parametrize("call, words", [
    (lambda s, r: cnn_widgets.digits_figure(s.test_x, s.test_y[:3]), "y"),
    (lambda s, r: cnn_widgets.kernels_figure("p", s.test_x), "params"),
    (lambda s, r: cnn_widgets.confusion_figure(np.ones((3, 3))), "counts"),
    (lambda s, r: cnn_widgets.training_slider("run", s), "run"),
])
def test_bad_arguments_are_named(split, run, call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call(split, run)
