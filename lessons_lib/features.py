"""Why training works: features nobody designed, and weights on noise that fade (lesson 06).

The task: small noisy images, each with one straight edge, up-down ("vertical", label 1) or
left-right ("horizontal", label 0), at a random place and with a random sign. Each image has a
second channel of pure noise that has nothing to do with the label. The model:

    response[n, i, j] = sum over channel c, a, b of kernel[c, a, b] * images[n, c, i + a, j + b]
    energy[n]         = mean over i, j of response**2        (square: blind to the edge's sign)
    score[n]          = readout * energy[n] + bias            (> 0 means "vertical")
    loss              = mean over n of log(1 + exp(score)) - label * score   (logistic loss)

`gradients` gives every example's gradient by the chain rule, written out (lesson 03, 04);
`train` runs gradient descent on mini-batches or on the full batch. Nothing tells the kernel
to look for edges: `sobel_correlation` measures whether it became an edge detector, and
`tug_of_war` measures how the per-example gradients on the noise channel's weights pull.
"""
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lessons_lib import validation

SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])  # finds vertical edges
IMAGE, NOISE = 0, 1  # the two input channels


def make_images(n: int = 256, size: int = 8, noise: float = 0.5, seed: int = 100):
    """(images (n, 2, size, size), labels (n,)): channel IMAGE holds a +-1 edge plus pixel
    noise, channel NOISE holds noise alone. Label 1: the edge runs up-down (vertical)."""
    n = validation.count("n", n, minimum=2, maximum=100_000)
    size = validation.count("size", size, minimum=4, maximum=256)
    validation.pixel_budget("n", n, size, 2**23)
    noise = validation.non_negative("noise", validation.bounded("noise", noise))
    rng = np.random.default_rng(validation.count("seed", seed))
    labels = rng.integers(0, 2, size=n)
    columns = np.arange(size)
    images = np.zeros((n, 2, size, size))
    for k in range(n):
        where = rng.integers(2, size - 1)  # the edge sits between two inner columns
        sign = rng.choice([-1.0, 1.0])
        edge = np.tile(np.where(columns < where, -sign, sign), (size, 1))  # vertical edge
        images[k, IMAGE] = edge if labels[k] == 1 else edge.T
    images[:, IMAGE] += noise * rng.normal(size=(n, size, size))
    images[:, NOISE] = rng.normal(size=(n, size, size))
    return images, labels


@dataclass(frozen=True)
class Model:
    kernel: np.ndarray  # (2, 3, 3): one 3x3 kernel per channel
    readout: float
    bias: float

    def __post_init__(self):  # checked when made: a NaN or mis-shaped kernel fails here, by name
        kernel = validation.array("kernel", self.kernel, ndim=3)
        if kernel.shape != (2, 3, 3) or np.abs(kernel).max() > 1e50:
            raise ValueError(f"kernel must be a (2, 3, 3) array (one 3x3 kernel per channel) "
                             f"within +-1e50, got shape {kernel.shape}")
        object.__setattr__(self, "kernel", kernel)
        for name in ("readout", "bias"):
            object.__setattr__(self, name, validation.bounded(name, getattr(self, name)))


def random_model(seed: int = 3, scale: float = 0.3) -> Model:
    """A random kernel (nothing edge-like in it on purpose), readout 1, bias 0."""
    rng = np.random.default_rng(validation.count("seed", seed))
    scale = validation.non_negative("scale", validation.bounded("scale", scale)) + 0.0  # no -0.0
    return Model(rng.normal(scale=scale, size=(2, 3, 3)), 1.0, 0.0)


def _check(images, labels, with_labels: bool = True):
    """(images, labels) as float arrays: images (n, 2, H, W), H and W at least 3, values within
    +-1e50; labels (n,), each 0 or 1 (unchecked, when not `with_labels`)."""
    images = validation.array("images", images, ndim=4)
    if images.shape[1] != 2 or min(images.shape[2:]) < 3 or np.abs(images).max() > 1e50:
        raise ValueError(f"images must be an (n, 2, H, W) array with H, W >= 3 and values "
                         f"within +-1e50, got shape {images.shape}")
    if with_labels:
        labels = validation.array("labels", labels, ndim=1)
        if labels.shape != (len(images),) or not np.isin(labels, (0, 1)).all():
            raise ValueError(f"labels must be {len(images)} labels (one per image), each 0 or "
                             f"1, got shape {labels.shape}")
    return images, labels


def _model(model) -> "Model":
    if not isinstance(model, Model):
        raise TypeError(f"model must be a features.Model (make one with random_model), "
                        f"got {type(model).__name__}")
    if not np.all(np.isfinite(model.kernel)):  # changed in place since it was made
        raise ValueError("model.kernel must contain only finite numbers (no NaN or inf)")
    return model


_WEIGHTS_TOO_LARGE = "images or the model's weights hold values too large"


def forward(images, model: Model):
    """(patches (n, 2, h, w, 3, 3), response (n, h, w), energy (n,), score (n,))."""
    images, model = _check(images, None, with_labels=False)[0], _model(model)
    with validation.no_overflow("the forward pass", _WEIGHTS_TOO_LARGE):
        patches = sliding_window_view(images, (3, 3), axis=(2, 3))
        response = np.einsum("nchwab,cab->nhw", patches, model.kernel)
        energy = (response**2).mean(axis=(1, 2))
        return patches, response, energy, model.readout * energy + model.bias


def gradients(images, labels, model: Model):
    """Per-example (loss (n,), d kernel (n, 2, 3, 3), d readout (n,), d bias (n,))."""
    images, labels = _check(images, labels)
    patches, response, energy, score = forward(images, model)
    with validation.no_overflow("the gradients", _WEIGHTS_TOO_LARGE):
        return _gradients(patches, response, energy, score, labels, model)


def _gradients(patches, response, energy, score, labels, model: Model):
    loss = np.logaddexp(0.0, score) - labels * score
    d_score = 0.5 * (1 + np.tanh(score / 2)) - labels  # sigmoid(score) - label, no overflow
    d_energy = d_score * model.readout
    d_response = d_energy[:, None, None] * 2 * response / response[0].size  # the mean's 1/(h*w)
    d_kernel = np.einsum("nhw,nchwab->ncab", d_response, patches)
    return loss, d_kernel, d_score * energy, d_score


@dataclass(frozen=True)
class Run:
    models: list  # the model before step 1, ..., after the last step
    losses: np.ndarray  # (steps,) batch loss at each step, before its update

    @property
    def kernels(self) -> np.ndarray:
        return np.stack([m.kernel for m in self.models])  # (steps + 1, 2, 3, 3)


def train(images, labels, model: Model, lr: float = 0.5, steps: int = 300,
          batch_size: int | None = 32, seed: int = 0) -> Run:
    """Gradient descent on the mean loss: random mini-batches, or every image at every step
    when batch_size is None (full batch)."""
    images, labels = _check(images, labels)
    model = _model(model)
    lr = validation.non_negative("lr", validation.bounded("lr", lr))
    steps = validation.count("steps", steps, maximum=100_000)
    if batch_size is not None and not 1 <= validation.count("batch_size", batch_size) <= len(
            images):
        raise ValueError(f"batch_size must be None or 1 to {len(images)}, got {batch_size}")
    rng = np.random.default_rng(validation.count("seed", seed))
    models, losses = [model], []
    for _ in range(steps):
        batch = (np.arange(len(images)) if batch_size is None
                 else rng.choice(len(images), size=batch_size, replace=False))
        try:  # overflow: diverging, say so
            loss, d_kernel, d_readout, d_bias = gradients(images[batch], labels[batch], model)
            with validation.no_overflow("the step", "lr is too large"):
                model = Model(model.kernel - lr * d_kernel.mean(axis=0),
                              model.readout - lr * d_readout.mean(),
                              model.bias - lr * d_bias.mean())
        except ValueError:
            raise ValueError(f"training diverged at step {len(losses) + 1}: "
                             f"lower lr (it was {lr:g})") from None
        models.append(model)
        losses.append(loss.mean())
    return Run(models, np.array(losses))


def correlation(a, b) -> float:
    """Pearson correlation of two kernels' weights: 1 same pattern, -1 flipped, 0 unrelated."""
    a, b = (validation.array(name, x).ravel() for name, x in (("a", a), ("b", b)))
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold as many weights, got {a.size} and {b.size}")
    for name, x in (("a", a), ("b", b)):
        if np.abs(x).max() > 1e50 or np.ptp(x) == 0:
            raise ValueError(f"{name} must hold weights within +-1e50, not all equal "
                             f"(a correlation needs some spread)")
    a, b = (x / np.abs(x).max() for x in (a, b))  # the same correlation, no underflow
    a, b = a - a.mean(), b - b.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


def sobel_correlation(kernel) -> float:
    """|correlation| with the Sobel kernel for vertical or for horizontal edges, the larger:
    how much a 3x3 kernel looks like an edge detector of either orientation, either sign."""
    kernel = validation.array("kernel", kernel, ndim=2)
    if kernel.shape != (3, 3) or np.ptp(kernel) == 0 or np.abs(kernel).max() > 1e50:
        raise ValueError(f"kernel must be 3x3, within +-1e50 and not all one value, "
                         f"got shape {kernel.shape}")
    return max(abs(correlation(kernel, SOBEL)), abs(correlation(kernel, SOBEL.T)))


def accuracy(images, labels, model: Model) -> float:
    images, labels = _check(images, labels)
    return float(np.mean((forward(images, model)[3] > 0) == labels))


def tug_of_war(images, labels, model: Model, channel: int = NOISE):
    """How the per-example gradients on one channel's 9 weights (NOISE unless told) pull:
    (share of the example gradients that point the same way as their average,
     cosine between the average gradient and the weights themselves,
     average gradient / weights: the factor k in  average ~ k * weights)."""
    if validation.count("channel", channel) not in (IMAGE, NOISE):
        raise ValueError(f"channel must be features.IMAGE or features.NOISE, got {channel!r:.60}")
    each = gradients(images, labels, model)[1][:, channel].reshape(len(images), 9)
    average, w = each.mean(axis=0), model.kernel[channel].ravel()
    if not np.any(average) or not np.any(w):
        raise ValueError("model or images: the channel's weights, or their average gradient, "
                         "are all 0: no direction to compare")
    same_way = float(np.mean(np.sign(each) == np.sign(average)))
    with validation.no_overflow("the tug of war", "images or model hold values too small or "
                                                  "too large"):
        unit_average, unit_w = average / np.abs(average).max(), w / np.abs(w).max()
        cosine = float(unit_average @ unit_w / (np.linalg.norm(unit_average)
                                                * np.linalg.norm(unit_w)))
        factor = validation.finite("the tug of war", unit_average @ unit_w / (unit_w @ unit_w)
                                   * (np.abs(average).max() / np.abs(w).max()),
                                   "images or model hold values too small or too large")
    return same_way, cosine, float(factor)


def shrinking_phase(images, labels, run: Run, above: float = 0.1):
    """tug_of_war averaged over the steps before the largest |noise weight| first drops below
    `above`: (steps, mean same-way share, mean cosine, smallest cosine)."""
    images, labels = _check(images, labels)
    if not isinstance(run, Run):
        raise TypeError(f"run must be a features.Run (what train returns), "
                        f"got {type(run).__name__}")
    above = validation.non_negative("above", validation.bounded("above", above))
    noise = np.abs(run.kernels[:, NOISE]).max(axis=(1, 2))
    steps = int(np.argmax(noise < above)) if np.any(noise < above) else len(noise)
    if steps == 0:
        raise ValueError(f"the noise weights start below above={above}: nothing shrinks")
    pulls = np.array([tug_of_war(images, labels, run.models[s])[:2] for s in range(steps)])
    return steps, float(pulls[:, 0].mean()), float(pulls[:, 1].mean()), float(pulls[:, 1].min())
