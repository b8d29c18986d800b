"""lessons_lib.moons: the data, the network's scores by hand, training by the tiny engine that
matches PyTorch step for step, and the accuracy lesson 05 states."""
import numpy as np
import pytest
import torch

from lessons_lib import moons
from lessons_lib.tiny_autograd import Value


def test_the_two_moons_are_interleaved_half_circles_with_labels_plus_and_minus_one():
    points, labels = moons.make_moons(400, noise=0.0, seed=0)
    upper, lower = points[labels == 1], points[labels == -1]
    assert np.allclose(np.hypot(*upper.T), 1.0)  # on the unit circle, upper half
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0.5).all()
    again, _ = moons.make_moons(400, noise=0.0, seed=0)
    assert np.array_equal(points, again)


def test_scores_are_the_two_layer_network_written_out():
    weights = moons.start(hidden=3, seed=1)
    weights["b1"] = np.array([0.1, -0.2, 0.3])
    points, _ = moons.make_moons(5, 0.1, 2)
    hidden = np.maximum(points @ weights["w1"] + weights["b1"], 0)
    assert np.allclose(moons.scores(weights, points), hidden @ weights["w2"] + weights["b2"])
    as_values = {name: Value(data) for name, data in weights.items()}
    assert np.allclose(moons.scores(weights, points), moons._forward(as_values, points).data)


def test_lesson_05s_run_matches_pytorch_and_reaches_the_stated_accuracy():
    points, labels = moons.make_moons(100, noise=0.1, seed=0)
    held_points, held_labels = moons.make_moons(200, noise=0.1, seed=1)
    start = moons.start(hidden=8, seed=3)
    history, losses = moons.train(start, points, labels, lr=0.1, steps=300)
    assert len(history) == 301 and len(losses) == 300
    assert max(abs(a - b) for a, b in zip(
        losses, moons.train_torch(start, points, labels, lr=0.1, steps=300))) < 1e-9
    assert moons.accuracy(history[-1], points, labels) == 0.99
    assert moons.accuracy(history[-1], held_points, held_labels) == 0.98
    assert all(b < a for a, b in zip(losses, losses[1:]))  # plain GD, every step downhill
    assert np.array_equal(history[0]["w1"], start["w1"])  # the start is not changed


def test_one_step_by_hand():
    points, labels = moons.make_moons(10, 0.1, 0)
    start = moons.start(2, 0)
    w = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    x, y = torch.tensor(points), torch.tensor(labels)
    ((torch.relu(x @ w["w1"] + w["b1"]) @ w["w2"] + w["b2"] - y) ** 2).mean().backward()
    history, _ = moons.train(start, points, labels, lr=0.5, steps=1)
    for name in moons.NAMES:
        assert np.allclose(history[1][name], start[name] - 0.5 * w[name].grad.numpy())


def test_bad_inputs_are_refused_with_the_argument_named():
    points, labels = moons.make_moons(10, 0.1, 0)
    with pytest.raises(TypeError, match="weights must be a dict"):
        moons.scores({"w1": 1}, points)
    with pytest.raises(ValueError, match=r"weights\['w1'\] must have shape"):
        moons.scores(moons.start(3, 0) | {"w1": np.ones((3, 3))}, points)
    with pytest.raises(ValueError, match="points must have shape"):
        moons.scores(moons.start(3, 0), np.ones((4, 3)))
    with pytest.raises(ValueError, match="labels must have one entry per point"):
        moons.accuracy(moons.start(3, 0), points, labels[:3])
    with pytest.raises(ValueError, match="lr must be at most"):
        moons.train(moons.start(3, 0), points, labels, lr=100.0, steps=1)
    with pytest.raises(ValueError, match="diverged: lr = 10"):
        moons.train(moons.start(3, 0), points * 1000, labels, lr=10.0, steps=50)
