"""tasks.py's logic with pip, JupyterLab and Sphinx mocked out (issue 22): what `lab` installs,
what it does as root, `execute`'s paths, and two website builds at once."""
import subprocess
import threading
import time
from pathlib import Path

import pytest

import tasks
from website import build as site_build


@pytest.fixture
def fake_venv(tmp_path, monkeypatch):
    """A .venv under tmp_path whose python 'exists'; every command is recorded, none run."""
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "STAMP", venv / "lessons-setup.sha256")
    monkeypatch.setattr(tasks, "venv_python", lambda: venv / "bin" / "python")
    commands = []
    monkeypatch.setattr(tasks, "run", lambda *cmd, **kw: commands.append([str(c) for c in cmd]))
    monkeypatch.setattr(tasks, "compile_what_the_lessons_import", lambda py: None)
    monkeypatch.setattr(tasks.subprocess, "run",
                        lambda cmd, **kw: subprocess.CompletedProcess(cmd, 0))  # torch is there
    return commands


def installs(commands) -> list[str]:
    return [c[-1] for c in commands if "install" in c and "-e" in c]


def test_lab_installs_the_lab_extra_not_the_test_tools(fake_venv):
    tasks.setup("lab")
    assert installs(fake_venv) == [f"{tasks.ROOT}[lab]"]
    tasks.setup("lab")  # up to date: nothing more
    assert len(installs(fake_venv)) == 1
    tasks.setup("dev")  # the test command needs more than lab has
    assert installs(fake_venv)[-1] == f"{tasks.ROOT}[dev]"
    tasks.setup("lab")  # dev includes lab
    assert len(installs(fake_venv)) == 2


def test_a_stamp_from_before_extras_were_recorded_counts_as_dev(fake_venv):
    tasks.STAMP.write_text(tasks.setup_fingerprint())
    tasks.setup("lab")
    tasks.setup("dev")
    assert installs(fake_venv) == []


@pytest.mark.parametrize("args, terminals_off", [([], True),
                                                 (["--ServerApp.terminals_enabled=True"], False)])
def test_as_root_lab_says_so_and_keeps_terminals_off_unless_asked(monkeypatch, capsys, args,
                                                                  terminals_off):
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 0, raising=False)
    command = [str(c) for c in tasks.lab_command(Path("py"), args)]
    assert "--allow-root" in command
    assert ("--ServerApp.terminals_enabled=False" in command) == terminals_off
    assert "Running as root" in capsys.readouterr().out


def test_not_root_lab_adds_nothing(monkeypatch, capsys):
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 1000, raising=False)
    command = [str(c) for c in tasks.lab_command(Path("py"), ["--no-browser"])]
    assert command[-1] == "--no-browser" and "--allow-root" not in command
    assert not any("terminals" in c for c in command) and capsys.readouterr().out == ""


def test_execute_takes_paths_relative_to_where_it_is_run(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setattr(tasks, "setup", lambda extra="dev": Path("py"))
    ran = []
    monkeypatch.setattr(tasks.subprocess, "run", lambda cmd, **kw: ran.append((cmd, kw)) or
                        subprocess.CompletedProcess(cmd, 0))
    with pytest.raises(SystemExit):
        tasks.execute(["01-x.ipynb"])
    (cmd, kw), = ran
    assert cmd[-1] == str(tmp_path / "notebooks" / "01-x.ipynb") and kw["cwd"] == tasks.ROOT


@pytest.mark.parametrize("task", ["test", "execute", "grade"])
def test_the_course_python_may_cache_compiled_modules(task, monkeypatch):
    """Where PYTHONDONTWRITEBYTECODE is set, .venv's Python runs without it, and the rest of the
    environment is passed on as it is."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("LESSONS_SOMETHING", "kept")
    monkeypatch.setattr(tasks, "setup", lambda extra="dev": Path("py"))
    monkeypatch.setattr(tasks, "ensure_chromium", lambda: None)
    monkeypatch.setattr(tasks, "start_colab_stack", lambda args: None)
    ran = []
    monkeypatch.setattr(tasks.subprocess, "run", lambda cmd, **kw: ran.append(kw) or
                        subprocess.CompletedProcess(cmd, 0))
    with pytest.raises(SystemExit):
        getattr(tasks, task)([])
    assert "PYTHONDONTWRITEBYTECODE" not in ran[0]["env"]
    assert ran[0]["env"]["LESSONS_SOMETHING"] == "kept"


@pytest.mark.parametrize("args, starts", [([], True), (["-x", "--durations=5"], True),
                                           (["tests/colab"], True), (["-k", "slider"], False),
                                           (["tests/test_layers.py", "-x"], False)])
def test_the_colab_stack_is_built_beside_setup_when_the_run_needs_it(monkeypatch, args, starts):
    from tests.colab import environment

    started = []
    monkeypatch.setattr(tasks.subprocess, "Popen", lambda cmd, **kw: started.append(cmd))
    monkeypatch.setattr(environment, "is_built", lambda: False)
    tasks.start_colab_stack(args)
    assert started == ([[tasks.sys.executable, "-m", "tests.colab.environment"]] if starts
                       else [])
    monkeypatch.setattr(environment, "is_built", lambda: True)
    assert tasks.start_colab_stack(args) is None and len(started) == int(starts)


def test_two_site_builds_at_once_do_not_write_into_each_other(tmp_path, monkeypatch):
    """Two builds (made-up: Sphinx replaced by a slow writer of 20 files) into one build/site:
    each works in its own folder, and the site left is one build's, whole."""
    monkeypatch.setattr(site_build, "npm_install", lambda: None)

    def prepare(notebooks, src):
        src.mkdir(parents=True, exist_ok=True)
        (src / "name").write_text(notebooks.name)
        time.sleep(0.02)
        return []

    def sphinx(cmd, **kwargs):
        src, html = Path(cmd[-2]), Path(cmd[-1])
        html.mkdir(parents=True)
        for n in range(20):
            (html / f"page{n}.html").write_text((src / "name").read_text())
            time.sleep(0.005)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(site_build, "prepare", prepare)
    monkeypatch.setattr(site_build.subprocess, "run", sphinx)
    out, failures = tmp_path / "build" / "site", []

    def build(name):
        try:
            site_build.build(Path(name), out)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    builds = [threading.Thread(target=build, args=(name,)) for name in ("first", "second", "third")]
    for thread in builds:
        thread.start()
    for thread in builds:
        thread.join()
    assert failures == []
    written = {path.read_text() for path in out.iterdir()}
    assert len(list(out.iterdir())) == 20 and len(written) == 1  # one build's pages, all of them
    assert sorted(p.name for p in out.parent.iterdir()) == ["site", "site-report.json"]
