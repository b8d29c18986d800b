"""Batch sizes: the batch gradient, one epoch's steps, and the noise that shrinks with the batch."""
import numpy as np
import pytest
import torch

from lessons_lib import batches, conv2d

DATA = batches.make_data(n_images=64, seed=1)


def test_data_is_the_hidden_kernels_outputs_plus_noise():
    data = batches.make_data(n_images=8, noise=0.0, seed=2)
    rng = np.random.default_rng(2)
    image = rng.random((8, 4, 4))[3]
    np.testing.assert_allclose(data.y[3].reshape(3, 3),
                               conv2d.conv2d_numpy(image, batches.HIDDEN_KERNEL))


def test_batch_gradient_equals_autograd_on_the_same_examples():
    kernel, rows = np.array([0.1, -0.2, 0.3, 0.4]), [5, 2, 9]
    k = torch.tensor(kernel, requires_grad=True)
    X, y = torch.tensor(DATA.X[rows]), torch.tensor(DATA.y[rows])
    ((X @ k - y) ** 2).sum(dim=1).mean().backward()
    np.testing.assert_allclose(batches.batch_grad(kernel, DATA, rows), k.grad.numpy(),
                               rtol=1e-12)


def test_a_full_batch_run_takes_one_step_per_epoch_and_single_examples_take_n():
    full = batches.train(DATA, 64, 0.05, 3)
    single = batches.train(DATA, 1, 0.05, 3)
    assert len(full.losses) == 4 and len(single.losses) == 3 * 64 + 1
    assert single.epochs[-1] == full.epochs[-1] == 3
    floor = batches.loss(batches.best_kernel(DATA), DATA)
    assert floor < single.losses[-1] < single.losses[0]
    assert single.losses[64] < full.losses[1]  # after one epoch, many small steps win


def test_gradient_spread_shrinks_with_the_batch_and_vanishes_for_the_full_batch():
    kernel = batches.best_kernel(DATA)
    one, sixteen = (batches.gradient_spread(kernel, DATA, b, draws=400) for b in (1, 16))
    assert 2.5 < one / sixteen < 5
    assert batches.gradient_spread(kernel, DATA, 64, draws=5) < 1e-12


@pytest.mark.parametrize("call, message", [
    (lambda: batches.train(DATA, 5, 0.1, 1), "batch_size must divide"),
    (lambda: batches.train(DATA, 8, -0.1, 1), "lr must be >= 0"),
    (lambda: batches.batch_grad(np.zeros(4), DATA, [64]), "rows must be"),
    (lambda: batches.make_data(n_images=0), "n_images must be >= 1"),
    (lambda: batches.gradient_spread(np.zeros(4), DATA, 0), "batch_size must be from 1"),
    (lambda: batches.loss(np.zeros(3), DATA), "kernel must be 4 numbers"),
    (lambda: batches.batch_grad([0, 0, np.nan, 0], DATA, [1]), "kernel must contain only finite"),
    (lambda: batches.train(DATA, 8, 1e3, 2), "training diverged .* lower lr"),
    (lambda: batches.loss(np.full(4, 1e60), DATA), "kernel must be 4 numbers .* within"),
    (lambda: batches.batch_grad(np.zeros(4), DATA, [0.5]), "rows must be"),
])
def test_bad_input_is_refused_and_the_argument_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
