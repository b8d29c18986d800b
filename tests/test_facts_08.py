"""Lesson 08's facts that do not depend on the machine's speed: the rungs' agreement (and the
digits that agree), the tolerance that would catch a bug, and the exercises, against the
library and against the stored outputs of the executed notebook. Timings are not facts here."""
import re

import numpy as np

from lessons_lib import batched_step
from tests import stored_notebooks

LR = 1e-4


def nb():
    return stored_notebooks.load_named("backprop-faster")


def lesson_batch():
    return batched_step.make_batch(n=4, size=16, kernel_size=3, seed=0)


def test_the_float32_tolerance_is_tight_and_the_rungs_meet_it_with_digits_to_spare():
    images, kernel, targets = lesson_batch()
    loops = batched_step.step_loops(images, kernel, targets, LR)
    numpy = batched_step.step_numpy(images, kernel, targets, LR)
    cpu = batched_step.to_torch((images, kernel, targets), "cpu")
    torch_cpu = batched_step.step_torch(*cpu, LR)
    autograd = batched_step.step_autograd(*cpu, LR)
    assert batched_step.RTOL["torch"] == batched_step.RTOL["accelerator"] == 1e-5
    shown = stored_notebooks.output_after(nb(), 'pairs = {"NumPy vs loops')
    for name, result, reference in [("NumPy vs loops, float64", numpy, loops),
                                    ("PyTorch cpu vs NumPy, float32 vs float64", torch_cpu, numpy),
                                    ("F.conv2d vs PyTorch cpu, float32", autograd, torch_cpu)]:
        gap = batched_step.relative_difference(result, reference)
        digits = int(np.floor(-np.log10(gap)))
        assert f"{name}: largest relative difference {gap:.1e}, {digits} digits agree" in shown
        if "float32" in name:
            assert 6 <= digits <= 8 and gap < batched_step.RTOL["torch"] / 10
    slipped = batched_step.step_numpy(np.roll(images, 1, axis=2), kernel, targets, LR)
    bug = batched_step.relative_difference(slipped, numpy)
    assert bug > 1000 * batched_step.RTOL["torch"], "1e-5 catches a window one pixel off"
    assert f"every window one pixel off: largest relative difference {bug:.1e}" in shown


def test_the_losses_printed_by_the_rungs():
    images, kernel, targets = lesson_batch()
    loss = batched_step.step_loops(images, kernel, targets, LR)[1]
    assert f"loss {loss:.4f}" == stored_notebooks.output_after(nb(), "by_loops = ").strip()
    assert f"loss {loss:.4f}" == stored_notebooks.output_after(nb(), "by_numpy = ").strip()


def test_look_for_four_things_is_followed_by_four_bullets():
    (cell,) = [c for c in nb()["cells"] if c["cell_type"] == "markdown"
               and "Look for four things" in "".join(c["source"])]
    text = "".join(cell["source"]).split("Look for four things:")[1].split("\n\n")[1]
    assert len(re.findall(r"^- ", text, flags=re.MULTILINE)) == 4


def test_the_exercises_run_before_the_lesson_body():
    """The first exercise cell imports what it uses, so the exercises work in a fresh kernel."""
    first = "".join(next(c for c in stored_notebooks.code_cells(nb())
                         if "def time_it(" in "".join(c["source"]))["source"])
    assert "import time" in first and "from lessons_lib import exercises_08" in first
    namespace = {}
    exec(compile(first, "exercise-1", "exec"), namespace)  # noqa: S102 - the lesson's own cell
    assert namespace["exercises_08"].forgotten_rule("synchronise").correct


def test_exercise_cells_are_stored_unanswered():
    for snippet in ("exercises_08.forgotten_rule(", "exercises_08.forward_multiply_adds(",
                    "exercises_08.step_multiply_adds("):
        assert "Not attempted yet" in stored_notebooks.output_after(nb(), snippet)
