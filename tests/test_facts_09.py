"""Every number and claim lesson 09's prose states, asserted against the library and against
the stored outputs of the executed notebook."""
import math

import numpy as np
import pytest

from lessons_lib import exercises_09, layers
from tests import stored_notebooks


@pytest.fixture(scope="module")
def nb():
    return stored_notebooks.load_named("layers-of-neurons")


def test_exp_overflows_above_709_8_and_float64_tops_out_near_1_8e308():
    top = np.finfo(np.float64).max
    assert f"{top:.1e}" == "1.8e+308" and round(math.log(top), 1) == 709.8
    with np.errstate(over="raise"):
        np.exp(709.7)
        with pytest.raises(FloatingPointError):
            np.exp(709.8)


def test_start_losses_are_ln_3_and_ln_10(nb):
    assert (round(math.log(3), 4), round(math.log(10), 4)) == (1.0986, 2.3026)
    out = stored_notebooks.output_after(nb, "for classes in (3, 10):")
    assert "ln 3 = 1.0986" in out and "ln 10 = 2.3026" in out
    assert "with small weights 1.1003" in out and "with small weights 2.3036" in out
    assert layers.cross_entropy(np.zeros((1, 3)), np.array([1])) == pytest.approx(math.log(3))


def test_stable_softmax_and_log_sum_exp_where_the_naive_forms_fail(nb):
    out = stored_notebooks.output_after(nb, "big = np.array([[1000.0, 1001.0, 999.0]])")
    assert "naive softmax: [nan nan nan]" in out and "709.8" in out
    assert np.allclose(layers.softmax(np.array([[1000.0, 1001.0, 999.0]])),
                       [[0.2447, 0.6652, 0.09]], atol=5e-5)
    out = stored_notebooks.output_after(nb, "far = np.array([[0.0, 800.0]])")
    assert "-800" in out and "-ln p = inf" in out and "log-sum-exp gives 800" in out
    assert layers.cross_entropy(np.array([[0.0, 800.0]]), np.array([0])) == 800.0


def test_p_minus_y_of_the_worked_example(nb):
    z = np.array([[2.0, -1.0, 0.5]])
    grad = layers.cross_entropy_backward(z, np.array([2]))[0]
    assert np.round(grad, 4).tolist() == [0.7856, 0.0391, -0.8247]
    out = stored_notebooks.output_after(nb, "z = np.array([2.0, -1.0, 0.5])")
    assert "loss = -ln p[c] = 1.7413" in out and "-0.8247" in out


def test_the_shape_trick_leaves_one_product(nb):
    out = stored_notebooks.output_after(nb, "def products_with_shape(")
    for_dw, for_dx = out.split("for dX, from dy and w:")
    for part, name in ((for_dw, "w"), (for_dx, "x")):
        products = [line for line in part.splitlines() if "->" in line]
        assert len(products) == 2  # "of the eight ways ... only two multiply at all"
        assert sum(f"the shape of {name}" in line for line in products) == 1
    assert "x.T @ dy   -> (2, 3): the shape of w" in for_dw
    assert "dy @ w.T  -> (4, 2): the shape of x" in for_dx


def test_mean_versus_sum_grows_with_the_batch_only_for_the_sum(nb):
    out = stored_notebooks.output_after(nb, "w_teacher = rng.normal")
    assert "the sum's gradient grew 6.2 times, the mean's 0.8 times" in out
    assert "of the sum's 5.544" in out and "of the sum's 34.546" in out  # computed from P - Y
    assert "lr 0.5 on the mean = lr 0.0078125 on the sum (batch of 64)" in \
        stored_notebooks.output_after(nb, "lr_mean, n = 0.5, 64")
    out = stored_notebooks.output_after(nb, "def accumulated(pieces, weight):")
    assert "4 + 4, each piece's mean not divided                    : off the whole batch's " \
        "gradient by 1.00" in out  # the halves' sum is twice the mean
    assert "4 + 4, each piece's mean divided by the number of pieces: off the whole batch's " \
        "gradient by 0.00" in out
    assert "2 + 6, each piece's mean divided by the number of pieces: off the whole batch's " \
        "gradient by 0.50" in out  # only equal pieces may simply be divided by their number
    assert "2 + 6, each piece's mean weighted by n_piece / N        : off the whole batch's " \
        "gradient by 0.00" in out


def test_the_two_layer_network_and_its_training_run(nb):
    out = stored_notebooks.output_after(nb, "classes, per_class, hidden = 3, 30, 8")
    assert "90 points, 3 classes; 51 parameters" in out
    assert 2 * 8 + 8 + 8 * 3 + 3 == 51
    out = stored_notebooks.output_after(nb, "lr, steps = 0.5, 200")
    assert "loss before training: 1.1311, 0.0325 above ln 3 = 1.0986" in out
    assert 0.01 < 1.1311 - math.log(3) < 0.05  # "a little above ln 3", beyond cell 27's 0.01
    lean = float(out.split("sits on average ")[1].split()[0])
    assert lean == 0.0316 and abs(lean - 0.0325) < 0.002  # the lean explains the excess
    final = float(out.split("after 200 steps: loss ")[1].split(",")[0])
    assert final < 0.1  # "training brings it well down"
    assert "training accuracy 100.0%" in out
    gap = float(out.split("over 200 steps: ")[1].split()[0])
    assert gap < 1e-12
    out = stored_notebooks.output_after(nb, "twice = F.cross_entropy(torch.softmax")
    assert "F.cross_entropy(logits) = 1.1311 = ours" in out
    assert "F.cross_entropy(probabilities) = 1.1092" in out  # lower, and wrong
    assert "3.1 times smaller" in out and "a loss of 0.5514, never 0" in out
    assert math.log((math.e + 2) / math.e) == pytest.approx(0.5514, abs=5e-5)  # the floor
    assert "shape (8, 2) = W1 transposed" in out


def test_relu_and_max_gates(nb):
    out = stored_notebooks.output_after(nb, "shut = h_pre <= 0")
    assert "of the 720 hidden values" in out
    out = stored_notebooks.output_after(nb, "d_pooled = np.array")
    assert "[[5. 8.]\n [9. 7.]]" in out


def test_the_exercises_use_settings_the_lesson_never_did(nb):
    assert (exercises_09.LETTERS, exercises_09.BATCH, exercises_09.MEAN_LR) == (26, 32, 0.1)
    out = stored_notebooks.output_after(nb, "exercises_09.LETTERS")
    assert "26 classes" in out and "batches of 32" in out and "learning rate 0.1" in out
    shapes = {(4, 2, 3)}  # the lesson's (N, D_in, D_out)
    assert not shapes & set(exercises_09.SHAPES)
    lesson_logits = {(4, 3), (1, 3), (1, 4), (1, 2), (90, 3), (1000, 3), (1000, 10), (8, 3),
                     (64, 3), (2, 3), (6, 3)}  # every (N, K) the lesson's softmax sees
    assert not lesson_logits & set(exercises_09.CE_SHAPES)
