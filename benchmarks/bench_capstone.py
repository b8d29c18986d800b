"""Lesson 10's training step: the NumPy network written by hand (lessons_lib.cnn) against the
same network in PyTorch (nn.Module + torch.optim.SGD with momentum) on the CPU, and on a GPU
when there is one. Goal: the hand-written step at most 2x torch's on the CPU.

    python3 tasks.py bench capstone        (or: .venv/bin/python benchmarks/bench_capstone.py)

One step = forward, mean cross-entropy, backward, momentum update, on a mini-batch of 32
digits. Every version runs in the same process, alternating, several rounds each, after a
warm-up; the ratio of the medians is what to read (the machine is shared). Prints, not asserts.
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

from lessons_lib import cnn, cnn_torch, devices, digits

LR, BETA = 0.05, 0.9


def numpy_stepper(params, x, y):
    weights = [a.copy() for a in params.arrays()]
    velocity = [np.zeros_like(w) for w in weights]

    def step():
        _, grads = cnn.loss_and_grads(cnn.Params(*weights), x, y)
        for w, v, g in zip(weights, velocity, grads.arrays()):
            v *= BETA
            v += g
            w -= LR * v
    return step


def torch_stepper(params, x, y, device, dtype, threads=None):
    model = cnn_torch.from_params(params, dtype).to(device)
    optimiser = torch.optim.SGD(model.parameters(), lr=LR, momentum=BETA)
    xt = torch.tensor(x, dtype=dtype, device=device)
    yt = torch.tensor(y, device=device)

    def step():
        before = torch.get_num_threads()
        torch.set_num_threads(threads or before)
        loss = F.cross_entropy(model(xt), yt)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        devices.synchronize(device)  # the clock waits for the GPU's queued work
        torch.set_num_threads(before)
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50, help="steps timed per round")
    args = parser.parse_args()
    split = digits.load_split()
    x, y = split.train_x[:args.batch], split.train_y[:args.batch]
    params = cnn.init(1)
    versions = {"numpy by hand (float64)": numpy_stepper(params, x, y),
                "torch cpu float64": torch_stepper(params, x, y, "cpu", torch.float64),
                "torch cpu float32": torch_stepper(params, x, y, "cpu", torch.float32),
                # a batch of 32 tiny images is too small to split over threads; on a busy
                # machine, threads that wait for each other cost more than they gain
                "torch cpu float32 1 thread": torch_stepper(params, x, y, "cpu", torch.float32,
                                                            threads=1)}
    gpu = devices.accelerator()
    if gpu is not None:
        versions[f"torch {gpu.type} float32"] = torch_stepper(params, x, y, gpu, torch.float32)
    for step in versions.values():  # warm-up: first calls load kernels and allocate
        for _ in range(5):
            step()
    times = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, step in versions.items():  # alternate, so all see the same machine load
            start = time.perf_counter()
            for _ in range(args.steps):
                step()
            times[name].append((time.perf_counter() - start) / args.steps)
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"lesson 10 training step, batch {args.batch}, median of {args.rounds} rounds of "
          f"{args.steps} steps, {devices.describe_machine()}")
    for name, seconds in medians.items():
        print(f"  {name:26s} {seconds * 1e3:8.3f} ms")
    for reason in devices.skipped():
        print(f"  (skipped: {reason})")
    hand = medians["numpy by hand (float64)"]
    for name in [n for n in medians if n.startswith("torch")]:
        print(f"  numpy by hand / {name}: {hand / medians[name]:.2f}x")
    best = min(medians[n] for n in medians if n.startswith("torch cpu"))
    goal = hand / best
    print(f"  goal: at most 2x torch's fastest cpu step -> {'met' if goal <= 2 else 'not met'} "
          f"({goal:.2f}x)")


if __name__ == "__main__":
    main()
