"""lessons_lib.cnn_torch (lesson 10): the nn.Module from the same weights and batches agrees
with the hand-written NumPy run; on a GPU, when there is one, it trains there too."""
import numpy as np
import pytest
import torch

from lessons_lib import cnn, cnn_torch, devices, digits


@pytest.fixture(scope="module")
def split():
    return digits.load_split()


def test_float64_losses_agree_with_the_numpy_run_for_20_steps(split):
    params = cnn.init(1)
    run = cnn.train(params, split.train_x, split.train_y, 0.05, 0.9, 32, epochs=1)
    model = cnn_torch.from_params(params)
    losses = cnn_torch.train(model, split.train_x, split.train_y,
                             cnn.batch_order(len(split.train_x), 32, 1)[:20], 0.05, 0.9)
    assert len(losses) == 20 and np.abs(losses - run.losses[:20]).max() <= 1e-9
    hand = cnn.init(1)  # a fresh start: cnn.train never changes the params it was given
    assert np.array_equal(hand.conv_w, params.conv_w)


def test_train_leaves_the_thread_count_as_it_found_it(split):
    before = torch.get_num_threads()
    cnn_torch.train(cnn_torch.from_params(cnn.init(1)), split.train_x, split.train_y,
                    cnn.batch_order(len(split.train_x), 32, 1)[:2])
    assert torch.get_num_threads() == before


def test_from_params_copies_the_weights(split):
    params = cnn.init(2)
    model = cnn_torch.from_params(params)
    with torch.no_grad():
        logits = model(torch.tensor(split.test_x[:5])).numpy()
    assert np.array_equal(logits.argmax(1), cnn.predict(params, split.test_x[:5]))
    assert cnn_torch.accuracy(model, split.test_x, split.test_y) == pytest.approx(
        cnn.accuracy(params, split.test_x, split.test_y))


@pytest.mark.skipif(devices.accelerator() is None,
                    reason="no GPU here (cuda or mps): the lesson trains on the CPU and says so")
def test_on_the_gpu_the_float32_run_learns_as_on_the_cpu(split):
    device = devices.accelerator()
    batches = cnn.batch_order(len(split.train_x), 32, 10)
    model = cnn_torch.from_params(cnn.init(1), torch.float32)
    losses = cnn_torch.train(model, split.train_x, split.train_y, batches, device=device)
    assert next(model.parameters()).device.type == device.type
    assert np.isfinite(losses).all() and losses[-45:].mean() < 0.2
    assert cnn_torch.accuracy(model, split.test_x, split.test_y, device) >= 0.95


@pytest.mark.parametrize("call, words", [
    (lambda: cnn_torch.from_params("p"), "params"),
    (lambda: cnn_torch.from_params(cnn.init(), torch.int64), "dtype"),
    (lambda: cnn_torch.train(cnn_torch.DigitsNet(), np.ones((2, 1, 8, 8)), [1, 2], []),
     "batches"),
    (lambda: cnn_torch.train(cnn_torch.DigitsNet(), np.ones((2, 1, 8, 8)), [1, 2],
                             [np.array([0, 5])]), "batches"),
    (lambda: cnn_torch.accuracy("m", np.ones((2, 1, 8, 8)), [1, 2]), "model"),
])
def test_bad_arguments_are_named(call, words):
    with pytest.raises((ValueError, TypeError), match=words):
        call()
