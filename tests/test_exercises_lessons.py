"""Every lesson's exercises (00-09), through one set of rules (issue 10):

- at least three exercises per lesson, each with at least two hints and a worked solution whose
  answer the checker accepts;
- number and choice exercises (each module's ANSWERS): the right answer is accepted in every
  accepted type, each Mistake gets its own diagnosis and says how to ask for a hint, None is
  "not attempted", bad types get a message and never an exception;
- "write the function" exercises: the reference function is accepted, known slips diagnosed,
  and a function that raises, returns None, NaN or text gets a message naming the case.
The values of the Mistakes are checked against the slips they describe, worked by hand, in the
per-lesson tests below.
"""
import math
from fractions import Fraction

import numpy as np
import pytest
import torch

from lessons_lib import (
    exercises,
    exercises_00,
    exercises_01,
    exercises_02,
    exercises_03,
    exercises_04,
    exercises_05,
    exercises_06,
    exercises_07,
    exercises_08,
    exercises_09,
    exercises_10,
    exercises_11,
    tiny_autograd,
)

MODULES = [exercises_00, exercises_01, exercises_02, exercises_03, exercises_04, exercises_05,
           exercises_06, exercises_07, exercises_08, exercises_09, exercises_10, exercises_11]
ANSWERED = [(m, name) for m in MODULES for name in m.ANSWERS]
FUNCTIONS = {  # (module, exercise) -> a right function, a slip and its words
    (exercises_00, "mse_function"): (
        lambda p, t: np.mean((np.array(p) - np.array(t)) ** 2),
        lambda p, t: np.sum((np.array(p) - np.array(t)) ** 2), "the sum of the squares"),
    (exercises_03, "chain_gradient"): (
        lambda x, w, b, y: 4 * ((w * x + b) ** 2 - y) * (w * x + b) * x,
        lambda x, w, b, y: 4 * ((w * x + b) ** 2 - y) * (w * x + b), "dloss/d(w * x)"),
    (exercises_05, "add_backward"): (lambda g: (g, g), lambda g: (g / 2, g / 2), "half of grad"),
    (exercises_05, "mul_backward"): (lambda a, b, g: (g * b, g * a),
                                     lambda a, b, g: (g * a, g * b), "swapped"),
    (exercises_05, "square_backward"): (lambda a, g: 2 * a * g, lambda a, g: a * g, "a * grad"),
    (exercises_05, "relu_backward"): (lambda d, g: (d > 0) * g, lambda d, g: g,
                                      "the gradient unchanged"),
    (exercises_05, "topo_order"): (tiny_autograd.topo_order,
                                   lambda r: tiny_autograd.topo_order(r)[::-1], "reversed"),
    (exercises_05, "backward_pass"): (tiny_autograd.backward_pass, exercises_05._assign,
                                      "assigned instead of added"),
    (exercises_06, "towards_zero"): (exercises_06._written_out, lambda k: (
        np.abs(k[1:]) < np.abs(k[:-1])).sum(axis=0), "the count of steps"),
    (exercises_09, "linear_layer_backward"): (
        lambda x, w, b, t: (lambda dy: (dy @ w.T, x.T @ dy, dy.sum(0)))(2 * (x @ w + b - t)
                                                                       / len(x)),
        lambda x, w, b, t: (lambda dy: (dy @ w.T, x.T @ dy, dy.mean(0)))(2 * (x @ w + b - t)
                                                                         / len(x)),
        "db averaged over the batch"),
    (exercises_09, "cross_entropy_gradient"): (
        lambda z, labels: (np.exp(z) / np.exp(z).sum(1, keepdims=True)
                           - np.eye(z.shape[1])[labels]) / len(z),
        lambda z, labels: np.exp(z) / np.exp(z).sum(1, keepdims=True) - np.eye(z.shape[1])[labels],
        "without the mean"),
    (exercises_10, "overlapping_pool_backward"): (
        exercises_10._pool_backward_solved,
        lambda x, dy: exercises_10._pool_slip(x, dy, "assign"), "instead of +="),
    (exercises_10, "strided_kernel_grad"): (
        exercises_10._strided_rule, lambda x, dy: exercises_10._strided_rule(x, dy, "mean"),
        "the mean over the batch"),
}
BAD_ANSWERS = ["abc", "12", [1.0], {"a": 1}, 10**400, math.nan, math.inf, -math.inf, object(),
               True, torch.ones(2), np.ones(3)]


def _tag(module):
    return module.__name__.split(".")[-1]


@pytest.mark.parametrize("module", MODULES, ids=_tag)
def test_every_lesson_has_three_exercises_with_hints_and_solutions(module):
    assert len(module.BOOK.names) >= 3
    for name in module.BOOK.names:
        assert callable(getattr(module, name)), name
        assert module.hint(name, 1).startswith("Hint 1 of")
        assert module.hint(name, 2).startswith("Hint 2 of")
        steps = repr(module.solution(name)).splitlines()
        assert len(steps) >= 3 and steps[-1].startswith("Answer: "), (name, steps)
    functions = {name for (m, name) in FUNCTIONS if m is module} | {"training_step"} & set(
        module.BOOK.names)
    assert set(module.BOOK.names) == set(module.ANSWERS) | functions


def test_lesson_04_has_at_least_four_exercises_on_a_new_image():
    numbers = [name for name in exercises_04.ANSWERS
               if not isinstance(exercises_04.ANSWERS[name]()[0], str)]
    assert len(numbers) >= 4
    from lessons_lib.conv2d import IMAGE
    assert exercises_04.IMAGE.shape != IMAGE.shape  # a new image, not the lesson's


@pytest.mark.parametrize("module, name", ANSWERED, ids=lambda v: v if isinstance(v, str)
                         else _tag(v))
def test_right_answer_in_every_type_and_every_slip_diagnosed(module, name):
    checker, (right, mistakes) = getattr(module, name), module.ANSWERS[name]()
    solved = module.solution(name).answer
    assert checker(None).status == exercises.NOT_ATTEMPTED
    if isinstance(right, str):
        assert solved == right
        accepted = [right, f"  {right.upper()} \n"]
    else:
        assert math.isclose(solved, right, rel_tol=1e-9)
        accepted = [float(right), np.float64(right), np.float32(right), Fraction(float(right)),
                    torch.tensor(float(right), dtype=torch.float64), torch.tensor([float(right)]),
                    np.array(float(right))]
        if float(right).is_integer():
            accepted += [int(right), np.int64(int(right)), torch.tensor(int(right))]
    for answer in accepted:
        assert checker(answer).correct, (answer, checker(answer))
    seen = [right]
    for mistake in mistakes:
        feedback = checker(mistake.value)
        assert not feedback.correct, mistake
        if not any(_same(mistake.value, v) for v in seen):  # a slip equal to an earlier one
            assert mistake.diagnosis in feedback.message, (mistake, feedback)
            assert f"{_tag(module)}.hint({name!r})" in feedback.message
        seen.append(mistake.value)
    for bad in BAD_ANSWERS:
        feedback = checker(bad)
        assert feedback.status == exercises.WRONG and feedback.message, (bad, feedback)


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip().lower() == str(b).strip().lower()
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


@pytest.mark.parametrize("module, name", [key for key in ANSWERED
                                          if not isinstance(key[0].ANSWERS[key[1]]()[0], str)
                                          and key[0] is not exercises_06],
                         ids=lambda v: v if isinstance(v, str) else _tag(v))
def test_two_right_digits_get_close_not_wrong(module, name):
    right, mistakes = module.ANSWERS[name]()
    rounded = float(f"{right:.2g}")
    if math.isclose(rounded, right, rel_tol=1e-3) or any(_same(rounded, m.value)
                                                         for m in mistakes):
        pytest.skip("two digits are already the answer (or a known slip)")
    feedback = getattr(module, name)(rounded)
    if float(right).is_integer():  # a count: two digits of a count are simply wrong
        assert not feedback.correct
    else:
        assert "four significant digits" in feedback.message, feedback


@pytest.mark.parametrize("key", list(FUNCTIONS), ids=lambda key: f"{_tag(key[0])}.{key[1]}")
def test_write_the_function_exercises(key):
    module, name = key
    right, slip, words = FUNCTIONS[key]
    checker = getattr(module, name)
    assert checker(right).correct
    feedback = checker(slip)
    assert not feedback.correct and words in feedback.message, feedback
    assert f"{_tag(module)}.hint({name!r})" in feedback.message
    assert checker(lambda *args: None).status == exercises.NOT_ATTEMPTED
    for bad, message in [(lambda *args: 1 / 0, "ZeroDivisionError"),
                         (lambda *args: math.nan, "NaN"), (lambda *args: "x", "not numbers"),
                         ("not a function", "expected a function")]:
        feedback = checker(bad)
        assert feedback.status == exercises.WRONG and message in feedback.message
        assert feedback.message.startswith("Case ")  # says which case failed
    solved = module.solution(name).answer
    if name in ("mse_function", "chain_gradient"):  # the solution gives every case's value
        values = iter(solved)
        assert checker(lambda *args: next(values)).correct


def reference_step(w, x, y_true, lr):
    loss = (w * x - y_true) ** 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()
    return loss  # the textbook answer: a tensor that requires grad, with no warning


def test_training_step_accepts_a_right_step_and_diagnoses_slips():
    check = exercises_02.training_step
    assert check(lambda w, x, y, lr: None).status == exercises.NOT_ATTEMPTED
    assert check(reference_step).correct

    def no_zero(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        return loss.item()

    def plus(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        with torch.no_grad():
            w += lr * w.grad
        w.grad.zero_()
        return loss.item()

    def outside_no_grad(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        w -= lr * w.grad
        return loss.item()

    def rebinds(w, x, y_true, lr):
        loss = (w * x - y_true) ** 2
        loss.backward()
        w = w - lr * w.grad
        return loss.item()

    def nan_step(w, x, y_true, lr):
        with torch.no_grad():
            w.fill_(math.nan)
        return 0.0

    def grad_off(w, x, y_true, lr):
        result = reference_step(w, x, y_true, lr)
        torch.set_grad_enabled(False)
        return result

    assert "Zero it" in repr(check(no_zero))
    assert "wrong sign" in repr(check(plus))
    assert "torch.no_grad()" in repr(check(outside_no_grad))
    assert "in place" in repr(check(rebinds))
    assert "nan" in repr(check(nan_step)) and not check(nan_step).correct
    assert "ZeroDivisionError" in repr(check(lambda w, x, y, lr: 1 / 0))
    assert "not the loss" in repr(check(lambda w, x, y, lr: reference_step(w, x, y, lr) and "x"))
    assert "expected your function" in repr(check(3)).lower()
    assert check(grad_off).correct and torch.is_grad_enabled()
    assert "exercises_02.hint('training_step')" in repr(check(plus))


# The Mistakes' values, worked by hand from the slip each describes.
@pytest.mark.parametrize("module, name, value, words", [
    (exercises_00, "mean_squared_error", 3.5, "sum of the squares"),  # .25 + 1 + 2.25
    (exercises_00, "mean_squared_error", -1.0, "mean error"),  # (-.5 - 1 - 1.5) / 3
    (exercises_01, "one_update", 0.64, "wrong sign"),  # 1 + 0.02 * (-18)
    (exercises_01, "one_update", 1.18, "factor 2"),  # 1 + 0.02 * 9
    (exercises_01, "one_step_lr", 1 / 9, "oscillates forever"),
    (exercises_01, "regime", "diverges", "below -1"),
    (exercises_02, "accumulated_grad", -15.0, "one backward"),  # 2 * (0 - 5) * 1.5
    (exercises_02, "accumulated_grad_at_step_2", -23.04, "own gradient"),  # at w = 0.72
    (exercises_03, "outer_inner", 75.0, "dy/dz alone"),  # 3 * 5**2
    (exercises_03, "outer_inner", 54.0, "not at x"),  # 3 * 3**2 * 2
    (exercises_03, "outer_inner", 20.0, "not 2z"),  # 2 * 5 * 2
    (exercises_03, "outer_inner", 125.0, "y itself"),  # 5**3
    (exercises_03, "weight_gradient", 5.25, "square's local derivative"),  # 2 * 5.25 * 0.5
    (exercises_03, "conv_parameter_count", 608 + 3 * 784, "data"),  # 8 * 76 + 3 * 28 * 28
    (exercises_03, "conv_parameter_count", 8 * 26, "EACH of them"),  # one 5x5 kernel per out
    (exercises_04, "output_top_right", -4.0, "bias"),  # 0*3 + 1*2 + 3*(-2) + 0*1
    (exercises_04, "bias_gradient", 9.0, "Half"),  # (12.5 - 17.5 + 18.5 + 4.5) / 2
    (exercises_04, "centre_pixel_gradient", 54.0, "by the pixel"),  # 3 * 18
    (exercises_04, "zeroing_lr", 19.0, "Upside down"),  # 57 / 3
    (exercises_04, "bias_shift", 2.0, "ONE blame score"),  # 2 x 1: one output's blame
    (exercises_04, "bias_shift", 4.0, "moves twice as far"),  # 4 x 1: the errors, no 2
    (exercises_04, "lr_limit", 1 / 64.82788, "1 / (largest curvature)"),
    (exercises_04, "lr_limit", 2 / 28.0, "one weight alone"),  # 2 / the largest diagonal entry
    (exercises_04, "lr_limit", 2.086e-5, "lesson's limit"),
    (exercises_08, "forward_multiply_adds", 8 * 256 * 256 * 9, "smaller than the image"),
    (exercises_08, "step_multiply_adds", 16 * 60 * 60 * 25, "forward pass alone"),
    (exercises_09, "start_loss", math.log10(26), "base-10"),
    (exercises_09, "start_loss", 1 / 26, "probability of the right class"),
    (exercises_09, "lr_for_sum", 0.1 * 32, "Upside down"),
    (exercises_09, "lr_for_sum", 0.1, "N times too long"),
    (exercises_09, "dead_neuron", "it depends on the labels", "the gate multiplies dh by 0"),
    (exercises_10, "wide_parameters", 16 * 25 + 16 * 16 * 10, "biases"),  # no bias at all
    (exercises_10, "wide_parameters", 16 * 25 + 16 + 16 * 64 * 10 + 10, "pool halves"),
    (exercises_10, "letters_start_loss", math.log(10), "10 digits"),
    (exercises_10, "letters_start_loss", math.log10(26), "natural logarithm"),
])
def test_mistakes_are_the_slips_they_describe(module, name, value, words):
    feedback = getattr(module, name)(value)
    assert not feedback.correct and words in feedback.message, feedback


@pytest.mark.parametrize("module, name, right", [
    (exercises_00, "mean_squared_error", 3.5 / 3), (exercises_01, "one_update", 1.36),
    (exercises_01, "one_step_lr", 1 / 18), (exercises_02, "accumulated_grad", -30.0),
    (exercises_02, "accumulated_grad_at_step_2", -36 - 23.04), (exercises_03, "outer_inner", 150),
    (exercises_03, "conv_parameter_count", 8 * (3 * 5 * 5 + 1)),
    (exercises_04, "output_top_right", -3.75), (exercises_04, "blame_bottom_left", 18.5),
    (exercises_04, "weight_bottom_right", 37.5 + 37 + 4.5), (exercises_04, "bias_gradient", 18),
    (exercises_04, "centre_pixel_gradient", 12.5 + 35 + 37 + 13.5),
    (exercises_04, "zeroing_lr", 3 / 57), (exercises_04, "bias_shift", 4 * 2 * 1.0),
    (exercises_04, "lr_limit", 1 / np.linalg.eigvalsh(np.array(
        [[2, 0, 1, 3], [0, 1, 3, 0], [1, 3, 0, 2], [3, 0, 2, 1]]).T @ np.array(
        [[2, 0, 1, 3], [0, 1, 3, 0], [1, 3, 0, 2], [3, 0, 2, 1]])).max()),  # 2 / eig(2 X^T X)
    (exercises_08, "forward_multiply_adds", 8 * 254**2 * 9),
    (exercises_08, "step_multiply_adds", 2 * 16 * 60**2 * 25),
    (exercises_09, "start_loss", math.log(26)), (exercises_09, "lr_for_sum", 0.1 / 32),
    (exercises_10, "wide_parameters", 16 * 5 * 5 + 16 + 16 * 4 * 4 * 10 + 10),
    (exercises_10, "letters_start_loss", math.log(26)),
    (exercises_11, "effective_lr", 0.02 * 64), (exercises_11, "distinct_kernels", 1),
    (exercises_11, "flipped_linear_ratio", 1.0),
])
def test_right_answers_worked_by_hand(module, name, right):
    assert getattr(module, name)(right).correct
