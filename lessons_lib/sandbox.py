"""A separate process for the code a checker must not trust: a learner's function, or an answer
that is not a plain number (lesson 00 onwards, every exercise checker).

    run(steps, seconds)  -> Outcome(values, printed, problem)
    kept_state()         a context that puts back the global state a checker's own work moves

run forks this process. The copy (the child) calls each step, a function of no arguments that
calls the learner's code and turns what it gives into plain data (numbers, text, lists, dicts);
it writes each step's data down a pipe as a line of JSON, then exits. This process (the parent)
reads the lines, and when they are all in, or the time is up, kills the child and whatever it
started. So the learner's code
- cannot read the checker's values: before the first step the child sets to None every local name
  of the lessons_lib functions on its call stack, where checkers hold the right answers;
- cannot change the checker or the notebook: what it patches, seeds, prints or changes
  (np.allclose, the Feedback class, RNG seeds, print options, rcParams, the working folder, a
  lessons_lib constant) changes in the child's copy of memory only, and its files are closed;
- cannot outlast the limit: SIGKILL cannot be caught, ignored or held off by a long C call, its
  own children share its process group and die with it, and its CPU time is capped too;
- cannot end the notebook: sys.exit() and os._exit() end the child, and the parent says so.
Where os.fork does not exist (Windows), the steps run here, with kept_state and no hard limit.
"""
import contextlib
import ctypes
import io
import json
import os
import random
import resource
import select
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from lessons_lib import validation

TIME_LIMIT_S = 2.0
MAX_REPLY_BYTES = 8_000_000  # what the child may send back; a right answer is a few kB
_PRINTED_CHARS = 2000  # what the learner printed, kept per step
_LIBRARY = str(Path(__file__).parent) + os.sep


@dataclass(frozen=True)
class Outcome:
    values: tuple  # the plain data of each step that finished, in order
    printed: tuple  # what the learner's code printed during each of those steps
    problem: str | None  # why the steps after those stopped, or None when all finished


@contextlib.contextmanager
def kept_state():
    """Put back the RNG streams (random, NumPy, torch), grad mode, the default dtype, NumPy's
    print options and error handling afterwards, so a checker's own work leaves them as found."""
    rng = random.getstate(), np.random.get_state(), torch.get_rng_state()
    grad, dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    options, errors = np.get_printoptions(), np.geterr()
    try:
        yield
    finally:
        random.setstate(rng[0])
        np.random.set_state(rng[1])
        torch.set_rng_state(rng[2])
        torch.set_grad_enabled(grad)
        torch.set_default_dtype(dtype)
        np.set_printoptions(**options)
        np.seterr(**errors)


def _seconds(seconds) -> float:
    """The time limit: `seconds`, or TIME_LIMIT_S (read now, so a test can shorten it) if None."""
    seconds = validation.positive("seconds", TIME_LIMIT_S if seconds is None else seconds)
    if not 1e-3 <= seconds <= 60:
        raise ValueError(f"seconds must be from 0.001 to 60, got {seconds!r}")
    return seconds


def run(steps, seconds: float | None = None) -> Outcome:
    """Run each step (a function of no arguments returning plain data) in a child process, within
    `seconds` (TIME_LIMIT_S if None) for all of them together."""
    if not isinstance(steps, (list, tuple)) or not all(callable(step) for step in steps):
        raise TypeError("steps must be a list of functions of no arguments")
    seconds = _seconds(seconds)
    if not hasattr(os, "fork"):
        return _run_here(steps)
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns on any fork of a threaded process
        warnings.filterwarnings("ignore", "This process .* is multi-threaded",
                                DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(steps, write_end, seconds)  # never returns
    os.close(write_end)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # the child does the same: whichever runs first
    try:
        return _collect(read_end, pid, len(steps), seconds)
    finally:
        os.close(read_end)
        for kill in (os.killpg, os.kill):  # its group first, while its pid cannot be reused
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _collect(read_end: int, pid: int, count: int, seconds: float) -> Outcome:
    deadline, data, lines = time.monotonic() + seconds, b"", []
    problem = f"it ran for more than {seconds:g} s (an endless loop?)"
    while len(lines) < count and time.monotonic() < deadline:
        if not select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))[0]:
            continue
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            problem = _ended(pid, deadline) or problem
            break
        data += chunk
        if len(data) > MAX_REPLY_BYTES:
            problem = "it sent back more than the checker reads (8 MB)"
            break
        *complete, data = data.split(b"\n")
        lines += complete
    values, printed = [], []
    for line in lines[:count]:
        try:
            reply = json.loads(line)
        except (ValueError, RecursionError):
            return Outcome(tuple(values), tuple(printed), "its reply could not be read")
        if not isinstance(reply, dict) or not isinstance(reply.get("printed"), str):
            return Outcome(tuple(values), tuple(printed), "its reply could not be read")
        if "raised" in reply:
            return Outcome(tuple(values), tuple(printed), str(reply["raised"]))
        values.append(reply.get("value"))
        printed.append(reply["printed"])
    return Outcome(tuple(values), tuple(printed), None if len(values) == count else problem)


def _ended(pid: int, deadline: float) -> str | None:
    """How the child ended, once it has (None if it is still running at the deadline)."""
    while time.monotonic() < deadline:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if info is not None:
            if info.si_code == os.CLD_EXITED:
                return (f"it ended its process (exit code {info.si_status}) instead of "
                        "returning: use return, not exit")
            return f"it crashed its process ({signal.Signals(info.si_status).name})"
        time.sleep(0.002)
    return None


def _child(steps, write_end: int, seconds: float):
    """In the forked copy: forget the checker, shut the doors, run the steps, exit."""
    code = 0
    try:
        os.setpgid(0, 0)
        _forget_checker(sys._getframe(1))
        printed = _isolate(write_end, seconds)
        for step in steps:
            try:
                reply = {"value": step()}
            except BaseException as error:  # the learner's code: say what it raised
                reply = {"raised": _what_went_wrong(error)}
            reply["printed"] = printed.take()
            try:
                line = json.dumps(reply).encode()
            except (TypeError, ValueError, RecursionError):
                line = json.dumps({"raised": "its result could not be sent back",
                                   "printed": ""}).encode()
            view = memoryview(line + b"\n")
            while view:
                view = view[os.write(write_end, view):]
            if "raised" in reply:
                break
    except BaseException:  # anything here is ours; the parent reports the early end
        code = 70
    finally:
        os._exit(code)


def _forget_checker(frame):
    """Set every local name of the lessons_lib functions on the stack to None."""
    write_back = getattr(ctypes.pythonapi, "PyFrame_LocalsToFast", None)  # CPython < 3.13
    while frame is not None:
        if frame.f_code.co_filename.startswith(_LIBRARY) and frame.f_code.co_flags & 1:
            names = frame.f_locals  # CO_OPTIMIZED (flag 1): a function's frame
            for name in list(names):
                names[name] = None
            if write_back is not None:
                write_back(ctypes.py_object(frame), ctypes.c_int(0))
        frame = frame.f_back
    sys.last_type = sys.last_value = sys.last_traceback = None


def _isolate(write_end: int, seconds: float):
    """Close every inherited file but the pipe, send output to a buffer, cap CPU time, and set
    the defaults a lesson's function is written for (grad on, float32)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu, hard = int(seconds) + 2, resource.getrlimit(resource.RLIMIT_CPU)[1]
    cpu = cpu if hard == resource.RLIM_INFINITY else min(cpu, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    for fd in _open_files():
        if fd > 2 and fd != write_end:
            with contextlib.suppress(OSError):
                os.close(fd)
    printed = _Printed()
    sys.stdout = sys.stderr = printed
    sys.stdin = io.StringIO()
    threading.Thread(target=_exit_later, args=(seconds + 5,), daemon=True).start()
    warnings.simplefilter("ignore")  # its warnings would only reach the buffer
    torch.set_num_threads(1)  # OpenMP's threads did not survive the fork
    torch.set_grad_enabled(True)
    torch.set_default_dtype(torch.float32)
    return printed


def _open_files() -> list:
    """This process's open file descriptors (Linux, macOS), else every possible one."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            return [int(name) for name in os.listdir(folder)]
    return list(range(min(os.sysconf("SC_OPEN_MAX"), 1 << 16)))


def _exit_later(seconds: float):
    """If the parent has gone (a kernel restart), end the child anyway."""
    time.sleep(seconds)
    os._exit(71)


class _Printed(io.TextIOBase):
    """Keeps the first characters the learner's code prints, per step."""

    def __init__(self):
        super().__init__()
        self.text = ""

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self.text += text[:max(0, _PRINTED_CHARS - len(self.text))]
        return len(text)

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def _what_went_wrong(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "it called itself without end (RecursionError)"
    if isinstance(error, SystemExit):
        return "it called sys.exit() or exit(): return the value instead"
    if isinstance(error, KeyboardInterrupt):
        return "it was interrupted (KeyboardInterrupt)"
    name = type.__dict__["__name__"].__get__(type(error))
    try:
        text = str(error)
    except Exception:  # an error whose text cannot be made
        return f"it raised {name}"
    if "CUDA in forked subprocess" in text:  # torch's words; a fork cannot use the parent's GPU
        return ("it used the GPU, which the separate process the checker runs it in cannot "
                "once this notebook has: keep the function on the CPU")
    return f"it raised {name}: {text[:120]}"


def _run_here(steps) -> Outcome:
    """No fork (Windows): the steps in this process, state put back, no hard time limit."""
    values, printed = [], []
    for step in steps:
        buffer = _Printed()
        try:
            with kept_state(), warnings.catch_warnings(), contextlib.redirect_stdout(buffer):
                warnings.simplefilter("ignore")
                values.append(step())
        except BaseException as error:  # the learner's code: say what it raised
            return Outcome(tuple(values), tuple(printed), _what_went_wrong(error))
        printed.append(buffer.take())
    return Outcome(tuple(values), tuple(printed), None)
