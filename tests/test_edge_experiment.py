"""lessons_lib.edge_experiment: seeded data, training that converges to the hidden kernel with
the weights it does not need near zero, and the training-step scrubber."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import conv2d, edge_experiment

# What lesson 05 promises, with its default seeds: after 300 steps every weight is within
# TOLERANCE of the hidden kernel, and each weight the target does not need is smaller than
# UNNEEDED_SIZE (it started as large as 0.45).
TOLERANCE, UNNEEDED_SIZE = 0.05, 0.02


@pytest.fixture(scope="module")
def lesson_run():
    images, targets = edge_experiment.make_dataset()
    return images, targets, edge_experiment.train(images, targets, edge_experiment.random_kernel())


def test_dataset_is_seeded_and_targets_come_from_the_hidden_kernel():
    images, targets = edge_experiment.make_dataset(n_images=5, size=8)
    again, _ = edge_experiment.make_dataset(n_images=5, size=8)
    other, _ = edge_experiment.make_dataset(n_images=5, size=8, seed=1)
    assert images.shape == (5, 8, 8) and targets.shape == (5, 6, 6)
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)
    np.testing.assert_allclose(targets[3], conv2d.conv2d_loops(images[3],
                                                               edge_experiment.HIDDEN_KERNEL))


def test_images_have_an_edge_two_flat_sides_when_noise_is_off():
    rng = np.random.default_rng(4)
    for _ in range(20):
        image = edge_experiment.edge_image(rng, size=12, noise=0.0)
        assert len(np.unique(image)) <= 2 and image.min() >= -1 and image.max() <= 1


def test_training_converges_to_the_hidden_kernel(lesson_run):
    _, _, run = lesson_run
    hidden = edge_experiment.HIDDEN_KERNEL
    assert run.kernels.shape == (301, 3, 3) and run.losses.shape == (300,)
    assert np.abs(run.kernels[0] - hidden).max() > 1  # it really started far away
    assert np.abs(run.kernels[-1] - hidden).max() < TOLERANCE
    assert run.losses[-1] < run.losses[0] / 1000


def test_weights_the_target_does_not_need_shrink_towards_zero(lesson_run):
    _, _, run = lesson_run
    unneeded = edge_experiment.HIDDEN_KERNEL == 0
    start, end = np.abs(run.kernels[0][unneeded]), np.abs(run.kernels[-1][unneeded])
    assert np.all(end < UNNEEDED_SIZE) and np.all(end < start / 10)


def test_one_training_step_matches_autograd(lesson_run):
    images, targets, run = lesson_run
    kernel0 = torch.tensor(run.kernels[0], requires_grad=True)
    batch = np.random.default_rng(2).choice(len(images), size=8, replace=False)  # train's seed
    x = torch.tensor(images[batch])[:, None]  # (8, 1, 10, 10)
    loss = ((F.conv2d(x, kernel0[None, None]) - torch.tensor(targets[batch])[:, None]) ** 2).mean()
    loss.backward()
    torch.testing.assert_close(torch.tensor(run.grads[0]), kernel0.grad)
    assert run.losses[0] == pytest.approx(loss.item())


def test_bad_arguments_are_refused():
    images, targets = edge_experiment.make_dataset(n_images=4)
    with pytest.raises(ValueError, match="batch_size"):
        edge_experiment.train(images, targets, np.zeros((3, 3)), batch_size=5)
    with pytest.raises(ValueError, match="lr"):
        edge_experiment.train(images, targets, np.zeros((3, 3)), lr=-1)


@pytest.mark.filterwarnings("error")
def test_scrubber_redraws_for_each_step_and_its_twin_shows_them(lesson_run):
    _, _, run = lesson_run
    scrubber = edge_experiment.training_scrubber(run)
    slider = scrubber.sliders["step"]
    assert slider.max == 300 and scrubber.status.value.startswith("step 0:")
    seen = {scrubber.image.value}
    for step in (1, 50, 300):
        slider.value = step
        assert scrubber.status.value.startswith(f"step {step}:")
        seen.add(scrubber.image.value)
    assert len(seen) == 4  # every step drew a different picture
    assert f"{np.abs(run.kernels[300][:, 1]).max():.3f}" in scrubber.status.value
    twin = scrubber.static_twin([{"step": 0}, {"step": 300}])
    assert [ax.get_title(loc="left")[:7] for ax in twin.axes] == ["step 0:", "step 30"]


@pytest.mark.filterwarnings("error")
def test_weight_paths_draw_needed_and_unneeded_weights_apart(lesson_run):
    _, _, run = lesson_run
    fig = edge_experiment.weight_paths(run)
    needed_ax, unneeded_ax = fig.axes
    assert len(needed_ax.lines) == 6 + 1 and len(unneeded_ax.lines) == 3 + 1  # + the zero line
