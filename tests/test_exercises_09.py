"""Lesson 09's checkers: dx, dw and db judged one by one, shapes first, slips named."""
import numpy as np
import pytest

from lessons_lib import exercises, exercises_09


def _layer(change):
    """A learner's linear_layer_backward: change(x, w, dy) -> (dx, dw, db), dy the right one."""
    return lambda x, w, b, t: change(x, w, 2 * (x @ w + b - t) / len(x))


RIGHT = _layer(lambda x, w, dy: (dy @ w.T, x.T @ dy, dy.sum(0)))


@pytest.mark.parametrize("function, words", [
    (_layer(lambda x, w, dy: (dy @ w.T, x.T @ dy, dy.sum(0, keepdims=True))),
     "db has shape (1, 4), expected (4,)"),
    (lambda *args: RIGHT(*args)[:2], "expected 3 arrays (dx, dw, db), got 2."),
    (lambda *args: dict(zip(("dx", "dw", "db"), RIGHT(*args))), "return a tuple (dx, dw, db)"),
    (_layer(lambda x, w, dy: (x.T @ dy, dy @ w.T, dy.sum(0))), "That is dw's shape"),
    (_layer(lambda x, w, dy: (dy @ w.T, dy.T @ x, dy.sum(0))),
     "dw is wrong: that is dW = dy.T @ x, transposed. Here D_in = D_out"),
    (lambda *args: tuple(g / args[3].shape[1] for g in RIGHT(*args)),
     "a mean over every entry, as np.mean and MSELoss do"),
    (_layer(lambda x, w, dy: (3 * dy @ w.T, x.T @ dy, dy.sum(0))), "dx is wrong. Expected dx"),
])
def test_the_linear_layer_checker_names_the_wrong_array(function, words):
    assert exercises_09.linear_layer_backward(RIGHT).correct
    feedback = exercises_09.linear_layer_backward(function)
    assert feedback.status == exercises.WRONG and words in feedback.message, feedback


def _softmax(z, axis=1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _onehot(z, labels):
    return np.eye(z.shape[1])[labels]


@pytest.mark.parametrize("function, words", [
    (lambda z, y: ((_softmax(z) - _onehot(z, y)) / len(z)).T,
     "returned shape (4, 5), expected (5, 4) = (N, K)"),
    (lambda z, y: (_softmax(z, axis=0) - _onehot(z, y)) / len(z), "softmax over axis 0"),
    (lambda z, y: (np.exp(z) / np.exp(z).sum() - _onehot(z, y)) / len(z), "the whole array"),
    (lambda z, y: (_softmax(z) - _onehot(z, y)) / z.shape[1], "divided by the number of classes"),
    (lambda z, y: _onehot(z, y) * (_softmax(z) - 1) / len(z), "the right class only"),
])
def test_the_cross_entropy_checker_checks_the_shape_first_and_names_slips(function, words):
    assert exercises_09.cross_entropy_gradient(
        lambda z, y: (_softmax(z) - _onehot(z, y)) / len(z)).correct
    feedback = exercises_09.cross_entropy_gradient(function)
    assert feedback.status == exercises.WRONG and words in feedback.message, feedback


def test_no_case_has_as_many_examples_as_classes_or_inputs_as_outputs_but_one():
    assert all(n != k for n, k in exercises_09.CE_SHAPES)  # else /K would equal /N
    assert [d_in == d_out for _, d_in, d_out in exercises_09.SHAPES] == [True, False, False]
