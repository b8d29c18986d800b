"""The numbers COURSE.md lists for lessons 01-02, asserted against the library and against the
stored notebook outputs that readers see (nbval, in turn, keeps those equal to a fresh run)."""
import pytest
import torch

from lessons_lib import gradient_descent
from tests import stored_notebooks

# What lesson 01's loop really prints (x = 2, y_true = 6, w = 0, lr = 0.1; loss before update).
# These are the expected rows, written out so that a change in the code cannot go unnoticed.
TABLE_01 = """\
step 1: w=2.4000, loss=36.0000
step 2: w=2.8800, loss=1.4400
step 3: w=2.9760, loss=0.0576
step 4: w=2.9952, loss=0.0023
step 5: w=2.9990, loss=0.0001
step 6: w=2.9998, loss=0.0000
step 7: w=3.0000, loss=0.0000
step 8: w=3.0000, loss=0.0000
step 9: w=3.0000, loss=0.0000
step 10: w=3.0000, loss=0.0000"""
# The table the source post printed for the same loop; its own code does not produce it.
POST_TABLE_ROWS = ("step 2: w=2.8800, loss=5.7600", "step 3: w=3.0240, loss=0.9216")


def test_library_prints_the_table_the_code_computes():
    history = gradient_descent.descend(w0=0.0, x=2.0, y_true=6.0, lr=0.1, steps=10)
    assert history.table() == TABLE_01
    for row in POST_TABLE_ROWS:
        assert row not in history.table()


def test_lesson_01_shows_the_table_by_hand_and_from_the_library():
    nb = stored_notebooks.load("01")
    by_hand = stored_notebooks.output_after(nb, "for step in range(1, 11):")
    from_library = stored_notebooks.output_after(nb, "print(history.table())")
    assert by_hand.strip() == TABLE_01
    assert from_library.strip() == TABLE_01


def test_lesson_01_puts_the_post_value_next_to_the_computed_one():
    nb = stored_notebooks.load("01")
    assert stored_notebooks.output_after(nb, "published_step_2_loss = ") == "(5.76, 1.44)"


def test_lesson_01_regimes_at_the_five_learning_rates():
    nb = stored_notebooks.load("01")
    shown = stored_notebooks.output_after(nb, "for lr_try in (0.0, 0.05, 0.125, 0.2, 0.25, 0.3):")
    expected = {0.0: "no movement", 0.05: "approaches from one side", 0.125: "lands in one step",
                0.2: "overshoots, but converges", 0.25: "oscillates forever", 0.3: "diverges"}
    for lr, regime in expected.items():
        assert gradient_descent.lr_regime(lr, 2.0) == regime
        assert f"lr = {lr:<5}" in shown and regime in shown
    assert stored_notebooks.output_after(nb, "factor = 1 - 8 * lr\ndistances") == (
        "(0.2, [3.0, 0.6, 0.12, 0.024])")


def test_lesson_02_first_gradient_is_minus_24_as_the_hand_formula_says():
    w = torch.tensor(0.0, requires_grad=True)
    ((w * 2.0 - 6.0) ** 2).backward()
    assert w.grad.item() == -24.0 == gradient_descent.grad(0.0, 2.0, 6.0)
    nb = stored_notebooks.load("02")
    assert stored_notebooks.output_after(nb, "w.grad.item(), by_hand") == "(-24.0, -24.0)"


@pytest.mark.parametrize("prefix", ["02"])
def test_lesson_02_autograd_rows_equal_lesson_01_first_five_rows(prefix):
    nb = stored_notebooks.load(prefix)
    rows = stored_notebooks.output_after(nb, "autograd_rows.append(").strip()
    assert rows == "\n".join(TABLE_01.splitlines()[:5])
    lesson_01 = stored_notebooks.output_after(stored_notebooks.load("01"), "print(history.table())")
    assert rows.splitlines() == lesson_01.strip().splitlines()[:5]


def test_lesson_02_without_zero_grad_the_gradients_accumulate():
    nb = stored_notebooks.load("02")
    table = stored_notebooks.output_after(nb, "zeroed, accumulated = run(").splitlines()
    step2 = table[2].split()
    # step 2 with zero_(): grad -4.8; without: -24 + -4.8 = -28.8
    assert step2[2] == "-4.8000" and step2[5] == "-28.8000"


def test_lesson_01_library_table_is_compared_with_the_hand_loops_own_rows():
    nb = stored_notebooks.load("01")
    cell = [c for c in stored_notebooks.code_cells(nb)
            if "print(history.table())" in "".join(c["source"])][0]
    source = "".join(cell["source"])
    # the hand rows come from the hand loop's cell, not rebuilt from the library's history
    assert "assert history.table() == \"\\n\".join(hand_rows)" in source
    assert "history.weights" not in source and "history.losses" not in source
    hand_loop = stored_notebooks.output_after(nb, "hand_rows.append(")
    assert hand_loop.strip() == TABLE_01


def hand_rows(steps, x=2.0, y_true=6.0, lr=0.1):
    w, rows = 0.0, []
    for step in range(1, steps + 1):
        loss = (w * x - y_true) ** 2
        w = w - lr * 2 * (w * x - y_true) * x
        rows.append(f"step {step}: w={w:.4f}, loss={loss:.4f}")
    return rows


def test_torch_optim_sgd_loop_gives_the_hand_loops_numbers():
    x, y_true, lr = torch.tensor(2.0), torch.tensor(6.0), 0.1
    w_sgd = torch.tensor(0.0, requires_grad=True)
    w_manual = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([w_sgd], lr=lr)
    rows = []
    for step in range(1, 6):
        optimizer.zero_grad()
        loss = (w_sgd * x - y_true) ** 2
        loss.backward()
        optimizer.step()
        rows.append(f"step {step}: w={w_sgd.item():.4f}, loss={loss.item():.4f}")
        ((w_manual * x - y_true) ** 2).backward()
        with torch.no_grad():
            w_manual -= lr * w_manual.grad
        w_manual.grad.zero_()
        assert w_sgd.item() == w_manual.item()  # bit for bit, step by step
    assert rows == hand_rows(5) == TABLE_01.splitlines()[:5]
    nb = stored_notebooks.load("02")
    assert stored_notebooks.output_after(nb, "optimizer.step()").strip().splitlines() == rows
    assert stored_notebooks.output_after(nb, "hand_rows.append(") == "True"


def test_lesson_02_why_backward_adds_and_needs_a_scalar():
    nb = stored_notebooks.load("02")
    w = torch.tensor(1.5, requires_grad=True)
    (w * 2.0).backward()
    first = w.grad.item()
    (w**2).backward()
    assert (first, w.grad.item()) == (2.0, 2.0 + 2 * 1.5)
    assert stored_notebooks.output_after(nb, "first_use, both_uses,") == "(2.0, 5.0, 5.0)"
    batch_grad = sum(2 * (0.0 * x_i - y_i) * x_i for x_i, y_i in ((1.0, 3.0), (3.0, 9.0)))
    assert stored_notebooks.output_after(nb, "w.grad.item(), w_whole.grad.item()") == (
        f"({batch_grad}, {batch_grad})")
    with pytest.raises(RuntimeError, match="only for scalar outputs") as raised:
        (w * torch.tensor([1.0, 2.0, 3.0])).backward()
    shown = stored_notebooks.output_after(nb, "predictions.backward()\nexcept")
    assert shown.strip() == f"RuntimeError: {raised.value}"
    assert stored_notebooks.output_after(nb, "with_gradient, w.grad.item()") == "(6.0, 6.0)"


def test_lesson_01_sorts_the_regimes_by_hand_first():
    nb = stored_notebooks.load("01")
    assert stored_notebooks.output_after(nb, "def regime_by_hand(lr):") == (
        "'approaches from one side'")
    assert gradient_descent.lr_regime(0.1, 2.0) == "approaches from one side"


def _steps_to_converge(lr):
    run = gradient_descent.descend(w0=0.0, x=2.0, y_true=6.0, lr=lr, steps=10_000)
    return next(i for i, w_t in enumerate(run.weights) if abs(w_t - 3) < 1e-3)


def test_lesson_01_speed_depends_on_the_factors_size_not_its_sign():
    nb = stored_notebooks.load("01")
    speeds = {lr: (round(1 - 8 * lr, 2), _steps_to_converge(lr)) for lr in (0.05, 0.1, 0.15, 0.2)}
    assert speeds == {0.05: (0.6, 16), 0.1: (0.2, 5), 0.15: (-0.2, 5), 0.2: (-0.6, 16)}
    assert stored_notebooks.output_after(nb, "def steps_to_converge(") == str(speeds)
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "+0.6 and -0.6 both need 16 steps, and +0.2 and -0.2 both need 5" in prose
    counts = {lr: _steps_to_converge(lr) for lr in (0.1, 0.01, 0.001)}
    assert counts == {0.1: 5, 0.01: 97, 0.001: 997}
    assert stored_notebooks.output_after(
        nb, "{lr_try: steps_to_converge(lr_try) for lr_try in (0.1, 0.01, 0.001)}") == str(counts)


def test_lesson_02_with_a_mean_loss_pieces_are_scaled_by_their_share():
    xs, w = torch.tensor([1.0, 3.0, 2.0, 4.0]), torch.tensor(0.0, requires_grad=True)
    ((w * xs - 3 * xs) ** 2).mean().backward()
    whole = w.grad.item()
    assert whole == -45.0  # -2 * 3 * mean(x**2) = -6 * 7.5
    w = torch.tensor(0.0, requires_grad=True)
    for piece in (xs[:2], xs[2:]):
        ((w * piece - 3 * piece) ** 2).mean().backward()
    assert w.grad.item() == 2 * whole  # k = 2 equal pieces, unscaled: twice the batch's gradient
    nb = stored_notebooks.load("02")
    assert stored_notebooks.output_after(nb, "def mean_loss(w, xs, ys):").strip() == (
        "whole batch: -45, pieces added as they are: -90, pieces scaled by their share: -45")
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "The loss of a batch is the sum" not in text and "share of the batch" in text


def test_lesson_01_measures_the_curvature_and_says_rarely_not_nobody():
    g = gradient_descent.grad
    curvature = (g(3.0 + 1e-3, 2.0, 6.0) - g(3.0 - 1e-3, 2.0, 6.0)) / 2e-3
    assert round(curvature, 6) == 8.0 == 2 * 2.0**2 and round(2 / curvature, 6) == 0.25
    assert gradient_descent.lr_regime(0.25, 2.0) == "oscillates forever"
    assert gradient_descent.lr_regime(0.26, 2.0) == "diverges"
    nb = stored_notebooks.load("01")
    assert stored_notebooks.output_after(nb, "curvature = (grad(3.0 + nudge)") == "(8.0, 0.25)"
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "nobody can compute" not in text and "rarely" in text


def test_lesson_00_static_figure_gives_away_neither_exercise():
    nb = stored_notebooks.load("00")
    cell = next(c for c in nb["cells"] if "line_slider.static_twin(" in "".join(c["source"]))
    alt = cell["outputs"][0]["metadata"]["image/png"]["alt"]
    assert "a = 1.0: mean squared error = 18.67" in alt and "a = 4.0" in alt
    assert "a = 3.0" not in alt and "a = 2.5" not in alt  # exercise 1's answer, exercise 2's slope
