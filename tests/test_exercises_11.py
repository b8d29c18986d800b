"""lessons_lib.exercises_11: the right answers are what the runs and checks compute, worked by
hand too, and each slip gets its diagnosis."""
import numpy as np

from lessons_lib import clinic, cnn, digits, exercises_11


def test_right_answers_worked_by_hand():
    assert exercises_11.effective_lr(0.02 * 64).correct
    assert exercises_11.distinct_kernels(1).correct
    assert exercises_11.flipped_linear_ratio(1).correct  # the conv's gradient is untouched


def test_the_answers_come_from_the_runs():
    start = exercises_11.equal_start()
    assert np.all(start.conv_w == start.conv_w[0]) and np.all(start.lin_w == 0.01)
    count, largest = exercises_11._equal_run()
    assert count == 1 and largest > 0.1  # the kernels moved, together
    assert abs(exercises_11._conv_ratio() - 1) < 1e-6
    split = digits.load_split()
    right = clinic.gradient_check(cnn.init(1), split.train_x[:8], split.train_y[:8])
    assert abs(right["lin_w"] - 1) < 1e-6


def test_slips_are_diagnosed():
    assert "multiply" in exercises_11.effective_lr(0.02 / 64).message
    assert "own gradient" in exercises_11.distinct_kernels(8).message
    assert "missing 1/N" in exercises_11.flipped_linear_ratio(8).message
    assert "dx, is untouched" in exercises_11.flipped_linear_ratio(-1).message
    assert "dx, which is" in exercises_11.flipped_linear_ratio(0).message
