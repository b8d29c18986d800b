"""lessons_lib.exercises_10: the "write the function" exercises accept the rule and name each
slip; the find-the-bug checkers accept only the bug that explains the symptom."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lessons_lib import clinic, exercises, exercises_10


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
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x, dy) / len(x), "mean"),
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x, dy)[:, :, ::-1, ::-1],
     "flip"),
    ("strided_kernel_grad", lambda x, dy: strided_by_autograd(x[:1], dy[:1]), "first example"),
])
def test_slips_are_named(name, slip, words):
    feedback = getattr(exercises_10, name)(slip)
    assert not feedback.correct and words in feedback.message, feedback


def test_find_the_bug_accepts_the_bug_and_says_why_the_others_do_not_fit():
    for name, checker in (("A", exercises_10.find_the_bug_a), ("B", exercises_10.find_the_bug_b)):
        right = exercises_10.MYSTERIES[name]
        assert checker(right).correct
        assert checker(None).status == exercises.NOT_ATTEMPTED
        for bug in clinic.BUGS:
            if bug != right:
                feedback = checker(bug)
                assert not feedback.correct and len(feedback.message) > 80, (bug, feedback)
        assert "not one of the options" in checker("a typo").message
    assert "gradient check" in exercises_10.find_the_bug_b("missing 1/N").message


def test_the_symptoms_are_what_the_diagnoses_describe():
    a, b = exercises_10.symptom("A"), exercises_10.symptom("B")
    assert "conv_w 8, conv_b 8, lin_w 8, lin_b 8" in a and "stopped at step" in a
    assert "conv_w 1, conv_b 1, lin_w 1, lin_b 1" in b
    assert exercises_10._first_loss_above("learning rate too large", 100) <= 2
    with pytest.raises(ValueError, match="name"):
        exercises_10.symptom("C")


def test_worked_answers_by_hand():
    assert exercises_10.wide_parameters(16 * 25 + 16 + 16 * 16 * 10 + 10).correct
    assert exercises_10.letters_start_loss(np.log(26)).correct
    assert "natural logarithm" in exercises_10.letters_start_loss(np.log10(26)).message
