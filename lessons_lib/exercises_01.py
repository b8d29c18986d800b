"""Checkers, hints and worked solutions for lesson 01's exercises, on a NEW example (x = 3,
y_true = 6) the lesson never runs. Right answers come from lessons_lib.gradient_descent; each
Mistake's value is the slip it describes, computed."""
from lessons_lib import gradient_descent as gd
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number

BOOK = Hints("exercises_01")
hint, solution = BOOK.hint, BOOK.solution

W, X, Y_TRUE, LR = 1.0, 3.0, 6.0, 0.02  # exercise 1's example
REGIME_LR = 0.1  # exercise 3's learning rate, on the same example (x = 3, from w = 1)
REGIMES = (gd.ONE_SIDE, gd.ONE_STEP, gd.OVERSHOOT, gd.OSCILLATE, gd.DIVERGE)


def _one_update():
    g = gd.grad(W, X, Y_TRUE)
    # rounded to 12 places: 1.36, as a person writes it (float arithmetic gives 1.3599999999999999)
    return round(gd.descend(W, X, Y_TRUE, LR, 1).weights[-1], 12), [
        Mistake(W + LR * g, "Right size, wrong sign: did you add the step instead of "
                "subtracting it? The update goes against the gradient."),
        Mistake(W - LR * g / 2, "Half the step: the derivative of (...)**2 brings down a "
                "factor 2."),
        Mistake(W - LR * g / X, "The gradient is missing its factor x: the prediction is w * x, "
                "so the chain rule multiplies by x."),
        Mistake(-LR * g, "That is only the step, -lr * grad: add it to the old w."),
    ]


def one_update(answer):
    """w after one update from w = 1, for x = 3, y_true = 6, lr = 0.02."""
    right, mistakes = _one_update()
    return BOOK.with_help("one_update", check_number(answer, right, mistakes))


BOOK.add("one_update", [
    "Two steps: the gradient 2 * (w * x - y_true) * x at w = 1, then w - lr * gradient.",
    f"The prediction is {W:g} * {X:g}; its error against {Y_TRUE:g} is negative, so the "
    "gradient is negative and w goes up.",
], lambda: Solution((
    f"prediction = {W:g} * {X:g} = {W * X:g}, error = {W * X - Y_TRUE:g}",
    f"gradient = 2 * ({W * X - Y_TRUE:g}) * {X:g} = {gd.grad(W, X, Y_TRUE):g}",
    f"w = {W:g} - {LR:g} * ({gd.grad(W, X, Y_TRUE):g}) = {_one_update()[0]:.6g}",
), _one_update()[0]))


def _one_step_lr():
    right = 1 / (2 * X**2)  # makes the contraction factor 1 - 2 * x**2 * lr zero
    return right, [
        Mistake(2 / (2 * X**2), "That rate makes the factor -1: it oscillates forever. The "
                "factor is 1 - 2 * x**2 * lr; make it 0."),
        Mistake(1 / (2 * X), "The curvature of (w * x - y)**2 is 2 * x**2, not 2 * x."),
        Mistake(1 / (2 * 2.0**2), "That is the answer for the lesson's x = 2; here x = 3."),
    ]


def one_step_lr(answer):
    """The learning rate that lands on the answer in exactly one step, for x = 3."""
    right, mistakes = _one_step_lr()
    return BOOK.with_help("one_step_lr", check_number(answer, right, mistakes))


BOOK.add("one_step_lr", [
    "Each update multiplies the distance to the answer by 1 - 2 * x**2 * lr.",
    "One step lands exactly when that factor is 0: solve 1 - 2 * 9 * lr = 0.",
], lambda: Solution((
    f"factor = 1 - 2 * {X:g}**2 * lr = 1 - {2 * X**2:g} * lr",
    f"factor = 0 when lr = 1 / {2 * X**2:g} = {_one_step_lr()[0]:.6g}",
    f"check: gd.contraction({_one_step_lr()[0]:.6g}, {X:g}) = "
    f"{gd.contraction(_one_step_lr()[0], X):.2g}",
), _one_step_lr()[0]))


def _regime():
    right = gd.lr_regime(REGIME_LR, X)
    return right, [
        Mistake(gd.DIVERGE, "lr is above the one-step rate, so it overshoots; but it diverges "
                "only when the factor 1 - 2 * x**2 * lr drops below -1."),
        Mistake(gd.ONE_SIDE, "For x = 3 the curvature is 2 * 9 = 18: this lr is larger than the "
                "one-step rate 1/18, so the factor is negative."),
        Mistake(gd.OSCILLATE, "That needs a factor of exactly -1 (lr = 1/9 here)."),
    ]


def regime(answer):
    """Predict, before running: what does lr = 0.1 do on the x = 3 example?"""
    right, mistakes = _regime()
    return BOOK.with_help("regime", check_choice(answer, right, REGIMES, mistakes))


BOOK.add("regime", [
    "Compute the factor 1 - 2 * x**2 * lr that every step multiplies the distance by.",
    "Between 0 and 1: approaches from one side, never crossing. Exactly 0: one step. "
    "Between -1 and 0: overshoots but shrinks. -1: oscillates. Below -1: grows.",
], lambda: Solution((
    f"factor = 1 - 2 * {X:g}**2 * {REGIME_LR:g} = {gd.contraction(REGIME_LR, X):.4g}",
    "between -1 and 0: each step jumps past the answer, but lands closer",
    "distance to the answer: " + ", ".join(
        f"{w - Y_TRUE / X:+.3g}" for w in gd.descend(W, X, Y_TRUE, REGIME_LR, 4).weights),
), _regime()[0]))

ANSWERS = {"one_update": _one_update, "one_step_lr": _one_step_lr, "regime": _regime}
