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
    full = features.train(images, labels, model, lr=0.5, steps=300, batch_size=None)
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


PREWITT = np.array([[-1.0, 0.0, 1.0]] * 3)


def prose(book) -> str:
    return "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "markdown")


def test_the_start_is_the_base_rate_and_the_trained_model_holds_on_fresh_images(data):
    images, labels = data
    model = features.random_model(seed=0)
    assert (features.forward(images, model)[3] > 0).all()  # every image called vertical
    assert features.accuracy(images, labels, model) == labels.mean() == 150 / 256
    run = features.train(images, labels, model, lr=0.5, steps=300, batch_size=32, seed=0)
    fresh = features.make_images(n=2000, size=8, noise=0.5, seed=1)
    assert features.accuracy(*fresh, run.models[-1]) == 1.0
    shown = stored_notebooks.output_after(nb(), "run = features.train(")
    assert "share of vertical images 0.59 (150 of 256)" in shown
    assert "accuracy on 2,000 fresh images, never trained on: 1.00" in shown
    assert "The accuracy at the start, 0.59, is no skill at all" in prose(nb())


def test_the_learned_kernel_is_prewitt_and_sobel_tops_out_at_their_correlation(data):
    images, labels = data
    assert round(features.correlation(PREWITT, features.SOBEL), 3) == 0.943
    for seed in (0, 1, 2):
        run = features.train(images, labels, features.random_model(seed=seed), seed=seed)
        kernel = run.kernels[-1, features.IMAGE]
        assert abs(features.correlation(kernel, PREWITT)) >= 0.998
        assert 0.93 < abs(features.correlation(kernel, features.SOBEL)) < 0.95
    shown = stored_notebooks.output_after(nb(), "prewitt = np.array(")
    assert "with Prewitt: -0.999 (size 0.999), with Sobel: -0.942" in shown
    assert "correlation of Prewitt with Sobel: 0.943" in shown
    assert "like Sobel" not in prose(nb())


def test_seed_6_alone_of_16_finds_the_horizontal_detector(data):
    images, labels = data
    horizontal = []
    for seed in range(16):
        run = features.train(images, labels, features.random_model(seed=seed), seed=seed)
        kernel = run.kernels[-1, features.IMAGE]
        if abs(features.correlation(kernel, features.SOBEL.T)) > abs(
                features.correlation(kernel, features.SOBEL)):
            horizontal.append((seed, run))
        early = features.train(images, labels, features.random_model(seed=seed), steps=40,
                               seed=seed).kernels[-1, features.IMAGE]
        assert (abs(features.correlation(early, features.SOBEL.T)) > abs(
            features.correlation(early, features.SOBEL))) == (horizontal[-1:] != [] and
                                                               horizontal[-1][0] == seed)
    assert [seed for seed, _ in horizontal] == [6]
    six = horizontal[0][1].models[-1]
    assert round(features.correlation(six.kernel[features.IMAGE], features.SOBEL.T), 2) == -0.93
    assert features.correlation(six.kernel[features.IMAGE], PREWITT.T) < -0.998
    assert six.readout < 0 and features.accuracy(images, labels, six) == 1.0
    shown = stored_notebooks.output_after(nb(), "early = {seed: kind(")
    assert "after 40 steps: 15 of 16 seeds vertical, horizontal: seed(s) [6]" in shown
    assert "seed 6: correlation with Sobel +0.01, with Sobel turned -0.93, readout -1.34" in shown
    assert "seed 6: correlation with Prewitt turned -0.999" in shown
    assert "mirror images" not in prose(nb())


def test_the_tug_of_war_numbers_and_the_long_full_batch_run(data):
    images, labels = data
    model = features.random_model(seed=0)
    d_score = features.gradients(images, labels, model)[3]
    assert round(d_score.mean(), 2) == 0.19
    run = features.train(images, labels, model, lr=0.5, steps=300, batch_size=32, seed=0)
    noise0, image0 = (features.tug_of_war(images, labels, model, c) for c in
                      (features.NOISE, features.IMAGE))
    assert round(noise0[2], 2) == round(image0[2], 2) == 0.43 and round(image0[0], 2) == 0.44
    for step, noise_factor, image_factor in [(4, 0.10, -0.19), (8, 0.32, -0.18)]:
        assert round(features.tug_of_war(images, labels, run.models[step])[2], 2) == noise_factor
        assert round(features.tug_of_war(images, labels, run.models[step],
                                         features.IMAGE)[2], 2) == image_factor
    full = features.train(images, labels, model, lr=0.5, steps=300, batch_size=None)
    size = np.abs(full.kernels[:, features.NOISE]).max(axis=(1, 2))
    assert int(np.argmin(size)) == 23 and round(size.min(), 3) == 0.017
    assert round(size[60], 3) == 0.022 and round(size[300], 3) == 0.026 > round(size.min(), 3)
    shown = stored_notebooks.output_after(nb(), "full = features.train(")
    assert "0.022 after 60 steps, lowest 0.017 at step 23, 0.026 after 300 steps" in shown
    text = prose(nb())
    assert "is -0.19 and\n-0.18 x w" in text and "(+0.10 and +0.32 x w)" in text
    assert "0.017 at step 23, to 0.026 at step 300" in text


def test_the_logistic_slope_is_derived_and_checked():
    book = nb()
    assert "multiplied: `-y (1 - p) + (1 - y) p = p - y`" in prose(book)
    assert "at every score tried" in stored_notebooks.output_after(book, "def logistic_loss(")


def test_the_image_average_points_away_from_w_and_the_mean_slope_makes_most_of_the_multiple(
        data):
    images, labels = data
    model = features.random_model(seed=0)
    noise0, image0 = (features.tug_of_war(images, labels, model, c) for c in
                      (features.NOISE, features.IMAGE))
    assert round(noise0[1], 2) == 1.00 and round(image0[1], 2) == 0.43
    run = features.train(images, labels, model, lr=0.5, steps=300, batch_size=32, seed=0)
    var = images[:, features.NOISE].var()
    steps = features.shrinking_phase(images, labels, run)[0]
    f, part = np.array([
        (features.tug_of_war(images, labels, run.models[s])[2],
         2 * run.models[s].readout * features.gradients(images, labels, run.models[s])[3].mean()
         * var) for s in range(steps)]).T
    assert round(var, 2) == 1.00
    assert (round(f[0], 3), round(part[0], 3)) == (0.428, 0.381)
    assert (part > 0).all() and (f - part > 0).all()
    shares = part / f
    assert (round(100 * shares.min()), round(100 * shares.max())) == (71, 89)
    assert (round((f - part).min(), 2), round((f - part).max(), 2)) == (0.02, 0.06)
    text = prose(nb())
    assert "(cosine 1.00), the image average hardly (cosine 0.43)" in text
    assert "0.381 of the 0.428 at step 0, and 71% to 89%" in text
    shown = stored_notebooks.output_after(nb(), "noise_var = images[")
    assert "var = +0.381 (89%); the rest +0.047" in shown
    assert "71% to 89% of the multiple" in shown and "+0.02 to +0.06, positive" in shown
