"""The instructors' nbgitpuller link (README "For instructors"): it names a branch, and clicking
it twice works: the first click clones the course, the second merges what changed upstream and
keeps the student's own edits. nbgitpuller runs here against a local clone of this repository."""
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.execute_notebooks import read_pyproject_links
from tests.test_project_files import ROOT

README = (ROOT / "README.md").read_text()


def hub_link() -> dict:
    url = re.search(r"^https://HUB/hub/user-redirect/git-pull\?\S+$", README, re.M).group(0)
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def hub_install() -> str:
    section = README.split("**A class's JupyterHub.**", 1)[1].split("Known traps:", 1)[0]
    return "\n".join(re.findall(r"```bash\n(.*?)```", section, re.S))


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_link_names_the_repository_a_branch_and_a_lesson():
    repo, ref = read_pyproject_links()
    link = hub_link()
    assert link["repo"] == f"https://github.com/{repo}"
    assert link["branch"] != ref and not re.fullmatch(r"v\d[\w.]*", link["branch"]), \
        "a tag works once: nbgitpuller's later clicks merge origin/<branch>"
    name = repo.split("/")[1]
    lesson = link["urlpath"].removeprefix(f"lab/tree/{name}/")
    assert (ROOT / lesson).is_file(), link["urlpath"]


def test_hub_install_uses_cpu_torch_the_same_branch_and_tljh_sudo():
    install = hub_install()
    assert "--index-url https://download.pytorch.org/whl/cpu" in install
    assert f"@{hub_link()['branch']}" in install, "install lessons_lib from the link's branch"
    assert "sudo -E" in install and "nbgitpuller" in install


def course_clone_and_click(tmp_path: Path, ref: str):
    """(upstream clone of this repository whose `ref` is a branch, or a tag if it looks like
    one; the student's folder; a function that clicks the link once)."""
    pull = pytest.importorskip("nbgitpuller.pull",
                               reason="nbgitpuller is not installed (pip install nbgitpuller)")
    upstream = tmp_path / "upstream"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", str(upstream)],
                   check=True)
    if re.fullmatch(r"v\d[\w.]*", ref):
        git("tag", ref, cwd=upstream)
    else:
        git("switch", "-q", "-C", ref, cwd=upstream)
    home = tmp_path / "home" / "backprop-by-hand"

    def click():
        return list(pull.GitPuller(f"file://{upstream}", str(home), branch=ref).pull())

    return upstream, home, click


def commit_new_lesson(upstream: Path) -> None:
    (upstream / "notebooks" / "99-new-lesson.ipynb").write_text("{}\n")
    git("add", "-A", cwd=upstream)
    git("commit", "-q", "-m", "a new lesson", cwd=upstream)


def test_second_click_merges_updates_and_keeps_the_students_edits(tmp_path):
    lesson = "notebooks/00-start-here.ipynb"
    upstream, home, click = course_clone_and_click(tmp_path, hub_link()["branch"])
    click()  # first click: clone
    assert (home / lesson).read_bytes() == (upstream / lesson).read_bytes()
    student = home / lesson
    student.write_text(student.read_text().replace("Start", "Start (my notes)", 1))
    commit_new_lesson(upstream)
    click()  # second click: merge
    assert (home / "notebooks" / "99-new-lesson.ipynb").read_text() == "{}\n"
    assert "Start (my notes)" in student.read_text()
    shutil.rmtree(tmp_path / "home")


def test_a_tag_in_the_link_fails_on_the_second_click(tmp_path):
    """Why the link names a branch: the same two clicks with a tag."""
    upstream, home, click = course_clone_and_click(tmp_path, read_pyproject_links()[1])
    click()
    commit_new_lesson(upstream)
    with pytest.raises(subprocess.CalledProcessError):
        click()
    shutil.rmtree(tmp_path / "home")


def test_an_exercise_answer_survives_an_update_to_its_own_lesson(tmp_path):
    """README "Updates and learners' answers": a learner answers in the lesson notebook; an
    update that changes other cells of it merges in, one that changes the answer's own line
    leaves the learner's line, and the notebook stays valid and gradeable."""
    import json

    from lessons_lib import grading

    lesson = "notebooks/01-gradient-descent.ipynb"
    upstream, home, click = course_clone_and_click(tmp_path, hub_link()["branch"])
    click()
    mine = home / lesson
    mine.write_text(mine.read_text().replace("one_step_lr = None", "one_step_lr = 1 / 18"))
    theirs = upstream / lesson
    text = theirs.read_text().replace("# 01 · Gradient descent by hand",
                                      "# 01 · Gradient descent (updated)", 1)
    theirs.write_text(text.replace("one_step_lr = None", "one_step_lr = None  # a number"))
    git("commit", "-qam", "an update to lesson 01", cwd=upstream)
    click()
    merged = mine.read_text()
    assert "# 01 · Gradient descent (updated)" in merged  # the update's other cell came in
    assert "one_step_lr = 1 / 18" in merged and "# a number" not in merged  # the answer stayed
    _, _, cells = grading.exercise_cells(json.loads(merged))
    assert any("one_step_lr = 1 / 18" in cell for cell in cells)
    shutil.rmtree(tmp_path / "home")
