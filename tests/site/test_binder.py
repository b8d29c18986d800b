"""binder/ (what mybinder.org and repo2docker build) agrees with pyproject.toml."""
import re

import yaml

from tests.test_project_files import CONDA_NAME, ROOT, runtime_dependencies

BINDER = ROOT / "binder"


def conda_specs() -> dict[str, str]:
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge" and "defaults" not in env["channels"]
    specs = {}
    for dep in env["dependencies"]:
        assert isinstance(dep, str), f"{dep}: install lessons_lib in binder/postBuild instead"
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", dep).groups()
        specs[name] = spec.strip()
    return specs


def lab_extra() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^lab = \[(.*?)^\]", text, re.S | re.M).group(1)
    return dict(re.findall(r'"([A-Za-z0-9_.-]+)([^"]*)"', block))


def test_binder_pins_python_within_requires_python():
    pinned = re.fullmatch(r"=(\d+)\.(\d+)", conda_specs()["python"])
    assert pinned, "binder/environment.yml must pin python (e.g. python=3.11)"
    least = re.search(r'^requires-python = ">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml")
                      .read_text(), re.M).groups()
    assert tuple(map(int, pinned.groups())) >= tuple(map(int, least))


def test_binder_has_the_runtime_and_lab_ranges_of_pyproject_and_cpu_torch():
    specs = conda_specs()
    for name, spec in runtime_dependencies().items():
        assert specs.get(CONDA_NAME[name]) == spec, f"{CONDA_NAME[name]}: {spec} in pyproject"
    for name, spec in lab_extra().items():
        assert specs.get(name) == spec, f"{name}: {spec} in pyproject's lab extra"
    assert "pytorch-cpu" in specs and not {"pytorch", "pytorch-gpu", "cpuonly"} & set(specs)


def test_binder_installs_lessons_lib_from_the_checkout_after_the_environment():
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -euo pipefail" in post_build
    assert re.search(r"^python -m pip install --no-deps .*\.$", post_build, re.M)
    assert (BINDER / "postBuild").stat().st_mode & 0o100, "postBuild must be executable"
