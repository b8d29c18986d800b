"""lessons_lib.timing (the GPU lesson, 08): warm-up, synchronisation, the real thread count.

Whether `seconds_per_call` synchronises is checked with a *mock* GPU where no real one exists:
`torch.cuda.synchronize` is replaced by a fake whose queued work only "runs" when it is called.
A timing that skipped synchronisation would read nearly zero; one that synchronises reads the
queued work. Where a real CUDA device exists, the same is checked on it too.
"""
import time

import pytest
import torch

from lessons_lib import timing

WORK_S = 0.02  # how long each fake GPU call's queued work takes to "run"


class FakeGpuQueue:
    """Calls return at once and queue work; synchronize() runs (sleeps through) the queue."""

    def __init__(self):
        self.queued = 0
        self.syncs = 0

    def launch(self):
        self.queued += 1

    def synchronize(self, device=None):
        self.syncs += 1
        time.sleep(WORK_S * self.queued)
        self.queued = 0


@pytest.fixture
def fake_cuda(monkeypatch):
    queue = FakeGpuQueue()
    monkeypatch.setattr(torch.cuda, "synchronize", queue.synchronize)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # "cuda" passes the checks
    return queue


def test_seconds_per_call_waits_for_queued_gpu_work(fake_cuda):
    seconds = timing.seconds_per_call(fake_cuda.launch, "cuda", min_run_time=0.1)
    assert seconds >= 0.9 * WORK_S
    assert fake_cuda.syncs >= 3 and fake_cuda.queued == 0


def test_the_unsynchronised_clock_is_fooled_by_the_same_fake_gpu(fake_cuda):
    assert timing.seconds_unsynchronised(fake_cuda.launch, calls=20) < WORK_S / 10
    assert fake_cuda.syncs == 0


def test_first_call_is_synchronised_before_and_after(fake_cuda):
    fake_cuda.queued = 5  # earlier work in the queue must not be billed to this call
    seconds = timing.seconds_first_call(fake_cuda.launch, "cuda")
    assert 0.9 * WORK_S <= seconds < 3 * WORK_S
    assert fake_cuda.syncs == 2


def test_warmup_calls_happen_before_timing_and_are_counted():
    calls = []
    timing.seconds_per_call(lambda: calls.append(1), "cpu", min_run_time=0.01, warmup=3)
    assert len(calls) > 3
    with pytest.raises(ValueError):
        timing.seconds_per_call(lambda: None, "cpu", warmup=-1)


def test_seconds_per_call_uses_the_real_thread_count_unless_told(monkeypatch):
    seen = []
    timing.seconds_per_call(lambda: seen.append(torch.get_num_threads()), "cpu",
                            min_run_time=0.01)
    assert set(seen) == {torch.get_num_threads()}
    seen.clear()
    timing.seconds_per_call(lambda: seen.append(torch.get_num_threads()), "cpu",
                            min_run_time=0.01, num_threads=1)
    assert 1 in seen


def test_benchmark_timer_default_is_one_thread_which_is_why_we_pass_it():
    assert timing.benchmark_default_threads() == 1


def test_returns_plain_floats_of_the_right_size():
    seconds = timing.seconds_per_call(lambda: time.sleep(0.005), "cpu", min_run_time=0.05)
    assert type(seconds) is float and 0.004 < seconds < 0.1
    with pytest.raises(ValueError):
        timing.seconds_unsynchronised(lambda: None, calls=0)


@pytest.mark.skipif(not torch.cuda.is_available(),
                    reason="no CUDA device: synchronisation is checked with the fake GPU above")
def test_on_a_real_cuda_device_synchronised_time_exceeds_the_unsynchronised_one():
    x = torch.randn(4096, 4096, device="cuda")

    def work():
        return x @ x

    work()
    torch.cuda.synchronize()
    assert timing.seconds_per_call(work, "cuda", min_run_time=0.2) > \
        timing.seconds_unsynchronised(work, calls=3)
