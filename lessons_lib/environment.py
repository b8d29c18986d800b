"""Lesson 00's environment check: what is installed, and what to do about what is not.

`check()` returns rows of (item, found, advice); advice is "" when all is well. Nothing is
checked at import time.
"""
import importlib
import importlib.metadata
import platform
import sys

NEEDED = ("numpy", "matplotlib", "ipywidgets", "torch")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check() -> list[tuple[str, str, str]]:
    rows = []
    ok_python = sys.version_info >= (3, 10)
    rows.append(("python", platform.python_version(),
                 "" if ok_python else "The course needs Python 3.10 or newer."))
    for name in NEEDED:
        version = _version(name)
        advice = "" if version else f"Missing: run `python3 tasks.py lab`, or `pip install {name}`."
        rows.append((name, version or "not installed", advice))
    in_colab = "google.colab" in sys.modules
    # JupyterLab draws widgets with the jupyterlab_widgets extension; Colab has its own manager.
    frontend = _version("jupyterlab_widgets")
    if in_colab:
        rows.append(("widget front end", "Colab's own", ""))
    else:
        rows.append(("widget front end", f"jupyterlab_widgets {frontend}" if frontend
                     else "not installed",
                     "" if frontend else "Sliders will not render in JupyterLab: "
                     "`pip install jupyterlab_widgets`, then reload the browser tab."))
    rows.append(("accelerator", *_accelerator()))
    return rows


def _accelerator() -> tuple[str, str]:
    if _version("torch") is None:
        return "unknown (no torch)", "Install torch first."
    torch = importlib.import_module("torch")
    if torch.cuda.is_available():
        return f"cuda: {torch.cuda.get_device_name(0)}", ""
    if torch.backends.mps.is_available():
        return "mps (Apple GPU)", ""
    return "none, CPU only", ("Fine for lessons 00-07. Lesson 08 compares CPU and GPU; on Colab "
                              "pick Runtime > Change runtime type > GPU.")


def report() -> str:
    """The rows as an aligned text table."""
    rows = check()
    width = max(len(item) for item, _, _ in rows)
    lines = []
    for item, found, advice in rows:
        lines.append(f"{item:<{width}}  {found}" + (f"\n{'':<{width}}  -> {advice}" if advice
                                                    else ""))
    return "\n".join(lines)
