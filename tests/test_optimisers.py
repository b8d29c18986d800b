"""Hand-written optimisers against torch.optim, step for step, and the curvature formulas."""
import numpy as np
import pytest
import torch

from lessons_lib import optimisers
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET

BOWL = optimisers.conv_bowl(IMAGE, KERNEL.shape, TARGET)
W0 = KERNEL.ravel()


def torch_path(make_optimiser, steps):
    w = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    X, target = torch.tensor(BOWL.X), torch.tensor(BOWL.target)
    opt = make_optimiser([w])
    path = [w.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        ((X @ w - target) ** 2).sum().backward()
        opt.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize("lr, beta", [(1e-5, 0.9), (2e-5, 0.5), (3.9e-5, 0.87)])
def test_momentum_equals_torch_sgd_with_momentum_for_25_steps(lr, beta):
    ours = optimisers.run(optimisers.Momentum(lr, beta), BOWL, W0, 25)
    theirs = torch_path(lambda p: torch.optim.SGD(p, lr=lr, momentum=beta), 25)
    assert ours.shape == theirs.shape == (26, 4)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lr, betas", [(0.01, (0.9, 0.999)), (0.5, (0.8, 0.99))])
def test_adam_equals_torch_adam_for_25_steps(lr, betas):
    ours = optimisers.run(optimisers.Adam(lr, *betas), BOWL, W0, 25)
    theirs = torch_path(lambda p: torch.optim.Adam(p, lr=lr, betas=betas), 25)
    assert ours.shape == theirs.shape == (26, 4)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_plain_is_lesson_04s_update_and_momentum_zero_is_plain():
    plain = optimisers.run(optimisers.Plain(1e-5), BOWL, W0, 3)
    np.testing.assert_allclose(plain[1].reshape(2, 2), [[0.2792, 0.0126], [-0.0118, -0.1784]])
    np.testing.assert_array_equal(optimisers.run(optimisers.Momentum(1e-5, 0.0), BOWL, W0, 3),
                                  plain)


def test_lesson_04_curvatures_and_the_best_settings():
    lam = BOWL.curvatures()
    np.testing.assert_allclose(lam[1:], [112.632, 3600, 95887.368], rtol=1e-5)
    assert abs(lam[0]) < 1e-6
    assert optimisers.best_plain_lr(lam) == pytest.approx(2 / (lam[1] + lam[3]))
    lr, beta = optimisers.best_momentum(lam)
    # At those settings every direction shrinks by sqrt(beta) per step.
    for curvature in lam[1:]:
        assert optimisers.momentum_factor(lr, beta, curvature) == pytest.approx(np.sqrt(beta))
    assert optimisers.plain_factor(optimisers.best_plain_lr(lam), lam[1]) == pytest.approx(
        -optimisers.plain_factor(optimisers.best_plain_lr(lam), lam[3]))


def test_steps_to_a_loss_momentum_beats_plain_and_diverging_gives_none():
    lam = BOWL.curvatures()
    plain = optimisers.steps_to(optimisers.Plain(optimisers.best_plain_lr(lam)), BOWL, W0, 1e-3)
    momentum = optimisers.steps_to(optimisers.Momentum(*optimisers.best_momentum(lam)), BOWL,
                                   W0, 1e-3)
    assert 0 < momentum < plain / 10
    assert optimisers.steps_to(optimisers.Plain(3e-5), BOWL, W0, 1e-3) is None
    assert optimisers.steps_to(optimisers.Plain(0.0), BOWL, W0, 1e6) == 0


def test_run_stops_a_diverging_path_early():
    path = optimisers.run(optimisers.Plain(3e-5), BOWL, W0, 100)
    assert 1 < len(path) < 101 and np.all(np.isfinite(path))


@pytest.mark.parametrize("call, message", [
    (lambda: optimisers.Plain(-1), "lr must be >= 0"),
    (lambda: optimisers.Momentum(0.1, 1.0), "beta must be in"),
    (lambda: optimisers.Adam(0.1, beta2=1.5), "beta2 must be in"),
    (lambda: optimisers.Plain(0.1).step([1.0, 2.0], [1.0]), "g must have the shape of w"),
    (lambda: optimisers.Adam(0.1).step([np.nan], [1.0]), "w must contain only finite"),
    (lambda: optimisers.best_momentum([0.0, 0.0]), "curvatures must contain"),
    (lambda: optimisers.Bowl(np.ones((3, 2)), np.ones(2)), "X must be a 2-D array within"),
    (lambda: optimisers.steps_to(optimisers.Plain(0.1), BOWL, W0, -1), "threshold must be"),
])
def test_bad_input_is_refused_and_the_argument_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_a_run_that_leaves_the_weights_range_stops_instead_of_overflowing():
    bowl = optimisers.conv_bowl(IMAGE, (2, 2), np.zeros((3, 3)))
    path = optimisers.run(optimisers.Plain(1e30), bowl, np.ones(4), 50)
    assert len(path) < 51 and np.isfinite(path).all()
    assert optimisers.steps_to(optimisers.Plain(1e30), bowl, np.ones(4), 1e-3) is None


def test_best_rates_for_subnormal_curvatures_are_a_named_error_not_inf():
    for best in (optimisers.best_plain_lr, optimisers.best_momentum):
        with pytest.raises(ValueError, match="curvatures are too small"):
            best([1e-310, 1e-310])


def test_a_bowl_keeps_copies_not_views_of_the_lessons_constants():
    bowl = optimisers.conv_bowl(IMAGE, (2, 2), TARGET)
    assert not np.shares_memory(bowl.target, TARGET) and not np.shares_memory(bowl.X, IMAGE)
