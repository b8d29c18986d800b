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
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number
from lessons_lib.exercises_functions import Case, check_function

BOOK = Hints("exercises_09")
hint, solution = BOOK.hint, BOOK.solution

SHAPES = ((4, 3, 2), (5, 2, 3), (3, 4, 4))  # (N, D_in, D_out) of the fresh batches
LETTERS = 26  # classes in exercise 3
BATCH, MEAN_LR = 32, 0.1  # exercise 4
SHAPE_WORDS = ("matmul", "shapes", "aligned", "broadcast", "dimension")


def _batch(n: int, d_in: int, d_out: int, seed: int):
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, (n, d_in)).astype(float), rng.integers(-2, 3, (d_in, d_out)) / 2,
            rng.integers(-2, 3, d_out) / 2, rng.integers(-3, 4, (n, d_out)).astype(float))


def _flat(dx, dw, db) -> np.ndarray:
    return np.concatenate([np.ravel(dx), np.ravel(dw), np.ravel(db)])


def _dy(x, w, b, target) -> np.ndarray:
    """dloss/dy for loss = mean over the batch of the summed squared errors."""
    return 2 * (layers.linear_forward(x, w, b) - target) / len(x)


def _layer_reference(x, w, b, target):
    return layers.linear_backward(x, w, _dy(x, w, b, target))


def _as_three(function):
    """The learner's (dx, dw, db) as one flat array, so every case compares at once."""
    if not callable(function):
        return function

    def flattened(x, w, b, target):
        result = function(x, w, b, target)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            return result  # None, or something check_function will describe
        try:
            return _flat(*(np.asarray(r.detach() if hasattr(r, "detach") else r, dtype=float)
                           for r in result))
        except (TypeError, ValueError):
            return result
    return flattened


def _layer_slips():
    def rule(change):
        return lambda x, w, b, t: _flat(*change(x, w, _dy(x, w, b, t)))

    return [
        ("dW transposed, dy.T @ x", rule(lambda x, w, dy: (dy @ w.T, dy.T @ x, dy.sum(0))),
         "dW has w's shape (D_in, D_out): the one product of x and dy with that shape is "
         "x.T @ dy."),
        ("dX transposed, w @ dy.T", rule(lambda x, w, dy: (w @ dy.T, x.T @ dy, dy.sum(0))),
         "dX has x's shape (N, D_in): dy @ w.T."),
        ("db without the batch sum", rule(lambda x, w, dy: (dy @ w.T, x.T @ dy, dy)),
         "b is used by every example in the batch, so its gradients add: sum dy over axis 0."),
        ("db averaged over the batch", rule(lambda x, w, dy: (dy @ w.T, x.T @ dy, dy.mean(0))),
         "The 1/N is already inside dy (the loss is a mean); db then sums dy over the batch."),
        ("every gradient N times too big", rule(lambda x, w, dy: (len(x) * dy @ w.T,
                                                                  len(x) * x.T @ dy,
                                                                  len(x) * dy.sum(0))),
         "The loss is the MEAN over the batch: dy = 2 (y - target) / N. The 1/N is missing."),
        ("(dW, dX, db), dX and dW swapped", rule(lambda x, w, dy: (x.T @ dy, dy @ w.T,
                                                                  dy.sum(0))),
         "Return them in the order (dx, dw, db)."),
        ("half the gradient", rule(lambda x, w, dy: (dy @ w.T / 2, x.T @ dy / 2,
                                                     dy.sum(0) / 2)),
         "The square's derivative brings a 2: dy = 2 (y - target) / N."),
        ("the gradient with the wrong sign", rule(lambda x, w, dy: (-dy @ w.T, -x.T @ dy,
                                                                    -dy.sum(0))),
         "dy = 2 (y - target) / N: prediction minus target, not the other way round."),
    ]


def linear_layer_backward(function):
    """Your function(x, w, b, target) -> (dx, dw, db) for y = x @ w + b and
    loss = mean over the batch of sum((y - target)**2)."""
    cases = [Case(f"N={n}, D_in={d_in}, D_out={d_out}",
                  lambda s=(n, d_in, d_out, seed): _batch(*s),
                  _flat(*_layer_reference(*_batch(n, d_in, d_out, seed))))
             for seed, (n, d_in, d_out) in enumerate(SHAPES)]
    feedback = check_function(_as_three(function), cases, _layer_slips())
    if not feedback.correct and any(word in feedback.message for word in SHAPE_WORDS):
        feedback = type(feedback)(feedback.status, feedback.message + " Use the shape trick: "
                                  "dX has x's shape (N, D_in), dW has w's (D_in, D_out), db has "
                                  "b's (D_out,); one product of the pieces gives each shape.")
    return BOOK.with_help("linear_layer_backward", feedback)


BOOK.add("linear_layer_backward", [
    "Start from dy = dloss/dy: each of the N x D_out squared errors is divided by N, and "
    "the square brings a 2, so dy = 2 (y - target) / N.",
    "Then the lesson's three rules: dx = dy @ w.T, dw = x.T @ dy, db = dy.sum(axis=0). Check "
    "each shape against its variable's.",
], lambda: Solution((
    "y = x @ w + b;  dy = 2 * (y - target) / len(x)",
    "dx, dw, db = dy @ w.T, x.T @ dy, dy.sum(axis=0)",
    "first case, N=4, D_in=3, D_out=2, gives (dx, dw, db):",
), tuple(np.round(g, 4).tolist() for g in _layer_reference(*_batch(4, 3, 2, 0)))))


# 2. The gradient of softmax cross-entropy, averaged over the batch.
def _logits_batch(n: int, classes: int, seed: int):
    rng = np.random.default_rng(100 + seed)
    return rng.normal(0.0, 2.0, (n, classes)), rng.integers(0, classes, n)


CE_SHAPES = ((4, 3), (6, 5), (2, 4))


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
    ]


def cross_entropy_gradient(function):
    """Your function(logits, labels) -> dloss/dlogits, for the mean cross-entropy."""
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
