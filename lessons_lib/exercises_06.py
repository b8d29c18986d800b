"""Checkers, hints and worked solutions for lesson 06's exercises. Right answers come from
lessons_lib.features: counting the model's parameters, training it, measuring kernels."""
import functools
import inspect

import numpy as np

from lessons_lib import features
from lessons_lib.exercises import (
    WRONG,
    Feedback,
    Hints,
    Mistake,
    Solution,
    check_choice,
    check_number,
)
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_06")
hint, solution = BOOK.hint, BOOK.solution
COPY_OPTIONS = ("shrinks", "detector")
COPY_LR = 0.1  # two copies of the image double the response: 0.5 would diverge


def _model():
    return features.random_model(seed=0)


def _count():
    model = _model()
    return model.kernel.size + 2, model.kernel.size  # + readout + bias; the kernel alone


def _learned_numbers():
    total, kernel = _count()
    return total, [
        Mistake(kernel, "That is the kernel (both channels). The readout and the bias are "
                "updated too."),
        Mistake(kernel // 2 + 2, "The kernel has one 3x3 half per channel: two channels."),
        Mistake(kernel // 2, "One 3x3 half per channel, two channels, and two more numbers."),
        Mistake(total - 1, "One short: did you count both the readout and the bias?"),
    ]


def learned_numbers(answer):
    """Every number gradient descent updates: both kernel halves, the readout and the bias."""
    right, mistakes = _learned_numbers()
    return BOOK.with_help("learned_numbers", check_number(answer, right, mistakes, rel_tol=0,
                                                            whole=True))


def _solve_count():
    total, kernel = _count()
    return Solution((f"kernel: 2 channels x 3 x 3 = {kernel} weights",
                     "readout: 1, bias: 1", f"{kernel} + 1 + 1 = {total}"), total)


BOOK.add("learned_numbers", [
    "features.train updates a Model: look at what a Model holds.",
    "The kernel's shape is (2, 3, 3); the readout and the bias are one number each.",
], _solve_count)


@functools.cache  # deterministic (seed 0): train once per session
def _copied_run():
    images, labels = features.make_images()
    images = images.copy()
    images[:, features.NOISE] = images[:, features.IMAGE]  # the second channel: a copy
    run = features.train(images, labels, _model(), lr=COPY_LR)
    start, end = (np.abs(run.kernels[i, features.NOISE]).max() for i in (0, -1))
    likeness = [features.sobel_correlation(run.kernels[i, features.NOISE]) for i in (0, -1)]
    return start, end, likeness


def _copied_answer() -> str:
    start, end, likeness = _copied_run()
    return "shrinks" if end < start / 3 else "detector"


def copied_channel(answer):
    """What a channel that copies the image (rather than pure noise) turns into."""
    if answer is None:  # no need to train just to say so
        return check_choice(None, COPY_OPTIONS[0], COPY_OPTIONS)
    right, mistakes = _copied_channel()
    return BOOK.with_help("copied_channel", check_choice(answer, right, COPY_OPTIONS, mistakes))


def _copied_channel():
    right = _copied_answer()
    wrong = [o for o in COPY_OPTIONS if o != right][0]
    return right, [
        Mistake(wrong, "The lesson's weights shrank because their channel carried nothing about "
                "the label. A copy of the image carries exactly what the first channel does."
                if wrong == "shrinks" else "Compare what the copy carries with what pure noise "
                "carries.")]


def _solve_copy():
    start, end, likeness = _copied_run()
    return Solution(("train on images whose channel 1 copies channel 0 "
                     f"(seed 0, 300 steps, lr {COPY_LR})",
                     f"largest |channel-1 weight|: {start:.3f} at the start, {end:.3f} at the end",
                     f"its |correlation| with Sobel: {likeness[0]:.2f} at the start, "
                     f"{likeness[1]:.2f} at the end",
                     "both channels see the same pixels, so they get the same gradient at "
                     "every step"), _copied_answer())


BOOK.add("copied_channel", [
    "What made the noise weights shrink: their channel said nothing about the label.",
    "With identical channels, the two halves of the kernel multiply the same pixels: compare "
    "their gradients.",
], _solve_copy)


def _test_kernels():
    rng = np.random.default_rng(6)
    return [features.SOBEL, -features.SOBEL.T, *rng.normal(size=(4, 3, 3)) + 1.0]


def _slips(kernel):
    k = np.asarray(kernel, dtype=float)
    cosine = max(abs(k.ravel() @ s.ravel()) / np.linalg.norm(k) / np.linalg.norm(s)
                 for s in (features.SOBEL, features.SOBEL.T))
    return {
        "signed": max(features.correlation(k, features.SOBEL),
                      features.correlation(k, features.SOBEL.T)),
        "vertical only": abs(features.correlation(k, features.SOBEL)),
        "no centring": cosine,
    }


DIAGNOSES = {
    "signed": "A kernel and its negative detect the same edges here (the model squares): take "
              "the size of the correlation.",
    "vertical only": "Horizontal edge detectors count too: compare with Sobel turned "
                     "(features.SOBEL.T) as well and keep the larger.",
    "no centring": "That is the cosine of the raw weights. A correlation subtracts each "
                   "kernel's mean first.",
}


def _written_out(kernel):
    """The worked solution, from NumPy alone."""
    k = np.asarray(kernel, dtype=float)
    k = k - k.mean()
    best = 0.0
    for sobel in (features.SOBEL, features.SOBEL.T):
        s = sobel - sobel.mean()
        best = max(best, abs((k * s).sum()) / np.sqrt((k * k).sum() * (s * s).sum()))
    return best


def _calls_the_library(function) -> bool:
    try:
        return "sobel_correlation" in inspect.getsource(function)
    except (OSError, TypeError):  # no source to read (a built-in, say): nothing to reject
        return False


def edge_likeness(function):
    """`function(kernel)` must equal features.sobel_correlation on made-up kernels, without
    calling it."""
    name = "edge_likeness"
    kernels = _test_kernels()
    if _calls_the_library(function):
        return BOOK.with_help(name, Feedback(WRONG, "Write it yourself: calling "
                                             "features.sobel_correlation is the lesson's own "
                                             "answer. NumPy and features.SOBEL are enough."))
    cases = [Case(f"kernel {n + 1} = {np.round(k, 2).tolist()}", lambda k=k: (k.copy(),),
                  features.sobel_correlation(k)) for n, k in enumerate(kernels)]
    slips = [(f"the {slip} measure", lambda k, slip=slip: _slips(k)[slip], diagnosis)
             for slip, diagnosis in DIAGNOSES.items()]
    return BOOK.with_help(name, check_function(function, cases, slips))


def _solve_likeness():
    k = _test_kernels()[2]
    return Solution((
        "centre both kernels: subtract each one's mean weight",
        "correlation = (a . b) / (|a| |b|) of the centred weights",
        "do it with features.SOBEL and with features.SOBEL.T; take the larger size",
        f"e.g. for the checker's third kernel: {_written_out(k):.3f}",
        inspect.getsource(_written_out).replace("def _written_out", "def edge_likeness"),
    ), round(float(_written_out(k)), 3))


BOOK.add("edge_likeness", [
    "The lesson printed correlations with features.SOBEL and with features.SOBEL.T.",
    "A kernel and its negative are equally good detectors here; so is an up-down detector and "
    "a left-right one.",
], _solve_likeness)

ANSWERS = {"learned_numbers": _learned_numbers, "copied_channel": _copied_channel}
