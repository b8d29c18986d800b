"""lessons_lib.exercises_11: the right answers are what the runs and checks compute, worked by
hand too, and each slip gets its diagnosis; the find-the-bug checkers accept only the bug that
explains the symptom."""
import numpy as np
import pytest

from lessons_lib import clinic, cnn, digits, exercises, exercises_11


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


def test_the_count_of_kernels_reads_as_english():
    last = repr(exercises_11.solution("distinct_kernels")).splitlines()[-2]
    assert last.endswith("all 8 are still equal: 1 different kernel"), last
    assert "one(s)" not in last


def test_slips_are_diagnosed():
    assert "multiply" in exercises_11.effective_lr(0.02 / 64).message
    assert "hold 64" in exercises_11.effective_lr(0.02 * 32).message  # lesson 10's batches
    assert "64 terms" in exercises_11.effective_lr(0.02 * 63).message
    assert "own gradient" in exercises_11.distinct_kernels(8).message
    assert "missing 1/N" in exercises_11.flipped_linear_ratio(8).message
    assert "dx, is untouched" in exercises_11.flipped_linear_ratio(-1).message
    assert "dx, which is" in exercises_11.flipped_linear_ratio(0).message


def test_find_the_bug_accepts_the_bug_and_says_why_the_others_do_not_fit():
    for name, checker in (("A", exercises_11.find_the_bug_a), ("B", exercises_11.find_the_bug_b)):
        right = exercises_11.MYSTERIES[name]
        assert checker(right).correct
        assert checker(None).status == exercises.NOT_ATTEMPTED
        for bug in clinic.BUGS:
            if bug != right:
                feedback = checker(bug)
                assert not feedback.correct and len(feedback.message) > 80, (bug, feedback)
        assert "not one of the options" in checker("a typo").message
    assert "gradient check" in exercises_11.find_the_bug_b("missing 1/N").message


def test_the_symptoms_show_every_step_and_not_the_answer():
    a, b = exercises_11.symptom("A"), exercises_11.symptom("B")
    assert "conv_w 16, conv_b 16, lin_w 16, lin_b 16" in a and "on a batch of 16" in a
    assert "conv_w 1, conv_b 1, lin_w 1, lin_b 1" in b and "stopped after step" in b
    for text, bug in ((a, "missing 1/N"), (b, "gradients never zeroed")):
        losses = exercises_11._run(bug)
        shown = [float(v) for line in text.splitlines() if line.startswith("  steps ")
                 for v in line.split(":", 1)[1].split()]
        assert np.allclose(shown, losses, rtol=5e-3)  # every step, none skipped
        assert not any(option in text for option in clinic.BUGS)
    never = exercises_11._run("gradients never zeroed")
    assert never[:10].min() < never[0] < never[-1]  # falls first, then climbs
    assert exercises_11._first_loss_above("learning rate too large", 100) <= 2
    with pytest.raises(ValueError, match="name"):
        exercises_11.symptom("C")
