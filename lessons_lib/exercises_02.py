"""Checkers for lesson 02's exercises: gradients that accumulate, and a training step."""
import torch

from lessons_lib import gradient_descent as gd
from lessons_lib import validation
from lessons_lib.exercises import CORRECT, NOT_ATTEMPTED, WRONG, Feedback, Mistake, check_number


def accumulated_grad(answer, w=0.0, x=2.0, y_true=6.0):
    """w.grad after two forward/backward passes at w = 0 with no zero_() in between."""
    w, x, y_true = (validation.bounded(n, v) for n, v in (("w", w), ("x", x), ("y_true", y_true)))
    once = gd.grad(w, x, y_true)
    return check_number(answer, 2 * once, [
        Mistake(once, "That is one backward's gradient. PyTorch adds each backward's result into "
                ".grad; it never replaces it."),
        Mistake(0.0, ".grad is only reset by you (w.grad.zero_() or w.grad = None)."),
    ])


def training_step(train_step, x=2.0, y_true=6.0, lr=0.1):
    """Run the learner's train_step(w, x, y_true, lr) twice and diagnose what it did."""
    if not callable(train_step):
        raise TypeError(f"train_step must be your function train_step(w, x, y_true, lr), "
                        f"got {type(train_step).__name__}")
    x, y_true = validation.bounded("x", x), validation.bounded("y_true", y_true)
    w = torch.tensor(0.0, requires_grad=True)
    x_t, y_t = torch.tensor(x), torch.tensor(y_true)
    expected = gd.descend(0.0, x, y_true, lr, 2)
    if len(expected.steps) < 2:
        raise ValueError(f"lr = {lr!r} is too large: the reference run overflows")
    try:
        returned = train_step(w, x_t, y_t, lr)
    except RuntimeError as error:
        if "leaf Variable" in str(error) or "in-place" in str(error):
            return Feedback(WRONG, "PyTorch refused the in-place update of a tensor it is "
                            "tracking: do the update inside `with torch.no_grad():`.")
        raise
    if returned is None and w.item() == 0.0 and w.grad is None:
        return Feedback(NOT_ATTEMPTED, "Not attempted yet: fill in train_step and run the cell.")
    if w.item() == 0.0:
        return Feedback(WRONG, "w did not change. Update it in place (w -= ...): `w = w - ...` "
                        "makes a new local tensor and leaves the caller's w alone.")
    if abs(w.item() + expected.steps[0].w) < 1e-4:
        return Feedback(WRONG, "Right size, wrong sign: subtract lr * w.grad, don't add it.")
    if not abs(w.item() - expected.steps[0].w) <= 1e-4:  # NaN is never right
        return Feedback(WRONG, f"After one step w should be {expected.steps[0].w:.4f}, "
                        f"got {w.item():.4f}. Check the loss: (w * x - y_true) ** 2.")
    if w.grad is not None and w.grad.item() != 0.0:
        return Feedback(WRONG, "w moved correctly, but w.grad still holds this step's gradient: "
                        "the next backward would add to it. Zero it with w.grad.zero_().")
    try:
        loss = float(returned)
    except (TypeError, ValueError, RuntimeError):
        loss = None
    if loss is None or not abs(loss - expected.steps[0].loss) <= 1e-4:
        return Feedback(WRONG, f"Return the loss measured before the update "
                        f"({expected.steps[0].loss:g} on the first step), got {returned!r:.60}.")
    train_step(w, x_t, y_t, lr)
    if not abs(w.item() - expected.steps[1].w) <= 1e-4:
        return Feedback(WRONG, "The first step was right but the second was not: is something "
                        "left over from step 1?")
    return Feedback(CORRECT, f"Correct: two steps take w from 0 to {w.item():.4f}, as in the "
                    "table.")


def accumulated_grad_at_step_2(answer, x=2.0, y_true=6.0, lr=0.1):
    """The .grad that step 2 of the no-zero_() run used: step 1's gradient plus step 2's own."""
    x, y_true = validation.bounded("x", x), validation.bounded("y_true", y_true)
    lr = validation.non_negative("lr", lr)
    g1 = gd.grad(0.0, x, y_true)
    w1 = validation.finite("step 1's update", 0.0 - lr * g1, "lr is too large")
    g2 = gd.grad(w1, x, y_true)
    return check_number(answer, g1 + g2, [
        Mistake(g2, "That is step 2's own gradient, what the zeroed run used. Without zero_() "
                "step 1's gradient is still in .grad and gets added to it."),
        Mistake(g1, "That is step 1's gradient alone; step 2's backward added its own to it."),
    ])
