"""Lesson 09's slider, over layers' maths: move one logit, watch softmax and the gradient p - y.

    logit_slider(logits, label)   slide the logit of class `label` (the right answer); left,
                                  the softmax probabilities; right, dloss/dlogits = p - y
"""
import ipywidgets
import numpy as np

from lessons_lib import layers, plotting, validation
from lessons_lib.slider_figure import SliderFigure

LOGIT_RANGE = (-4.0, 6.0)  # the slider's range; a step is LOGIT_STEP
LOGIT_STEP = 0.25
MAX_CLASSES = 8  # bars stay readable


def logit_slider(logits, label: int = 0) -> SliderFigure:
    """Slider `logit`: the logit of class `label`, the other classes' logits held fixed."""
    logits = validation.array("logits", logits, ndim=1)
    if not 2 <= logits.size <= MAX_CLASSES:
        raise ValueError(f"logits must have from 2 to {MAX_CLASSES} entries, got {logits.size}")
    if np.abs(logits).max() > 50:
        raise ValueError(f"logits must be within ±50 to make a readable picture, "
                         f"got {np.abs(logits).max():g}")
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
        raise TypeError(f"label must be a whole number (a class index), got {label!r:.40}")
    if not 0 <= label < logits.size:
        raise ValueError(f"label must be from 0 to {logits.size - 1}, got {label}")
    label = int(label)
    start = float(np.clip(np.round(logits[label] / LOGIT_STEP) * LOGIT_STEP, *LOGIT_RANGE))
    classes = np.arange(logits.size)
    fig, axes = plotting.figure(1, 2)
    prob_ax, grad_ax = axes[0]
    plotting.style(prob_ax, "softmax probabilities p", "class", "probability")
    plotting.style(grad_ax, "gradient p - y (loss per logit)", "class", "dloss/dlogit")
    prob_bars = prob_ax.bar(classes, np.zeros(logits.size), color=plotting.BLUE)
    prob_ax.bar(label, 1.0, fill=False, edgecolor=plotting.GREY, linestyle="--", linewidth=1.5)
    grad_bars = grad_ax.bar(classes, np.zeros(logits.size), color=plotting.ORANGE)
    grad_ax.axhline(0.0, color=plotting.GREY, linewidth=1)
    prob_ax.set_ylim(0.0, 1.05)
    grad_ax.set_ylim(-1.05, 1.05)
    for ax in (prob_ax, grad_ax):
        ax.set_xticks(classes, [f"{k}*" if k == label else str(k) for k in classes])
    logit = ipywidgets.FloatSlider(value=start, min=LOGIT_RANGE[0], max=LOGIT_RANGE[1],
                                   step=LOGIT_STEP, description=f"logit {label}",
                                   continuous_update=True)

    def update(logit):
        z = logits.copy()
        z[label] = logit
        p = layers.softmax(z[None])[0]
        grad = p - np.eye(logits.size)[label]
        for bar, height in zip(prob_bars, p):
            bar.set_height(height)
        for bar, height in zip(grad_bars, grad):
            bar.set_height(height)
        loss = -np.log(p[label])
        fig.describe(f"Left, the softmax probabilities of {logits.size} classes, class {label} "
                     f"(the right one, starred, dashed outline at 1) at {p[label]:.2f}; right, "
                     f"the gradient p - y, {grad[label]:.2f} for class {label}.")
        return (f"logit {label} = {logit:g}: p = [{', '.join(f'{v:.3f}' for v in p)}], "
                f"loss = -ln p[{label}] = {loss:.3f}, p - y at class {label} = "
                f"{grad[label]:.3f}")

    return SliderFigure(fig, update, moving_artists=[*prob_bars, *grad_bars], logit=logit)
