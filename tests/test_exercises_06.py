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


def test_edge_likeness_accepts_the_measure_and_diagnoses_slips():
    assert exercises_06.edge_likeness(lambda k: None).status == exercises.NOT_ATTEMPTED
    assert exercises_06.edge_likeness(exercises_06._written_out).correct

    def copied(kernel):
        return features.sobel_correlation(kernel)

    assert "Write it yourself" in repr(exercises_06.edge_likeness(copied))
    assert "def edge_likeness(kernel):" in repr(exercises_06.solution("edge_likeness"))
    for slip, diagnosis in [
            (lambda k: max(features.correlation(k, features.SOBEL),
                           features.correlation(k, features.SOBEL.T)), "size of the correlation"),
            (lambda k: abs(features.correlation(k, features.SOBEL)), "SOBEL.T"),
            (lambda k: max(abs(np.ravel(k) @ s.ravel()) / np.linalg.norm(k) / np.linalg.norm(s)
                           for s in (features.SOBEL, features.SOBEL.T)), "mean first"),
            (lambda k: k.foo, "AttributeError"), (lambda k: 0.5, "expected")]:
        feedback = exercises_06.edge_likeness(slip)
        assert not feedback.correct and diagnosis in repr(feedback), feedback
    assert exercises_06.hint("edge_likeness", 2).startswith("Hint 2 of 2")
