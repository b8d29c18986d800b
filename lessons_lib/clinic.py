"""When training fails (lesson 11, and its "find the bug" exercises): lesson 10's network with one
bug put in on purpose, the symptom it shows, and the check that catches it.

    BUGS                          the bugs, by name
    gradient_check(params, x, y, grads_fn)   per parameter array: hand-written gradient over
                                  the finite-difference one (1 when right; "both 0" when both are)
    train_with_bug(bug, split, steps, seed)  a short run of lesson 10's training with that bug
    symptom(bug, split, steps, seed, check_batch)   what a learner would see: the loss at every
                                  step, the kernels, the check
    start(bug, seed)              the starting parameters that run uses
    inside(params, x, y)          per layer: the conv outputs' share <= 0, kernels never on,
                                  and each parameter array's gradient size
"""
import numpy as np

from lessons_lib import cnn, digits, validation

BUGS = ("learning rate too large", "sign flipped in the conv backward", "missing 1/N",
        "all-zero initialisation", "gradients never zeroed", "initialisation too large")
LR, BETA, BATCH = 0.05, 0.9, 32  # lesson 10's settings
LARGE_LR = 5.0
LARGE_SCALE = 10.0  # every initial weight 10 times lesson 10's


def _flipped_conv(params, x, y):
    loss, grads = cnn.loss_and_grads(params, x, y)
    return loss, cnn.Params(-grads.conv_w, -grads.conv_b, grads.lin_w, grads.lin_b)


def _summed(params, x, y):
    """The loss and gradients summed over the batch, not averaged: 1/N forgotten."""
    loss, grads = cnn.loss_and_grads(params, x, y)
    return loss, cnn.Params(*(len(x) * g for g in grads.arrays()))


def _grads_fn(bug: str):
    return {"sign flipped in the conv backward": _flipped_conv,
            "missing 1/N": _summed}.get(bug, cnn.loss_and_grads)


def gradient_check(params, x, y, grads_fn=cnn.loss_and_grads, h: float = 1e-6,
                   entries: int = 4, seed: int = 0) -> dict:
    """{array name: ratio}: for `entries` random entries of each parameter array, the
    hand-written gradient against a central difference of the mean loss; the ratio is their
    least-squares fit (1 when right, -1 for a flipped sign, N for a missing 1/N), or the text
    "both 0" when both gradients vanish."""
    if not callable(grads_fn):
        raise TypeError(f"grads_fn must be a function like cnn.loss_and_grads, "
                        f"got {type(grads_fn).__name__}")
    h = validation.positive("h", validation.bounded("h", h, 1.0))
    entries = validation.count("entries", entries, minimum=1, maximum=20)
    rng = np.random.default_rng(validation.count("seed", seed))
    _, grads = grads_fn(params, x, y)  # cnn checks params, x and y here
    names = ("conv_w", "conv_b", "lin_w", "lin_b")
    ratios = {}
    for n, name in enumerate(names):
        value = getattr(params, name)
        picks = [tuple(rng.integers(0, s) for s in value.shape) for _ in range(entries)]
        hand, numeric = [], []
        for index in picks:
            nudged = []
            for sign in (1, -1):
                arrays = [a.copy() for a in params.arrays()]
                arrays[n][index] += sign * h
                nudged.append(cnn.loss_and_grads(cnn.Params(*arrays), x, y)[0])
            numeric.append((nudged[0] - nudged[1]) / (2 * h))
            hand.append(getattr(grads, name)[index])
        hand, numeric = np.array(hand), np.array(numeric)
        if np.abs(numeric).max() < 1e-9 and np.abs(hand).max() < 1e-9:
            ratios[name] = "both 0"
        else:
            ratios[name] = float(hand @ numeric / max(numeric @ numeric, 1e-300))
    return ratios


def _bug(bug):
    return validation.choice("bug", bug, BUGS)


def start(bug: str, seed: int = 1) -> cnn.Params:
    """The starting parameters of the run with `bug`: lesson 10's (cnn.init's seed 1 unless
    `seed` says otherwise), all zero, or ten times larger."""
    bug = _bug(bug)
    scale = {"all-zero initialisation": 0.0, "initialisation too large": LARGE_SCALE}.get(bug, 1.0)
    return cnn.init(seed, scale=scale)


def inside(params, x, y) -> dict:
    """What the layers do on a batch: the share of conv outputs at or below 0 (ReLU passes no
    gradient there), how many kernels are at or below 0 on every pixel of every image (dead),
    and the size (root of the sum of squares) of each parameter array's gradient."""
    _, grads = cnn.loss_and_grads(params, x, y)  # checks params, x and y
    conv = cnn.conv_forward(x, params.conv_w, params.conv_b)
    report = {"share at or below 0": float(np.mean(conv <= 0)),
              "dead kernels": int((conv <= 0).all(axis=(0, 2, 3)).sum())}
    for name in ("conv_w", "conv_b", "lin_w", "lin_b"):
        report[f"|grad {name}|"] = float(np.sqrt(np.sum(getattr(grads, name) ** 2)))
    return report


def train_with_bug(bug: str, split, steps: int = 60, seed: int = 1) -> tuple[np.ndarray, list]:
    """(losses, kernels at each step) of lesson 10's training with `bug` put in, from the start
    start(bug, seed) and lesson 10's batches. The run stops early when the loss passes
    cnn.DIVERGED_LOSS."""
    bug = _bug(bug)
    if not isinstance(split, digits.Split):
        raise TypeError(f"split must be a digits.Split (what digits.load_split returns), "
                        f"got {type(split).__name__}")
    steps = validation.count("steps", steps, minimum=1, maximum=500)
    x, y = split.train_x, split.train_y
    params = start(bug, seed)
    lr = LARGE_LR if bug == "learning rate too large" else LR
    grads_fn = _grads_fn(bug)
    weights = [a.copy() for a in params.arrays()]
    velocity = [np.zeros_like(a) for a in weights]
    total = [np.zeros_like(a) for a in weights]
    losses, kernels = [], [weights[0][:, 0].copy()]
    batches = cnn.batch_order(len(x), BATCH, -(-steps * BATCH // len(x)))[:steps]
    with np.errstate(all="ignore"):
        for rows in batches:
            loss, grads = grads_fn(cnn.Params(*weights), x[rows], y[rows])
            losses.append(loss)
            if not np.isfinite(loss) or loss > cnn.DIVERGED_LOSS:
                break
            for w, v, t, g in zip(weights, velocity, total, grads.arrays()):
                t += g  # the sum of every gradient so far: what is used when never zeroed
                v *= BETA
                v += t if bug == "gradients never zeroed" else g
                w -= lr * v
            kernels.append(weights[0][:, 0].copy())
    return np.array(losses), kernels


def symptom(bug: str, split, steps: int = 60, seed: int = 1, check_batch: int = 8) -> str:
    """A learner's view of a run with `bug`: the loss at every step, ten to a line, whether the
    kernels are all alike, and the gradient check on the first `check_batch` training digits
    at the start."""
    bug = _bug(bug)
    check_batch = validation.count("check_batch", check_batch, minimum=1, maximum=256)
    losses, kernels = train_with_bug(bug, split, steps, seed)
    params = start(bug, seed)
    ratios = gradient_check(params, split.train_x[:check_batch], split.train_y[:check_batch],
                            _grads_fn(bug))
    lines = [f"the loss at each step (a run stops once it passes {cnn.DIVERGED_LOSS:g}):"]
    for first in range(0, len(losses), 10):
        row = losses[first:first + 10]
        lines.append(f"  steps {first:2d}-{first + len(row) - 1:2d}: "
                     + " ".join(f"{loss:7.3g}" for loss in row))
    if len(losses) < steps:
        lines.append(f"  stopped after step {len(losses) - 1}")
    alike = all(np.array_equal(k, kernels[-1][0]) for k in kernels[-1])
    check = ", ".join(f"{name} {r if isinstance(r, str) else f'{r:.3g}'}"
                      for name, r in ratios.items())
    lines += [f"the 8 kernels after training are {'all identical' if alike else 'all different'}",
              f"gradient check at the start, on a batch of {check_batch} "
              f"(hand / finite difference): {check}"]
    return "\n".join(lines)
