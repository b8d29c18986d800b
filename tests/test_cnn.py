"""lessons_lib.cnn (lesson 10): every layer's backward against autograd and finite differences,
the whole network's gradients, and training to the accuracy the lesson promises."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import cnn, digits
from tests.numeric import finite_difference


@pytest.fixture(scope="module")
def split():
    return digits.load_split()


def _rng():
    return np.random.default_rng(7)


def test_conv_forward_and_backward_equal_autograd_with_channels():
    rng = _rng()
    x, w, b = rng.normal(size=(3, 2, 6, 5)), rng.normal(size=(4, 2, 3, 3)), rng.normal(size=4)
    dy = rng.normal(size=(3, 4, 6, 5))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = F.conv2d(xt, wt, bt, padding=1)
    (yt * torch.tensor(dy)).sum().backward()
    assert np.allclose(cnn.conv_forward(x, w, b), yt.detach().numpy())
    for mine, theirs in zip(cnn.conv_backward(x, w, dy), (xt.grad, wt.grad, bt.grad)):
        assert np.allclose(mine, theirs.numpy(), atol=1e-12)


def test_conv_kernel_gradient_equals_finite_differences():
    rng = _rng()
    x, w, b, dy = (rng.normal(size=(2, 1, 5, 5)), rng.normal(size=(2, 1, 3, 3)),
                   np.zeros(2), rng.normal(size=(2, 2, 5, 5)))
    numeric = finite_difference(lambda v: np.sum(cnn.conv_forward(x, v, b) * dy), w)
    assert np.allclose(cnn.conv_backward(x, w, dy)[1], numeric, atol=1e-6)


def test_pool_routes_the_gradient_to_the_largest_input_like_autograd():
    rng = _rng()
    x, dy = rng.normal(size=(2, 3, 4, 6)), rng.normal(size=(2, 3, 2, 3))
    xt = torch.tensor(x, requires_grad=True)
    yt = F.max_pool2d(xt, 2)
    (yt * torch.tensor(dy)).sum().backward()
    assert np.array_equal(cnn.pool_forward(x), yt.detach().numpy())
    assert np.array_equal(cnn.pool_backward(x, dy), xt.grad.numpy())
    numeric = finite_difference(lambda v: np.sum(cnn.pool_forward(v) * dy), x)
    assert np.allclose(cnn.pool_backward(x, dy), numeric, atol=1e-6)
    ties = np.zeros((1, 1, 2, 2))  # four equal values: the first one takes it all
    assert cnn.pool_backward(ties, np.ones((1, 1, 1, 1))).ravel().tolist() == [1, 0, 0, 0]


def test_the_network_gradients_equal_autograd_and_finite_differences(split):
    params, x, y = cnn.init(3), split.train_x[:8], split.train_y[:8]
    loss, grads = cnn.loss_and_grads(params, x, y)
    tensors = [torch.tensor(a, requires_grad=True) for a in params.arrays()]
    hidden = F.max_pool2d(F.relu(F.conv2d(torch.tensor(x), tensors[0], tensors[1], padding=1)), 2)
    torch_loss = F.cross_entropy(hidden.flatten(1) @ tensors[2] + tensors[3], torch.tensor(y))
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), abs=1e-12)
    for mine, tensor in zip(grads.arrays(), tensors):
        assert np.allclose(mine, tensor.grad.numpy(), atol=1e-12)

    def loss_with(name, value):
        kwargs = {f: getattr(params, f) for f in ("conv_w", "conv_b", "lin_w", "lin_b")}
        return cnn.loss_and_grads(cnn.Params(**(kwargs | {name: value})), x, y)[0]

    for name in ("conv_w", "conv_b", "lin_b"):
        numeric = finite_difference(lambda v, name=name: loss_with(name, v), getattr(params,
                                                                                      name))
        assert np.allclose(getattr(grads, name), numeric, atol=1e-7), name


def test_an_untrained_network_starts_near_ln_10(split):
    loss, _ = cnn.loss_and_grads(cnn.init(1), split.train_x, split.train_y)
    assert abs(loss - np.log(10)) < 0.02


def test_batch_order_covers_every_row_once_per_epoch():
    batches = cnn.batch_order(70, 32, 2, seed=0)
    assert [len(b) for b in batches] == [32, 32, 6] * 2
    assert sorted(np.concatenate(batches[:3]).tolist()) == list(range(70))
    assert not np.array_equal(batches[0], batches[3])


def test_the_lesson_run_reaches_97_percent_on_held_out_digits(split):
    run = cnn.train(cnn.init(1), split.train_x, split.train_y, lr=0.05, beta=0.9,
                    batch_size=32, epochs=10, seed=0, every=45)
    assert not run.diverged and len(run.losses) == 450 and run.steps.tolist()[:2] == [0, 45]
    assert len(run.params) == len(run.steps) == 11
    accuracy = cnn.accuracy(run.params[-1], split.test_x, split.test_y)
    assert accuracy >= 0.97
    assert cnn.accuracy(run.params[0], split.test_x, split.test_y) < 0.3
    counts = cnn.confusion(cnn.predict(run.params[-1], split.test_x), split.test_y)
    assert counts.sum() == 359 and np.trace(counts) / 359 == pytest.approx(accuracy)
    assert counts.sum(axis=1).tolist() == np.bincount(split.test_y).tolist()


def test_a_huge_learning_rate_diverges_with_the_documented_result(split):
    run = cnn.train(cnn.init(1), split.train_x[:64], split.train_y[:64], lr=1e5, epochs=3)
    assert run.diverged and np.isfinite(run.losses).all()


@pytest.mark.parametrize("call, words", [
    (lambda: cnn.conv_forward(np.ones((1, 2, 4, 4)), np.ones((3, 1, 3, 3)), np.ones(3)), "w"),
    (lambda: cnn.conv_forward(np.ones((1, 1, 4, 4)), np.ones((3, 1, 3, 3)), np.ones(2)), "b"),
    (lambda: cnn.pool_forward(np.ones((1, 1, 3, 4))), "even"),
    (lambda: cnn.pool_backward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 4, 4))), "dy"),
    (lambda: cnn.loss_and_grads("p", np.ones((1, 1, 8, 8)), [1]), "params"),
    (lambda: cnn.loss_and_grads(cnn.init(), np.ones((1, 1, 8, 8)), [12]), "y"),
    (lambda: cnn.train(cnn.init(), np.ones((2, 1, 8, 8)), [1, 2], beta=1.0), "beta"),
    (lambda: cnn.confusion([1, 2], [1]), "same length"),
])
def test_bad_arguments_are_named(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()
