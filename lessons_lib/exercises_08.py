"""Checkers, hints and worked solutions for lesson 08's exercises. Right answers come from
lessons_lib.batched_step; each Mistake's value is the slip it describes, computed."""
from lessons_lib import batched_step
from lessons_lib.exercises import Hints, Mistake, Solution, check_choice, check_number

BOOK = Hints("exercises_08")
hint, solution = BOOK.hint, BOOK.solution

TIMING_OPTIONS = ("warm-up", "synchronize", "threads", "nothing")
SPELLINGS = {"synchronise": "synchronize"}  # the lesson writes British English; both count
FORWARD = (8, 256, 3)  # exercise 2: n images, size, kernel_size
STEP = (16, 64, 5)  # exercise 3: a whole training step


def _forgotten_rule():
    return "synchronize", [
        Mistake("warm-up", "It does warm up: one untimed fn() call runs before the clock "
                "starts. Think about what a GPU is still doing when the loop ends."),
        Mistake("threads", "A plain clock around plain calls runs with the threads PyTorch "
                "already uses. The 1-thread default belongs to torch.utils.benchmark.Timer, "
                "which time_it does not use."),
        Mistake("nothing", "On a CPU it would be right. On a GPU each call only queues work, so "
                "the loop can end long before the work does."),
    ]


def forgotten_rule(answer):
    """Which timing rule does the exercise's `time_it` break?"""
    right, mistakes = _forgotten_rule()
    if type(answer) is str:  # an exact str only: a subclass could pretend to equal anything
        answer = SPELLINGS.get(answer, answer)
    return BOOK.with_help("forgotten_rule", check_choice(answer, right, TIMING_OPTIONS,
                                                         mistakes))


BOOK.add("forgotten_rule", [
    "Go through the three rules one at a time, and find the line of time_it that keeps each.",
    "Warm-up: the untimed first call. Threads: a plain clock uses what PyTorch uses. What "
    "makes sure the GPU has FINISHED before the clock is read?",
], lambda: Solution((
    "warm-up: kept (fn() before start)",
    "threads: kept (plain calls, PyTorch's own thread count)",
    "synchronize: missing: no devices.synchronize(device) before the second clock reading",
), _forgotten_rule()[0]))


def _forward_multiply_adds():
    n, size, k = FORWARD
    out_side = size - k + 1
    return batched_step.multiply_adds(n, size, k), [
        Mistake(n * size * size * k**2, "With no padding the output is smaller than the image: "
                "the kernel fits size - kernel_size + 1 times along each side."),
        Mistake(out_side**2 * k**2, f"That is one image; the batch holds {n} of them."),
        Mistake(n * out_side**2, "That counts output pixels; each one needs a multiply-add "
                "per kernel weight."),
        Mistake(n * out_side**2 * k, f"A {k}x{k} kernel has {k**2} weights, not {k}."),
    ]


def forward_multiply_adds(answer):
    """Multiply-adds in one forward pass over 8 images of 256x256 with a 3x3 kernel."""
    right, mistakes = _forward_multiply_adds()
    return BOOK.with_help("forward_multiply_adds", check_number(answer, right, mistakes,
                                                                  rel_tol=0, whole=True))


BOOK.add("forward_multiply_adds", [
    "Count the output pixels of one image first: how many places does a 3x3 kernel fit "
    "along a side of 256?",
    "Each output pixel needs one multiply-add per kernel weight; then multiply by the batch.",
], lambda: Solution((
    f"outputs per side: {FORWARD[1]} - {FORWARD[2]} + 1 = {FORWARD[1] - FORWARD[2] + 1}",
    f"per image: {FORWARD[1] - FORWARD[2] + 1}**2 * {FORWARD[2]}**2 weights "
    f"= {batched_step.multiply_adds(1, FORWARD[1], FORWARD[2])}",
    f"batch of {FORWARD[0]}: {_forward_multiply_adds()[0]}",
), _forward_multiply_adds()[0]))


def _step_multiply_adds():
    n, size, k = STEP
    forward = batched_step.multiply_adds(n, size, k)
    return 2 * forward, [
        Mistake(forward, "That is the forward pass alone; the kernel's gradient needs as many "
                "again (one pixel x blame per weight, per output)."),
        Mistake(2 * n * size * size * k**2, "With no padding the output is smaller than the "
                "image: size - kernel_size + 1 per side."),
        Mistake(forward + k**2, "The gradient is not one multiply-add per weight: each weight "
                "sums pixel x blame over every output of every image."),
        Mistake(2 * batched_step.multiply_adds(1, size, k), f"That is one image; the batch "
                f"holds {n}."),
        Mistake(3 * forward, "That adds a third pass, the gradient for the input pixels. The "
                "images are data, not weights: the step never updates them, so it does not "
                "need their gradient. Count the forward pass and the kernel's gradient only."),
    ]


def step_multiply_adds(answer):
    """Multiply-adds of a forward pass plus the kernel gradient, 16 images 64x64, 5x5 kernel."""
    right, mistakes = _step_multiply_adds()
    return BOOK.with_help("step_multiply_adds", check_number(answer, right, mistakes,
                                                               rel_tol=0, whole=True))


BOOK.add("step_multiply_adds", [
    "Start with the forward pass, as in exercise 2, for these sizes.",
    "The kernel gradient adds pixel x blame for every weight at every output: exactly as many "
    "multiply-adds as the forward pass.",
], lambda: Solution((
    f"forward: {STEP[0]} * ({STEP[1]} - {STEP[2]} + 1)**2 * {STEP[2]}**2 "
    f"= {batched_step.multiply_adds(*STEP)}",
    f"kernel gradient: the same count, {batched_step.multiply_adds(*STEP)}",
    f"total: {_step_multiply_adds()[0]}",
), _step_multiply_adds()[0]))

ANSWERS = {"forgotten_rule": _forgotten_rule, "forward_multiply_adds": _forward_multiply_adds,
           "step_multiply_adds": _step_multiply_adds}
