"""The GPU lesson's ladder, timed: every rung of `batched_step` at growing image sizes.

    rungs(accelerator)            the rungs this machine can run, slowest first
    time_rung(rung, n, size, k)   seconds for one training step, timed the right way

Every rung races like for like: the arrays are float32 (the loops rung converts to float64)
and the CPU runs every rung on the same number of threads, one unless you say otherwise
(NumPy's array operations use one thread; PyTorch would use several).
    sweep(rungs, sizes, ...)      {rung name: (sizes, seconds)} for a log-log plot
    crossover(results, a, b)      the first size at which rung b beats rung a
    time_vs_size_figure(...)      that log-log plot, titled with the machine it came from
"""
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from lessons_lib import batched_step, plotting, timing, validation

LR = 1e-4  # any learning rate will do for timing; the work is the same
COLOURS = {"Python loops": plotting.VERMILLION, "NumPy": plotting.ORANGE,
           "PyTorch cpu": plotting.BLUE, "F.conv2d cpu": plotting.PURPLE}
# an accelerator's lines are green (the hand-written step) and sky blue (F.conv2d)


@dataclass(frozen=True)
class Rung:
    name: str
    step: object  # one of batched_step.step_*
    device: torch.device
    tensors: bool  # True: the step wants torch tensors on `device`; False: NumPy arrays

    def inputs(self, images, kernel, targets):
        """The batch in the form this rung's step takes (copied to its device if needed)."""
        if self.tensors:
            arrays = (validation.array(name, value) for name, value in
                      (("images", images), ("kernel", kernel), ("targets", targets)))
            try:
                return batched_step.to_torch(tuple(arrays), self.device)
            except ValueError as error:
                raise ValueError(f"images, kernel or targets: {error}") from None
        return images, kernel, targets

    def run(self, images, kernel, targets, lr: float = LR):
        lr = validation.non_negative("lr", lr)
        return self.step(*self.inputs(images, kernel, targets), lr)


def rungs(accelerator: torch.device | None) -> list[Rung]:
    """Python loops, NumPy, PyTorch and F.conv2d + backward() on the CPU, and both PyTorch
    rungs again on `accelerator` if there is one."""
    if accelerator is not None:
        accelerator = validation.device("accelerator", accelerator, here=False)
    cpu = torch.device("cpu")
    ladder = [Rung("Python loops", batched_step.step_loops, cpu, False),
              Rung("NumPy", batched_step.step_numpy, cpu, False),
              Rung("PyTorch cpu", batched_step.step_torch, cpu, True),
              Rung("F.conv2d cpu", batched_step.step_autograd, cpu, True)]
    if accelerator is not None:
        ladder.append(Rung(f"PyTorch {accelerator.type}", batched_step.step_torch, accelerator,
                           True))
        ladder.append(Rung(f"F.conv2d {accelerator.type}", batched_step.step_autograd,
                           accelerator, True))
    return ladder


def _check_rung(name: str, rung) -> None:
    if not isinstance(rung, Rung):
        raise TypeError(f"{name} must be one of ladder.rungs(...)'s Rungs, "
                        f"got {type(rung).__name__}")


def time_rung(rung: Rung, n: int, size: int, kernel_size: int = 3,
              min_run_time: float = 0.1, num_threads: int = 1) -> float:
    """Seconds per training step on a batch of n random size x size float32 images, the CPU
    using `num_threads` threads. The batch is copied to the device before the clock starts:
    only the step itself is timed."""
    _check_rung("rung", rung)
    min_run_time = validation.non_negative("min_run_time", min_run_time)
    num_threads = validation.count("num_threads", num_threads, minimum=1, maximum=1024)
    batch = batched_step.make_batch(n, size, kernel_size)
    args = rung.inputs(*(array.astype(np.float32) for array in batch))
    return timing.seconds_per_call(lambda: rung.step(*args, LR), rung.device,
                                   min_run_time=min_run_time, num_threads=num_threads)


def sweep(ladder, sizes, n: int, kernel_size: int = 3, loops_max_size: int = 32,
          min_run_time: float = 0.1, num_threads: int = 1) -> dict[str, tuple[list[int],
                                                                           list[float]]]:
    """Time every rung at every size, in float32 on `num_threads` CPU threads; Python loops
    only up to `loops_max_size` (they are slow)."""
    if not isinstance(ladder, (list, tuple)) or not ladder:
        raise TypeError("ladder must be a non-empty list of Rungs, from ladder.rungs(...)")
    for n_rung, rung in enumerate(ladder):
        _check_rung(f"ladder[{n_rung}]", rung)
    if not isinstance(sizes, (list, tuple, range)) or not sizes:
        raise TypeError("sizes must be a non-empty list of image sides, such as [16, 32, 64]")
    sizes = [validation.count("sizes", s, minimum=1, maximum=4096) for s in sizes]
    loops_max_size = validation.count("loops_max_size", loops_max_size)
    num_threads = validation.count("num_threads", num_threads, minimum=1, maximum=1024)
    results = {}
    for rung in ladder:
        limit = loops_max_size if rung.step is batched_step.step_loops else max(sizes)
        done = [s for s in sizes if s <= limit]
        results[rung.name] = (done, [time_rung(rung, n, s, kernel_size, min_run_time,
                                               num_threads) for s in done])
    return results


def _check_results(results) -> None:
    """results as sweep() returns them: {name: (sizes, seconds)}, sizes and seconds alike."""
    if not isinstance(results, dict) or not results:
        raise TypeError("results must be sweep()'s non-empty dict {rung name: (sizes, seconds)}")
    for name, pair in results.items():
        if not isinstance(name, str) or not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError("results must be sweep()'s dict {rung name: (sizes, seconds)}")
        sizes = validation.array(f"results[{name!r}] sizes", pair[0], ndim=1)
        seconds = validation.array(f"results[{name!r}] seconds", pair[1], ndim=1)
        if sizes.shape != seconds.shape or (sizes <= 0).any() or (seconds <= 0).any():
            raise ValueError(f"results[{name!r}] must pair each size with its seconds, all > 0")


def crossover(results, slower: str, faster: str) -> int | None:
    """The smallest size from which `faster` takes less time than `slower` at every larger
    size measured; None if it never does (or either rung is missing)."""
    _check_results(results)
    slower, faster = validation.text("slower", slower), validation.text("faster", faster)
    if slower not in results or faster not in results:
        return None
    slow = dict(zip(*results[slower], strict=True))
    fast = dict(zip(*results[faster], strict=True))
    shared = sorted(set(slow) & set(fast))
    winning = [size for size in shared if fast[size] < slow[size]]
    for size in shared:
        if all(s in winning for s in shared if s >= size):
            return size
    return None


def time_vs_size_figure(results, machine: str, n: int, kernel_size: int = 3,
                        num_threads: int = 1) -> Figure:
    """Seconds per training step against image side, both axes logarithmic, as sweep() timed
    them (float32, the CPU on `num_threads` threads). With a GPU line, a dashed line marks where
    it overtakes PyTorch on the CPU; without one, the plot says so."""
    _check_results(results)
    num_threads = validation.count("num_threads", num_threads, minimum=1, maximum=1024)
    machine = validation.text("machine", machine)
    n = validation.count("n", n, minimum=1)
    kernel_size = validation.count("kernel_size", kernel_size, minimum=1)
    fig, axes = plotting.figure(1, 1, alt=(
        f"Seconds per training step against image side, both on log scales, one line each for "
        f"{', '.join(results)}, measured on {machine}."))
    ax = axes[0, 0]
    fig.set_size_inches(plotting.PANEL_SIZE[0] * 2, plotting.PANEL_SIZE[1] * 1.5)
    for name, (sizes, seconds) in results.items():
        accelerator_colour = plotting.SKY if name.startswith("F.conv2d") else plotting.GREEN
        ax.loglog(sizes, seconds, "-o", markersize=4, label=name,
                  color=COLOURS.get(name, accelerator_colour))
    every_size = sorted({s for sizes, _ in results.values() for s in sizes})
    ax.set_xticks(every_size, labels=[str(s) for s in every_size])
    ax.minorticks_off()
    gpu = [name for name in results if name not in COLOURS and name.startswith("PyTorch")]
    if not gpu:
        note = "no GPU on this machine: only CPU rungs"
    elif (size := crossover(results, "PyTorch cpu", gpu[0])) is None:
        note = f"{gpu[0]} never overtook PyTorch cpu at these sizes"
    else:
        ax.axvline(size, color=plotting.GREY, linestyle="--", linewidth=1)
        note = f"{gpu[0]} faster than PyTorch cpu from {size} px"
    ax.text(0.98, 0.04, note, transform=ax.transAxes, ha="right", fontsize=9,
            color=plotting.GREY)
    ax.legend(frameon=False)
    threads = f"{num_threads} CPU thread{'s' if num_threads > 1 else ''}"
    plotting.style(ax, f"One training step, batch of {n}, {kernel_size}x{kernel_size} kernel, "
                   f"float32, {threads}\nmeasured on {machine}", "image side (pixels)",
                   "seconds per step")
    return fig
