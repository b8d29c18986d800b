"""Every number lesson 11's prose states, asserted against the library and the stored outputs:
which runs blow up, what the gradient check prints for each bug, and the dead ReLUs."""
import re

import numpy as np
import pytest

from lessons_lib import clinic, cnn, digits
from tests import stored_notebooks


@pytest.fixture(scope="module")
def nb():
    return stored_notebooks.load_named("when-training-fails")


def test_four_runs_blow_up_one_never_moves_one_starts_high(nb):
    table = stored_notebooks.output_after(nb, "for bug in clinic.BUGS:")
    stopped = [line.split()[0] for line in table.splitlines() if "stopped at step" in line]
    assert len(stopped) == 4
    split = digits.load_split()
    zero, _ = clinic.train_with_bug("all-zero initialisation", split)
    assert np.abs(zero - np.log(10)).max() < 0.03
    large, _ = clinic.train_with_bug("initialisation too large", split)
    assert large[0] > 5 * np.log(10) and len(large) == 60
    lr_line = next(line for line in table.splitlines() if line.startswith("learning rate"))
    assert "stopped at step 2" in lr_line  # "passes 1000 within a few steps"
    assert cnn.DIVERGED_LOSS == 1000 and clinic.LARGE_LR == 5
    assert "a run stops once its loss passes 1000" in table


def test_what_the_gradient_check_prints(nb):
    flipped = stored_notebooks.output_after(nb, "def flipped_conv(")
    assert flipped.startswith("conv_w -1.0000, conv_b -1.0000, lin_w 1.0000, lin_b 1.0000")
    summed = stored_notebooks.output_after(nb, "def summed(")
    assert "conv_w 8.0000" in summed and "lin_b 8.0000" in summed
    zero = stored_notebooks.output_after(nb, 'zero_losses, zero_kernels = clinic.')
    assert "conv_w both 0, conv_b both 0, lin_w both 0, lin_b 1.0000" in zero
    assert "largest kernel weight after 60 steps: 0" in zero


def test_zero_grad_adds_the_same_gradient_each_call(nb):
    shown = stored_notebooks.output_after(nb, "for call in (1, 2, 3):")
    values = [float(v) for v in re.findall(r"= ([-+.\d]+)", shown)]
    assert len(values) == 3 and np.allclose(values, [values[0], 2 * values[0], 3 * values[0]],
                                            rtol=1e-4)


def test_dead_relus_after_a_start_far_too_large(nb):
    shown = stored_notebooks.output_after(nb, "large = cnn.init(1, scale=10)")
    share = float(re.search(r"([\d.]+)% of the conv's outputs", shown).group(1))
    dead = int(re.search(r"and (\d) of 8 kernels are dead", shown).group(1))
    assert share > 90 and dead >= 4  # "almost every pixel of every digit"
    start = float(re.search(r"start loss on these 256 digits ([\d.]+)", shown).group(1))
    assert start > 5 * np.log(10)  # "far above ln 10"


def test_the_start_far_too_large_nearly_blows_up_and_scales_the_logits_100_times(nb):
    table = stored_notebooks.output_after(nb, "for bug in clinic.BUGS:")
    assert "peaks at 668 at step 4" in table  # "nearly blows up (668 at step 4)"
    large, _ = clinic.train_with_bug("initialisation too large", digits.load_split())
    assert int(np.argmax(large)) == 4 and round(large.max()) == 668 < cnn.DIVERGED_LOSS
    shown = stored_notebooks.output_after(nb, "large = cnn.init(1, scale=10)")
    assert "from 100.0000 to 100.0000" in shown  # "10 x 10 = 100 times larger"
    assert "start loss on these 256 digits 17.79" in shown


def test_which_zeros_keep_the_all_zero_start_stuck(nb):
    shown = stored_notebooks.output_after(nb, "zeros = np.zeros_like")
    stuck, trains = (float(v) for v in re.findall(r"-> ([\d.]+) after", shown))
    assert trains < 0.1 < 2.3 < stuck  # "stay stuck" / "train"
    assert "zero kernels, random linear: batch loss 2.303 -> 2.303" in shown
    kernels = [float(v) for v in re.findall(r"largest kernel weight ([\d.e+-]+)", shown)]
    assert kernels[0] == 0 < 0.5 < kernels[1]  # the zero kernels never move
