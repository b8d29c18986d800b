"""Lesson 11's pictures: failed runs side by side, and what happens inside the layers.

    loss_curves(curves)              each run's loss per step on a log scale, a healthy one too
    inside_figure(params_by_title, x, y)   per set of weights: a histogram of the conv's outputs
                                     before ReLU, and the size of each layer's gradient
"""
import numpy as np

from lessons_lib import clinic, cnn, plotting, validation

COLOURS = (plotting.BLUE, plotting.VERMILLION, plotting.ORANGE, plotting.GREEN, plotting.PURPLE,
           plotting.SKY, plotting.GREY)


def loss_curves(curves):
    """`curves`: {label: losses}. One line per run on a log scale; a run that stopped early
    ends in a dot."""
    if not isinstance(curves, dict) or not 1 <= len(curves) <= len(COLOURS):
        raise TypeError(f"curves must be a dict of 1 to {len(COLOURS)} {{label: losses}}, "
                        f"got {type(curves).__name__}")
    curves = {validation.text("curves label", k): validation.array(f"curves[{k!r}]", v, ndim=1)
              for k, v in curves.items()}
    if any(v.min() <= 0 for v in curves.values()):
        raise ValueError("curves must hold losses above 0 (the scale is logarithmic)")
    longest = max(len(v) for v in curves.values())
    fig, axes = plotting.figure(1, 1)
    fig.set_size_inches(7.2, 3.4)
    ax = plotting.style(axes[0][0], "", "step", "batch loss (log scale)")
    for colour, (label, losses) in zip(COLOURS, curves.items()):
        ax.plot(np.arange(len(losses)), losses, color=colour, linewidth=1.5, label=label)
        if len(losses) < longest:
            ax.plot(len(losses) - 1, losses[-1], "o", color=colour)
    ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT, loc="center left",
              bbox_to_anchor=(1.0, 0.5))
    return fig.describe(f"The batch loss per step, on a log scale, of {len(curves)} runs: "
                        + ", ".join(curves) + "; a dot marks a run that stopped.")


def inside_figure(params_by_title, x, y):
    """One column per set of weights: top, a histogram of the conv's outputs before ReLU (the
    share at or below 0 in the title; ReLU passes no gradient there); bottom, the size of each
    parameter array's gradient, on a log scale."""
    if not isinstance(params_by_title, dict) or not 1 <= len(params_by_title) <= 4 or not all(
            isinstance(p, cnn.Params) for p in params_by_title.values()):
        raise TypeError("params_by_title must be a dict of 1 to 4 {title: cnn.Params}")
    reports = {validation.text("title", t): clinic.inside(p, x, y)
               for t, p in params_by_title.items()}
    x = validation.array("x", x, ndim=4)
    fig, axes = plotting.figure(2, len(reports))
    fig.set_size_inches(3.3 * len(reports), 5.0)
    names = ("conv_w", "conv_b", "lin_w", "lin_b")
    top = max(max(r[f"|grad {n}|"] for n in names) for r in reports.values())
    for column, (title, params) in enumerate(params_by_title.items()):
        report = reports[title]
        conv = cnn.conv_forward(x, params.conv_w, params.conv_b).ravel()
        ax = plotting.style(axes[0][column], f"{title}\n{report['share at or below 0']:.1%} at "
                            f"or below 0, {report['dead kernels']} dead", "conv output",
                            "how many outputs" if column == 0 else "")
        ax.hist(conv, bins=40, color=plotting.BLUE)
        ax.axvline(0, color=plotting.RED, linewidth=1.5)
        ax.set_yticks([])
        sizes = [max(report[f"|grad {n}|"], 1e-12) for n in names]
        label = "gradient size (root of\nsum of squares)" if column == 0 else ""
        bars = plotting.style(axes[1][column], "", "", label)
        bars.bar(range(4), sizes, color=plotting.ORANGE)
        bars.set_xticks(range(4), names, fontsize=plotting.MIN_FONT_PT)
        bars.set_yscale("log")
        bars.set_ylim(1e-3, top * 3)
    return fig.describe(f"For {', '.join(reports)}: top, a histogram of the conv's outputs "
                        "before ReLU with a red line at 0; bottom, each parameter array's "
                        "gradient size on a log scale.")
