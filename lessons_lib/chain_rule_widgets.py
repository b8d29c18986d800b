"""Lesson 03's slider: step through the backward pass of a chain, one layer at a time.

The chain is drawn once, left to right: the values of the forward pass in boxes, the layers on
the arrows. Each step of the slider runs one more layer backwards: a red arrow pointing back,
from the layer's output to its input, appears under it, and the gradient it passed on appears
under its input, with the multiplication that produced it, "local x upstream". A label "dw: 48"
is short for "dloss/dw = 48", the loss's gradient with respect to w.
"""
import ipywidgets

from lessons_lib import chain_rule, plotting
from lessons_lib.slider_figure import SliderFigure


def backward_stepper(layers=None, x: float = 2.0) -> SliderFigure:
    """Slider `step` from 0 (forward pass only) to len(layers) (the whole backward pass)."""
    layers = chain_rule.tiny_network() if layers is None else layers
    values = chain_rule.forward(layers, x)  # checks layers and x
    if len(layers) > 8:
        raise ValueError(f"layers must be at most 8 long to fit on one figure, got {len(layers)}")
    steps = chain_rule.backward(layers, x)  # in the order they run: loss side first
    fig, axes = plotting.figure(1, 2)
    spec = axes[0][0].get_gridspec()
    for ax in axes.flat:
        ax.remove()
    ax = fig.add_subplot(spec[0, :])
    ax.set_axis_off()
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_ylim(-1.6, 1.0)
    names = ["x"] + [f"a{n}" for n in range(1, len(values) - 1)] + ["loss"]
    for n, (name, value) in enumerate(zip(names, values)):
        ax.text(n, 0.35, f"{name} = {value:g}", ha="center", va="center", fontsize=12,
                bbox={"boxstyle": "round", "facecolor": "#F2F2F2", "edgecolor": plotting.GREY})
    back_arrows, grads, products = [], [], []
    for n, layer in enumerate(layers):
        # The forward pass, left to right, drawn once; the backward pass gets its own arrows,
        # right to left, below it (annotate draws its arrow from xytext to xy).
        ax.annotate("", xy=(n + 0.62, 0.35), xytext=(n + 0.38, 0.35),
                    arrowprops={"arrowstyle": "->", "color": plotting.GREY})
        back_arrows.append(ax.annotate("", xy=(n + 0.3, -0.3), xytext=(n + 0.7, -0.3),
                                       arrowprops={"arrowstyle": "->",
                                                   "color": plotting.RED}))
        ax.text(n + 0.5, 0.75, layer.name, ha="center", fontsize=10.5,
                color=plotting.BLUE)
        products.append(ax.text(n + 0.5, -1.0, "", ha="center", fontsize=10.5,
                                color=plotting.RED))
    for n in range(len(names)):
        grads.append(ax.text(n, -0.3, "", ha="center", fontsize=11, color=plotting.RED,
                             fontweight="bold"))
    title = ax.set_title("", fontsize=11)
    step = ipywidgets.IntSlider(value=0, min=0, max=len(layers), step=1, description="step",
                             continuous_update=True)

    def update(step):
        grads[-1].set_text("dloss: 1" if step else "")
        for done, s in enumerate(steps):
            shown = done < step
            current = done == step - 1
            grads[s.layer].set_text(f"d{names[s.layer]}: {s.downstream:g}" if shown else "")
            layer = layers[s.layer]
            param = (f"\nd{s.param_name}: {layer.param_local(s.input):g} × {s.upstream:g}"
                     f" = {s.param_grad:g}" if s.param_name else "")
            products[s.layer].set_text(
                f"{s.local:g} × {s.upstream:g} = {s.downstream:g}{param}" if shown else "")
            back_arrows[s.layer].set_visible(shown)
            back_arrows[s.layer].arrow_patch.set_linewidth(2.5 if current else 1.0)
        if step == 0:
            title.set_text("forward pass done: now run the layers backwards")
            return "step 0: the forward pass only. Move the slider to run the backward pass."
        s = steps[step - 1]
        title.set_text(f"backward step {step}: layer '{s.name}'")
        return (f"step {step}, '{s.name}': local {s.local:g} × upstream {s.upstream:g}, "
                f"passes {s.downstream:g} towards the input")

    return SliderFigure(fig, update, step=step)
