"""What the checkers' sandbox costs: seconds from calling a checker to its Feedback.

    .venv/bin/python benchmarks/bench_checkers.py [--rounds 5]

For each "write the function" exercise, a right function's check (a fork, the cases, the
comparison), then one that never returns; for check_number, a plain float (no fork) and an
object it must read in the sandbox. Medians over the rounds; prints, not asserts. The machine
is shared, so read them as upper bounds.
"""
import argparse
import statistics
import time

import numpy as np

from lessons_lib import (
    exercises,
    exercises_00,
    exercises_02,
    exercises_03,
    exercises_05,
    exercises_06,
    tiny_autograd,
)


def _step(w, x, y_true, lr):
    loss = (w * x - y_true) ** 2
    loss.backward()
    w.data -= lr * w.grad
    w.grad.zero_()
    return loss.item()


class _Half:
    size = 1

    def item(self):
        return 0.5


RIGHT = {
    "00 mse_function": (exercises_00.mse_function,
                        lambda p, t: np.mean((np.array(p) - np.array(t)) ** 2)),
    "02 training_step (4 forks)": (exercises_02.training_step, _step),
    "03 chain_gradient": (exercises_03.chain_gradient,
                          lambda x, w, b, y: 4 * ((w * x + b) ** 2 - y) * (w * x + b) * x),
    "05 relu_backward": (exercises_05.relu_backward, lambda a, g: (a > 0) * g),
    "05 backward_pass": (exercises_05.backward_pass, tiny_autograd.backward_pass),
    "06 towards_zero": (exercises_06.towards_zero, exercises_06._written_out),
}


def _median(call, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for name, (checker, right) in RIGHT.items():
        assert checker(right).correct, name
        seconds = _median(lambda checker=checker, right=right: checker(right), args.rounds)
        print(f"{name:<28} right answer {seconds:.3f} s")
    print(f"{'03 chain_gradient':<28} never returns "
          f"{_median(lambda: exercises_03.chain_gradient(lambda *a: time.sleep(1e6)), 1):.3f} s")
    plain = _median(lambda: exercises.check_number(0.5, 0.5), 50)
    print(f"{'check_number(0.5)':<28} {plain:.5f} s")
    print(f"{'check_number(object)':<28} "
          f"{_median(lambda: exercises.check_number(_Half(), 0.5), args.rounds):.3f} s (sandbox)")


if __name__ == "__main__":
    main()
