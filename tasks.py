#!/usr/bin/env python3
"""The course's task runner. Needs only Python >= 3.10.

    python3 tasks.py lab        open JupyterLab on the course (sets up .venv first if needed,
                                with what a learner needs: the course and JupyterLab)
    python3 tasks.py test       run the whole test suite (sets up .venv first if needed)
    python3 tasks.py execute    re-run every notebook from a fresh kernel and store its outputs
    python3 tasks.py execute notebooks/01-gradient-descent.ipynb    ...or just the ones named
                                (paths relative to where you run it)
    python3 tasks.py bench      run the benchmarks (they print ratios, not pass/fail)
    python3 tasks.py bench training_step --figure    ...or one of them, with its own options
    python3 tasks.py site       build the course website into build/site/ from the stored notebooks
    python3 tasks.py site --serve    ...and serve it on 127.0.0.1
    python3 tasks.py grade CLASS_DIR     grade a class's exercise answers (see README, instructors)

Setup makes a project-local virtual environment in .venv. On Linux without an NVIDIA GPU it
installs PyTorch's CPU build (never the multi-GB CUDA one). `lab` installs the course with its
[lab] extra only; the other tasks install [dev] (the tests' and the website's tools too). Setup
is skipped when .venv already matches pyproject.toml and has what the task needs, so
re-running a task is quick.
"""
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

if sys.version_info < (3, 10):  # noqa: UP036 - this file runs on whatever python3 is
    sys.exit(f"The course needs Python >= 3.10; this is {platform.python_version()}.")

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "lessons-setup.sha256"
# The PyTorch release setup installs when torch is missing. `==` keeps pip from picking a newer
# CUDA build; the +cpu build from the index below satisfies it too and sorts first.
TORCH = os.environ.get("LESSONS_TORCH", "torch==2.13.0")
TORCH_CPU_INDEX = os.environ.get("LESSONS_TORCH_CPU_INDEX", "https://download.pytorch.org/whl/cpu")


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def run(*cmd, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def setup_fingerprint() -> str:
    text = (ROOT / "pyproject.toml").read_bytes() + TORCH.encode()
    return hashlib.sha256(text).hexdigest()


def wants_cpu_torch() -> bool:
    """Linux with no NVIDIA driver: take the CPU wheel. macOS wheels are CPU/MPS already."""
    return platform.system() == "Linux" and shutil.which("nvidia-smi") is None


def installed_extra() -> str | None:
    """The extra (lab or dev) .venv was set up with, if it still matches pyproject.toml."""
    if not STAMP.exists() or not venv_python().exists():
        return None
    fingerprint, _, extra = STAMP.read_text().partition("\n")
    if fingerprint != setup_fingerprint():
        return None
    return extra or "dev"  # a stamp written before the extra was recorded: setup installed dev


def setup(extra: str = "dev") -> Path:
    """Create .venv and install the course into it with `extra` ("lab": the course and
    JupyterLab; "dev": that plus the tests' and the website's tools), unless it already has it."""
    py = venv_python()
    if installed_extra() in (extra, "dev"):  # dev includes lab
        return py
    if not py.exists():
        print(f"Creating a virtual environment in {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    has_torch = subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0
    # --no-compile: pip would byte-compile every file it installs, on one core; Python compiles
    # each module the first time something imports it instead (see course_env).
    if not has_torch:
        if wants_cpu_torch():  # the wheel alone from the CPU index; its dependencies from PyPI
            run(py, "-m", "pip", "install", "--no-compile", "--no-deps", "--retries", "2", TORCH,
                "--extra-index-url", TORCH_CPU_INDEX)
        run(py, "-m", "pip", "install", "--no-compile", TORCH)
    run(py, "-m", "pip", "install", "-q", "--no-compile", "-e", f"{ROOT}[{extra}]")
    compile_what_the_lessons_import(py)
    STAMP.write_text(f"{setup_fingerprint()}\n{extra}")
    return py


def course_env() -> dict[str, str]:
    """This environment, less PYTHONDONTWRITEBYTECODE, for everything run with .venv's Python.
    Where it is set (as on some CI machines), Python never caches a compiled module, so every
    process would compile each module it imports, every time; .venv is the course's own."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_what_the_lessons_import(py: Path) -> None:
    """Import every lessons_lib module once, so that it and what it imports (NumPy, PyTorch,
    matplotlib, ipywidgets) are compiled and cached now. The grader's worker processes never
    write a cache (lessons_lib/grading.py) and would otherwise compile PyTorch every time. Far
    fewer files than compiling all of .venv, most of which nothing imports. A module that fails
    to import here is left to fail where it is used, with its own message."""
    print("+ compiling what lessons_lib imports", flush=True)
    subprocess.run([py, "-c", "import importlib, pkgutil, lessons_lib\n"
                    "for m in pkgutil.iter_modules(lessons_lib.__path__, 'lessons_lib.'):\n"
                    "    try:\n        importlib.import_module(m.name)\n"
                    "    except Exception:\n        pass"],
                   env=course_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(py: Path, args: list[str]) -> list:
    """JupyterLab on the notebooks folder. As root (a container, say) it says so, and leaves
    JupyterLab's terminals off (a root shell in the browser) unless the arguments turn them on."""
    extra = []
    if is_root():
        extra.append("--allow-root")
        if not any("terminals_enabled" in a for a in args):
            extra.append("--ServerApp.terminals_enabled=False")
            print("Running as root: JupyterLab's terminals are off (pass "
                  "--ServerApp.terminals_enabled=True to turn them on).", flush=True)
        else:
            print("Running as root.", flush=True)
    return [py, "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT / 'notebooks'}", *extra,
            *args]


def lab(args: list[str]) -> None:
    py = setup("lab")
    command = lab_command(py, args)
    os.execve(py, command, course_env())


def ensure_chromium() -> None:
    """The browser tests drive a system Chrome/Chromium (never Playwright's own download). As
    root on Debian/Ubuntu, install Debian's chromium when none is found; otherwise the browser
    tests fail and say what to install."""
    names = ("chromium", "chromium-browser", "google-chrome")
    if os.environ.get("LESSONS_CHROMIUM") or any(shutil.which(n) for n in names):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        run("apt-get", "update", "-qq")
        run("apt-get", "install", "-y", "-qq", "chromium",
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def start_colab_stack(args: list[str]) -> subprocess.Popen | None:
    """Build the Colab-stack environment (tests/colab/environment.py) in the background while
    .venv is set up, if it is not built yet and the run is the whole suite or names the Colab
    tests (a path or -k expression with "colab" in it): pip uses one core, so the build costs
    no time then. The tests wait for it; a failed build is retried by the tests, which say
    what went wrong."""
    from tests.colab import environment

    named = [a for a in args if not a.startswith("-")]  # paths, and -k or -m expressions
    if environment.is_built() or (named and not any("colab" in a for a in named)):
        return None
    return subprocess.Popen([sys.executable, "-m", "tests.colab.environment"], cwd=ROOT,
                            env=course_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test(args: list[str]) -> None:
    colab = start_colab_stack(args)
    try:
        py = setup()
        ensure_chromium()
        # One pytest worker per core (at most 4), each taking whole test files, so a notebook's
        # cells and a file's shared browser session stay together; `-n 0`: one process.
        workers = [] if any(a == "-n" or a.startswith(("-n=", "--numprocesses"))
                            for a in args) else ["-n", str(min(4, os.cpu_count() or 1)),
                                                 "--dist", "loadfile"]
        code = subprocess.run([py, "-m", "pytest", *workers, *args], cwd=ROOT,
                              env=course_env()).returncode
    finally:
        if colab is not None and colab.poll() is None:  # the tests stopped before needing it
            colab.terminate()
            colab.wait()
    sys.exit(code)


def execute(args: list[str]) -> None:
    py = setup()
    # The notebooks named, as paths from where this is run (the command runs in the repository)
    paths = [a if a.startswith("-") else str(Path(a).resolve()) for a in args]
    sys.exit(subprocess.run([py, "-m", "tests.execute_notebooks", *paths], cwd=ROOT,
                            env=course_env()).returncode)


def bench(args: list[str]) -> None:
    """All benchmarks, or one by name with its own arguments: `bench training_step --figure`."""
    py = setup()
    ensure_chromium()  # the slider-latency benchmark drives a real browser
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if args and (ROOT / "benchmarks" / f"bench_{args[0]}.py").exists():
        scripts, args = [ROOT / "benchmarks" / f"bench_{args[0]}.py"], args[1:]
    for script in scripts:
        run(py, script, *args, cwd=ROOT, env=course_env())


def site(args: list[str]) -> None:
    """The website (website/build.py): Sphinx + MyST-NB from the stored outputs, no re-execution.
    It installs MathJax and axe-core from website/package-lock.json with npm the first time."""
    py = setup()
    sys.exit(subprocess.run([py, "-m", "website.build", *args], cwd=ROOT,
                            env={**course_env(), "PYTHONPATH": str(ROOT)}).returncode)


def grade(args: list[str]) -> None:
    """A class's exercise answers through the lessons' checkers (lessons_lib/grading_report.py)."""
    py = setup()
    sys.exit(subprocess.run([py, "-m", "lessons_lib.grading_report", *args],
                            env=course_env()).returncode)


TASKS = {"setup": lambda args: setup(), "lab": lab, "test": test, "execute": execute,
         "bench": bench, "site": site,
         "grade": grade}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(__doc__)
    TASKS[sys.argv[1]](sys.argv[2:])
