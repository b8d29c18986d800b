"""lessons_lib.exercises_10: the "write the function" exercises accept the rule and name each
slip; the number exercises name the likely slips."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import exercises_10


def strided_by_autograd(x, dy):
    w = torch.zeros(dy.shape[1], x.shape[1], 3, 3, dtype=torch.float64, requires_grad=True)
    (F.conv2d(torch.tensor(x), w, stride=2) * torch.tensor(dy)).sum().backward()
    return w.grad.numpy()


def overlapping_by_autograd(x, dy):
    xt = torch.tensor(x, requires_grad=True)
    (F.max_pool2d(xt[None, None], 2, stride=1)[0, 0] * torch.tensor(dy)).sum().backward()
    return xt.grad.numpy()


def test_the_expected_answers_are_autograd_s():
    assert exercises_10.strided_kernel_grad(strided_by_autograd).correct
    assert exercises_10.overlapping_pool_backward(overlapping_by_autograd).correct


@pytest.mark.parametrize("name, slip, words", [
    ("overlapping_pool_backward", lambda x, dy: exercises_10._pool_slip(x, dy, "assign"), "+="),
    ("overlapping_pool_backward", lambda x, dy: exercises_10._pool_slip(x, dy, "spread"),
     "average pooling"),
    ("overlapping_pool_backward", lambda x, dy: exercises_10._pool_slip(x, dy, "stride 2"),
     "stride-2 pool"),
    ("overlapping_pool_backward", lambda x, dy: exercises_10._pool_slip(x, dy, "last"),
     "first largest input"),
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x, dy) / len(x), "mean"),
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x, dy)[:, :, ::-1, ::-1],
     "flip"),
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x[:1], dy[:1]), "first example"),
    ("strided_kernel_grad", lambda x, dy: exercises_10._strided_rule(x, dy, stride=1),
     "step 2 through x"),
])
def test_slips_are_named(name, slip, words):
    feedback = getattr(exercises_10, name)(slip)
    assert not feedback.correct and words in feedback.message, feedback


def test_worked_answers_by_hand():
    assert exercises_10.wide_parameters(16 * 25 + 16 + 16 * 16 * 10 + 10).correct
    assert exercises_10.letters_start_loss(np.log(26)).correct
    assert "natural logarithm" in exercises_10.letters_start_loss(np.log10(26)).message
    assert "log2" in exercises_10.letters_start_loss(np.log2(26)).message
    assert "10 digits" in exercises_10.letters_start_loss(np.log(10)).message
    assert "26 letters, not 25" in exercises_10.letters_start_loss(np.log(25)).message
    assert "26 letters, not 27" in exercises_10.letters_start_loss(np.log(27)).message
    assert "lesson's network" in exercises_10.wide_parameters(8 * 9 + 8 + 128 * 10 + 10).message
    assert "conv layer alone" in exercises_10.wide_parameters(16 * 25 + 16).message
    unpadded = 16 * 25 + 16 + 16 * 2 * 2 * 10 + 10  # 5x5 without padding: 4x4 maps, pooled 2x2
    assert "Padding 2" in exercises_10.wide_parameters(unpadded).message


def test_ties_go_to_the_first_maximum_as_in_pytorch():
    tied = [case for case in exercises_10._pool_cases() if "tied" in case.label]
    assert len(tied) == 1
    x, dy = tied[0].make_args()
    assert np.array_equal(tied[0].expected, overlapping_by_autograd(x, dy))
    assert not np.array_equal(tied[0].expected, exercises_10._pool_slip(x, dy, "last"))


def test_feedback_never_shows_a_whole_expected_array():
    feedback = exercises_10.overlapping_pool_backward(lambda x, dy: np.zeros_like(x))
    assert "the shape is right (4x4)" in feedback.message and "[[" not in feedback.message
    assert feedback.message.count("expected ") == 1, feedback  # one entry, not several
    feedback = exercises_10.strided_kernel_grad(lambda x, dy: strided_by_autograd(x, dy) * 2)
    assert "the shape is right (2x1x3x3)" in feedback.message and "[[" not in feedback.message


def test_a_flipped_kernel_gradient_is_a_wrong_sign():
    feedback = exercises_10.strided_kernel_grad(lambda x, dy: -strided_by_autograd(x, dy))
    assert "right size, wrong sign" in feedback.message, feedback


def test_the_stride_1_nudge_does_not_give_the_solution_s_slice():
    feedback = exercises_10.strided_kernel_grad(
        lambda x, dy: exercises_10._strided_rule(x, dy, stride=1))
    assert "starts at input (2i, 2j)" in feedback.message, feedback
    assert ":2]" not in feedback.message and "2*ho" not in feedback.message, feedback
