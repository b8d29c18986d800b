"""Lesson 04's three sliders, built on the fast `SliderFigure` (figure built once, artists moved).

    weight_picker()   pick a kernel weight: the pixel it multiplied at each of the 9 positions,
                      the blame there, and pixel x blame; their sum is the weight's gradient
    kernel_slider()   slide the kernel across the input and watch the output fill in
    lr_explorer()     repeated training steps at a learning rate: converge, or diverge above
                      conv2d.max_stable_lr
"""
import ipywidgets
import numpy as np
from matplotlib.patches import Rectangle

from lessons_lib import conv2d, plotting, validation
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET, WEIGHT_NAMES
from lessons_lib.slider_figure import SliderFigure

MAX_SIDE = 12  # every pixel carries its number: larger images would be unreadable (and slow)
MAX_WEIGHTS = 9  # lr_explorer draws one path per weight: a 3x3 kernel at most


def _inputs(image, kernel, target=(), with_target: bool = True):
    """image and kernel (and target) as float arrays that fit together and fit on a figure."""
    image, kernel = validation.array("image", image, ndim=2), validation.array("kernel", kernel,
                                                                              ndim=2)
    for name, values in (("image", image), ("kernel", kernel)):
        if np.abs(values).max() > 1e50:  # products and squares of them stay far from overflow
            raise ValueError(f"{name} must hold values within +-1e50, got "
                             f"{np.abs(values).max():g}")
    if max(image.shape) > MAX_SIDE:
        raise ValueError(f"image must be at most {MAX_SIDE} x {MAX_SIDE} pixels, so that every "
                         f"pixel can show its number; got {image.shape}")
    output = conv2d.conv2d_numpy(image, kernel)  # checks that the kernel fits
    if not with_target:
        return image, kernel, output
    target = validation.array("target", target, ndim=2)
    if np.abs(target).max() > 1e50:
        raise ValueError(f"target must hold values within +-1e50, got {np.abs(target).max():g}")
    if target.shape != output.shape:
        raise ValueError(f"target must have shape {output.shape}, the output of image "
                         f"{image.shape} and kernel {kernel.shape}; got {target.shape}")
    return image, kernel, output, target


def _short(value: float) -> str:
    """22,080 as the lesson writes it; a huge value in powers of ten, so titles stay short."""
    return f"{value:,.0f}" if abs(value) < 1e9 else f"{value:.4g}"


def _outline(ax, rows: int, cols: int) -> Rectangle:
    box = Rectangle((-0.5, -0.5), cols, rows, fill=False, edgecolor=plotting.RED,
                    linewidth=3)
    ax.add_patch(box)
    return box


def weight_picker(image=IMAGE, kernel=KERNEL, target=TARGET) -> SliderFigure:
    """Pick weight (a, b): it multiplied image[i + a, j + b] at output position (i, j)."""
    image, kernel, output, target = _inputs(image, kernel, target)
    blame = conv2d.blame(output, target)
    h, w = blame.shape
    fig, axes = plotting.figure(1, 3)
    input_ax, blame_ax, product_ax = axes[0]
    plotting.annotated_heatmap(input_ax, image, "input: pixels this weight multiplied")
    box = _outline(input_ax, h, w)
    plotting.annotated_heatmap(blame_ax, blame, "blame = dloss/doutput")
    products = image[:h, :w] * blame
    # One colour scale for every weight's products: from 0 up when all are >= 0 (the lesson's
    # case), symmetric about 0 when some are negative (a negative pixel or a target above the
    # output).
    every = [image[a:a + h, b:b + w] * blame for a, b in np.ndindex(*kernel.shape)]
    top = max(np.abs(image).max() * np.abs(blame).max(), 1e-12)
    bottom = 0 if min(p.min() for p in every) >= 0 else -top
    product_image, product_texts = plotting.annotated_heatmap(product_ax, products, "",
                                                              vmin=bottom, vmax=top)
    names = dict(enumerate(WEIGHT_NAMES)) if kernel.shape == (2, 2) else {}
    options = [(f"{names.get(n, '')} w[{a},{b}] = {kernel[a, b]:g}".strip(), n)
               for n, (a, b) in enumerate(np.ndindex(*kernel.shape))]
    weight = ipywidgets.Dropdown(options=options, value=0, description="weight")

    def update(weight):
        a, b = divmod(weight, kernel.shape[1])
        box.set_xy((b - 0.5, a - 0.5))
        pixels = image[a:a + h, b:b + w]  # (h, w): the pixel under w[a, b] at each position
        products = pixels * blame
        plotting.update_heatmap(product_image, product_texts, products,
                                "{:,.0f}" if np.abs(products).max() < 1e9 else "{:.2g}")
        grad = products.sum()
        product_ax.set_title(f"pixel × blame: sum = {_short(grad)}", fontsize=10)
        terms = " + ".join(f"{p:g}·{q:g}" for p, q in zip(pixels.ravel(), blame.ravel()))
        return f"w[{a},{b}]: gradient = {terms} = {_short(grad)}"

    return SliderFigure(fig, update, weight=weight)


def kernel_slider(image=IMAGE, kernel=KERNEL) -> SliderFigure:
    """Position k (1 to h*w, row by row): the kernel's window and the output so far."""
    image, kernel, output = _inputs(image, kernel, with_target=False)
    h, w = output.shape
    fig, axes = plotting.figure(1, 2)
    input_ax, output_ax = axes[0]
    plotting.annotated_heatmap(input_ax, image, "input, with the kernel's window")
    box = _outline(input_ax, *kernel.shape)
    partial = np.full(output.shape, np.nan)  # NaN: not computed yet, drawn blank
    output_image, output_texts = plotting.annotated_heatmap(output_ax, partial, "output so far",
                                                vmin=output.min(), vmax=output.max())
    position = ipywidgets.IntSlider(value=1, min=1, max=h * w, step=1, description="position",
                                 continuous_update=True)

    def update(position):
        i, j = divmod(position - 1, w)
        box.set_xy((j - 0.5, i - 0.5))
        shown = np.full(output.shape, np.nan)
        for k in range(position):
            shown[divmod(k, w)] = output[divmod(k, w)]
        plotting.update_heatmap(output_image, output_texts, shown)
        patch = image[i:i + kernel.shape[0], j:j + kernel.shape[1]]
        terms = " + ".join(f"{p:g}·{q:g}" for p, q in zip(patch.ravel(), kernel.ravel()))
        return f"position ({i},{j}): {terms} = {output[i, j]:g}"

    return SliderFigure(fig, update, position=position)


def lr_explorer(image=IMAGE, kernel=KERNEL, target=TARGET, max_steps: int = 40) -> SliderFigure:
    """Learning rate and step count -> the loss at each step and every weight's path (a kernel
    of at most MAX_WEIGHTS weights; the lesson's 2x2 kernel names its four)."""
    image, kernel, output, target = _inputs(image, kernel, target)
    max_steps = validation.count("max_steps", max_steps, minimum=1, maximum=500)
    if kernel.size > MAX_WEIGHTS:
        raise ValueError(f"kernel has {kernel.size} weights: lr_explorer draws one path per "
                         f"weight, at most {MAX_WEIGHTS} (a 3x3 kernel)")
    limit = conv2d.max_stable_lr(image, kernel.shape)
    first_loss = max(conv2d.loss(output, target), 1.0)
    fig, axes = plotting.figure(1, 2)
    loss_ax, weight_ax = axes[0]
    plotting.style(loss_ax, "", "step", "loss (log scale)")
    loss_ax.set_yscale("log")
    loss_ax.set_xlim(0.5, max_steps + 0.5)
    loss_ax.set_ylim(1e-2, first_loss * 1e3)
    (loss_line,) = loss_ax.plot([], [], "-o", color=plotting.ORANGE, markersize=3)
    note = loss_ax.text(0.5, 0.9, "", transform=loss_ax.transAxes, ha="center",
                        color=plotting.VERMILLION, fontweight="bold")
    plotting.style(weight_ax, "kernel weights", "step", "weight")
    weight_ax.set_xlim(-0.5, max_steps + 0.5)
    reach = 1.5 * max(1.0, np.abs(kernel).max() / 0.5)  # the lesson's kernel: -1.5 to 1.5
    weight_ax.set_ylim(-reach, reach)
    names = (WEIGHT_NAMES if kernel.shape == (2, 2) else
             [f"w[{a},{b}]" for a, b in np.ndindex(*kernel.shape)])
    weight_lines = [weight_ax.plot([], [], "-", label=name)[0] for name in names]
    weight_ax.legend(frameon=False, fontsize=plotting.MIN_FONT_PT, loc="upper right",
                     ncol=2 if kernel.size < 5 else 3)
    # The lesson's limit is 2.09e-5; other inputs get the same range relative to their limit.
    low, high, start, step = ((1e-6, 2.4e-5, 1e-5, 1e-7) if 1e-6 < limit < 2.4e-5
                              else (limit / 20, 1.15 * limit, limit / 2, limit / 200))
    lr = ipywidgets.FloatSlider(value=start, min=low, max=high, step=step, description="lr",
                             readout_format=".2e", continuous_update=True)
    steps = ipywidgets.IntSlider(value=20, min=1, max=max_steps, step=1, description="steps",
                              continuous_update=True)

    def update(lr, steps):
        losses, kernels, stopped = conv2d.train(image, kernel, target, lr, steps)
        ymax = loss_ax.get_ylim()[1]
        loss_line.set_data(np.arange(1, len(losses) + 1), np.minimum(losses, ymax))  # clipped
        weights = np.array([k.ravel() for k in kernels])  # (steps + 1, kernel.size)
        for line, path in zip(weight_lines, weights.T):
            line.set_data(np.arange(len(path)), np.clip(path, -10 * reach, 10 * reach))
        grew = stopped or losses[-1] > losses[0]
        note.set_text("diverged" if grew else "")
        regime = "converges" if lr < limit else "diverges"
        loss_ax.set_title(f"lr = {lr:.2e}, {len(losses)} steps: {regime}", fontsize=10)
        return (f"lr = {lr:.2e} = {lr / limit:.2f} × the limit {limit:.2e}: {regime}. "
                f"Loss {_short(losses[0])} at step 1, {losses[-1]:,.4g} at step {len(losses)}"
                + (" (diverged)" if grew else ""))

    return SliderFigure(fig, update, lr=lr, steps=steps)
