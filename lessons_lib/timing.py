"""Timing done right, and the two ways to get it wrong that the GPU lesson (08) shows.

Three rules for timing PyTorch code:
1. warm up: the first call pays one-off costs (a GPU context, kernel selection, memory pools);
2. synchronise before reading the clock: GPU calls return before their work is done;
3. on the CPU, use the threads PyTorch really uses: `torch.utils.benchmark.Timer` defaults to 1.

`seconds_per_call` follows all three and hands the repetition to `torch.utils.benchmark`.
`seconds_unsynchronised` breaks rule 2 on purpose, so a lesson can show the number it invents.
Every function returns seconds as a float.
"""
import inspect
import timeit

import torch
from torch.utils import benchmark

from lessons_lib import devices, validation


def _check_fn(fn) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be a function to call with no arguments (a lambda: ...), "
                        f"got {type(fn).__name__}")


def _checked(fn, device, min_run_time, warmup, num_threads):
    """seconds_per_call's arguments, checked (kept out of the function the lesson prints)."""
    _check_fn(fn)
    min_run_time = validation.non_negative("min_run_time", min_run_time)
    if min_run_time > 60:
        raise ValueError(f"min_run_time must be at most 60 seconds, got {min_run_time!r}")
    if num_threads is not None:
        validation.count("num_threads", num_threads, minimum=1, maximum=1024)
    return (validation.device("device", device), min_run_time,
            validation.count("warmup", warmup, maximum=1000))


def benchmark_default_threads() -> int:
    """The `num_threads` that torch.utils.benchmark.Timer uses when you don't pass one."""
    return inspect.signature(benchmark.Timer).parameters["num_threads"].default


def seconds_per_call(fn, device, min_run_time: float = 0.2, warmup: int = 1,
                     num_threads: int | None = None) -> float:
    """Median seconds one call of `fn()` takes on `device`, measured the right way.

    `warmup` untimed calls first; then the clock is read only after `devices.synchronize(device)`;
    `num_threads` defaults to the threads PyTorch really uses here (`torch.get_num_threads()`).
    """
    device, min_run_time, warmup = _checked(fn, device, min_run_time, warmup, num_threads)
    for _ in range(warmup):
        fn()
    devices.synchronize(device)

    def clock() -> float:  # torch.utils.benchmark reads this before and after each block of calls
        devices.synchronize(device)
        return timeit.default_timer()

    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn}, timer=clock,
                            num_threads=num_threads or torch.get_num_threads())
    return float(timer.blocked_autorange(min_run_time=min_run_time).median)


def seconds_unsynchronised(fn, calls: int = 10) -> float:
    """The wrong way, for comparison: wall-clock `calls` calls with no synchronisation and no
    warm-up. On a GPU this times how fast work is *queued*, not how fast it runs."""
    _check_fn(fn)
    calls = validation.count("calls", calls, minimum=1, maximum=1_000_000)
    start = timeit.default_timer()
    for _ in range(calls):
        fn()
    return (timeit.default_timer() - start) / calls


def seconds_first_call(fn, device) -> float:
    """One cold call, synchronised: what the first call costs before any warm-up."""
    _check_fn(fn)
    device = validation.device("device", device)
    devices.synchronize(device)
    start = timeit.default_timer()
    fn()
    devices.synchronize(device)
    return timeit.default_timer() - start
