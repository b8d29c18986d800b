"""Checkers, hints and worked solutions for lesson 06's exercises. Right answers come from
lessons_lib.features: counting the model's parameters, training it, measuring kernels."""
import functools
import inspect

import numpy as np

from lessons_lib import features
from lessons_lib.exercises import (
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


@functools.cache
def _diverges_at_lesson_lr() -> str | None:
    """The error training the copied images at the lesson's lr 0.5 stops with, or None."""
    images, labels = features.make_images()
    images = images.copy()
    images[:, features.NOISE] = images[:, features.IMAGE]
    try:
        features.train(images, labels, _model(), lr=0.5)
    except ValueError as error:
        return str(error)
    return None


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
    diverged = _diverges_at_lesson_lr()
    why_lr = (f"why lr {COPY_LR}: at the lesson's 0.5 this run stops ({diverged}); both halves "
              "multiply the same pixels and get the same gradient, so each step moves their "
              "sum twice as far" if diverged else "the lesson's lr 0.5 would do too")
    return Solution(("train on images whose channel 1 copies channel 0 "
                     f"(seed 0, 300 steps, lr {COPY_LR})", why_lr,
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


def _test_runs():
    """Made-up runs of one channel's kernel, (steps + 1, 3, 3): a decaying random walk, a run
    whose weights cross zero (landing nearer or farther), and a short real run on new images."""
    rng = np.random.default_rng(6)
    walk = [rng.normal(size=(3, 3))]
    for _ in range(12):
        walk.append(0.8 * walk[-1] + 0.3 * rng.normal(size=(3, 3)))
    crossing = np.array([[[0.5, -0.5, 0.2], [1.0, -1.0, 0.0], [0.3, 0.3, -0.3]],
                         [[-0.3, 0.7, 0.1], [-1.2, -0.6, 0.4], [0.3, 0.1, -0.2]],
                         [[0.1, 0.2, -0.05], [0.9, 0.8, 0.3], [0.2, 0.1, -0.4]],
                         [[0.05, -0.1, 0.0], [-0.2, -0.5, 0.35], [-0.1, 0.0, 0.4]]])
    images, labels = features.make_images(n=64, size=8, noise=0.5, seed=7)
    run = features.train(images, labels, features.random_model(seed=3), steps=15, seed=3)
    return [np.array(walk), crossing, run.kernels[:, features.NOISE]]


def _written_out(kernels):
    """For each weight, the share of the steps that brought it closer to zero."""
    size = np.abs(np.asarray(kernels, dtype=float))
    closer = size[1:] < size[:-1]  # (steps, 3, 3): True where a step shrank that weight's size
    return closer.mean(axis=0)


def _slips(kernels):
    k = np.asarray(kernels, dtype=float)
    size = np.abs(k)
    return {
        "the share of steps in which each weight went down": (k[1:] < k[:-1]).mean(axis=0),
        "the count divided by the number of kernels": (size[1:] < size[:-1]).sum(axis=0) / len(k),
        "the count of steps, not their share": (size[1:] < size[:-1]).sum(axis=0),
        "one share for all nine weights": (size[1:] < size[:-1]).mean(),
        "steps that left a size unchanged counted as closer": (size[1:] <= size[:-1]).mean(
            axis=0),
    }


DIAGNOSES = {
    "the share of steps in which each weight went down": "A negative weight gets closer to zero "
        "by going up: compare sizes, np.abs(...), not signed values.",
    "the count divided by the number of kernels": "A run of n kernels has n - 1 steps between "
        "them: divide by the number of steps.",
    "the count of steps, not their share": "Divide by the number of steps to get a share from "
        "0 to 1.",
    "one share for all nine weights": "Keep one share per weight: average over the steps axis "
        "only (axis=0), giving a 3x3 array.",
    "steps that left a size unchanged counted as closer": "A step after which a weight's size "
        "is the same (0.3 to 0.3) did not bring it closer to zero: compare with <, not <=.",
}


def towards_zero(function):
    """`function(kernels)`: for each of the 9 weights, the share of steps that brought it
    closer to zero."""
    cases = [Case(f"run {n + 1}, shape {k.shape}, first kernel "
                  f"{np.round(k[0], 2).tolist()}", lambda k=k: (k.copy(),), _written_out(k))
             for n, k in enumerate(_test_runs())]
    slips = [(slip, lambda k, slip=slip: _slips(k)[slip], diagnosis)
             for slip, diagnosis in DIAGNOSES.items()]
    return BOOK.with_help("towards_zero", check_function(function, cases, slips))


def _solve_towards_zero():
    k = _test_runs()[1]
    size = np.abs(k)
    closer = size[1:] < size[:-1]
    return Solution((
        f"the checker's second run has {len(k)} kernels, so {len(k) - 1} steps between them",
        "sizes: np.abs(kernels); a step brings a weight closer to zero when its size drops",
        f"weight (0, 1): values {k[:, 0, 1].tolist()}, sizes {size[:, 0, 1].tolist()}",
        f"closer at the steps: {closer[:, 0, 1].astype(int).tolist()} (crossing zero to a "
        f"larger size does not count), share {closer[:, 0, 1].mean():.3f}",
        "average the True/False over the steps axis (axis=0): one share per weight",
        inspect.getsource(_written_out).replace("def _written_out", "def towards_zero"),
    ), _written_out(k).round(3).tolist())


BOOK.add("towards_zero", [
    "Closer to zero means a smaller size, whatever the sign: think np.abs.",
    "kernels[1:] and kernels[:-1] line up each kernel with the one before it; compare their "
    "sizes, then take the mean over the steps axis.",
], _solve_towards_zero)

ANSWERS = {"learned_numbers": _learned_numbers, "copied_channel": _copied_channel}
