"""Lesson 06's facts: emergence and shrinkage, against the library and against the stored
outputs of the executed notebook, and for three seeds."""
import numpy as np
import pytest

from lessons_lib import features
from tests import stored_notebooks

EMERGED = 0.9  # |correlation| with Sobel after training, at least
SHRUNK = 5  # the largest noise weight shrinks by at least this factor (seeds 0-2)


@pytest.fixture(scope="module")
def data():
    return features.make_images(n=256, size=8, noise=0.5, seed=100)


def nb():
    return stored_notebooks.load_named("why-training-works")


def noise_size(kernel) -> float:
    return float(np.abs(kernel[features.NOISE]).max())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_detector_emerges_and_the_noise_weights_shrink_for_three_seeds(data, seed):
    images, labels = data
    run = features.train(images, labels, features.random_model(seed=seed), seed=seed)
    assert features.sobel_correlation(run.kernels[-1, features.IMAGE]) > EMERGED
    assert noise_size(run.kernels[-1]) < noise_size(run.kernels[0]) / SHRUNK
    assert features.accuracy(images, labels, run.models[-1]) == 1.0
    full = features.train(images, labels, features.random_model(seed=seed), steps=60,
                          batch_size=None)
    assert noise_size(full.kernels[-1]) < noise_size(full.kernels[0]) / SHRUNK
    steps, same_way, cosine, lowest = features.shrinking_phase(images, labels, full)
    assert 0.4 < same_way < 0.6, "a tug of war: about half the examples pull each way"
    assert cosine > 0.9, "the average gradient points along the noise weights"


def test_the_stored_notebook_shows_what_the_library_computes(data):
    images, labels = data
    book = nb()
    model = features.random_model(seed=0)
    run = features.train(images, labels, model, lr=0.5, steps=300, batch_size=32, seed=0)
    start = features.sobel_correlation(model.kernel[features.IMAGE])
    end = features.sobel_correlation(run.kernels[-1, features.IMAGE])
    assert start < 0.5 and end > EMERGED
    trained = stored_notebooks.output_after(book, "run = features.train(")
    assert (f"|correlation| with Sobel: {start:.2f} at the start, {end:.2f} after 300 steps"
            in trained)
    assert (f"accuracy: {features.accuracy(images, labels, model):.2f} at the start, 1.00 after"
            in trained) and features.accuracy(images, labels, run.models[-1]) == 1.0
    assert noise_size(run.kernels[-1]) < noise_size(run.kernels[0]) / 10  # "a factor of ten"
    shrink = stored_notebooks.output_after(book, "noise_size = np.abs(")
    assert (f"largest |noise weight|: {noise_size(run.kernels[0]):.3f} at the start, "
            f"{noise_size(run.kernels[-1]):.3f} after 300 steps") in shrink
    full = features.train(images, labels, model, lr=0.5, steps=60, batch_size=None)
    steps, same_way, cosine, lowest = features.shrinking_phase(images, labels, full)
    assert lowest > 0.9, "the prose says the cosine stays near 1 through the shrinking phase"
    shown = stored_notebooks.output_after(book, "full = features.train(")
    assert (f"over the {steps} steps until |noise w| < 0.1: same way as the average "
            f"{same_way:.2f} on average; cosine(average, w) {cosine:.2f} on average, "
            f"lowest {lowest:.2f}") in shown
    mini = features.shrinking_phase(images, labels, run)
    assert mini[3] > 0.9, "the prose says the cosine stays near 1, mini-batches too"
    assert (f"over the {mini[0]} steps until |noise w| < 0.1: same way as the average "
            f"{mini[1]:.2f}") in stored_notebooks.output_after(book, "print(tug_table(run,")
    seeds = stored_notebooks.output_after(book, "for seed in (1, 2):").splitlines()
    assert len(seeds) == 3 and all(line.endswith("accuracy 1.00") for line in seeds)


def test_exercise_cells_are_stored_unanswered():
    for snippet in ("exercises_06.learned_numbers(", "exercises_06.copied_channel(",
                    "exercises_06.towards_zero("):
        assert "Not attempted yet" in stored_notebooks.output_after(nb(), snippet)
