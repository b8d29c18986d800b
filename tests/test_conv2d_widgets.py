"""Kernel-side tests of lessons 03-04's sliders, with warnings turned into errors."""
import ctypes
import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as widget_registry

from lessons_lib import chain_rule_widgets, conv2d, conv2d_widgets, slider_figure

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("weight, grad", [(0, "22,080"), (1, "28,740"), (2, "21,180"),
                                          (3, "27,840")])
def test_weight_picker_shows_each_gradient(weight, grad):
    picker = conv2d_widgets.weight_picker()
    before = picker.image.value
    picker.sliders["weight"].value = weight
    assert picker.status.value.endswith(f"= {grad}")
    if weight:
        assert picker.image.value != before


@pytest.mark.filterwarnings("error")
def test_kernel_slider_fills_the_output_in():
    slider = conv2d_widgets.kernel_slider()
    assert slider.status.value.endswith("= 21")
    before = slider.image.value
    slider.sliders["position"].value = 9
    assert slider.status.value.startswith("position (2,2)") and slider.status.value.endswith(
        "= 45")
    assert slider.image.value != before


@pytest.mark.filterwarnings("error")
def test_lr_explorer_labels_both_sides_of_the_limit():
    limit = conv2d.max_stable_lr(conv2d.IMAGE, conv2d.KERNEL.shape)
    explorer = conv2d_widgets.lr_explorer()
    before = explorer.image.value
    explorer.sliders["lr"].value = 0.9 * limit
    assert "converges" in explorer.status.value and "diverged" not in explorer.status.value
    assert explorer.image.value != before
    explorer.sliders["lr"].value = 1.1 * limit
    assert "diverges" in explorer.status.value and "(diverged)" in explorer.status.value
    assert "diverged" in [t.get_text() for t in explorer.fig.axes[0].texts]


@pytest.mark.filterwarnings("error")
def test_backward_stepper_walks_from_the_loss_to_the_input():
    stepper = chain_rule_widgets.backward_stepper(x=2.0)
    assert stepper.status.value.startswith("step 0")
    images = {stepper.image.value}
    for step, passed in zip(range(1, 5), (6, 24, 24, 72)):
        stepper.sliders["step"].value = step
        assert stepper.status.value.endswith(f"passes {passed} towards the input")
        images.add(stepper.image.value)
    assert len(images) == 5



# --- Issue 16: other inputs than the lesson's -----------------------------------------------

@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("image, target", [
    (-conv2d.IMAGE, conv2d.TARGET),  # a negative image
    (conv2d.IMAGE, np.full((3, 3), 1000.0)),  # the target above every output
])
def test_weight_picker_colours_every_product_of_any_sign(image, target):
    picker = conv2d_widgets.weight_picker(image, conv2d.KERNEL, target)
    product_image = picker.fig.axes[2].images[0]
    low, high = product_image.get_clim()
    assert low < high
    for weight in range(4):
        picker.sliders["weight"].value = weight
        assert "gradient =" in picker.status.value
        products = product_image.get_array()
        assert low <= products.min() and products.max() <= high


@pytest.mark.filterwarnings("error")
def test_lr_explorer_draws_every_weight_of_a_3x3_kernel():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((6, 6)), rng.normal(scale=0.3, size=(3, 3))
    explorer = conv2d_widgets.lr_explorer(image, kernel, np.zeros((4, 4)), max_steps=10)
    weight_ax = explorer.fig.axes[1]
    assert len(weight_ax.lines) == 9
    assert [t.get_text() for t in weight_ax.get_legend().get_texts()][-1] == "w[2,2]"
    assert all(len(line.get_xdata()) == 11 for line in weight_ax.lines)  # 10 steps + the start


def test_lr_explorer_refuses_a_kernel_with_too_many_weights_to_draw():
    with pytest.raises(ValueError, match="kernel has 16 weights"):
        conv2d_widgets.lr_explorer(np.ones((6, 6)), np.ones((4, 4)), np.zeros((3, 3)))


def _resident_mib() -> float:
    """This process's resident memory, after handing freed memory back to the system (glibc
    keeps freed blocks otherwise, which would look like growth)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: the bound below is loose enough without it
        pass
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def rebuild_25_times():
    """Running the cell again must not keep every earlier explorer alive in ipywidgets'
    registry: before the fix, 25 rebuilds kept 25 figures and about 87 MB. Now the first
    rebuilds warm caches up (about 15 MB), then memory stays put."""
    def live(kind):
        return sum(isinstance(o, kind) for o in gc.get_objects())

    args = (conv2d.IMAGE, conv2d.KERNEL, conv2d.TARGET)
    first = conv2d_widgets.lr_explorer(*args)
    conv2d_widgets.lr_explorer(*args)
    assert first.widget.comm is None and all(s.comm is None for s in first.sliders.values())
    del first
    gc.collect()
    widgets, memory = len(widget_registry), _resident_mib()
    sliders = live(slider_figure.SliderFigure)
    figures = []  # each rebuild's own figure, held weakly: all but the last must be let go
    for _ in range(25):
        explorer = conv2d_widgets.lr_explorer(*args)
        figures.append(weakref.ref(explorer.fig))
    while gc.collect():  # until a pass frees nothing: one pass can leave cycles that a finalizer
        pass  # let go of during it
    assert len(widget_registry) == widgets
    assert live(slider_figure.SliderFigure) == sliders
    alive = [ref() is not None for ref in figures]
    assert alive == [False] * 24 + [True], f"{sum(alive)} of 25 rebuilt figures still alive"
    assert _resident_mib() - memory < 40, "25 rebuilds grew the kernel's memory"
    before = explorer.image.value
    explorer.sliders["steps"].value = 3  # the live one still redraws
    assert explorer.image.value != before


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux's /proc")
def test_a_rebuilt_explorer_closes_the_one_it_replaces_and_memory_stays_flat():
    """In a fresh Python, as in a learner's kernel, not in a test worker full of other tests'
    objects."""
    code = "from tests.test_conv2d_widgets import rebuild_25_times; rebuild_25_times()"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
