"""Every number lesson 07's prose states, asserted against the library and against the stored
outputs of the executed notebook."""
import numpy as np
import pytest

from lessons_lib import batches, conv2d, optimisers, optimisers_widgets
from lessons_lib.conv2d import IMAGE, KERNEL, TARGET
from tests import stored_notebooks

BOWL = optimisers.conv_bowl(IMAGE, KERNEL.shape, TARGET)
W0 = KERNEL.ravel()
STEPS_TO_0_001 = {"plain": 3491, "momentum": 207, "Adam": 275, "tuned momentum": 126}


@pytest.fixture(scope="module")
def nb():
    return stored_notebooks.load("07")


def test_lesson_04s_bowl_and_its_slow_tail():
    lam = BOWL.curvatures()
    assert [round(x, 1) for x in lam[1:]] == [112.6, 3600.0, 95887.4] and abs(lam[0]) < 1e-6
    losses, _, _ = conv2d.train(IMAGE, KERNEL, TARGET, 1e-5, 30)
    assert round(losses[-1], 2) == 16.01


def test_batches_numbers():
    data = batches.make_data(n_images=256, noise=0.05, seed=0)
    floor = batches.loss(batches.best_kernel(data), data)
    assert round(floor, 4) == 0.0221
    runs = {b: batches.train(data, b, 0.05, 10) for b in (256, 16, 1)}
    assert [round(runs[b].losses[10], 4) for b in (256, 16, 1)] == [0.0366, 0.0348, 0.0303]
    assert round(runs[1].losses[256], 4) == 0.0229 and round(runs[256].losses[1], 4) == 0.0826
    assert runs[256].losses[-1] > runs[16].losses[-1]  # "after 10 epochs it has not caught up"
    best = batches.best_kernel(data)
    one, sixteen = (batches.gradient_spread(best, data, b) for b in (1, 16))
    assert 3.5 < one / sixteen < 4.5  # "about a quarter"


def test_factors_and_steps_to_a_loss_below_0_001():
    lam = BOWL.curvatures()
    assert round(1 - 1e-5 * lam[3], 4) == 0.0411 and round(1 - 1e-5 * lam[1], 4) == 0.9989
    lr_plain = optimisers.best_plain_lr(lam)
    assert round(100 * lr_plain * lam[3] / 2, 1) == 99.9
    assert round(optimisers.plain_factor(lr_plain, lam[1]), 5) == 0.99765
    lr_m, beta = optimisers.best_momentum(lam)
    assert round(np.sqrt(beta), 4) == 0.9337
    millionfold = [np.log(1e-6) / np.log(abs(optimisers.plain_factor(lr_plain, lam[1]))),
                   np.log(1e-6) / np.log(optimisers.momentum_factor(lr_m, beta, lam[1]))]
    assert np.round(millionfold).tolist() == [5881, 201]
    assert STEPS_TO_0_001["plain"] == optimisers.steps_to(optimisers.Plain(lr_plain), BOWL, W0,
                                                          0.001)
    assert STEPS_TO_0_001["momentum"] == optimisers.steps_to(optimisers.Momentum(lr_m, beta),
                                                             BOWL, W0, 0.001)
    assert STEPS_TO_0_001["Adam"] == optimisers.steps_to(optimisers.Adam(0.5), BOWL, W0, 0.001)
    assert optimisers.steps_to(optimisers.Adam(0.01), BOWL, W0, 0.001) == 3320
    assert STEPS_TO_0_001["tuned momentum"] == optimisers.steps_to(
        optimisers.Momentum(1.5 * 2 / lam[3], 0.87), BOWL, W0, 0.001)


def test_pair_bowl_curvatures():
    bowl, _ = optimisers_widgets.pair_bowl()
    assert bowl.curvatures().round().tolist() == [1800, 35400]


def test_stored_outputs_show_every_number(nb):
    out = stored_notebooks.output_after
    first = out(nb, "curvatures = np.linalg.eigvalsh(2 * X.T @ X)")
    assert "curvatures: 0.0, 112.6, 3,600.0, 95,887.4" in first
    assert "after 1 step: 129.68, after 29 steps: 16.01" in first
    assert "lowest possible mean loss 0.0221" in out(nb, "floor = batches.loss(")
    table = out(nb, "runs = [batches.train(").splitlines()
    assert table[1].split() == ["256", "1", "0.0366", "0.0826", "0.0366"]
    assert table[3].split()[:4] == ["1", "256", "0.0303", "0.0229"]
    # The gap itself (about 1e-16) depends on the CPU's float rounding, so the lesson prints the
    # bound its cell asserts; tests/test_optimisers.py checks the bound on this machine.
    assert "torch.optim.SGD(momentum=0.9): every weight within 1e-12 at every step" in out(
        nb, "torch_momentum = torch_path(")
    assert "torch.optim.Adam: every weight within 1e-12 at every step" in out(
        nb, "torch_adam = torch_path(")
    factors = out(nb, "factor 1 - 1e-5")
    assert "= 0.9989" in factors and "= 0.0411" in factors
    momentum = out(nb, "lr_plain = optimisers.best_plain_lr(")
    assert "99.88% of the limit" in momentum and "β = 0.8718" in momentum
    assert "+0.99765            0.9337" in momentum and "5,881       201" in momentum
    steps = out(nb, "adam_needs = {")
    assert f"plain: {STEPS_TO_0_001['plain']:,} steps" in steps
    assert f"momentum:   {STEPS_TO_0_001['momentum']} steps" in steps
    assert f"Adam (lr = 0.5, best of the grid):   {STEPS_TO_0_001['Adam']} steps" in steps
    assert "lr 0.01: 3,320" in steps and "16.9 times" in steps
    assert f"β = 0.87): {STEPS_TO_0_001['tuned momentum']} steps" in steps
    assert "curvatures 1,800, 35,400" in out(nb, "optimisers_widgets.pair_bowl()")


def test_the_prose_states_the_computed_steps(nb):
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "needs 3,491 steps; momentum" in prose and "needs 207, about 17 times fewer" in prose
    assert "Adam needs 275 at its best rate, 0.5" in prose and "down to 126" in prose
    assert "112.6 to 95,887" in prose and "only by a factor of 0.99765" in prose
    assert "needs 5,881 steps" in prose and "needs 201 steps" in prose


def test_why_adam_does_not_win_the_stretch_mixes_the_weights(nb):
    X = conv2d.patches(IMAGE, KERNEL.shape)
    hessian = 2 * X.T @ X
    g0 = BOWL.grad(W0)
    assert g0.round().tolist() == [22080, 28740, 21180, 27840]
    assert np.abs(g0).max() / np.abs(g0).min() < 1.36  # "less than a factor of 1.36"
    assert np.diag(hessian).round().tolist() == [18600, 31200, 18600, 31200]
    lam, vectors = np.linalg.eigh(hessian)
    steep = vectors[:, -1] * np.sign(vectors[:, -1].sum())
    assert np.round(steep, 2).tolist() == [0.43, 0.56, 0.43, 0.56]
    scale = np.sqrt(np.diag(hessian))
    rescaled = np.linalg.eigvalsh(hessian / np.outer(scale, scale))
    before, after = lam[-1] / lam[1], rescaled[-1] / rescaled[1]
    assert round(before) == 851 and round(after) == 793
    assert STEPS_TO_0_001["Adam"] > STEPS_TO_0_001["momentum"]
    shown = stored_notebooks.output_after(nb, "rescaled = hessian / np.outer(")
    assert "22,080, 28,740, 21,180, 27,840 (largest / smallest: 1.36)" in shown
    assert "condition number: 851; with each weight rescaled: 793" in shown
    assert "[0.43 0.56 0.43 0.56]" in shown
    assert "95,887.4" in stored_notebooks.output_after(nb, "estimate = v @ (grad(")
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "from 851 to 793" in prose and "needs 275 steps to\nmomentum's 207" in prose
    assert "differ hugely" not in prose and "nobody comput" not in prose


def test_the_static_adam_panels_use_the_best_rate_found(nb):
    twin = "".join(next(c for c in stored_notebooks.code_cells(nb)
                        if "explorer.static_twin(" in "".join(c["source"]))["source"])
    assert twin.count('"adam_lr": adam_lr') == 4
    rates = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0)
    needs = {lr: optimisers.steps_to(optimisers.Adam(lr), BOWL, W0, 0.001) for lr in rates}
    assert min(needs, key=needs.get) == 0.5 == optimisers_widgets.path_explorer().sliders[
        "adam_lr"].value
