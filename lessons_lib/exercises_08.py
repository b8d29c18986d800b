"""Checkers for lesson 08's exercises. Right answers come from batched_step and timing."""
from lessons_lib import batched_step, timing, validation
from lessons_lib.exercises import Mistake, check_choice, check_number

TIMING_OPTIONS = ("warm-up", "synchronize", "threads", "nothing")


def forgotten_rule(answer):
    """The lesson's `time_it` warms up and runs with every thread; what does it forget?"""
    return check_choice(answer, "synchronize", TIMING_OPTIONS, [
        Mistake("warm-up", "It does warm up: the first fn() call sits before the clock starts. "
                "Think about what a GPU is still doing when the loop ends."),
        Mistake("threads", "A plain clock around plain calls runs with the threads PyTorch "
                "already uses. The 1-thread default belongs to torch.utils.benchmark.Timer, "
                "which time_it does not use."),
        Mistake("nothing", "On a CPU it would be right. On a GPU each call only queues work, so "
                "the loop can end long before the work does: what must happen before the "
                "clock is read the second time?"),
    ])


def forward_multiply_adds(answer, n=8, size=256, kernel_size=3):
    """Multiply-adds in one forward pass over n size x size images with a k x k kernel."""
    n, size = (validation.count(name, v, minimum=1, maximum=100_000) for name, v in
               (("n", n), ("size", size)))
    kernel_size = validation.count("kernel_size", kernel_size, minimum=1, maximum=size)
    out_side = size - kernel_size + 1
    return check_number(answer, batched_step.multiply_adds(n, size, kernel_size), [
        Mistake(n * size * size * kernel_size**2, "With no padding the output is smaller than "
                "the image: the kernel fits size - kernel_size + 1 times along each side."),
        Mistake(out_side**2 * kernel_size**2, "That is one image; the batch holds "
                f"{n} of them."),
        Mistake(n * out_side**2, "That counts output pixels; each one needs a multiply-add "
                "per kernel weight."),
        Mistake(n * out_side**2 * kernel_size, f"A {kernel_size}x{kernel_size} kernel has "
                f"{kernel_size**2} weights, not {kernel_size}."),
    ], rel_tol=0, whole=True)


def benchmark_threads(answer, machine_threads=8):
    """Threads torch.utils.benchmark.Timer uses, unless told otherwise, on an 8-thread machine."""
    machine_threads = validation.count("machine_threads", machine_threads, minimum=1,
                                       maximum=4096)
    default = timing.benchmark_default_threads()
    return check_number(answer, default, [
        Mistake(machine_threads, f"That is what it should use for a fair CPU timing, so pass "
                f"num_threads=torch.get_num_threads(); its default is {default}."),
    ], rel_tol=0, whole=True)
