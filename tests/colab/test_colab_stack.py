"""Colab readiness: every notebook runs on Google Colab's own kernel-side package versions.

We can't reach Colab from here, so this runs the kernel side the way Colab would:
- a separate environment with exactly the versions in colab-versions.txt (ipywidgets 7.7.1,
  IPython 7.34, ipykernel 6.17, matplotlib 3.10, numpy 2.1, ...), built once and cached in
  .venv/colab-stack/ under the hash of that file (environment.py; delete the folder to rebuild);
- lessons_lib installed by the notebooks' own setup cell, run in that environment's kernel with
  `google.colab` faked into sys.modules and the GitHub URL swapped for a local clone's
  `git+file://` URL, with the version list as pip constraints so Colab's packages can't move;
- each notebook copied alone into an empty folder (Colab has only the notebook) and executed top
  to bottom by that environment's nbclient and kernel: no error, nothing on stderr.

The clone is the repository at HEAD; uncommitted changes to lessons_lib/, pyproject.toml and
README.md are committed on top of it in the clone (never here), so the test checks the code you
are looking at. In CI's fresh clone that commit is empty and skipped.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests import execute_notebooks
from tests.colab import environment

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RUNNER = HERE / "run_notebook.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
# What the setup cell's pip install needs from the repository (the package and its metadata).
PACKAGE_PATHS = ("lessons_lib", "pyproject.toml", "README.md")
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython 7 colours its tracebacks


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def run(*cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


def check(*cmd, **kwargs) -> str:
    result = run(*cmd, **kwargs)
    assert result.returncode == 0, (f"{' '.join(map(str, cmd))} failed:\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


# ---------------------------------------------------------------- the Colab-stack environment

@pytest.fixture(scope="session")
def colab_python() -> Path:
    """The Python of an environment holding colab-versions.txt; built on first use only."""
    return environment.colab_python()


def kernel_env(scratch: Path, **extra: str) -> dict[str, str]:
    """A clean environment for the runner and its kernel: nothing of this machine's Jupyter,
    IPython or matplotlib configuration, and matplotlib's default (inline) backend, as on Colab."""
    env = {k: v for k, v in os.environ.items()  # and compiled modules are cached, as on Colab
           if k not in ("MPLBACKEND", "PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH",
                        "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")}
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(scratch / name.lower())
    # debugpy's note about Python 3.11's frozen modules, on the kernel process's own stderr.
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.update(extra)
    return env


def execute(python: Path, notebook: Path, scratch: Path, **env: str) -> nbformat.NotebookNode:
    """Run `notebook` in place with `python`'s nbclient and kernel; return the executed copy."""
    result = run(python, RUNNER, notebook, env=kernel_env(scratch, **env), cwd=notebook.parent)
    if result.returncode:
        error = ANSI.sub("", result.stderr)[-6000:]
        pytest.fail(f"{notebook.name} failed on the Colab stack:\n{error}", pytrace=False)
    return nbformat.read(notebook, as_version=4)


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


# ---------------------------------------------------------------- lessons_lib, as Colab gets it

def local_clone(dest: Path) -> str:
    """Clone the repository at HEAD into dest, commit uncommitted package changes on top there;
    return the commit the setup cell should install."""
    check("git", "clone", "-q", ROOT, dest)
    for name in PACKAGE_PATHS:
        source, target = ROOT / name, dest / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, target)
    check("git", "add", "-A", "--", *PACKAGE_PATHS, cwd=dest)
    if run("git", "diff", "--cached", "--quiet", cwd=dest).returncode:
        check("git", "-c", "user.name=colab-test", "-c", "user.email=colab-test@localhost",
              "commit", "-q", "-m", "uncommitted working-tree changes", cwd=dest)
    return check("git", "rev-parse", "HEAD", cwd=dest).strip()


def setup_cell_source(url: str) -> str:
    """The notebooks' setup cell, with the pyproject URL and ref replaced by `url`."""
    repo, ref = execute_notebooks.read_pyproject_links()
    source = execute_notebooks.colab_setup_source(repo, ref)
    published = f"git+https://github.com/{repo}@{ref}"
    assert published in source
    return source.replace(published, url)


def freeze(python: Path) -> list[str]:
    return check(python, "-m", "pip", "freeze", "--all", "--exclude", "lessons_lib").splitlines()


@pytest.fixture(scope="session")
def lessons_lib_from_git(colab_python, tmp_path_factory) -> str:
    """Install lessons_lib by running the setup cell in the Colab-stack kernel, as if on Colab."""
    clone = tmp_path_factory.mktemp("repository") / "backprop-by-hand"
    commit = local_clone(clone)
    url = f"git+{clone.as_uri()}@{commit}"
    run(colab_python, "-m", "pip", "uninstall", "-y", "-q", "lessons_lib")  # a fresh runtime
    before = freeze(colab_python)
    work = tmp_path_factory.mktemp("install")
    notebook = work / "install.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell('import sys\nimport types\n\nsys.modules["google.colab"] = '
                      'types.ModuleType("google.colab")  # pretend to be Colab'),
        new_code_cell(setup_cell_source(url)),
        new_code_cell("import importlib.metadata\n\n"
                      'print(importlib.metadata.distribution("lessons_lib")'
                      '.read_text("direct_url.json"))'),
    ]), notebook)
    # The constraints make pip fail, not upgrade, if lessons_lib ever asks for more than Colab has.
    nb = execute(colab_python, notebook, work, PIP_CONSTRAINT=str(environment.VERSIONS))
    direct_url = json.loads(nb.cells[2].outputs[0].text)
    assert direct_url["url"] == clone.as_uri()
    assert direct_url["vcs_info"]["commit_id"] == commit
    assert freeze(colab_python) == before, "installing lessons_lib changed Colab's packages"
    return commit


# ---------------------------------------------------------------- the tests

def test_the_kernel_has_exactly_colab_versions(colab_python, tmp_path):
    notebook = tmp_path / "versions.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import importlib.metadata\nimport json\nimport sys\n\n"
        f"names = {sorted(environment.pins())!r}\n"
        "print(json.dumps({'python': sys.executable,\n"
        "                  **{n: importlib.metadata.version(n) for n in names}}))")]), notebook)
    found = json.loads(execute(colab_python, notebook, tmp_path).cells[0].outputs[0].text)
    assert Path(found.pop("python")) == colab_python
    # A local version label (torch's "+cpu") is the build, not the release.
    assert {name: version.split("+")[0] for name, version in found.items()} == environment.pins()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_setup_cell_installs_from_the_pyproject_url_and_ref(path):
    repo, ref = execute_notebooks.read_pyproject_links()
    nb = nbformat.read(path, as_version=4)
    setup = [cell for cell in nb.cells if execute_notebooks.SETUP_TAG in tags(cell)]
    assert len(setup) == 1, "one setup cell, tagged colab-setup"
    installs = re.findall(r'^\s+%pip install -q "lessons_lib @ (\S+)"$', setup[0].source, re.M)
    assert installs == [f"git+https://github.com/{repo}@{ref}"]
    # ...and it is the very cell lessons_lib_from_git runs, with only that URL swapped.
    assert setup[0].source == setup_cell_source(f"git+https://github.com/{repo}@{ref}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_alone_on_the_colab_stack(path, colab_python, lessons_lib_from_git,
                                                tmp_path):
    content = tmp_path / "content"  # Colab's working folder; only the notebook is there
    content.mkdir()
    copy = content / path.name
    shutil.copyfile(path, copy)
    # A short timing sweep in the GPU lesson: this test checks that it runs, not how fast.
    nb = execute(colab_python, copy, tmp_path, LESSONS_GPU_MAX_SIZE="64")
    for i, cell in enumerate(code_cells(nb)):
        for output in cell.outputs:
            assert output.output_type != "error" or "raises-exception" in tags(cell), (
                f"code cell {i}: {output.get('ename')}: {output.get('evalue')}")
            assert output.get("name") != "stderr", f"code cell {i} wrote to stderr:\n{output.text}"
        if execute_notebooks.SETUP_TAG in tags(cell):
            assert cell.outputs == [], "outside Colab the setup cell must print nothing"


def test_the_gpu_lesson_asks_colab_for_a_gpu_runtime():
    gpu_lesson = sorted((ROOT / "notebooks").glob("*-backprop-faster.ipynb"))
    if not gpu_lesson:
        pytest.skip("the GPU lesson is not written yet")
    metadata = nbformat.read(gpu_lesson[0], as_version=4).metadata
    assert metadata.get("accelerator") == "GPU"
    assert metadata.get("colab", {}).get("gpuType"), "e.g. \"colab\": {\"gpuType\": \"T4\"}"
