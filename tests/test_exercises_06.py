"""Lesson 06's checkers: right answers pass, known slips are diagnosed, worked solutions are
computed and accepted."""
import numpy as np

from lessons_lib import exercises, exercises_06, features


def test_learned_numbers():
    assert exercises_06.learned_numbers(None).status == exercises.NOT_ATTEMPTED
    assert exercises_06.learned_numbers(20).correct
    for answer, diagnosis in {18: "readout and the bias", 11: "two channels",
                              19: "One short"}.items():
        feedback = exercises_06.learned_numbers(answer)
        assert not feedback.correct and diagnosis in repr(feedback)
    assert exercises_06.learned_numbers(exercises_06.solution("learned_numbers").answer).correct


def test_copied_channel_is_answered_by_training():
    assert exercises_06.copied_channel(None).status == exercises.NOT_ATTEMPTED
    right = exercises_06.solution("copied_channel").answer
    assert right == "detector"  # a copy of the image carries the label: its weights stay
    assert exercises_06.copied_channel(right).correct
    wrong = exercises_06.copied_channel("shrinks")
    assert not wrong.correct and "carries exactly" in repr(wrong)


def test_copied_channel_solution_says_why_its_lr_is_lower():
    steps = exercises_06.solution("copied_channel").steps
    assert exercises_06.COPY_LR < 0.5
    assert any("training diverged at step" in line and "twice as far" in line for line in steps)


def test_towards_zero_accepts_the_share_and_diagnoses_slips():
    assert exercises_06.towards_zero(lambda k: None).status == exercises.NOT_ATTEMPTED
    assert exercises_06.towards_zero(exercises_06._written_out).correct
    k = exercises_06._test_runs()[1]  # crosses zero, ties and exact zeros
    by_loop = [[np.mean([abs(k[t + 1, a, b]) < abs(k[t, a, b]) for t in range(len(k) - 1)])
                for b in range(3)] for a in range(3)]
    assert np.allclose(exercises_06._written_out(k), by_loop)
    assert "def towards_zero(kernels):" in repr(exercises_06.solution("towards_zero"))
    size = np.abs
    for slip, diagnosis in [
            (lambda k: (k[1:] < k[:-1]).mean(axis=0), "np.abs"),
            (lambda k: (size(k[1:]) < size(k[:-1])).sum(axis=0) / len(k), "n - 1 steps"),
            (lambda k: (size(k[1:]) < size(k[:-1])).sum(axis=0), "share from 0 to 1"),
            (lambda k: (size(k[1:]) < size(k[:-1])).mean(), "axis=0"),
            (lambda k: (size(k[1:]) <= size(k[:-1])).mean(axis=0), "not <="),
            (lambda k: k.foo, "AttributeError"), (lambda k: 0.5, "expected")]:
        feedback = exercises_06.towards_zero(slip)
        assert not feedback.correct and diagnosis in repr(feedback), feedback
    assert exercises_06.hint("towards_zero", 2).startswith("Hint 2 of 2")


def test_towards_zero_cases_are_not_the_lessons_run():
    images, labels = features.make_images(n=256, size=8, noise=0.5, seed=100)
    lesson = features.train(images, labels, features.random_model(seed=0), steps=15).kernels
    assert not any(np.allclose(k[:2], lesson[:2, features.NOISE])
                   for k in exercises_06._test_runs())
