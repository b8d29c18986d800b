"""Checkers, hints and worked solutions for lesson 11's exercises. Right answers come from
lessons_lib.clinic and lessons_lib.cnn, never from typed-in values.

    exercises_11.hint("effective_lr")       a hint (hint("effective_lr", 2) the next one)
    exercises_11.solution("effective_lr")   the worked solution, computed
    exercises_11.symptom("A")               what exercise 4's run shows (exercise 5: "B")
"""
import functools

import numpy as np

from lessons_lib import clinic, cnn, digits
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number

BOOK = Hints("exercises_11")
hint, solution = BOOK.hint, BOOK.solution

# Exercise 1: 1/N forgotten, on mini-batches of this size, with this learning rate.
BATCH, LR = 64, 0.02
# Exercise 2: a symmetric start that is not zero.
EQUAL_LIN_W, EQUAL_EPOCHS = 0.01, 2
# Exercise 3: the sign flipped in the linear layer's dw and db; the check's batch size.
CHECK_BATCH = 8
# Exercises 4 and 5, find the bug: runs from other starting weights (cnn.init's seed 2, not
# lesson 10's 1), gradient-checked on a batch of 16, so no run matches one the lesson printed.
MYSTERIES = {"A": "missing 1/N", "B": "gradients never zeroed"}
MYSTERY_SEED, MYSTERY_CHECK = 2, 16


def _effective():
    right = LR * BATCH
    return right, [
        Mistake(LR / BATCH, "The sum is N times the mean, so the step is N times longer, not "
                "shorter: multiply."),
        Mistake(LR, "Without the 1/N every gradient is N times larger, so the same lr takes "
                "N times longer steps."),
        Mistake(float(BATCH), "Multiply the batch size by the learning rate."),
        Mistake(LR * clinic.BATCH, f"{clinic.BATCH} is lesson 10's batch size; this run's "
                f"batches hold {BATCH}."),
        Mistake(LR * (BATCH - 1), f"The sum over a batch has N = {BATCH} terms, one per example, "
                f"so it is {BATCH} times the mean, not {BATCH - 1}."),
    ]


def effective_lr(answer):
    """The learning rate a correct run needs to take the same steps as one that forgot 1/N."""
    right, mistakes = _effective()
    return BOOK.with_help("effective_lr", check_number(answer, right, mistakes))


BOOK.add("effective_lr", [
    "Forgetting 1/N turns the mean loss into the sum: each gradient gets N times larger.",
    "The step is lr times the gradient. Which lr times the right gradient gives the same step?",
], lambda: Solution((f"summed gradient = {BATCH} x mean gradient",
                     f"step = {LR:g} x {BATCH} x mean gradient",
                     f"= ({LR:g} x {BATCH}) x mean gradient: lr = {LR * BATCH:g}"),
                    LR * BATCH))


def equal_start() -> cnn.Params:
    """Exercise 2's start: all 8 kernels equal to lesson 10's first one, every linear weight
    EQUAL_LIN_W, biases 0."""
    p = cnn.init(1)
    return cnn.Params(np.repeat(p.conv_w[:1], cnn.KERNELS, axis=0), np.zeros(cnn.KERNELS),
                      np.full((cnn.FEATURES, cnn.CLASSES), EQUAL_LIN_W), np.zeros(cnn.CLASSES))


@functools.cache
def _equal_run():
    split = digits.load_split()
    run = cnn.train(equal_start(), split.train_x, split.train_y, 0.05, 0.9, 32, EQUAL_EPOCHS)
    kernels = run.params[-1].conv_w[:, 0]
    return len(np.unique(np.round(kernels, 9), axis=0)), float(np.abs(kernels).max())


def _identical():
    return _equal_run()[0], [
        Mistake(cnn.KERNELS, "Follow one step: equal kernels make equal maps. With equal "
                "linear weights, does any map get a different blame, and so its own gradient?"),
        Mistake(0, "The kernels are still there: count how many *different* ones there are."),
    ]


def distinct_kernels(answer):
    """How many different kernels a symmetric (equal, not zero) start ends with."""
    right, mistakes = _identical()
    return BOOK.with_help("distinct_kernels", check_number(answer, right, mistakes, rel_tol=0,
                                                           whole=True))


def _solve_identical():
    right, largest = _equal_run()
    return Solution(("equal kernels and equal biases give 8 equal maps, and equal pooled values",
                     "the linear weights that read each map start equal; fed equal maps, they "
                     "get equal gradients and stay equal from map to map",
                     "so every map gets the same blame back, and every kernel the same "
                     "gradient: they take equal steps",
                     f"after {EQUAL_EPOCHS} epochs the kernels have moved (largest |weight| "
                     f"{largest:.3f}) but "
                     + (f"all {cnn.KERNELS} are still equal: 1 different kernel" if right == 1
                        else f"there are {right} different kernels")), right)


BOOK.add("distinct_kernels", [
    "Start from 8 equal kernels. Is there anything in the forward or backward pass that treats "
    "kernel 3 differently from kernel 5?",
    "The blame a map gets comes through the linear weights that read it. Here they are all "
    "equal.",
], _solve_identical)


def _flipped_linear(params, x, y):
    loss, grads = cnn.loss_and_grads(params, x, y)
    return loss, cnn.Params(grads.conv_w, grads.conv_b, -grads.lin_w, -grads.lin_b)


@functools.cache
def _conv_ratio() -> float:
    split = digits.load_split()
    ratios = clinic.gradient_check(cnn.init(1), split.train_x[:CHECK_BATCH],
                                   split.train_y[:CHECK_BATCH], _flipped_linear)
    return ratios["conv_w"]


def _linear():
    return _conv_ratio(), [
        Mistake(-1.0, "The flip is in the linear layer's dw and db. The gradient it passes "
                "down, dx, is untouched: what does the conv compute its gradient from?"),
        Mistake(float(CHECK_BATCH), "That would be a missing 1/N. A flipped sign changes the "
                "direction, not the size."),
        Mistake(0.0, "The conv still gets its blame through the linear layer's dx, which is "
                "right."),
    ]


def flipped_linear_ratio(answer):
    """What the gradient check prints for conv_w when only the linear layer's dw and db have
    their sign flipped."""
    right, mistakes = _linear()
    return BOOK.with_help("flipped_linear_ratio", check_number(answer, right, mistakes,
                                                               rel_tol=1e-3))


BOOK.add("flipped_linear_ratio", [
    "The check divides the hand-written gradient by the finite difference of the loss, which "
    "no bug in a backward pass can change.",
    "The conv's gradient is computed from the dx the linear layer passes down, not from the "
    "linear layer's dw or db.",
], lambda: Solution(("finite difference: the true gradient g (the forward pass is right)",
                     "the linear layer returns -dw and -db, but its dx = dy @ w.T is right",
                     "the conv's gradients are computed from that dx: they are right",
                     f"ratio for conv_w = g / g = {_conv_ratio():.4f} (lin_w would show -1)"),
                    _conv_ratio()))



# --- Exercises 4 and 5: find the bug ------------------------------------------------------------

@functools.cache
def _run(bug: str) -> np.ndarray:
    return clinic.train_with_bug(bug, digits.load_split(), seed=MYSTERY_SEED)[0]


@functools.cache
def _symptom(bug: str) -> str:
    return clinic.symptom(bug, digits.load_split(), seed=MYSTERY_SEED, check_batch=MYSTERY_CHECK)


class _Report(str):
    def __repr__(self) -> str:
        return str(self)


def symptom(name: str) -> str:
    """What the run with mystery bug `name` ("A" or "B") shows: the loss at every step, the
    kernels, the gradient check. It does not name the bug."""
    if not isinstance(name, str) or name not in MYSTERIES:
        raise ValueError(f"name must be one of {', '.join(map(repr, MYSTERIES))}, "
                         f"got {name!r:.40}")
    return _Report(_symptom(MYSTERIES[name]))


def _first_loss_above(bug: str, limit: float) -> int:
    above = np.flatnonzero(_run(bug) > limit)
    return int(above[0]) if len(above) else len(_run(bug))


def _why_not(bug: str) -> str:
    """Why `bug` would not give the mysteries' symptoms, in the numbers its own run shows."""
    if bug == "learning rate too large":
        return (f"A learning rate too large (lr = {clinic.LARGE_LR:g}) blows the loss up at once "
                f"(from these weights, past 100 at step {_first_loss_above(bug, 100)}), and its "
                "gradient check gives 1 everywhere: the gradients are right, the steps too "
                "long. Compare this run's check, and how its loss moved step by step.")
    if bug == "sign flipped in the conv backward":
        return ("A flipped sign shows in the gradient check as -1 in the conv layer only; "
                "read this run's check again.")
    if bug == "missing 1/N":
        return ("Without the 1/N every gradient is N times too large, and the gradient check "
                f"shows it at once: the check's batch size ({MYSTERY_CHECK}) in every layer. "
                "This check says 1.")
    if bug == "all-zero initialisation":
        return ("All-zero weights leave the loss near ln 10 and the 8 kernels identical (all "
                "zero) for ever; this loss moves and the kernels differ.")
    if bug == "initialisation too large":
        return (f"Weights {clinic.LARGE_SCALE:g} times too large start the loss far above ln 10 "
                f"(from these weights at {_run(bug)[0]:.3g}); this run starts at about "
                f"ln 10 = {np.log(cnn.CLASSES):.2f}.")
    return ("Gradients that are never zeroed are right on the first step, so the check gives 1 "
            "everywhere; the trouble grows with time, as the summed gradients get longer.")


def _mystery(name: str):
    right = MYSTERIES[name]
    return right, [Mistake(bug, _why_not(bug)) for bug in clinic.BUGS if bug != right]


def _find_the_bug(name: str, answer):
    if answer is None:  # no run needed to say so
        return check_choice(None, MYSTERIES[name], clinic.BUGS)
    right, mistakes = _mystery(name)
    return BOOK.with_help(f"find_the_bug_{name.lower()}",
                          check_choice(answer, right, clinic.BUGS, mistakes))


def find_the_bug_a(answer):
    """Name the bug behind mystery A's symptom (one of clinic.BUGS)."""
    return _find_the_bug("A", answer)


def find_the_bug_b(answer):
    """Name the bug behind mystery B's symptom (one of clinic.BUGS)."""
    return _find_the_bug("B", answer)


def _solve_mystery(name: str) -> Solution:
    right = MYSTERIES[name]
    losses, check = _run(right), _symptom(right).splitlines()[-1].split(": ", 1)[1]
    steps = [f"the gradient check on {MYSTERY_CHECK} digits: {check}"]
    if right == "missing 1/N":
        peak = int(np.argmax(losses))
        steps += [f"every layer's hand-written gradient is {MYSTERY_CHECK} times the finite "
                  f"difference, and {MYSTERY_CHECK} is the check's batch size: the mean's 1/N "
                  "was left out",
                  f"in training, on batches of {clinic.BATCH}, every step is {clinic.BATCH} times "
                  f"too long: the loss jumped to {losses[peak]:.3g} at step {peak}, and from "
                  f"step 10 on it never went below {losses[10:].min():.3g}"]
    else:
        low = int(np.argmin(losses[:30]))
        steps += [f"the check passes, so each gradient is right; the loss fell to "
                  f"{losses[low]:.3g} at step {low}, then swung higher and higher until the "
                  f"run was stopped at step {len(losses) - 1} ({losses[-1]:.3g}): steps that "
                  "grow with time",
                  "gradients added to the previous ones instead of replacing them do that"]
    return Solution(tuple(steps), right)


BOOK.add("find_the_bug_a", [
    "Read the gradient check first: which layers are off, and by what factor?",
    "A factor that is the same in every layer and equals the check's batch size points at "
    "something the whole batch shares: the mean.",
], functools.partial(_solve_mystery, "A"))
BOOK.add("find_the_bug_b", [
    "The gradient check passes: each single gradient is right. So what goes wrong must build "
    "up over the steps.",
    "The loss first falls, then rises more and more. Which bug makes the steps longer with "
    "time?",
], functools.partial(_solve_mystery, "B"))

ANSWERS = {"effective_lr": _effective, "distinct_kernels": _identical,
           "flipped_linear_ratio": _linear,
           "find_the_bug_a": functools.partial(_mystery, "A"),
           "find_the_bug_b": functools.partial(_mystery, "B")}
