"""Checkers for lesson 01's exercises. Right answers come from lessons_lib.gradient_descent."""
from lessons_lib import gradient_descent as gd
from lessons_lib import validation
from lessons_lib.exercises import Mistake, check_number


def one_update(answer, w=1.0, x=3.0, y_true=6.0, lr=0.02):
    """w after one update from w = 1, for x = 3, y_true = 6, lr = 0.02."""
    w, x, y_true = (validation.bounded(n, v) for n, v in (("w", w), ("x", x), ("y_true", y_true)))
    if x == 0:
        raise ValueError("x must not be 0: the gradient would be 0 and the exercise empty")
    g = gd.grad(w, x, y_true)
    right = gd.descend(w, x, y_true, lr, 1).weights[-1]
    return check_number(answer, right, [
        Mistake(w + lr * g, "Right size, wrong sign: did you add the step instead of "
                "subtracting it? The update goes against the gradient."),
        Mistake(w - lr * g / 2, "Half the step: the derivative of (...)**2 brings down a "
                "factor 2."),
        Mistake(w - lr * g / x, "The gradient is missing its factor x: the prediction is w * x, "
                "so the chain rule multiplies by x."),
        Mistake(-lr * g, "That is only the step, -lr * grad: add it to the old w."),
    ])


def one_step_lr(answer, x=3.0):
    """The learning rate that lands on the answer in exactly one step, for x = 3."""
    x = validation.bounded("x", x)
    if x < 1e-50:
        raise ValueError(f"x must be positive and at least 1e-50, got {x!r}")
    right = 1 / (2 * x**2)  # makes the contraction factor 1 - 2 * x**2 * lr zero
    return check_number(answer, right, [
        Mistake(2 / (2 * x**2), "That rate makes the factor -1: it oscillates forever. The "
                "factor is 1 - 2 * x**2 * lr; make it 0."),
        Mistake(1 / (2 * x), "The curvature of (w * x - y)**2 is 2 * x**2, not 2 * x."),
        Mistake(1 / (2 * 2.0**2), "That is the answer for the lesson's x = 2; here x = 3."),
    ])


def loss_at_step_3(answer, w0=0.0, x=2.0, y_true=6.0, lr=0.1):
    """The loss that step 3 of the lesson's table prints."""
    history = gd.descend(w0, x, y_true, lr, 3)
    if len(history.steps) < 3:
        raise ValueError("w0, x, y_true and lr make the run diverge before step 3")
    step3 = history.steps[2]
    return check_number(answer, step3.loss, [
        Mistake(gd.loss(step3.w, x, y_true), "That is the loss after step 3's update; the table "
                "measures the loss before updating."),
        Mistake(history.steps[1].loss, "That is step 2's loss: step 3 starts from the w that "
                "step 2 printed."),
        Mistake(abs(history.steps[1].w * x - y_true), "That is the size of the "
                "error, not yet squared."),
    ])
