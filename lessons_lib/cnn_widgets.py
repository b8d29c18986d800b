"""Lesson 10's pictures: the digits, what the kernels learned, the mistakes, and a slider over
training.

    digits_figure(images, labels)             the first scan of each digit
    kernels_figure(params, x)                 the 8 kernels, and what each makes of a few digits
    mistakes_figure(params, x, y)             the test digits the network reads wrong
    confusion_figure(counts)                  how often each digit is read as each digit
    training_slider(run, split)               slide over the steps: kernels, accuracy, loss
"""
import ipywidgets
import numpy as np

from lessons_lib import cnn, digits, plotting, validation
from lessons_lib.slider_figure import SliderFigure

CELL = 1.05  # inches per small picture: 84 CSS px, a digit is still readable


def _headline(fig, text: str) -> None:
    fig.suptitle(text, fontsize=plotting.MIN_FONT_PT + 1)


def _bare(ax, title: str = ""):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=plotting.MIN_FONT_PT)


def _grid(nrows: int, ncols: int, height: float):
    fig, axes = plotting.figure(nrows, ncols)
    fig.set_size_inches(CELL * ncols, height)
    for ax in axes.flat:
        _bare(ax)
    return fig, axes


def _images(name: str, x):
    x = validation.array(name, x, ndim=4)
    if x.shape[1:] != (1, cnn.SIDE, cnn.SIDE):
        raise ValueError(f"{name} must have shape (N, 1, 8, 8), got {x.shape}")
    return x


def _labels(name: str, y, n: int):
    y = validation.array(name, y, ndim=1)
    if len(y) != n or not np.isin(y, np.arange(cnn.CLASSES)).all():
        raise ValueError(f"{name} must hold one digit 0..9 per image ({n}), got {y.shape}")
    return y.astype(int)


def digits_figure(x, y):
    """The first image of each digit 0..9, as the network sees it (dark = ink)."""
    x = _images("x", x)
    y = _labels("y", y, len(x))
    present = [d for d in range(cnn.CLASSES) if (y == d).any()]
    fig, axes = _grid(1, len(present), 1.5)
    for ax, digit in zip(axes[0], present):
        ax.imshow(x[np.flatnonzero(y == digit)[0], 0], cmap="gray_r")
        ax.set_title(f"label {digit}", fontsize=plotting.MIN_FONT_PT)
    _headline(fig, "The first image of each digit, as the network sees it (dark = ink)")
    return fig.describe(f"One 8x8 scan of each of the digits {present[0]} to {present[-1]}, "
                        "ink dark on a light background.")


def kernels_figure(params, x, rows: int = 3):
    """Top row: the 8 kernels (blue negative, red positive). Below: `rows` digits, each followed
    by its 8 feature maps after ReLU (brighter = stronger response)."""
    if not isinstance(params, cnn.Params):
        raise TypeError(f"params must be a cnn.Params, got {type(params).__name__}")
    x = _images("x", x)
    rows = validation.count("rows", rows, minimum=1, maximum=min(4, len(x)))
    kernels = params.conv_w[:, 0]
    maps = np.maximum(cnn.conv_forward(x[:rows], params.conv_w, params.conv_b), 0)
    fig, axes = _grid(rows + 1, cnn.KERNELS + 1, 1.25 * (rows + 1))
    limit = np.abs(kernels).max() or 1.0
    axes[0][0].text(0.5, 0.5, "kernels", ha="center", va="center",
                    fontsize=plotting.MIN_FONT_PT, transform=axes[0][0].transAxes)
    for k in range(cnn.KERNELS):
        axes[0][k + 1].imshow(kernels[k], cmap=plotting.DIVERGING, vmin=-limit, vmax=limit)
        axes[0][k + 1].set_title(f"kernel {k}", fontsize=plotting.MIN_FONT_PT)
    top = maps.max() or 1.0
    for r in range(rows):
        axes[r + 1][0].imshow(x[r, 0], cmap="gray_r")
        axes[r + 1][0].set_title("digit", fontsize=plotting.MIN_FONT_PT)
        for k in range(cnn.KERNELS):
            axes[r + 1][k + 1].imshow(maps[r, k], cmap=plotting.CMAP, vmin=0, vmax=top)
    fig.colorbar(axes[0][1].images[0], ax=list(axes[0]), shrink=0.8, label="weight")
    _headline(fig, f"Top: the {cnn.KERNELS} kernels. Below: a digit, then each kernel's "
              "feature map after ReLU (bright = strong response)")
    return fig.describe(f"The {cnn.KERNELS} learned 3x3 kernels in the top row (negative weights "
                        f"blue, positive red), and below, for {rows} digits, each kernel's "
                        "feature map after ReLU (bright where it responds).")


def mistakes_figure(params, x, y, limit: int = 12):
    """The misread test digits (at most `limit`), each titled with its label and the reading."""
    if not isinstance(params, cnn.Params):
        raise TypeError(f"params must be a cnn.Params, got {type(params).__name__}")
    x = _images("x", x)
    y = _labels("y", y, len(x))
    limit = validation.count("limit", limit, minimum=1, maximum=24)
    read = cnn.predict(params, x)
    wrong = np.flatnonzero(read != y)[:limit]
    if len(wrong) == 0:
        fig, axes = _grid(1, 1, 1.2)
        axes[0][0].text(0.5, 0.5, "no mistakes", ha="center", va="center",
                        fontsize=plotting.MIN_FONT_PT + 1)
        return fig.describe("No test digit is misread.")
    ncols = min(len(wrong), 8)
    nrows = -(-len(wrong) // ncols)
    fig, axes = _grid(nrows, ncols, 1.45 * nrows)
    for ax, n in zip(axes.flat, wrong):
        ax.imshow(x[n, 0], cmap="gray_r")
        ax.set_title(f"true {y[n]}, read {read[n]}", fontsize=plotting.MIN_FONT_PT)
    _headline(fig, "Misread test digits: the true digit, and what the network read")
    return fig.describe(f"The {len(wrong)} misread test digits, each titled with its label and "
                        "the digit the network read.")


def confusion_figure(counts):
    """counts[true, read] as an annotated heatmap, zeros left blank so the mistakes stand out."""
    counts = validation.array("counts", counts, ndim=2)
    if counts.shape != (cnn.CLASSES, cnn.CLASSES) or counts.min() < 0 or not np.array_equal(
            counts, counts.round()):
        raise ValueError(f"counts must be a 10x10 table of whole counts, got shape {counts.shape}")
    fig, axes = plotting.figure(1, 1)
    fig.set_size_inches(4.6, 4.2)
    ax = axes[0][0]
    shown = np.where(counts == 0, np.nan, counts)
    plotting.annotated_heatmap(ax, shown, "", fmt="{:.0f}", vmin=0, colorbar=True)
    ax.set_xlabel("read as")
    ax.set_ylabel("true digit")
    ax.set_title("Test digits: true digit against reading", fontsize=plotting.MIN_FONT_PT + 1)
    wrong = int(counts.sum() - np.trace(counts))
    return fig.describe(f"A 10 by 10 table of how often each true digit was read as each "
                        f"digit: the diagonal holds the right readings, {wrong} readings lie "
                        "off it.")


def training_slider(run, split) -> SliderFigure:
    """Slide `step` over the recorded steps: left, the 8 kernels then; right, the batch loss
    and the test accuracy over training, a marker at the step."""
    if not isinstance(run, cnn.Run) or len(run.params) < 2:
        raise TypeError("run must be a cnn.Run with at least two recorded steps (what "
                        f"cnn.train returns), got {type(run).__name__}")
    if not isinstance(split, digits.Split):
        raise TypeError(f"split must be a digits.Split (what digits.load_split returns), "
                        f"got {type(split).__name__}")
    test_x = _images("split.test_x", split.test_x)
    test_y = _labels("split.test_y", split.test_y, len(test_x))
    steps = run.steps
    accuracy = np.array([cnn.accuracy(p, test_x, test_y) for p in run.params])
    kernels = np.array([p.conv_w[:, 0] for p in run.params])
    fig = plotting.LessonFigure(figsize=(10.0, 3.2), layout="constrained")
    grid = fig.add_gridspec(2, 6, width_ratios=[1, 1, 1, 1, 0.3, 5])
    limit = np.abs(kernels).max()
    pictures = []
    for k in range(cnn.KERNELS):
        ax = fig.add_subplot(grid[k // 4, k % 4])
        _bare(ax, f"kernel {k}")
        pictures.append(ax.imshow(kernels[0][k], cmap=plotting.DIVERGING, vmin=-limit,
                                  vmax=limit))
    curve = plotting.style(fig.add_subplot(grid[:, 5]), "Batch loss and test accuracy",
                           "training step", "loss; accuracy (1 = 100%)")
    losses = run.losses
    curve.plot(np.arange(1, len(losses) + 1), losses, color=plotting.BLUE, linewidth=1,
               label="batch loss")
    curve.plot(steps, accuracy, color=plotting.ORANGE, linewidth=2, label="test accuracy")
    curve.set_ylim(0, max(2.5, float(losses.max()) * 1.05))
    curve.legend(frameon=False, fontsize=plotting.MIN_FONT_PT, loc="upper right")
    marker = curve.axvline(0, color=plotting.GREY, linewidth=1)
    fig.colorbar(pictures[0], ax=fig.axes[:cnn.KERNELS], shrink=0.8, label="kernel weight")
    fig.describe(f"Left, the {cnn.KERNELS} kernels at the chosen step (negative blue, positive "
                 "red); right, the batch loss (blue) falling and the test accuracy (orange) "
                 "rising over training, with a grey line at the step.")

    def update(step):
        index = min(int(np.searchsorted(steps, step)), len(steps) - 1)  # a recorded step
        for k, picture in enumerate(pictures):
            picture.set_data(kernels[index][k])
        marker.set_xdata([steps[index]] * 2)
        loss = f", batch loss {losses[steps[index] - 1]:.3f}" if steps[index] > 0 else ""
        return f"step {steps[index]}: test accuracy {accuracy[index]:.1%}{loss}"

    step = ipywidgets.IntSlider(value=0, min=0, max=int(steps[-1]), step=int(steps[1]),
                                description="step", continuous_update=True)
    return SliderFigure(fig, update, moving_artists=[*pictures, marker], step=step)
