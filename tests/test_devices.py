"""lessons_lib.devices (the GPU lesson, 08): choosing a device, describing it, synchronising it.

The CPU tests run everywhere. The CUDA and MPS tests run only where PyTorch sees such a device
and are skipped, with the reason, everywhere else (on the CPU-only CI machine, both are).
"""
import importlib
import sys

import pytest
import torch

from lessons_lib import devices

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="no CUDA device visible to PyTorch on this machine")
needs_mps = pytest.mark.skipif(not torch.backends.mps.is_available(),
                               reason="no Apple MPS device on this machine")
cpu_only = pytest.mark.skipif(torch.cuda.is_available() or torch.backends.mps.is_available(),
                              reason="this machine has an accelerator")


def test_importing_the_module_touches_no_device(monkeypatch):
    def refuse():
        raise AssertionError("devices looked for a GPU at import time")
    monkeypatch.setattr(torch.cuda, "is_available", refuse)
    monkeypatch.setattr(torch.backends.mps, "is_available", refuse)
    monkeypatch.delitem(sys.modules, "lessons_lib.devices")
    importlib.import_module("lessons_lib.devices")


@pytest.mark.parametrize("cuda, mps, expected", [(True, True, "cuda"), (True, False, "cuda"),
                                                 (False, True, "mps"), (False, False, "cpu")])
def test_pick_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert devices.pick() == torch.device(expected)
    assert devices.accelerator() == (None if expected == "cpu" else torch.device(expected))
    assert (devices.skipped() == []) == (expected != "cpu")


@cpu_only
def test_on_a_cpu_only_machine_cpu_is_picked_and_both_gpus_are_reported_skipped():
    assert devices.pick() == torch.device("cpu")
    assert devices.accelerator() is None
    reasons = devices.skipped()
    assert [r.split(":")[0] for r in reasons] == ["cuda", "mps"]
    assert all(len(r) > len("cuda: ") for r in reasons)


def test_describe_cpu_is_one_line_naming_the_thread_count():
    line = devices.describe("cpu")
    assert line.startswith("cpu: ") and "\n" not in line
    assert f"{torch.get_num_threads()} threads" in line
    assert devices.describe_machine().startswith(line)


def test_synchronize_cpu_returns_and_unknown_devices_are_refused():
    assert devices.synchronize("cpu") is None
    assert devices.synchronize(torch.device("cpu")) is None
    with pytest.raises(ValueError, match="meta"):
        devices.synchronize("meta")


def test_synchronize_calls_the_backend_for_each_gpu_kind(monkeypatch):
    """A mock stands in for the CUDA and MPS back ends, which this machine may not have."""
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append(("cuda",
                                                                                     device)))
    monkeypatch.setattr(torch.mps, "synchronize", lambda: calls.append(("mps", None)))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # pass the argument check
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    devices.synchronize("cuda")
    devices.synchronize("mps")
    assert calls == [("cuda", torch.device("cuda")), ("mps", None)]


@needs_cuda
def test_cuda_is_picked_described_and_synchronised():
    assert devices.pick().type == "cuda"
    assert devices.describe("cuda").startswith("cuda: ") and "GiB" in devices.describe("cuda")
    x = torch.randn(1024, 1024, device="cuda")
    y = x @ x
    devices.synchronize("cuda")
    assert torch.cuda.current_stream().query()  # nothing left in the queue
    assert y.shape == (1024, 1024)


@needs_mps
def test_mps_is_picked_described_and_synchronised():
    if not torch.cuda.is_available():
        assert devices.pick().type == "mps"
    assert devices.describe("mps").startswith("mps: ")
    x = torch.randn(512, 512, device="mps")
    devices.synchronize("mps")
    assert (x @ x).shape == (512, 512)
