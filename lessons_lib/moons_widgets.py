"""Lesson 05's slider over moons' training run: the decision boundary forming, step by step.

    boundary_slider(points, labels, history, losses) -> SliderFigure over `step`
"""
import ipywidgets
import numpy as np
from matplotlib.colors import ListedColormap

from lessons_lib import moons, plotting, validation
from lessons_lib.slider_figure import SliderFigure

GRID = (90, 120)  # rows, columns of the grid the network is asked about
STEP = 5  # the slider moves in steps of 5 training steps


def boundary_slider(points, labels, history, losses) -> SliderFigure:
    """Slide `step`: left, the region the network calls +1 (orange) or -1 (blue) after that
    many steps, over the training points; right, the loss at each step, a marker at `step`."""
    points = validation.array("points", points, ndim=2)
    labels = validation.array("labels", labels, ndim=1)
    if not isinstance(history, (list, tuple)) or len(history) < 2:
        raise TypeError("history must be the list of weights moons.train returns")
    losses = validation.array("losses", losses, ndim=1)
    if len(losses) != len(history) - 1:
        raise ValueError(f"losses must have one entry per step ({len(history) - 1}), "
                         f"got {len(losses)}")
    try:
        moons.accuracy(history[0], points, labels)  # checks points and labels
    except (TypeError, ValueError) as error:
        if "weights" not in str(error):
            raise
        raise type(error)(f"history[0]: {error}") from None
    for n, weights in enumerate(history):
        try:
            moons.scores(weights, points[:1])
        except (TypeError, ValueError) as error:
            raise type(error)(f"history[{n}]: {error}") from None
    (x0, y0), (x1, y1) = points.min(0) - 0.3, points.max(0) + 0.3
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID[1]), np.linspace(y0, y1, GRID[0]))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    fig, axes = plotting.figure(1, 2, alt=(
        f"Left, the plane coloured by the network's answer after the chosen step, with the "
        f"{len(points)} training points; right, the loss over {len(losses)} steps, from "
        f"{losses[0]:.3g} to {losses[-1]:.3g}."))
    plane_ax, loss_ax = axes[0]
    regions = ListedColormap(["#C6DBEF", "#FDD0A2"])  # light blue: -1, light orange: +1
    image = plane_ax.imshow(np.zeros(GRID), origin="lower", extent=(x0, x1, y0, y1),
                            cmap=regions, vmin=-1, vmax=1, aspect="auto")
    dots = []
    for label, colour, marker in ((1.0, plotting.ORANGE, "o"), (-1.0, plotting.BLUE, "s")):
        picked = labels == label
        dots += plane_ax.plot(points[picked, 0], points[picked, 1], marker, color=colour,
                              markersize=3, markeredgecolor="black", markeredgewidth=0.3)
    plotting.style(plane_ax, "the network's answer", "x", "y")
    loss_ax.plot(np.arange(len(losses)), losses, color=plotting.BLUE)
    plotting.style(loss_ax, "loss at each step", "step", "mean squared gap")
    marker = loss_ax.axvline(0, color=plotting.GREY, linewidth=1)

    def update(step):
        answer = np.sign(moons.scores(history[step], grid)).reshape(GRID)
        image.set_data(answer)
        marker.set_xdata([step, step])
        right = moons.accuracy(history[step], points, labels)
        return f"step {step}: training accuracy {right:.0%}"

    step = ipywidgets.IntSlider(value=0, min=0, max=len(history) - 1, step=STEP,
                                description="step", continuous_update=True)
    return SliderFigure(fig, update, moving_artists=[image, *dots, marker], step=step)
