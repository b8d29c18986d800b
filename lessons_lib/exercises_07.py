"""Checkers, hints and worked solutions for lesson 07's exercises. Right answers come from
lessons_lib.optimisers, never from typed-in values.

    exercises_07.hint("turned_bowl")       a hint (hint("turned_bowl", 2) the next one)
    exercises_07.solution("turned_bowl")   the worked solution, computed
"""
import numpy as np

from lessons_lib import optimisers
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number

BOOK = Hints("exercises_07")
hint, solution = BOOK.hint, BOOK.solution

# Exercise 1: two bowls with the same curvatures, 2 and 200. A is stretched along its weights
# (loss = w1**2 + 100 * w2**2); B is A turned by 45 degrees, stretched along a mix of both.
TURN = np.array([[1.0, -1.0], [1.0, 1.0]]) / np.sqrt(2)  # w_B = TURN @ w_A
BOWLS = {"A": optimisers.Bowl(np.diag([1.0, 10.0]), np.zeros(2)),
         "B": optimisers.Bowl(np.diag([1.0, 10.0]) @ TURN.T, np.zeros(2))}
STARTS = {"A": np.array([1.0, 1.0]), "B": TURN @ np.array([1.0, 1.0])}  # the same point, turned
TURNED_LR, TURNED_GOAL = 0.1, 1e-3
TURNED_OPTIONS = ("A", "B", "the same")
# Exercise 2: Adam's very first step on lesson 04's problem.
ADAM_LR = 0.01
# Exercise 3: lesson 01's problem (x = 2, y = 6, w from 0) with momentum.
LESSON_01 = optimisers.Bowl(np.array([[2.0]]), np.array([6.0]))
MOMENTUM_LR, MOMENTUM_BETA = 0.1, 0.9
OUTCOMES = ("converges without overshooting", "overshoots, then converges", "diverges")


def _steps(name: str, optimiser) -> int:
    return optimisers.steps_to(optimiser, BOWLS[name], STARTS[name], TURNED_GOAL)


def _rescaled_condition(bowl) -> float:
    """Largest over smallest curvature once each weight is rescaled by its own curvature."""
    hessian = 2 * bowl.X.T @ bowl.X
    scale = np.sqrt(np.diag(hessian))
    lam = np.linalg.eigvalsh(hessian / np.outer(scale, scale))
    return float(lam.max() / lam.min())


def _turned_bowl():
    adam = {name: _steps(name, optimisers.Adam(TURNED_LR)) for name in BOWLS}
    right = "the same" if adam["A"] == adam["B"] else min(adam, key=adam.get)
    mistakes = {
        "A": "Adam rescales each weight by its own gradient size. Which bowl's stretch lies "
             "along a weight, so that such a rescaling can undo it?",
        "B": "In B the steep direction mixes both weights, so both weights' gradients are "
             "large together: rescaling each weight on its own cannot tell the steep direction "
             "from the flat one.",
        "the same": "True for plain descent and momentum, which see only the curvatures. "
                    "Adam's per-weight scale depends on which directions the weights point in.",
    }
    return right, [Mistake(option, text) for option, text in mistakes.items() if option != right]


def _turned_solution() -> Solution:
    right, _ = _turned_bowl()
    lr, beta = optimisers.best_momentum([2.0, 200.0])
    lines = [f"both bowls: curvatures {', '.join(f'{c:g}' for c in BOWLS['A'].curvatures())}"]
    for name, bowl in BOWLS.items():
        lines.append(
            f"bowl {name}: condition number after rescaling each weight "
            f"{_rescaled_condition(bowl):.0f}; steps to a loss below {TURNED_GOAL:g}: "
            f"Adam (lr {TURNED_LR:g}) {_steps(name, optimisers.Adam(TURNED_LR))}, "
            f"momentum {_steps(name, optimisers.Momentum(lr, beta))}")
    return Solution(tuple(lines), right)


def turned_bowl(answer):
    """On which bowl, A (stretched along a weight) or B (A turned by 45 degrees), does Adam
    reach a loss below 0.001 in fewer steps?"""
    right, mistakes = _turned_bowl()
    return BOOK.with_help("turned_bowl", check_choice(answer, right, TURNED_OPTIONS, mistakes))


BOOK.add("turned_bowl", [
    "Plain descent and momentum see only the curvatures, and the two bowls share them. What "
    "does Adam see that they don't?",
    "Rescale each weight of each bowl by its own curvature (the Hessian's diagonal), as the "
    "lesson did for lesson 04's bowl, and compare the condition numbers that are left.",
], _turned_solution)


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

ANSWERS = {"turned_bowl": _turned_bowl, "adam_first_step": _adam_new_weight,
           "momentum_on_lesson_01": _momentum}
