"""Lesson 03's backward stepper: the backward pass is drawn as arrows that point backwards."""
import pytest
from matplotlib.text import Annotation

from lessons_lib import chain_rule_widgets


def arrows(stepper):
    """(tail x, head x, visible) of every arrow drawn, forward and backward."""
    found = [a for a in stepper.fig.axes[0].texts if isinstance(a, Annotation)]
    return [(a.xyann[0], a.xy[0], a.get_visible()) for a in found]


@pytest.mark.filterwarnings("error")
def test_each_backward_step_adds_one_arrow_pointing_towards_the_input():
    stepper = chain_rule_widgets.backward_stepper(x=2.0)
    forward = [a for a in arrows(stepper) if a[1] > a[0]]
    assert len(forward) == 4 and all(visible for *_, visible in forward)
    for step in range(5):
        stepper.sliders["step"].value = step
        backward = [(tail, head) for tail, head, visible in arrows(stepper)
                    if visible and head < tail]
        assert len(backward) == step
    # the last step drawn is the first layer's: its arrow ends next to the input box x (at 0)
    assert min(head for tail, head in backward) < 0.5
