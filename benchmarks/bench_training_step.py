"""The GPU lesson's training step: vectorised NumPy vs PyTorch on the CPU, and loops vs NumPy.

    python3 tasks.py bench
    .venv/bin/python benchmarks/bench_training_step.py [--batch 8] [--rounds 5] [--figure]

1. NumPy vs PyTorch CPU on a batch of 256x256 images with a 3x3 kernel, both float32 and both
   on one thread (the fair race; NumPy float64 is printed too). Target: NumPy / PyTorch <= 2.
2. Python loops vs NumPy (float64, as in the lesson) on one image whose size is chosen so that
   the loops take about a second here.

The rungs run in the same process, alternating, several rounds each; the ratio of the medians is
what to read (the machine may be shared, so absolute times wander). Prints, not asserts.
`--figure` also re-measures the GPU lesson's time-vs-size plot on this machine and saves it to
assets/images/NN-backprop-faster/time-vs-size.png (NN: the lesson's number), titled with the
machine's description: every rung in float32, the CPU on one thread, as in the lesson. Run it on
a GPU machine so that readers without one see what a GPU adds.
"""
import argparse
import math
import statistics
import timeit
from pathlib import Path

import numpy as np

from lessons_lib import batched_step, devices, ladder, plotting, timing

LR = 1e-4
# The lesson's assets folder is named after its notebook, whatever number it has now.
LESSON = next((Path(__file__).resolve().parent.parent / "notebooks").glob(
    "*-backprop-faster.ipynb")).stem


def numpy_vs_torch(batch: int, size: int, kernel_size: int, rounds: int) -> None:
    images, kernel, targets = batched_step.make_batch(batch, size, kernel_size)
    as32 = tuple(a.astype(np.float32) for a in (images, kernel, targets))
    tensors = batched_step.to_torch((images, kernel, targets), "cpu")
    contenders = {
        "NumPy float32": lambda: batched_step.step_numpy(*as32, LR),
        "NumPy float64": lambda: batched_step.step_numpy(images, kernel, targets, LR),
        "PyTorch cpu float32": lambda: batched_step.step_torch(*tensors, LR),
    }
    times = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(timing.seconds_per_call(fn, "cpu", min_run_time=0.2,
                                                       num_threads=1))
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"training step, batch of {batch} images {size}x{size}, {kernel_size}x{kernel_size} "
          f"kernel, one thread, {rounds} rounds, median ms per step:")
    for name, seconds in median.items():
        print(f"  {name:<20} {seconds * 1e3:9.3f}")
    ratio = median["NumPy float32"] / median["PyTorch cpu float32"]
    print(f"  ratio NumPy / PyTorch cpu (both float32): {ratio:.2f}  (target <= 2: "
          f"{'met' if ratio <= 2 else 'NOT met'})")
    print(f"  ratio NumPy float64 / PyTorch cpu float32: "
          f"{median['NumPy float64'] / median['PyTorch cpu float32']:.2f}")


def loops_vs_numpy(kernel_size: int, rounds: int, target_s: float = 1.0) -> None:
    probe = 48  # time a small image, then scale: the loops' time grows with output pixels
    probe_batch = batched_step.make_batch(1, probe, kernel_size)
    probe_s = []
    for _ in range(3):
        start = timeit.default_timer()
        batched_step.step_loops(*probe_batch, LR)
        probe_s.append(timeit.default_timer() - start)
    per_pixel = min(probe_s) / (probe - kernel_size + 1) ** 2
    size = int(math.sqrt(target_s / per_pixel)) + kernel_size - 1
    args = batched_step.make_batch(1, size, kernel_size)
    loops, vectorised = [], []
    for _ in range(rounds):
        start = timeit.default_timer()
        batched_step.step_loops(*args, LR)
        loops.append(timeit.default_timer() - start)
        vectorised.append(timing.seconds_per_call(
            lambda: batched_step.step_numpy(*args, LR), "cpu", min_run_time=0.2, num_threads=1))
    loops_s, numpy_s = statistics.median(loops), statistics.median(vectorised)
    print(f"training step, one {size}x{size} image, {kernel_size}x{kernel_size} kernel, "
          f"{rounds} rounds, median:")
    print(f"  Python loops   {loops_s:9.3f} s")
    print(f"  NumPy float64  {numpy_s * 1e3:9.3f} ms")
    print(f"  ratio loops / NumPy: {loops_s / numpy_s:.0f}")


def save_time_vs_size(batch: int, kernel_size: int) -> None:
    accelerator = devices.accelerator()
    sizes = [8, 16, 32, 64, 128, 256, 512] + ([1024, 2048] if accelerator is not None else [])
    results = ladder.sweep(ladder.rungs(accelerator), sizes, batch, kernel_size,
                           loops_max_size=32, min_run_time=0.2)
    fig = ladder.time_vs_size_figure(results, devices.describe_machine(), batch, kernel_size)
    print("saved", plotting.save_figure(fig, LESSON, "time-vs-size.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--kernel", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--figure", action="store_true",
                        help="also re-measure and save the GPU lesson's time-vs-size figure")
    args = parser.parse_args()
    print("machine:", devices.describe_machine())
    numpy_vs_torch(args.batch, args.size, args.kernel, args.rounds)
    loops_vs_numpy(args.kernel, args.rounds)
    if args.figure:
        save_time_vs_size(4, args.kernel)  # the notebook's batch of 4, so the two compare


if __name__ == "__main__":
    main()
