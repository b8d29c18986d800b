"""The sandbox the checkers run a learner's code in: plain data back, a hard time limit for the
whole run, the child's own children killed with it, nothing inherited left open, and kept_state
putting back the RNG streams a checker's own work moves."""
import os
import random
import time

import numpy as np
import pytest
import torch

from lessons_lib import sandbox


def test_steps_send_back_plain_data_and_what_they_printed():
    outcome = sandbox.run([lambda: [1.5, "a"], lambda: print("hi") or {"b": None}])
    assert outcome == sandbox.Outcome(([1.5, "a"], {"b": None}), ("", "hi\n"), None)


@pytest.mark.parametrize("step, words", [
    (lambda: 1 / 0, "it raised ZeroDivisionError: division by zero"),
    (lambda: os._exit(4), "exit code 4"),
    (lambda: os.kill(os.getpid(), 11), "crashed its process (SIGSEGV)"),
    (lambda: time.sleep(100), "more than 0.3 s"),
    (lambda: object(), "could not be sent back"),
    (lambda: torch.cuda._lazy_init() if torch.cuda.is_initialized() else _cuda_in_a_fork(),
     "used the GPU"),
])
def test_a_step_that_fails_stops_the_run_with_a_reason(step, words):
    start = time.perf_counter()
    outcome = sandbox.run([lambda: 1, step, lambda: 3], seconds=0.3)
    assert outcome.values == (1,) and words in outcome.problem, outcome
    assert time.perf_counter() - start < 2


def _cuda_in_a_fork():
    """What torch raises when a forked child touches a GPU its parent has used."""
    raise RuntimeError("Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
                       "multiprocessing, you must use the 'spawn' start method")


def test_the_childs_own_children_die_with_it(tmp_path):
    marker = tmp_path / "pid"

    def spawns():
        pid = os.fork()
        if pid == 0:
            while True:
                pass
        marker.write_text(str(pid))
        return pid
    outcome = sandbox.run([spawns], seconds=1.0)
    grandchild = int(marker.read_text())
    assert outcome.values == (grandchild,)
    time.sleep(0.2)
    stat = f"/proc/{grandchild}/stat"
    assert not os.path.exists(stat) or open(stat).read().split(") ")[1][0] in "ZX"


def test_inherited_files_are_closed_in_the_child(tmp_path):
    with open(tmp_path / "notes.txt", "w") as handle:
        fd = handle.fileno()

        def writes():
            try:
                os.write(fd, b"overwritten")
            except OSError:
                return "closed"
            return "open"
        assert sandbox.run([writes]).values == ("closed",)


def test_kept_state_puts_back_the_rng_streams_and_modes():
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    want = torch.rand(1).item(), np.random.rand(), random.random()
    torch.manual_seed(0)
    np.random.seed(0)
    random.seed(0)
    with sandbox.kept_state():
        torch.nn.Linear(50, 50)
        np.random.rand(3)
        random.random()
        torch.set_grad_enabled(False)
        np.set_printoptions(precision=1)
    assert (torch.rand(1).item(), np.random.rand(), random.random()) == want
    assert torch.is_grad_enabled() and np.get_printoptions()["precision"] == 8


def test_bad_setups_are_named():
    with pytest.raises(TypeError, match="steps"):
        sandbox.run([1])
    with pytest.raises(ValueError, match="seconds"):
        sandbox.run([lambda: 1], seconds=100)
