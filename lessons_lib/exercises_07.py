"""Checkers, hints and worked solutions for lesson 07's exercises. Right answers come from
lessons_lib.optimisers, never from typed-in values.

    exercises_07.hint("best_beta")       a hint (hint("best_beta", 2) the next one)
    exercises_07.solution("best_beta")   the worked solution, computed
"""
import numpy as np

from lessons_lib import optimisers
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number

BOOK = Hints("exercises_07")
hint, solution = BOOK.hint, BOOK.solution

# Exercise 1: a bowl the lesson never showed.
CURVATURES = (2.0, 200.0)
# Exercise 2: Adam's very first step on lesson 04's problem.
ADAM_LR = 0.01
# Exercise 3: lesson 01's problem (x = 2, y = 6, w from 0) with momentum.
LESSON_01 = optimisers.Bowl(np.array([[2.0]]), np.array([6.0]))
MOMENTUM_LR, MOMENTUM_BETA = 0.1, 0.9
OUTCOMES = ("converges without overshooting", "overshoots, then converges", "diverges")


def _best_beta_solution() -> Solution:
    lam_min, lam_max = CURVATURES
    k = lam_max / lam_min
    root = np.sqrt(k)
    lr, beta = optimisers.best_momentum(CURVATURES)
    return Solution((f"k = lam_max / lam_min = {lam_max:g} / {lam_min:g} = {k:g}",
                     f"sqrt(k) = {root:g}",
                     f"beta = ((sqrt(k) - 1) / (sqrt(k) + 1))**2 = ({root - 1:g} / "
                     f"{root + 1:g})**2 = {beta:.4f}",
                     f"(with lr = 4 / (sqrt(lam_max) + sqrt(lam_min))**2 = {lr:.4g})"), beta)


def _best_beta():
    lam_min, lam_max = CURVATURES
    k, right = lam_max / lam_min, _best_beta_solution().answer
    _, lesson_beta = optimisers.best_momentum(optimisers.conv_bowl(IMAGE, KERNEL.shape,
                                                                   TARGET).curvatures())
    return right, [
        Mistake(np.sqrt(right), "That is sqrt(beta), the factor per step: square it."),
        Mistake(((k - 1) / (k + 1)) ** 2, "Use the square root of the curvature ratio, not the "
                "ratio itself."),
        Mistake((k - 1) / (k + 1), "That is plain gradient descent's slowest factor at its best "
                "rate, (k - 1) / (k + 1); momentum's uses sqrt(k) and is squared."),
        Mistake(lesson_beta, "That is the lesson's beta, for lesson 04's curvatures; this bowl "
                "has curvatures 2 and 200."),
    ]


def best_beta(answer):
    """Momentum's best beta for a bowl with curvatures 2 and 200."""
    right, mistakes = _best_beta()
    return BOOK.with_help("best_beta", check_number(answer, right, mistakes, rel_tol=2e-3))


BOOK.add("best_beta", [
    "Only the ratio of the largest to the smallest curvature matters.",
    "Take the square root of that ratio, k, and put it into ((sqrt(k) - 1) / (sqrt(k) + 1))**2.",
], _best_beta_solution)


def _adam_first_step() -> tuple[float, float, float]:
    """(the gradient, Adam's change, the weight) for the bottom-right weight on step 1."""
    bowl = optimisers.conv_bowl(IMAGE, KERNEL.shape, TARGET)
    w0 = KERNEL.ravel()
    g = bowl.grad(w0)[3]
    return g, optimisers.Adam(ADAM_LR).step(w0, bowl.grad(w0))[3] - w0[3], w0[3]


def _adam_solution() -> Solution:
    g, change, w0 = _adam_first_step()
    return Solution((f"step 1: g = {g:,.0f}; m = 0.1 * g, s = 0.001 * g**2",
                     "bias correction: m_hat = m / (1 - 0.9) = g, s_hat = s / (1 - 0.999) = g**2",
                     f"change = -lr * g / (|g| + eps) = -{ADAM_LR:g} * {g:,.0f} / "
                     f"({abs(g):,.0f} + 1e-8) = {change:.6f}",
                     f"new weight = {w0:g} + ({change:.6f}) = {w0 + change:.6f}"),
                    float(w0 + change))


def _adam_new_weight():
    g, change, w0 = _adam_first_step()
    b1, b2 = 0.9, 0.999
    return w0 + change, [
        Mistake(change, "That is the change; add it to the old weight."),
        Mistake(w0 - ADAM_LR * g, "That is plain gradient descent's step, -lr * g. Adam divides "
                "by the gradient's running size."),
        Mistake(w0 - ADAM_LR * (1 - b1) * g / np.sqrt((1 - b2) * g**2), "You left out the bias "
                "correction: on step 1 divide m by 1 - 0.9 and s by 1 - 0.999."),
        Mistake(w0 - ADAM_LR * g / np.sqrt((1 - b2) * g**2), "You corrected m but not s: "
                "divide s by 1 - 0.999 too."),
        Mistake(w0 - ADAM_LR * (1 - b1) * g / abs(g), "You corrected s but not m: divide m by "
                "1 - 0.9 too."),
        Mistake(w0 + ADAM_LR, "Right size, wrong direction: the gradient is positive, so the "
                "weight goes down."),
    ]


def adam_first_step(answer):
    """The bottom-right weight after Adam's first step (lr = 0.01) on lesson 04's problem."""
    right, mistakes = _adam_new_weight()
    return BOOK.with_help("adam_first_step", check_number(answer, right, mistakes))


BOOK.add("adam_first_step", [
    "On step 1, m and s start from 0, so m = (1 - b1) * g and s = (1 - b2) * g**2.",
    "Apply the bias correction to both, then the step is -lr * m_hat / (sqrt(s_hat) + eps). "
    "The gradient's size cancels.",
], _adam_solution)


def _momentum_outcome() -> tuple[str, np.ndarray]:
    optimiser = optimisers.Momentum(MOMENTUM_LR, MOMENTUM_BETA)
    path = optimisers.run(optimiser, LESSON_01, [0.0], 300)[:, 0]
    if len(path) <= 300 or abs(path[-1] - 3) > 1e-3:
        return OUTCOMES[2], path
    return (OUTCOMES[1] if path.max() > 3 else OUTCOMES[0]), path


def _momentum_solution() -> Solution:
    outcome, path = _momentum_outcome()
    peak = int(np.argmax(path))
    return Solution((f"plain factor 1 - lr * 8 = {optimisers.plain_factor(MOMENTUM_LR, 8):.2f} "
                     "(no overshoot without momentum)",
                     f"momentum: w = {', '.join(f'{w:.3f}' for w in path[1:6])}, ...",
                     f"highest w = {path[peak]:.3f} at step {peak}; after 300 steps "
                     f"w = {path[-1]:.6f}",
                     "long-run factor = "
                     f"{optimisers.momentum_factor(MOMENTUM_LR, MOMENTUM_BETA, 8):.3f} < 1"),
                    outcome)


def _momentum():
    right, _ = _momentum_outcome()
    mistakes = {
        OUTCOMES[0]: "Plain steps at lr = 0.1 never overshoot (factor 1 - 8 * 0.1 > 0), but "
                     "momentum's velocity still points at 3 when w gets there.",
        OUTCOMES[1]: "It does overshoot; but look at the long-run factor: is it below 1?",
        OUTCOMES[2]: "The swings shrink: when momentum swings, its factor per step is "
                     "sqrt(beta), and beta is below 1.",
    }
    return right, [Mistake(o, d) for o, d in mistakes.items() if o != right]


def momentum_on_lesson_01(answer):
    """Lesson 01's w (x = 2, y = 6, from 0) with lr = 0.1 and momentum beta = 0.9."""
    if answer is None:  # no need to run anything just to say so
        return check_choice(None, OUTCOMES[0], OUTCOMES)
    right, mistakes = _momentum()
    return BOOK.with_help("momentum_on_lesson_01", check_choice(answer, right, OUTCOMES,
                                                                mistakes))


BOOK.add("momentum_on_lesson_01", [
    "Without momentum, lr = 0.1 gives the factor 1 - 8 * lr: positive, so no overshoot. What "
    "does the carried velocity add as w nears 3?",
    "Use the lesson's momentum_factor(lr, beta, lam) with lam = 8 (lesson 01's curvature), or "
    "write the two-line momentum loop and watch w.",
], _momentum_solution)

ANSWERS = {"best_beta": _best_beta, "adam_first_step": _adam_new_weight,
           "momentum_on_lesson_01": _momentum}
