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
    shown = stored_notebooks.output_after(nb, "for lr_try in (0.05, 0.125, 0.2, 0.25, 0.3):")
    expected = {0.05: "slow and steady", 0.125: "lands in one step",
                0.2: "overshoots, but converges", 0.25: "oscillates forever", 0.3: "diverges"}
    for lr, regime in expected.items():
        assert gradient_descent.lr_regime(lr, 2.0) == regime
        assert f"lr = {lr:<5}" in shown and regime in shown
    assert stored_notebooks.output_after(nb, "factor = 1 - 8 * lr") == (
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
