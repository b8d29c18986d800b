"""Kernel-side tests of lessons 03-04's sliders, with warnings turned into errors."""
import pytest

from lessons_lib import chain_rule_widgets, conv2d, conv2d_widgets


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
    limit = conv2d.max_stable_lr(conv2d_widgets.IMAGE, conv2d_widgets.KERNEL.shape)
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
