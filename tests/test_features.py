"""lessons_lib.features and features_widgets (lesson 06): the data, the hand-written gradients
against autograd, training, the measures, and the pictures."""
import numpy as np
import pytest
import torch

from lessons_lib import features, features_widgets


@pytest.fixture(scope="module")
def data():
    return features.make_images(n=64, seed=1)


def test_images_have_an_edge_that_runs_the_way_the_label_says(data):
    images, labels = data
    assert images.shape == (64, 2, 8, 8) and set(labels) == {0, 1}
    clean, _ = features.make_images(n=64, noise=0.0, seed=1)
    vertical = clean[labels == 1, features.IMAGE]
    assert np.all(vertical == vertical[:, :1, :])  # every row alike: the edge runs up-down
    horizontal = clean[labels == 0, features.IMAGE]
    assert np.all(horizontal == horizontal[:, :, :1])


def test_gradients_equal_autograd(data):
    images, labels = data
    model = features.random_model(seed=5)
    loss, d_kernel, d_readout, d_bias = features.gradients(images, labels, model)
    kernel = torch.tensor(model.kernel, requires_grad=True)
    readout = torch.tensor(model.readout, dtype=torch.float64, requires_grad=True)
    bias = torch.tensor(model.bias, dtype=torch.float64, requires_grad=True)
    energy = (torch.nn.functional.conv2d(torch.tensor(images), kernel[None])[:, 0] ** 2).mean(
        dim=(1, 2))
    mean_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        readout * energy + bias, torch.tensor(labels, dtype=torch.float64))
    mean_loss.backward()
    torch.testing.assert_close(torch.tensor(loss.mean()), mean_loss.detach())
    torch.testing.assert_close(torch.tensor(d_kernel.mean(axis=0)), kernel.grad)
    torch.testing.assert_close(torch.tensor(d_readout.mean()), readout.grad)
    torch.testing.assert_close(torch.tensor(d_bias.mean()), bias.grad)


def test_the_measures():
    assert features.sobel_correlation(features.SOBEL) == pytest.approx(1.0)
    assert features.sobel_correlation(-features.SOBEL.T) == pytest.approx(1.0)
    assert features.sobel_correlation(np.ones((3, 3)) + np.eye(3)) == pytest.approx(0.0)
    assert features.correlation(features.SOBEL, -features.SOBEL) == pytest.approx(-1.0)


def test_training_lowers_the_loss_and_full_batch_is_deterministic(data):
    images, labels = data
    model = features.random_model(seed=0)
    run = features.train(images, labels, model, steps=40, batch_size=16)
    assert len(run.models) == 41 and run.kernels.shape == (41, 2, 3, 3)
    assert run.losses[-5:].mean() < run.losses[:5].mean()
    a = features.train(images, labels, model, steps=5, batch_size=None, seed=1)
    b = features.train(images, labels, model, steps=5, batch_size=None, seed=2)
    assert np.array_equal(a.kernels, b.kernels)


def test_tug_of_war_and_shrinking_phase_report_shares_and_cosines(data):
    images, labels = data
    run = features.train(images, labels, features.random_model(seed=0), steps=30,
                         batch_size=None)
    same_way, cosine, factor = features.tug_of_war(images, labels, run.models[0])
    assert 0 <= same_way <= 1 and -1 <= cosine <= 1
    steps, share, mean_cos, lowest = features.shrinking_phase(images, labels, run, above=0.3)
    assert steps >= 1 and lowest <= mean_cos


def test_bad_arguments_name_themselves(data):
    images, labels = data
    model = features.random_model()
    with pytest.raises(ValueError, match="images must be 4-D"):
        features.forward(images[:, 0], model)
    with pytest.raises(ValueError, match="labels must be 64 labels"):
        features.gradients(images, labels[:3], model)
    with pytest.raises(ValueError, match="batch_size must be None or 1 to 64"):
        features.train(images, labels, model, batch_size=65)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        features.train(images, labels, model, lr=-1)
    with pytest.raises(ValueError, match="kernel must be 3x3"):
        features.sobel_correlation(np.ones((2, 2)))
    with pytest.raises(ValueError, match="channel must be"):
        features.tug_of_war(images, labels, model, channel=2)
    with pytest.raises(ValueError, match="lower lr"):
        features.train(images, labels, model, lr=1e6, steps=20)


def test_pictures_and_the_slider(data):
    images, labels = data
    assert len(features_widgets.examples_figure(images, labels, per_label=2).axes) == 8 + 2
    assert len(features_widgets.kernels_figure([features.SOBEL] * 2, ["a", "b"]).axes) == 2 + 1
    run = features.train(images, labels, features.random_model(seed=0), steps=6)
    scrubber = features_widgets.training_scrubber(images, labels, run)
    first = scrubber.image.value
    scrubber.sliders["step"].value = 6
    assert scrubber.image.value != first and scrubber.status.value.startswith("step 6:")
    twin = scrubber.static_twin([{"step": 0}, {"step": 6}])
    assert len(twin.frames) == 2 and scrubber.sliders["step"].value == 6


@pytest.mark.parametrize("kernel, readout, words", [
    (np.full((2, 3, 3), np.nan), 1.0, "kernel must contain only finite"),
    (np.ones((3, 3)), 1.0, "kernel must be 3-D"),
    (np.ones((2, 4, 4)), 1.0, r"kernel must be a \(2, 3, 3\)"),
    (np.ones((2, 3, 3)), "1", "readout must be a real number"),
])
def test_a_model_is_checked_when_made(kernel, readout, words):
    with pytest.raises((TypeError, ValueError), match=words):
        features.Model(kernel, readout, 0.0)
