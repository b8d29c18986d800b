"""lessons_lib.layers (lesson 09): every backward pass equals autograd and finite differences,
softmax and cross-entropy stay finite where the naive formulas overflow, and bad shapes get a
named error."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import layers
from tests.numeric import finite_difference


def _batch(seed=0, n=5, d_in=3, d_out=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d_in)), rng.normal(size=(d_in, d_out)), rng.normal(size=d_out)


def test_linear_forward_is_x_at_w_plus_b_written_out():
    x, w, b = _batch()
    y = layers.linear_forward(x, w, b)
    for n, j in np.ndindex(y.shape):
        assert np.isclose(y[n, j], sum(x[n, i] * w[i, j] for i in range(3)) + b[j])


def test_linear_backward_equals_autograd_and_finite_differences():
    x, w, b = _batch()
    dy = np.random.default_rng(1).normal(size=(5, 4))
    dx, dw, db = layers.linear_backward(x, w, dy)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ((xt @ wt + bt) * torch.tensor(dy)).sum().backward()
    for mine, theirs in ((dx, xt.grad), (dw, wt.grad), (db, bt.grad)):
        torch.testing.assert_close(torch.tensor(mine), theirs)

    def loss(x_, w_, b_):
        return float(np.sum(layers.linear_forward(x_, w_, b_) * dy))

    np.testing.assert_allclose(finite_difference(lambda a: loss(a, w, b), x), dx, atol=1e-6)
    np.testing.assert_allclose(finite_difference(lambda a: loss(x, a, b), w), dw, atol=1e-6)
    np.testing.assert_allclose(finite_difference(lambda a: loss(x, w, a), b), db, atol=1e-6)


def test_relu_gate_passes_gradient_only_where_the_input_was_positive():
    x = np.array([[-2.0, 0.0, 3.0], [1.0, -0.5, 2.0]])
    dy = np.arange(1.0, 7.0).reshape(2, 3)
    assert np.array_equal(layers.relu_forward(x), [[0, 0, 3], [1, 0, 2]])
    assert np.array_equal(layers.relu_backward(x, dy), [[0, 0, 3], [4, 0, 6]])
    xt = torch.tensor(x, requires_grad=True)
    (torch.relu(xt) * torch.tensor(dy)).sum().backward()
    assert np.array_equal(xt.grad.numpy(), layers.relu_backward(x, dy))


def test_softmax_rows_sum_to_one_and_match_torch_even_for_huge_logits():
    logits = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 999.0], [-800.0, 0.0, 5.0]])
    p = layers.softmax(logits)
    assert np.allclose(p.sum(axis=1), 1) and np.isfinite(p).all()
    torch.testing.assert_close(torch.tensor(p), torch.softmax(torch.tensor(logits), dim=1))
    assert np.allclose(p[1], p[0][[1, 2, 0]])  # only differences between logits matter


def test_cross_entropy_equals_torch_and_its_gradient_is_p_minus_y_over_n():
    rng = np.random.default_rng(3)
    logits, labels = rng.normal(0, 3, (6, 4)), rng.integers(0, 4, 6)
    zt = torch.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(zt, torch.tensor(labels))
    loss.backward()
    assert np.isclose(layers.cross_entropy(logits, labels), loss.item(), rtol=1e-12)
    grad = layers.cross_entropy_backward(logits, labels)
    torch.testing.assert_close(torch.tensor(grad), zt.grad)
    expected = (layers.softmax(logits) - np.eye(4)[labels]) / 6
    assert np.allclose(grad, expected)
    numeric = finite_difference(lambda z: layers.cross_entropy(z, labels), logits)
    np.testing.assert_allclose(numeric, grad, atol=1e-7)


def test_cross_entropy_stays_finite_where_the_naive_formula_gives_inf():
    logits, labels = np.array([[0.0, 800.0]]), np.array([0])
    with np.errstate(under="ignore", divide="ignore", over="ignore"):
        naive = -np.log(np.exp(logits[0, 0]) / np.exp(logits).sum())
    assert not np.isfinite(naive)
    assert layers.cross_entropy(logits, labels) == pytest.approx(800.0)


def test_loss_of_equal_logits_is_ln_of_the_number_of_classes():
    for classes in (2, 3, 10, 26):
        assert np.isclose(layers.cross_entropy(np.zeros((4, classes)), np.zeros(4, int)),
                          np.log(classes))


def test_one_hot_and_log_softmax():
    assert np.array_equal(layers.one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])
    z = np.array([[1.0, 2.0, 0.5]])
    assert np.allclose(layers.log_softmax(z), np.log(layers.softmax(z)))


@pytest.mark.parametrize("call, words", [
    (lambda: layers.linear_forward(np.ones((2, 3)), np.ones((2, 2)), np.ones(2)), "columns"),
    (lambda: layers.linear_forward(np.ones((2, 3)), np.ones((3, 2)), np.ones(3)), "b must"),
    (lambda: layers.linear_backward(np.ones((2, 3)), np.ones((3, 2)), np.ones((3, 2))), "dy"),
    (lambda: layers.relu_backward(np.ones(3), np.ones(2)), "dy"),
    (lambda: layers.cross_entropy(np.ones((2, 3)), np.array([0, 3])), "labels"),
    (lambda: layers.cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])), "labels"),
    (lambda: layers.cross_entropy(np.ones((2, 3)), np.array([0])), "labels"),
    (lambda: layers.softmax(np.ones((2, 1))), "logits"),
])
def test_bad_shapes_and_labels_get_named_errors(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()
