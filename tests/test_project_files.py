"""Project files that nothing else exercises: environment.yml, pyproject's dependency policy,
the library's layout rule, and ruff over the code."""
import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names for the PyPI runtime dependencies.
CONDA_NAME = {"numpy": "numpy", "matplotlib": "matplotlib-base", "ipywidgets": "ipywidgets",
              "torch": "pytorch-cpu"}


def runtime_dependencies() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    specs = re.findall(r'"([A-Za-z0-9_.-]+)([^"]*)"', block)
    return {name.lower(): spec for name, spec in specs}


def test_runtime_dependencies_are_ranges_never_exact_pins():
    deps = runtime_dependencies()
    assert set(deps) == set(CONDA_NAME)
    for name, spec in deps.items():
        assert "==" not in spec and spec.startswith(">="), f"{name}{spec}: use a range"
    assert deps["ipywidgets"] == ">=7.7,<9"  # Colab ships 7.7.1


def test_environment_yml_uses_conda_forge_and_the_same_runtime_packages():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge" and "defaults" not in env["channels"]
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", dep).groups()
            conda[name] = spec.strip()
    for pypi_name, spec in runtime_dependencies().items():
        assert conda.get(CONDA_NAME[pypi_name]) == spec, f"{CONDA_NAME[pypi_name]} != {spec}"
    assert "pytorch" not in conda and "cpuonly" not in conda  # the retired pytorch channel
    pip_part = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_part


# pip's own requirements-file parser, run in a child process: importing pip's internals here
# would load the standard library's distutils, which breaks a later `import setuptools` (torch).
PIP_PARSE = """
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
try:
    parsed = parse_requirements(sys.argv[1], session=PipSession())
    print(json.dumps([[r.requirement, r.is_editable] for r in parsed]))
except Exception as error:
    print(json.dumps(str(error)))
"""


def pip_parse(lines: list[str], folder: Path):
    listed = folder / "requirements.txt"
    listed.write_text("\n".join(lines) + "\n")
    result = subprocess.run([sys.executable, "-c", PIP_PARSE, str(listed)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def test_environment_yml_pip_entries_are_requirements_lines(tmp_path):
    """conda writes the `pip:` list to a file and runs `pip install -r` on it: each entry must be
    a line pip's own requirements-file parser accepts (it rejects `--no-deps`)."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_part = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip_parse(pip_part, tmp_path) == [[".", True]]
    # The parser does catch the old, broken list.
    assert "no such option: --no-deps" in pip_parse(["--no-deps", "-e ."], tmp_path)


def test_licence_file_and_spdx_expression():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^license = "MIT"$', text, re.M), "use the SPDX string, not {text = ...}"
    assert re.search(r'^license-files = \["LICENSE"\]$', text, re.M)
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    # setuptools reads an SPDX `license` string from version 77 on.
    assert int(re.search(r'^requires = \["setuptools>=(\d+)"\]', text, re.M).group(1)) >= 77


def test_ruff_finds_nothing_in_the_library_and_tests():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "lessons_lib", "tests",
                             "tasks.py", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# The README's layout rule: maths modules import no sliders or widgets. Widgets and figures live
# in X_widgets.py, and slider_figure is the slider machinery.
PICTURE_MODULES = {"slider_figure"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "lessons_lib":
                names |= {f"lessons_lib.{alias.name}" for alias in node.names}
    return names


def widget_imports(path: Path) -> set[str]:
    return {name for name in imported_modules(path)
            if name.endswith("_widgets") or name in ("ipywidgets", "lessons_lib.slider_figure")}


def test_maths_modules_import_no_widgets():
    maths = [p for p in sorted((ROOT / "lessons_lib").glob("*.py"))
             if not p.stem.endswith("_widgets") and p.stem not in PICTURE_MODULES]
    offenders = {p.name: sorted(widget_imports(p)) for p in maths if widget_imports(p)}
    assert not offenders, f"maths modules importing widgets (move them to X_widgets): {offenders}"


def test_the_layout_check_sees_a_widget_import(tmp_path):
    module = tmp_path / "maths.py"
    module.write_text("from lessons_lib.conv2d_widgets import KERNEL\n"
                      "from lessons_lib import slider_figure\n")
    assert widget_imports(module) == {"lessons_lib.conv2d_widgets", "lessons_lib.slider_figure"}


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py")))
def test_every_benchmark_still_loads(script):
    """A benchmark is run by hand, not by the tests: loading it (its imports and the library names
    it uses, nothing timed) catches the renames that would break it unseen."""
    spec = importlib.util.spec_from_file_location(script[:-3], ROOT / "benchmarks" / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None)), f"{script} has no main()"
