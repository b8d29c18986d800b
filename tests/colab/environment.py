"""The Colab-stack environment: exactly the versions in colab-versions.txt, built once and cached
in .venv/colab-stack/ under the hash of that file and this Python's version (delete the folder to
rebuild). Standard library only, so that `tasks.py test` can build it while it sets up .venv
(`python3 -m tests.colab.environment`), when pip leaves a core idle; the tests' fixture builds it
if it is not there, and waits for a build under way (a lock) instead of starting a second one.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no lock; don't run two test sessions at once there
    fcntl = None

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = Path(__file__).resolve().parent / "colab-versions.txt"
# Where the cached environments live; override to share one between clones.
VENV_HOME = Path(os.environ.get("LESSONS_COLAB_VENV_HOME", ROOT / ".venv" / "colab-stack"))
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")


def pins() -> dict[str, str]:
    """{distribution name: version} from colab-versions.txt."""
    found = {}
    for line in VERSIONS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            match = PIN.match(line)
            if not match:
                raise ValueError(f"colab-versions.txt: only `name==version` lines, got {line!r}")
            found[match.group(1)] = match.group(2)
    return found


def environment_key() -> str:
    text = VERSIONS.read_bytes() + sys.version.encode()
    return hashlib.sha256(text).hexdigest()[:16]


def python_in(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def check(*cmd) -> None:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-3000:]}\n"
                           f"{result.stderr[-3000:]}")


def _done() -> Path:
    """The file a finished build leaves in its environment's folder."""
    return VENV_HOME / environment_key() / "colab-versions.done"


def colab_python() -> Path:
    """The Python of the environment, built first if it is not there yet."""
    done = _done()
    env_dir = done.parent
    VENV_HOME.mkdir(parents=True, exist_ok=True)
    with open(VENV_HOME / ".lock", "w") as lock:  # two builds at once build it once
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build(env_dir)
            done.write_text(VERSIONS.read_text())
    return python_in(env_dir)


def is_built() -> bool:
    return _done().exists()


def build(env_dir: Path) -> None:
    for old in VENV_HOME.iterdir():  # an earlier version list's environment, or a half-built one
        if old.is_dir():
            shutil.rmtree(old)
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = python_in(env_dir)
    check(python, "-m", "pip", "install", "-q", f"pip=={pins()['pip']}")  # Colab's pip first
    # torch==2.13.0 in the list takes this machine's CPU wheel; never an unpinned torch.
    # --no-compile: the kernels compile and cache what they import (see tasks.course_env).
    check(python, "-m", "pip", "install", "-q", "--no-compile", "-r", VERSIONS)


if __name__ == "__main__":
    print(colab_python())
