"""Which device runs the tensors, in one line, and how to wait for it (the GPU lesson, 08).

A GPU runs work *asynchronously*: a call such as `a @ b` on a `cuda` tensor queues the work and
returns at once. `synchronize(device)` waits until everything queued on that device has finished,
which is what a clock must do before it is read. Nothing here runs at import time, so importing
this module never touches a GPU.

    pick()              cuda if present, else mps (Apple GPU), else cpu
    accelerator()       the GPU device, or None on a CPU-only machine
    describe(device)    one line: what the device is
    describe_machine()  one line: the CPU, and the GPU if there is one
    skipped()           the accelerators this machine lacks, each with the reason
    synchronize(device) wait for queued work on that device
"""
import platform
from pathlib import Path

import torch

from lessons_lib import validation


def accelerator() -> torch.device | None:
    """The GPU: `cuda` (NVIDIA, or AMD with ROCm) first, then `mps` (Apple silicon); else None."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return None


def pick() -> torch.device:
    """The fastest device this machine has: cuda, then mps, then cpu."""
    return accelerator() or torch.device("cpu")


def _cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")  # Linux; platform.processor() is often empty there
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def describe(device) -> str:
    """One line, e.g. 'cuda: Tesla T4, 15.6 GiB' or 'cpu: AMD EPYC 7B13, 2 threads'."""
    device = validation.device("device", device)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        return f"cuda: {props.name}, {props.total_memory / 2**30:.1f} GiB"
    if device.type == "mps":
        return f"mps: Apple GPU, macOS {platform.mac_ver()[0] or '?'}"
    if device.type == "cpu":
        return f"cpu: {_cpu_name()}, {torch.get_num_threads()} threads"
    return f"{device.type}: (no description for this device type)"


def describe_machine() -> str:
    """The CPU and, if present, the accelerator: the label a timing plot needs."""
    gpu = accelerator()
    return describe("cpu") + (f" + {describe(gpu)}" if gpu is not None else "")


def skipped() -> list[str]:
    """Why each kind of GPU is not used here; empty when an accelerator was found."""
    if accelerator() is not None:
        return []
    reasons = ["cuda: no NVIDIA GPU visible to PyTorch (torch.cuda.is_available() is False"
               + ("; this PyTorch build has no CUDA support)" if torch.version.cuda is None
                  else ")")]
    if platform.system() == "Darwin":
        reasons.append("mps: torch.backends.mps.is_available() is False on this Mac")
    else:
        reasons.append(f"mps: only Apple-silicon Macs have it; this is {platform.system()}")
    return reasons


def synchronize(device) -> None:
    """Block until all work queued on `device` has finished. A no-op on the CPU, whose
    operations have already finished when they return."""
    device = validation.device("device", device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
    elif device.type != "cpu":
        raise ValueError(f"don't know how to synchronize a {device.type!r} device")
