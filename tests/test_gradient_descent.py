import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib import gradient_descent as gd

finite = st.floats(min_value=-10, max_value=10, allow_nan=False)
nonzero_x = st.floats(min_value=0.1, max_value=5).flatmap(lambda v: st.sampled_from([v, -v]))


@given(w=finite, x=finite, y_true=finite)
def test_grad_equals_autograd_and_finite_differences(w, x, y_true):
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ((w_t * x - y_true) ** 2).backward()
    h = 1e-6
    numerical = (gd.loss(w + h, x, y_true) - gd.loss(w - h, x, y_true)) / (2 * h)
    ours = torch.tensor(gd.grad(w, x, y_true), dtype=torch.float64)
    torch.testing.assert_close(ours, w_t.grad)
    torch.testing.assert_close(ours, torch.tensor(numerical, dtype=torch.float64),
                               atol=1e-4, rtol=1e-5)


@given(lr=st.floats(min_value=0, max_value=0.4), x=nonzero_x, w0=finite)
def test_each_step_multiplies_the_distance_by_the_contraction_factor(lr, x, w0):
    y_true = 3.0 * x
    history = gd.descend(w0, x, y_true, lr, 3)
    factor = gd.contraction(lr, x)
    for before, after in zip(history.weights, history.weights[1:]):
        assert math.isclose(after - 3.0, factor * (before - 3.0), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("lr, regime", [
    (0.0, gd.NO_MOVEMENT), (0.05, gd.ONE_SIDE), (0.125, gd.ONE_STEP), (0.2, gd.OVERSHOOT),
    (0.25, gd.OSCILLATE), (0.3, gd.DIVERGE)])
def test_regimes_for_x_equal_2(lr, regime):
    assert gd.lr_regime(lr, 2.0) == regime


def test_regime_matches_what_the_runs_do():
    def final_distance(lr):
        return abs(gd.descend(0.0, 2.0, 6.0, lr, 40).weights[-1] - 3.0)
    assert final_distance(0.125) == 0.0
    assert final_distance(0.05) < 1e-3 and final_distance(0.2) < 1e-3
    assert final_distance(0.25) == pytest.approx(3.0)
    assert final_distance(0.3) > 1e3


def test_a_diverging_run_stops_before_overflow():
    history = gd.descend(0.0, 2.0, 6.0, lr=10.0, steps=10_000)
    assert history.diverged
    assert len(history.steps) < 20
    assert all(math.isfinite(v) for v in history.weights + history.losses)


def test_loss_is_measured_before_the_update():
    step = gd.descend(0.0, 2.0, 6.0, 0.1, 1).steps[0]
    assert step.loss == gd.loss(0.0, 2.0, 6.0) == 36.0
    assert step.grad == -24.0 and step.w == pytest.approx(2.4)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"lr": -0.1}, ValueError, "lr must be >= 0"),
    ({"lr": float("nan")}, ValueError, "lr must be finite"),
    ({"lr": float("inf")}, ValueError, "lr must be finite"),
    ({"lr": "0.1"}, TypeError, "lr must be a real number"),
    ({"steps": -1}, ValueError, "steps must be >= 0"),
    ({"steps": 2.5}, TypeError, "steps must be an int"),
    ({"x": None}, TypeError, "x must be a real number"),
    ({"w0": True}, TypeError, "w0 must be a real number"),
])
def test_bad_arguments_get_a_clear_error(kwargs, error, words):
    arguments = {"w0": 0.0, "x": 2.0, "y_true": 6.0, "lr": 0.1, "steps": 3} | kwargs
    with pytest.raises(error, match=words):
        gd.descend(**arguments)


def test_zero_steps_is_an_empty_history():
    history = gd.descend(0.0, 2.0, 6.0, 0.1, 0)
    assert history.steps == () and history.weights == [0.0] and history.table() == ""



@pytest.mark.parametrize("arguments", [{"w0": 1e308}, {"y_true": 1e155}, {"x": 1e200, "w0": 1.0},
                                       {"w0": -1e308}])
def test_huge_starting_values_all_get_the_same_clear_error(arguments):
    arguments = {"w0": 0.0, "x": 2.0, "y_true": 6.0, "lr": 0.1, "steps": 3} | arguments
    with pytest.raises(ValueError, match="w0, x and y_true are too large"):
        gd.descend(**arguments)


def test_a_learning_rate_that_overflows_in_one_step_is_a_diverged_run():
    history = gd.descend(0.0, 2.0, 6.0, 1e308, 5)
    assert history.diverged and all(math.isfinite(w) for w in history.weights)


def test_divergence_is_judged_against_the_starting_distance():
    far = gd.descend(1e7, 1.0, 0.0, 0.1, 5)  # each step multiplies the distance by 0.8
    assert not far.diverged and far.weights[-1] == pytest.approx(1e7 * 0.8**5)
    assert gd.descend(0.0, 2.0, 6.0, 0.3, 100).diverged


def test_steps_are_capped_with_the_cap_in_the_message():
    with pytest.raises(ValueError, match="steps must be <= 10000"):
        gd.descend(0.0, 2.0, 6.0, 0.1, 10**6)
