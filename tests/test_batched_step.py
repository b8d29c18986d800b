"""lessons_lib.batched_step and lessons_lib.ladder (the GPU lesson, 08): every rung of the
ladder equals the reference, which is autograd on F.conv2d in float64, and the timing sweep's
bookkeeping."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from lessons_lib import batched_step, conv2d, devices, exercises_08, ladder

LR = 1e-4


def reference(images, kernel, targets, lr):
    """PyTorch's own conv and autograd, in float64: what every rung must reproduce."""
    x = torch.as_tensor(images, dtype=torch.float64)[:, None]  # (n, 1, H, W)
    k = torch.tensor(kernel, dtype=torch.float64, requires_grad=True)
    out = F.conv2d(x, k[None, None])[:, 0]
    loss = ((out - torch.as_tensor(targets, dtype=torch.float64)) ** 2).sum()
    loss.backward()
    return (k - lr * k.grad).detach(), loss.detach(), k.grad


@given(n=st.integers(1, 3), size=st.integers(3, 9), k=st.integers(1, 3),
       seed=st.integers(0, 1000))
def test_loops_and_numpy_equal_autograd_in_float64(n, size, k, seed):
    batch = batched_step.make_batch(n, size, k, seed)
    want = reference(*batch, LR)
    assert batched_step.relative_difference(batched_step.step_loops(*batch, LR), want) <= 1e-9
    assert batched_step.relative_difference(batched_step.step_numpy(*batch, LR), want) <= 1e-9


@pytest.mark.parametrize("n, size, k", [(1, 4, 2), (4, 16, 3), (2, 33, 5)])
def test_each_rung_equals_the_one_before_within_its_stated_tolerance(n, size, k):
    batch = batched_step.make_batch(n, size, k, seed=size)
    loops = batched_step.step_loops(*batch, LR)
    numpy = batched_step.step_numpy(*batch, LR)
    torch_cpu = batched_step.step_torch(*batched_step.to_torch(batch, "cpu"), LR)
    assert batched_step.relative_difference(numpy, loops) <= batched_step.RTOL["numpy"]
    assert batched_step.relative_difference(torch_cpu, numpy) <= batched_step.RTOL["torch"]
    torch.testing.assert_close(torch.as_tensor(batched_step._to_numpy("result", torch_cpu)[2]),
                               reference(*batch, LR)[2], rtol=1e-4, atol=1e-4 * float(
                                   np.abs(loops[2]).max()))


def test_torch_rung_in_float64_matches_the_reference_exactly_enough():
    batch = batched_step.make_batch(3, 20, 3, seed=7)
    got = batched_step.step_torch(*batched_step.to_torch(batch, "cpu", torch.float64), LR)
    for mine, theirs in zip(got, reference(*batch, LR), strict=True):
        torch.testing.assert_close(mine, theirs)


def test_one_image_batch_is_lesson_04s_step():
    image = np.array([[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40.]])
    kernel = np.array([[0.5, 0.3], [0.2, 0.1]])
    target = np.zeros((3, 3))
    want = conv2d.training_step(image, kernel, target, 1e-5, method="loops")
    for step in (batched_step.step_loops, batched_step.step_numpy):
        got = step(image[None], kernel, target[None], 1e-5)
        assert batched_step.relative_difference(got, want) == 0 or \
            batched_step.relative_difference(got, want) < 1e-15


@pytest.mark.skipif(devices.accelerator() is None,
                    reason="no CUDA or MPS device on this machine: rung 4 cannot run here")
def test_accelerator_rung_equals_the_cpu_rung():
    batch = batched_step.make_batch(4, 64, 3, seed=1)
    cpu = batched_step.step_torch(*batched_step.to_torch(batch, "cpu"), LR)
    gpu = batched_step.step_torch(*batched_step.to_torch(batch, devices.accelerator()), LR)
    assert gpu[0].device.type == devices.accelerator().type
    assert batched_step.relative_difference(gpu, cpu) <= batched_step.RTOL["accelerator"]


def test_bad_batches_are_refused_with_the_shape_that_was_expected():
    images, kernel, targets = batched_step.make_batch(2, 6, 3)
    with pytest.raises(ValueError, match=r"\(n, H, W\)"):
        batched_step.step_numpy(images[0], kernel, targets, LR)
    with pytest.raises(ValueError, match=r"\(2, 4, 4\)"):
        batched_step.step_numpy(images, kernel, targets[:, :3], LR)
    with pytest.raises(ValueError, match="does not fit"):
        batched_step.step_loops(images[:, :2, :2], kernel, targets, LR)
    with pytest.raises(ValueError, match="kernel_size"):
        batched_step.make_batch(1, 2, 3)


def test_multiply_adds_counts_every_output_pixel_times_every_weight():
    images, kernel, _ = batched_step.make_batch(2, 7, 3)
    ones = batched_step._forward_numpy(np.ones_like(images), np.ones_like(kernel))
    assert batched_step.multiply_adds(2, 7, 3) == ones.sum()


def test_relative_difference_is_zero_for_equal_results_and_scales_with_the_reference():
    result = (np.ones((2, 2)), 10.0, np.full((2, 2), 4.0))
    assert batched_step.relative_difference(result, result) == 0
    nudged = (np.ones((2, 2)), 10.0, np.array([[4.0, 4.0], [4.0, 4.4]]))
    assert batched_step.relative_difference(nudged, result) == pytest.approx(0.1)


def test_ladder_has_four_cpu_rungs_plus_two_on_the_accelerator_if_given():
    assert [r.name for r in ladder.rungs(None)] == ["Python loops", "NumPy", "PyTorch cpu",
                                                    "F.conv2d cpu"]
    assert [r.name for r in ladder.rungs(torch.device("cuda"))[-2:]] == [
        "PyTorch cuda", "F.conv2d cuda"]


def test_the_autograd_rung_equals_the_hand_written_torch_rung_in_float64():
    batch = batched_step.to_torch(batched_step.make_batch(3, 9, 3, seed=4), "cpu",
                                  dtype=torch.float64)
    for got, want in zip(batched_step.step_autograd(*batch, 1e-4),
                         batched_step.step_torch(*batch, 1e-4)):
        torch.testing.assert_close(got, want)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        batched_step.step_autograd(*batch, -1.0)


def test_every_ladder_rung_runs_and_agrees_with_the_reference():
    batch = batched_step.make_batch(2, 10, 3, seed=3)
    want = reference(*batch, ladder.LR)
    for rung in ladder.rungs(devices.accelerator()):
        assert batched_step.relative_difference(rung.run(*batch), want) <= 1e-4, rung.name


def test_sweep_stops_the_loops_early_and_returns_positive_seconds():
    results = ladder.sweep(ladder.rungs(None), [4, 8, 12], n=1, loops_max_size=8,
                           min_run_time=0.001)
    assert results["Python loops"][0] == [4, 8]
    assert results["NumPy"][0] == [4, 8, 12]
    assert all(s > 0 for _, seconds in results.values() for s in seconds)


def test_the_race_is_like_for_like_float32_on_the_stated_threads(monkeypatch):
    threads, inputs = [], []

    def record(fn, device, min_run_time, num_threads):
        threads.append(num_threads)
        return 1e-3

    real_inputs = ladder.Rung.inputs

    def spy(self, *arrays):
        inputs.extend(arrays)
        return real_inputs(self, *arrays)

    monkeypatch.setattr(ladder.timing, "seconds_per_call", record)
    monkeypatch.setattr(ladder.Rung, "inputs", spy)
    numpy_rung, torch_rung = ladder.rungs(None)[1:3]
    ladder.time_rung(numpy_rung, 1, 6, 3, num_threads=3)
    ladder.time_rung(torch_rung, 1, 6, 3)
    assert threads == [3, 1], "one thread unless told otherwise, for every rung"
    assert len(inputs) == 6 and all(a.dtype == np.float32 for a in inputs)
    with pytest.raises(ValueError, match="num_threads"):
        ladder.sweep([numpy_rung], [4], n=1, num_threads=0)
    title = ladder.time_vs_size_figure({"NumPy": ([8], [1e-4])}, "box", n=4,
                                       num_threads=2).axes[0].get_title()
    assert "float32" in title and "2 CPU threads" in title


def test_crossover_is_the_size_from_which_the_faster_rung_always_wins():
    results = {"cpu": ([8, 16, 32, 64], [1.0, 2.0, 4.0, 8.0]),
               "gpu": ([8, 16, 32, 64], [3.0, 1.0, 5.0, 2.0])}
    assert ladder.crossover(results, "cpu", "gpu") == 64
    results["gpu"] = ([8, 16, 32, 64], [3.0, 1.0, 1.0, 2.0])
    assert ladder.crossover(results, "cpu", "gpu") == 16
    results["gpu"] = ([8, 16, 32, 64], [9.0] * 4)
    assert ladder.crossover(results, "cpu", "gpu") is None
    assert ladder.crossover(results, "cpu", "mps") is None


def test_time_vs_size_figure_names_the_machine_and_marks_the_crossover():
    results = {"NumPy": ([8, 16], [1e-4, 4e-4]), "PyTorch cpu": ([8, 16], [1e-3, 2e-3]),
               "PyTorch cuda": ([8, 16], [2e-3, 1e-3])}
    fig = ladder.time_vs_size_figure(results, "test machine", n=4)
    ax = fig.axes[0]
    assert "test machine" in ax.get_title()
    assert any("from 16 px" in t.get_text() for t in ax.texts)
    cpu_only = ladder.time_vs_size_figure({"NumPy": ([8], [1e-4])}, "cpu box", n=4)
    assert any("no GPU" in t.get_text() for t in cpu_only.axes[0].texts)


@pytest.mark.parametrize("answer, status, hint", [
    (None, "not attempted", "Not attempted"), ("synchronize", "correct", ""),
    ("SYNCHRONIZE", "correct", ""), ("synchronise", "correct", ""),
    ("warm-up", "wrong", "does warm up"),
    ("threads", "wrong", "1-thread default"), ("nothing", "wrong", "On a GPU"),
    ("sync", "wrong", "not one of the options")])
def test_forgotten_rule_diagnoses_each_wrong_option(answer, status, hint):
    feedback = exercises_08.forgotten_rule(answer)
    assert feedback.status == status and hint in feedback.message


def test_multiply_adds_exercise_computes_its_answer_and_spots_each_slip():
    right = batched_step.multiply_adds(8, 256, 3)
    assert exercises_08.forward_multiply_adds(right).correct
    for slip, hint in [(8 * 256 * 256 * 9, "smaller than the image"),
                       (254 * 254 * 9, "one image"), (8 * 254 * 254, "output pixels"),
                       (8 * 254 * 254 * 3, "9 weights")]:
        assert hint in exercises_08.forward_multiply_adds(slip).message


def test_step_multiply_adds_exercise_is_forward_plus_kernel_gradient():
    assert exercises_08.step_multiply_adds(2 * batched_step.multiply_adds(16, 64, 5)).correct
    assert "forward pass alone" in exercises_08.step_multiply_adds(
        batched_step.multiply_adds(16, 64, 5)).message
    assert "gradient for the input pixels" in exercises_08.step_multiply_adds(4_320_000).message


# --- Issue 16: nothing silently wrong ----------------------------------------------------------

def test_relative_difference_never_calls_nan_equal():
    batch = batched_step.make_batch(2, 6, 3, seed=1)
    good = batched_step.step_numpy(*batch, LR)
    for part in range(3):
        bad = list(good)
        bad[part] = np.full_like(np.asarray(good[part], dtype=float), np.nan)
        for result, reference in ((bad, good), (good, bad)):
            with pytest.raises(ValueError, match="finite"):
                batched_step.relative_difference(tuple(result), tuple(reference))


def test_step_numpy_gives_an_integer_kernel_its_true_float_gradient():
    images, _, targets = batched_step.make_batch(2, 6, 3, seed=2)
    int_kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    got = batched_step.step_numpy(images, int_kernel, targets, LR)
    want = batched_step.step_loops(images, int_kernel, targets, LR)
    assert got[2].dtype == np.float64
    assert batched_step.relative_difference(got, want) <= batched_step.RTOL["numpy"]
    assert not np.allclose(want[2], np.round(want[2]))  # truncation would have shown


def test_step_numpy_keeps_float32_for_the_benchmark():
    batch = [a.astype(np.float32) for a in batched_step.make_batch(1, 5, 2, seed=3)]
    assert batched_step.step_numpy(*batch, LR)[2].dtype == np.float32


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_autograd_rung_works_in_no_grad_and_inference_mode_and_fills_no_callers_grad(mode):
    images, kernel, targets = (t.requires_grad_(True) for t in
                               batched_step.to_torch(batched_step.make_batch(2, 5, 2), "cpu",
                                                     torch.float64))
    expected = batched_step.step_torch(images.detach(), kernel.detach(), targets.detach(), 1e-4)
    with mode():
        result = batched_step.step_autograd(images, kernel, targets, 1e-4)
    assert batched_step.relative_difference(result, expected) < 1e-12
    assert all(t.grad is None for t in (images, kernel, targets))


@pytest.mark.parametrize("step", [batched_step.step_numpy, batched_step.step_loops])
def test_an_overflowing_batch_is_a_named_error_blaming_the_batch(step):
    images, kernel, targets = batched_step.make_batch(2, 5, 2)
    with pytest.raises(ValueError, match="overflowed.*images, kernel or targets"):
        step(np.full_like(images, 1e154), kernel, targets, 1e-4)  # np.vdot: no numpy warning
