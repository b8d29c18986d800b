"""Checkers, hints and worked solutions for lesson 09's exercises.

Two "write the function" exercises run the learner's code on fresh batches of shapes the lesson
never used: the backward pass of a linear layer under a mean squared-error loss, and the
gradient of softmax cross-entropy. Two numbers need the lesson's rules on new settings: the loss
at a random start with 26 classes, and the learning rate that makes a summed loss take the same
steps as a mean one. A prediction asks what the ReLU's gate does to a neuron that is off for
every example. Right answers and worked solutions come from lessons_lib.layers; each slip
is computed from the mistake it describes.
"""
import math

import numpy as np

from lessons_lib import layers
from lessons_lib.exercises import (
    CORRECT,
    NOT_ATTEMPTED,
    WRONG,
    Feedback,
    Hints,
    Mistake,
    Solution,
    check_choice,
    check_number,
)
from lessons_lib.exercises_functions import Case, check_function, run_learner

BOOK = Hints("exercises_09")
hint, solution = BOOK.hint, BOOK.solution

SHAPES = ((3, 4, 4), (4, 3, 2), (5, 2, 3))  # (N, D_in, D_out); D_in = D_out first
LETTERS = 26  # classes in exercise 3
BATCH, MEAN_LR = 32, 0.1  # exercise 4


def _batch(n: int, d_in: int, d_out: int, seed: int):
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, (n, d_in)).astype(float), rng.integers(-2, 3, (d_in, d_out)) / 2,
            rng.integers(-2, 3, d_out) / 2, rng.integers(-3, 4, (n, d_out)).astype(float))


def _dy(x, w, b, target) -> np.ndarray:
    """dloss/dy for loss = mean over the batch of the summed squared errors."""
    return 2 * (layers.linear_forward(x, w, b) - target) / len(x)


def _layer_reference(x, w, b, target):
    return layers.linear_backward(x, w, _dy(x, w, b, target))


NAMES = ("dx", "dw", "db")
SHAPE_OF = {"dx": "x's shape, (N, D_in)", "dw": "w's shape, (D_in, D_out)",
            "db": "b's shape, (D_out,)"}


def _layer_slips():
    """(what, rule(x, w, b, target) -> (dx, dw, db), diagnosis), each rule the slip itself."""
    def scaled(factor):
        return lambda x, w, b, t: tuple(factor(x, t) * g for g in _layer_reference(x, w, b, t))

    def rule(change):
        return lambda x, w, b, t: change(x, w, _dy(x, w, b, t))

    return [
        ("dW = dy.T @ x, transposed", rule(lambda x, w, dy: (dy @ w.T, dy.T @ x, dy.sum(0))),
         "Here D_in = D_out, so the shapes cannot tell x.T @ dy from dy.T @ x: check the "
         "values with the index rule, dW[i, j] = sum over n of x[n, i] * dy[n, j], which is "
         "x.T @ dy."),
        ("db averaged over the batch", rule(lambda x, w, dy: (dy @ w.T, x.T @ dy, dy.mean(0))),
         "The 1/N is already inside dy (the loss is a mean); db then sums dy over the batch."),
        ("every gradient N times too big", scaled(lambda x, t: len(x)),
         "The loss is the MEAN over the batch: dy = 2 (y - target) / N. The 1/N is missing."),
        ("a mean over every entry, as np.mean and MSELoss do",
         scaled(lambda x, t: 1 / t.shape[1]),
         "That divides by N x D_out. This loss sums each example's D_out squared errors and "
         "averages over the N examples only: dy = 2 (y - target) / N."),
        ("half the gradient", scaled(lambda x, t: 0.5),
         "The square's derivative brings a 2: dy = 2 (y - target) / N."),
        ("the gradient with the wrong sign", scaled(lambda x, t: -1.0),
         "dy = 2 (y - target) / N: prediction minus target, not the other way round."),
    ]


def _arrays(result):
    """The learner's (dx, dw, db) as three float arrays, or a sentence saying what is wrong."""
    if not isinstance(result, (tuple, list)):
        text = f"{type(result).__name__} {result!r:.40}"
        if isinstance(result, (str, bytes)):
            return f"expected 3 arrays (dx, dw, db), got {text}, not numbers"
        if isinstance(result, float) and not math.isfinite(result):
            return f"expected 3 arrays (dx, dw, db), got {text}: NaN or inf, not numbers"
        return f"expected 3 arrays (dx, dw, db), got {text}"
    if len(result) != 3:
        return f"expected 3 arrays (dx, dw, db), got {len(result)}"
    arrays = []
    for name, value in zip(NAMES, result):
        if hasattr(value, "detach"):
            value = value.detach().cpu().double().numpy()
        if isinstance(value, (str, bytes, dict)) or value is None:
            return f"{name} is {type(value).__name__} {value!r:.40}, not numbers"
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            return f"{name} is {type(value).__name__} {value!r:.40}, not numbers"
        if not np.isfinite(array).all():
            return f"{name} holds NaN or inf, not a finite answer"
        arrays.append(array)
    return arrays


def _shape_problem(got, want) -> str:
    """A sentence naming the first of dx, dw, db whose shape is not its variable's, or ''."""
    for name, array, right in zip(NAMES, got, want):
        if array.shape != right.shape:
            other = [o for o, r in zip(NAMES, want) if o != name and _close([array], [r])]
            order = (f" That is {other[0]}'s shape: return them in the order (dx, dw, db)."
                     if other else "")
            return (f"{name} has shape {array.shape}, expected {right.shape}, "
                    f"{SHAPE_OF[name]}.{order} Use the shape trick: one product of the pieces "
                    "gives each shape.")
    return ""


def _close(got, want) -> bool:
    return all(a.shape == np.shape(r) and np.allclose(a, r, rtol=1e-4, atol=1e-9)
               for a, r in zip(got, want))


def _layer_feedback(function) -> Feedback:
    cases = [("N={}, D_in={}, D_out={}".format(*size), _batch(*size, seed))
             for seed, size in enumerate(SHAPES)]
    results = []  # per case: the three arrays, or a sentence saying what went wrong
    for n, (_, args) in enumerate(cases):
        result, problem = run_learner(function, args)
        if problem is not None and problem.startswith("it returned a dict"):
            problem = "it returned a dict: return a tuple (dx, dw, db)"  # a dict is not numbers
        if problem is None and result is None:
            if n == 0:
                return Feedback(NOT_ATTEMPTED, "Not attempted yet: the function returns None.")
            problem = "it returned None"
        if problem is None:
            result = _arrays(result)
            problem = result if isinstance(result, str) else _shape_problem(
                result, _layer_reference(*args))
        results.append(problem or result)
    failing = [n for n, (result, (label, args)) in enumerate(zip(results, cases))
               if isinstance(result, str) or not _close(result, _layer_reference(*args))]
    if not failing:
        return Feedback(CORRECT, f"Correct: dx, dw and db right on all {len(cases)} cases.")
    label, args = cases[failing[0]]
    got = results[failing[0]]
    if isinstance(got, str):
        return Feedback(WRONG, f"Case {label}: {got}" + ("" if got.endswith(".") else "."))
    want = _layer_reference(*args)
    wrong = [name for name, a, r in zip(NAMES, got, want) if not _close([a], [r])]
    names = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
    message = f"Case {label}: {names} {'is' if len(wrong) == 1 else 'are'} wrong"
    valued = [n for n in failing if not isinstance(results[n], str)]
    for what, rule, diagnosis in _layer_slips():  # named only if it explains every such case
        if all(_close(results[n], rule(*cases[n][1])) for n in valued):
            return Feedback(WRONG, f"{message}: that is {what}. {diagnosis}")
    k = NAMES.index(wrong[0])
    return Feedback(WRONG, f"{message}. Expected {wrong[0]} = {_short(want[k])}, got "
                    f"{_short(got[k])}.")


def _short(array) -> str:
    text = str(np.round(array, 4).tolist())
    return text if len(text) <= 80 else text[:76] + " ..."


def linear_layer_backward(function):
    """Your function(x, w, b, target) -> (dx, dw, db) for y = x @ w + b and
    loss = ((y - target)**2).sum(axis=1).mean(); dx, dw and db are each checked on their own,
    shape first."""
    return BOOK.with_help("linear_layer_backward", _layer_feedback(function))


BOOK.add("linear_layer_backward", [
    "Start from dy = dloss/dy: each of the N x D_out squared errors is divided by N, and "
    "the square brings a 2, so dy = 2 (y - target) / N.",
    "Then the lesson's three rules: dx = dy @ w.T, dw = x.T @ dy, db = dy.sum(axis=0). Check "
    "each shape against its variable's.",
], lambda: Solution((
    "y = x @ w + b;  dy = 2 * (y - target) / len(x)",
    "dx, dw, db = dy @ w.T, x.T @ dy, dy.sum(axis=0)",
    "first case, N={}, D_in={}, D_out={}, gives (dx, dw, db):".format(*SHAPES[0]),
), tuple(np.round(g, 4).tolist() for g in _layer_reference(*_batch(*SHAPES[0], 0)))))


# 2. The gradient of softmax cross-entropy, averaged over the batch.
def _logits_batch(n: int, classes: int, seed: int):
    rng = np.random.default_rng(100 + seed)
    return rng.normal(0.0, 2.0, (n, classes)), rng.integers(0, classes, n)


CE_SHAPES = ((5, 4), (6, 5), (3, 7))  # (N, K): never N = K, never the lesson's


def _ce_slips():
    def p(z):
        return layers.softmax(z)

    def y(z, labels):
        return layers.one_hot(labels, z.shape[1])

    return [
        ("p - label (the label number, not its one-hot row)",
         lambda z, labels: (p(z) - labels[:, None]) / len(z),
         "y is the one-hot row of the label: 1 in the label's column, 0 elsewhere."),
        ("p / N, with no y subtracted", lambda z, labels: p(z) / len(z),
         "The right class's entry loses 1: subtract the one-hot y."),
        ("(y - p) / N", lambda z, labels: (y(z, labels) - p(z)) / len(z),
         "Right size, wrong sign: the gradient is p - y, so raising the right class's logit "
         "lowers the loss."),
        ("p - y, without the mean", lambda z, labels: p(z) - y(z, labels),
         "The loss is the MEAN over the batch: divide by N."),
        ("(logits - y) / N", lambda z, labels: (z - y(z, labels)) / len(z),
         "Turn the logits into probabilities first: p = softmax(logits)."),
        ("softmax over axis 0, down each column", lambda z, labels: (
            layers.softmax(z.T).T - y(z, labels)) / len(z),
         "Each example's probabilities are a row: softmax along axis=1, so each row sums to 1."),
        ("softmax over the whole array at once", lambda z, labels: (
            layers.softmax(z.reshape(1, -1)).reshape(z.shape) - y(z, labels)) / len(z),
         "Softmax each row on its own (axis=1, keepdims=True): each example's probabilities "
         "sum to 1."),
        ("(p - y) / K, divided by the number of classes", lambda z, labels: (
            p(z) - y(z, labels)) / z.shape[1],
         "The mean is over the N examples (rows), not the K classes: divide by N = len(logits)."),
        ("the gradient of the right class only", lambda z, labels: (
            y(z, labels) * (p(z) - 1)) / len(z),
         "Every logit gets a gradient, not just the right class's: the others get p_k / N."),
    ]


def _ce_shape_problem(function):
    """'Case ...: returned shape ..., expected (N, K)' for the first case of the wrong shape."""
    for seed, (n, classes) in enumerate(CE_SHAPES):
        result, problem = run_learner(function, _logits_batch(n, classes, seed))
        if problem is not None or result is None:
            return None  # check_function says what went wrong
        shape = tuple(result.shape) if hasattr(result, "shape") else np.shape(result)
        if len(shape) >= 1 and shape != (n, classes):
            return Feedback(WRONG, f"Case N={n}, {classes} classes: returned shape {shape}, "
                            f"expected {(n, classes)} = (N, K), one row per example.")
    return None


def cross_entropy_gradient(function):
    """Your function(logits, labels) -> dloss/dlogits, for the mean cross-entropy; the shape
    is checked first."""
    if callable(function) and (wrong := _ce_shape_problem(function)) is not None:
        return BOOK.with_help("cross_entropy_gradient", wrong)
    cases = [Case(f"N={n}, {classes} classes", lambda s=(n, classes, seed): _logits_batch(*s),
                  layers.cross_entropy_backward(*_logits_batch(n, classes, seed)))
             for seed, (n, classes) in enumerate(CE_SHAPES)]
    return BOOK.with_help("cross_entropy_gradient",
                          check_function(function, cases, _ce_slips()))


BOOK.add("cross_entropy_gradient", [
    "Softmax each row (subtract the row's max before exp), then build y: a row of zeros with "
    "a 1 at the label.",
    "The gradient of one example's loss is p - y; the loss is the mean of N of them, so divide "
    "by N. np.eye(classes)[labels] builds all the one-hot rows at once.",
], lambda: Solution((
    "p = exp(z - max) / sum(exp(z - max)) per row;  y = np.eye(classes)[labels]",
    "gradient = (p - y) / N",
    "first case, N=4, 3 classes, gives:",
), np.round(layers.cross_entropy_backward(*_logits_batch(4, 3, 0)), 4).tolist()))


# 3. The loss at a random start, with 26 classes.
def _start_loss():
    right = -math.log(1 / LETTERS)
    return right, [
        Mistake(math.log10(LETTERS), "That is the base-10 logarithm; cross-entropy uses the "
                "natural one, ln."),
        Mistake(1 / LETTERS, "That is the probability of the right class; the loss is "
                "-ln of it."),
        Mistake(math.log(2), "ln 2 is the start of a two-class problem; here there are "
                f"{LETTERS} classes."),
        Mistake(math.log(10), "ln 10 is for ten classes; here there are 26."),
        Mistake(math.log(LETTERS + 1), f"That is ln {LETTERS + 1}: there are exactly {LETTERS} "
                "classes, one per letter."),
        Mistake(math.log(LETTERS - 1), f"That is ln {LETTERS - 1}: every one of the {LETTERS} "
                "classes counts, the right one included."),
    ]


def start_loss(answer):
    """The mean cross-entropy of a 26-class classifier whose logits all start near 0."""
    right, mistakes = _start_loss()
    return BOOK.with_help("start_loss", check_number(answer, right, mistakes))


BOOK.add("start_loss", [
    "Logits all near 0 means softmax gives every class about the same probability.",
    "With K classes each probability is 1/K, and the loss is -ln(1/K) = ln K.",
], lambda: Solution((
    f"p = softmax of {LETTERS} zeros = 1/{LETTERS} = {1 / LETTERS:.5f} for every class",
    f"loss = -ln p = ln {LETTERS}",
    "check: layers.cross_entropy of zero logits = "
    f"{layers.cross_entropy(np.zeros((1, LETTERS)), np.array([0])):.5f}",
), _start_loss()[0]))


# 4. From a mean loss to a summed loss: which learning rate takes the same steps?
def _lr_for_sum():
    right = MEAN_LR / BATCH
    return right, [
        Mistake(MEAN_LR * BATCH, "Upside down: the summed loss's gradient is N times LARGER, "
                "so the learning rate must be N times smaller."),
        Mistake(MEAN_LR, "The step is lr x gradient, and the summed loss's gradient is N "
                "times the mean's: the same lr takes steps N times too long."),
        Mistake(MEAN_LR / math.sqrt(BATCH), "Not a square root: the gradient grows by exactly "
                "N, so lr shrinks by exactly N."),
        Mistake(MEAN_LR / (2 * BATCH), "That divides by 2N: the sum is exactly N times the "
                "mean, so divide by N alone."),
        Mistake(MEAN_LR / BATCH**2, "That divides by N twice: the summed loss's gradient is "
                "N times the mean's, so lr shrinks by N once."),
    ]


def lr_for_sum(answer):
    """The learning rate that makes SGD on the summed loss take the mean loss's steps."""
    right, mistakes = _lr_for_sum()
    return BOOK.with_help("lr_for_sum", check_number(answer, right, mistakes))


def _steps_agree() -> bool:
    x, w, b, t = _batch(BATCH, 3, 2, 7)
    dy_mean = _dy(x, w, b, t)
    step_mean = MEAN_LR * layers.linear_backward(x, w, dy_mean)[1]
    step_sum = _lr_for_sum()[0] * layers.linear_backward(x, w, dy_mean * BATCH)[1]
    return bool(np.allclose(step_mean, step_sum))


BOOK.add("lr_for_sum", [
    "How does the gradient of a sum over N examples compare with the gradient of their mean?",
    "sum = N x mean, so its gradient is N times the mean's; the step lr x gradient stays the "
    "same only if lr is divided by N.",
], lambda: Solution((
    f"gradient of the sum = {BATCH} x gradient of the mean",
    f"lr_sum x {BATCH} x g = {MEAN_LR:g} x g  ->  lr_sum = {MEAN_LR:g} / {BATCH}",
    f"check on a random batch of {BATCH}: the two weight steps agree: {_steps_agree()}",
), _lr_for_sum()[0]))



# 5. Predict: a hidden neuron whose ReLU is off for every example of the batch.
DEAD_OPTIONS = ("zero", "positive", "negative", "it depends on the labels")


def _dead_neuron():
    return "zero", [
        Mistake("it depends on the labels", "The labels shape dh, but the gate multiplies dh by "
                "0 wherever the pre-activation was not positive: nothing gets through."),
        Mistake("negative", "Its gradient is x.T @ dh_pre, and dh_pre is 0 in this neuron's "
                "column for every example."),
        Mistake("positive", "Its gradient is x.T @ dh_pre, and dh_pre is 0 in this neuron's "
                "column for every example."),
    ]


def dead_neuron(answer):
    """The gradient of a hidden neuron's incoming weights when its ReLU is off for every
    example: zero, positive, negative, or it depends on the labels?"""
    right, mistakes = _dead_neuron()
    return BOOK.with_help("dead_neuron", check_choice(answer, right, DEAD_OPTIONS, mistakes))


def _dead_column_gradient() -> np.ndarray:
    """A 3-example batch through a layer of 2 neurons whose second neuron is off for all three:
    the second column of dW1 comes out 0."""
    x = np.array([[1.0, 2.0], [2.0, -1.0], [0.5, 0.5]])
    w1, b1 = np.array([[1.0, -1.0], [0.5, -0.5]]), np.array([0.0, -3.0])
    h_pre = layers.linear_forward(x, w1, b1)  # second column: all negative
    dh = np.array([[0.3, -2.0], [-1.0, 4.0], [0.7, 1.5]])  # any upstream gradient
    return layers.linear_backward(x, w1, layers.relu_backward(h_pre, dh))[1]


BOOK.add("dead_neuron", [
    "Follow the relay backwards: what does the ReLU's gate do to dh where its input was "
    "not positive?",
    "The weights into that neuron get x.T @ (its column of dh_pre). If that column is all "
    "zeros, so is their gradient, whatever the data or labels.",
], lambda: Solution((
    "dh_pre = dh where h_pre > 0, else 0: this neuron's column is 0 for every example",
    "its incoming weights' gradient is x.T @ that column = 0",
    "check on a small batch: dW1 = " + str(np.round(_dead_column_gradient(), 4).tolist())
    + " (second column: the dead neuron)",
), _dead_neuron()[0]))

ANSWERS = {"start_loss": _start_loss, "lr_for_sum": _lr_for_sum, "dead_neuron": _dead_neuron}
