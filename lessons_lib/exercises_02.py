"""Checkers, hints and worked solutions for lesson 02's exercises: gradients that accumulate,
and a training step. Right answers come from lessons_lib.gradient_descent and from PyTorch; each
Mistake's value is the slip it describes, computed."""
import math

import torch

from lessons_lib import gradient_descent as gd
from lessons_lib import validation
from lessons_lib.exercises import (
    CORRECT,
    NOT_ATTEMPTED,
    WRONG,
    Feedback,
    Hints,
    Mistake,
    Solution,
    check_number,
)
from lessons_lib.exercises_functions import run_learner

BOOK = Hints("exercises_02")
hint, solution = BOOK.hint, BOOK.solution

ACC_X, ACC_Y = 1.5, 5.0  # exercise 1: a new example, w = 0
RUN_X, RUN_Y, RUN_LR = 3.0, 6.0, 0.02  # exercise 3: a new run from w = 0


@validation.autograd()  # the same answer inside a learner's torch.no_grad()
def _torch_grad_twice():
    w = torch.tensor(0.0, requires_grad=True)
    for _ in range(2):
        ((w * ACC_X - ACC_Y) ** 2).backward()
    return float(w.grad)


def _accumulated_grad():
    once = gd.grad(0.0, ACC_X, ACC_Y)
    return 2 * once, [
        Mistake(once, "That is one backward's gradient. PyTorch adds each backward's result into "
                ".grad; it never replaces it."),
        Mistake(0.0, ".grad is only reset by you (w.grad.zero_() or w.grad = None)."),
    ]


def accumulated_grad(answer):
    """w.grad after two forward/backward passes at w = 0 (x = 1.5, y_true = 5), no zero_()."""
    right, mistakes = _accumulated_grad()
    return BOOK.with_help("accumulated_grad", check_number(answer, right, mistakes))


BOOK.add("accumulated_grad", [
    "One backward puts dloss/dw = 2 * (w * x - y_true) * x into w.grad.",
    "The second backward does not overwrite .grad: it adds the same gradient again.",
], lambda: Solution((
    f"one backward: 2 * (0 * {ACC_X:g} - {ACC_Y:g}) * {ACC_X:g} = {gd.grad(0.0, ACC_X, ACC_Y):g}",
    f"two backwards add: 2 * ({gd.grad(0.0, ACC_X, ACC_Y):g}) = {_accumulated_grad()[0]:g}",
    f"PyTorch agrees: w.grad = {_torch_grad_twice():g}",
), _accumulated_grad()[0]))


# Exercise 2: write a training step. It runs on the lesson's example and on a fresh one.
STEP_CASES = ((0.0, 2.0, 6.0, 0.1), (1.0, 3.0, 6.0, 0.02))  # w0, x, y_true, lr


def _step(train_step, w, x, y_true, lr):
    """One call of the learner's step: (loss, problem)."""
    with validation.autograd():  # as in a fresh kernel, even if an earlier cell turned it off
        returned, problem = run_learner(train_step, (w, torch.tensor(x), torch.tensor(y_true),
                                                     lr))
    if problem is not None or returned is None:
        return None, problem
    if isinstance(returned, torch.Tensor):
        returned = returned.detach()  # `return loss` is fine: no warning about requires_grad
    try:
        loss = float(returned)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None, f"it returned {type(returned).__name__} {returned!r:.40}, not the loss"
    return loss, None


def training_step(train_step):
    """Run the learner's train_step(w, x, y_true, lr) for two steps on two examples, diagnose."""
    if not callable(train_step):
        return Feedback(WRONG, f"Expected your function train_step(w, x, y_true, lr), got "
                        f"{type(train_step).__name__}.")
    for n, (w0, x, y_true, lr) in enumerate(STEP_CASES):
        label = f"w = {w0:g}, x = {x:g}, y_true = {y_true:g}, lr = {lr:g}"
        w = torch.tensor(w0, requires_grad=True)
        expected = gd.descend(w0, x, y_true, lr, 2)
        for step in range(2):
            before = w.item()
            loss, problem = _step(train_step, w, x, y_true, lr)
            if problem and "leaf Variable" in problem or problem and "in-place" in problem:
                problem = ("PyTorch refused the in-place update of a tensor it is tracking: do "
                           "the update inside `with torch.no_grad():`")
            if problem is None and loss is None:
                problem = "it returned None"
            got = w.item()
            if n == step == 0 and problem == "it returned None" and got == w0 and w.grad is None:
                return Feedback(NOT_ATTEMPTED, "Not attempted yet: fill in train_step and run "
                                "the cell.")
            want = expected.steps[step]
            if problem is None:
                problem = _diagnose(w, before, got, loss, want, step)
            if problem is not None:
                return BOOK.with_help("training_step", Feedback(
                    WRONG, f"Case {label}, step {step + 1}: {problem}."))
    return Feedback(CORRECT, "Correct: two steps on each of two examples match the lesson's "
                    "update.")


def _diagnose(w, before, got, loss, want, step):
    if not math.isfinite(got):
        return f"w became {got}: check the loss, (w * x - y_true) ** 2"
    if got == before:
        return ("w did not change. Update it in place (w -= ...): `w = w - ...` makes a new "
                "local tensor and leaves the caller's w alone")
    if step == 0 and abs((got - before) + (want.w - before)) < 1e-4:
        return "right size, wrong sign: subtract lr * w.grad, don't add it"
    if not abs(got - want.w) <= 1e-4:
        return (f"w should be {want.w:.4f} after this step, got {got:.4f}" + (
            ": is step 1's gradient still in w.grad? Zero it with w.grad.zero_()" if step else
            ". Check the loss: (w * x - y_true) ** 2"))
    if w.grad is not None and w.grad.item() != 0.0:
        return ("w moved correctly, but w.grad still holds this step's gradient: the next "
                "backward would add to it. Zero it with w.grad.zero_()")
    if not abs(loss - want.loss) <= 1e-4 * max(1.0, abs(want.loss)):
        return f"return the loss measured before the update ({want.loss:g}), got {loss:g}"
    return None


def _lesson_losses():
    """What two train_step calls return on the lesson's example: the loss before each update."""
    return [round(s.loss, 12) for s in gd.descend(0.0, 2.0, 6.0, 0.1, 2).steps]


BOOK.add("training_step", [
    "Five lines: loss = (w * x - y_true) ** 2; loss.backward(); update; zero; return.",
    "The update must change the caller's w in place, untracked: `w -= lr * w.grad` inside a "
    "`torch.no_grad()` block; then `w.grad.zero_()`, then `return loss.item()`.",
], lambda: Solution((
    "def train_step(w, x, y_true, lr):",
    "    loss = (w * x - y_true) ** 2",
    "    loss.backward()",
    "    with torch.no_grad():  # an update autograd must not record",
    "        w -= w.grad * lr",
    "    w.grad.zero_()",
    "    return loss.item()",
    "on the lesson's example (w = 0, x = 2, y_true = 6, lr = 0.1) two calls return the loss "
    "before each update: " + ", ".join(f"{v:g}" for v in _lesson_losses()),
    "and leave w at " + ", ".join(f"{s.w:g}" for s in gd.descend(0.0, 2.0, 6.0, 0.1, 2).steps),
), _lesson_losses()))


def _run_grads():
    g1 = gd.grad(0.0, RUN_X, RUN_Y)
    w1 = 0.0 - RUN_LR * g1
    return g1, w1, gd.grad(w1, RUN_X, RUN_Y)


def _accumulated_grad_at_step_2():
    g1, _, g2 = _run_grads()
    return g1 + g2, [
        Mistake(g2, "That is step 2's own gradient, what a zeroed run uses. Without zero_() "
                "step 1's gradient is still in .grad and gets added to it."),
        Mistake(g1, "That is step 1's gradient alone; step 2's backward added its own to it."),
        Mistake(g1 + g1, "That adds step 1's gradient twice. Step 2's backward runs at the w "
                "that step 1's update produced, so its gradient is a new one: compute it at "
                "that w, then add."),
    ]


def accumulated_grad_at_step_2(answer):
    """The .grad that step 2 uses in a run with no zero_(): x = 3, y_true = 6, lr = 0.02."""
    right, mistakes = _accumulated_grad_at_step_2()
    return BOOK.with_help("accumulated_grad_at_step_2", check_number(answer, right, mistakes))


BOOK.add("accumulated_grad_at_step_2", [
    "Step 1 is an ordinary step from w = 0: gradient, then update. Its gradient stays in .grad.",
    "Step 2 computes the gradient at the new w; backward ADDS it to what is already there.",
], lambda: Solution((
    f"step 1: g1 = 2 * (0 * {RUN_X:g} - {RUN_Y:g}) * {RUN_X:g} = {_run_grads()[0]:g}",
    f"w1 = 0 - {RUN_LR:g} * ({_run_grads()[0]:g}) = {_run_grads()[1]:.6g}",
    f"step 2: g2 = 2 * ({_run_grads()[1]:.6g} * {RUN_X:g} - {RUN_Y:g}) * {RUN_X:g} "
    f"= {_run_grads()[2]:.6g}",
    f".grad = g1 + g2 = {_accumulated_grad_at_step_2()[0]:.6g}",
), _accumulated_grad_at_step_2()[0]))

ANSWERS = {"accumulated_grad": _accumulated_grad,
           "accumulated_grad_at_step_2": _accumulated_grad_at_step_2}
