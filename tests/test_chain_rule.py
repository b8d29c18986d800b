import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib import chain_rule

small = st.floats(min_value=-3, max_value=3, allow_nan=False)


def autograd_gradients(x, w, b, y_true):
    x_t, w_t, b_t = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, w, b))
    ((((w_t * x_t + b_t) ** 2) - y_true) ** 2).backward()
    return {"x": x_t.grad, "w": w_t.grad, "b": b_t.grad}


@given(x=small, w=small, b=small, y_true=small)
def test_backward_equals_autograd_and_finite_differences(x, w, b, y_true):
    ours = chain_rule.gradients(chain_rule.tiny_network(w, b, y_true), x)
    reference = autograd_gradients(x, w, b, y_true)
    nudged = {
        "x": chain_rule.finite_difference(lambda v: chain_rule.loss_of(v, w, b, y_true), x),
        "w": chain_rule.finite_difference(lambda v: chain_rule.loss_of(x, v, b, y_true), w),
        "b": chain_rule.finite_difference(lambda v: chain_rule.loss_of(x, w, v, y_true), b),
    }
    for name in ("x", "w", "b"):
        mine = torch.tensor(ours[name], dtype=torch.float64)
        torch.testing.assert_close(mine, reference[name])
        torch.testing.assert_close(mine, torch.tensor(nudged[name], dtype=torch.float64),
                                   rtol=1e-4, atol=1e-3)


def test_lesson_03_numbers():
    layers = chain_rule.tiny_network()
    assert chain_rule.forward(layers, 2.0) == [2.0, 6.0, 2.0, 4.0, 9.0]
    steps = chain_rule.backward(layers, 2.0)
    assert [s.upstream for s in steps] == [1.0, 6.0, 24.0, 24.0]
    assert [s.downstream for s in steps] == [6.0, 24.0, 24.0, 72.0]
    assert chain_rule.gradients(layers, 2.0) == {"w": 48.0, "b": 24.0, "x": 72.0}


def test_each_step_multiplies_local_by_upstream_and_feeds_the_next():
    steps = chain_rule.backward(chain_rule.tiny_network(), 1.7)
    for step, earlier_layer in zip(steps, steps[1:]):
        assert step.downstream == step.local * step.upstream
        assert earlier_layer.upstream == step.downstream


@pytest.mark.parametrize("call, error, words", [
    (lambda: chain_rule.scale(float("nan")), ValueError, "w must be finite"),
    (lambda: chain_rule.shift("1"), TypeError, "b must be a real number"),
    (lambda: chain_rule.forward(chain_rule.tiny_network(), None), TypeError, "x must be"),
    (lambda: chain_rule.finite_difference(abs, 1.0, h=0.0), ValueError, "h must be > 0"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_gradients_keeps_every_layers_gradient_when_names_repeat():
    layers = [chain_rule.scale(2.0), chain_rule.scale(3.0), chain_rule.squared_error(1.0)]
    # loss = (6x - 1)**2 at x = 1: d/dw0 = 2 * 5 * 3 * x, d/dw1 = 2 * 5 * (2x), d/dx = 2 * 5 * 6
    assert chain_rule.gradients(layers, 1.0) == {"w[1]": 20.0, "w[0]": 30.0, "x": 60.0}
    assert set(chain_rule.gradients(chain_rule.tiny_network(), 2.0)) == {"w", "b", "x"}
