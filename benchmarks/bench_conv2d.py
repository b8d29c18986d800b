"""Loops vs vectorised NumPy for lesson 04's conv: forward pass + kernel gradient.

    python3 tasks.py bench        (or: .venv/bin/python benchmarks/bench_conv2d.py [--size 64])

Both versions run in the same process, alternating, several rounds each; the ratio of the
medians is what to read (the machine is shared, so absolute times wander). Prints, not asserts.
"""
import argparse
import statistics
import time

import numpy as np

from lessons_lib import conv2d


def forward_and_grad(conv, kernel_grad, image, kernel, target):
    output = conv(image, kernel)
    return kernel_grad(image, conv2d.blame(output, target), kernel.shape)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--kernel", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    image = rng.normal(size=(args.size, args.size))
    kernel = rng.normal(size=(args.kernel, args.kernel))
    target = np.zeros(conv2d.output_shape(image.shape, kernel.shape))
    versions = {"loops": (conv2d.conv2d_loops, conv2d.kernel_grad_loops),
                "numpy": (conv2d.conv2d_numpy, conv2d.kernel_grad_numpy)}
    results = {name: forward_and_grad(*fns, image, kernel, target)
               for name, fns in versions.items()}
    np.testing.assert_allclose(results["loops"], results["numpy"])  # same answer first
    times = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, fns in versions.items():  # alternate, so both see the same machine load
            repeats = 1 if name == "loops" else 200
            start = time.perf_counter()
            for _ in range(repeats):
                forward_and_grad(*fns, image, kernel, target)
            times[name].append((time.perf_counter() - start) / repeats)
    loops, vectorised = (statistics.median(times[n]) for n in ("loops", "numpy"))
    print(f"conv2d forward + kernel gradient, {args.size}x{args.size} image, "
          f"{args.kernel}x{args.kernel} kernel, median of {args.rounds} rounds")
    print(f"  loops: {loops * 1e3:9.2f} ms")
    print(f"  numpy: {vectorised * 1e3:9.3f} ms")
    print(f"  numpy is {loops / vectorised:.0f}x faster than loops")


if __name__ == "__main__":
    main()
