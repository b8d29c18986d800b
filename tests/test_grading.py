"""lessons_lib.grading: a synthetic class, with known answers and hostile notebooks, graded."""
import json
import os
import sys
from pathlib import Path

import pytest

from lessons_lib import grading

ROOT = Path(__file__).resolve().parents[1]
LESSON_01 = ROOT / "notebooks" / "01-gradient-descent.ipynb"
# Lesson 01's exercises, worked independently of the checkers: w = 1, x = 3, y_true = 6, lr = 0.02
# for one update; the one-step rate for x = 3; the regime of lr = 0.1 at x = 3 (factor -0.8).
GRAD = 2 * (1 * 3 - 6) * 3
RIGHT = {"w_after_one_update": repr(1 - 0.02 * GRAD), "one_step_lr": repr(1 / (2 * 3**2)),
         "prediction": repr("overshoots, but converges")}
SIGN_SLIP = repr(1 + 0.02 * GRAD)  # the step added instead of subtracted


def answered(answers: dict, extra: str = "") -> dict:
    """Lesson 01 with its exercise cells' `NAME = None` answered (and `extra` run first)."""
    notebook = json.loads(LESSON_01.read_text())
    first = True
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        for name, value in answers.items():
            source = source.replace(f"{name} = None", f"{name} = {value}")
        if first and cell["cell_type"] == "code" and "exercises_01." in source and extra:
            source = source.replace("from lessons_lib import exercises_01",
                                    f"from lessons_lib import exercises_01\n{extra}")
            first = False
        cell["source"] = source
    return notebook


def write(folder: Path, notebook: dict, name: str = "01-gradient-descent.ipynb") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(notebook))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of eight, graded once; the grader runs as it would for an instructor."""
    class_dir = tmp_path_factory.mktemp("class")
    outside = ROOT / "build" / f"grading-escape-{os.getpid()}.txt"  # not under a hidden folder
    outside.parent.mkdir(exist_ok=True)
    write(class_dir / "ada", answered(RIGHT))
    write(class_dir / "ben" / "backprop-by-hand" / "notebooks",  # nbgitpuller's layout
          answered({**RIGHT, "w_after_one_update": SIGN_SLIP}))
    write(class_dir / "cy", answered({}))  # nothing answered
    secret = class_dir / "ada" / "01-gradient-descent.ipynb"
    write(class_dir / "dee", answered({**RIGHT, "w_after_one_update":
                                       f"len(open({str(secret)!r}).read())"}))
    write(class_dir / "eve", answered(RIGHT, extra=f"open({str(outside)!r}, 'w').write('x')"))
    write(class_dir / "fay", answered(RIGHT, extra=f"import os\nos.kill({os.getpid()}, 9)"))
    write(class_dir / "gus", answered(RIGHT, extra="while True:\n    pass"))
    write(class_dir / "hal", answered({**RIGHT, "prediction": "print('x' * 10**8)"}))
    (class_dir / "ivy.ipynb").write_text(json.dumps(answered({**RIGHT, "one_step_lr": "1/9"})))
    (class_dir / "notes.txt").write_text("not a notebook")
    results = grading.grade_class(class_dir, seconds=12, jobs=2)
    table = {(r.learner, r.exercise): r for r in results}
    return table, outside


def test_every_learner_and_exercise_is_in_the_gradebook(graded):
    table, _ = graded
    learners = {learner for learner, _ in table}
    assert learners == {"ada", "ben", "cy", "dee", "eve", "fay", "gus", "hal", "ivy"}
    for learner in learners:
        assert {e for who, e in table if who == learner} == {"one_update", "one_step_lr", "regime"}


def test_known_answers_grade_as_known(graded):
    table, _ = graded
    for exercise in ("one_update", "one_step_lr", "regime"):
        assert table["ada", exercise].status == grading.CORRECT
        assert table["cy", exercise].status == grading.NOT_ATTEMPTED
    assert table["ben", "one_update"].status == grading.WRONG
    assert "wrong sign" in table["ben", "one_update"].message
    assert table["ben", "one_update"].slip.startswith("Right size, wrong sign")
    assert table["ivy", "one_step_lr"].slip.startswith("That rate makes the factor -1")
    assert table["ben", "one_step_lr"].status == grading.CORRECT
    assert table["ivy", "one_step_lr"].status == grading.WRONG  # 1/9 oscillates
    assert table["ivy", "one_update"].status == grading.CORRECT


def test_a_learner_cannot_read_another_learners_notebook(graded):
    table, _ = graded
    result = table["dee", "one_update"]
    assert result.status == grading.ERROR and "FileNotFoundError" in result.message
    assert table["dee", "regime"].status == grading.CORRECT  # the rest is still graded


@pytest.mark.skipif(not grading._isolation_available(), reason="isolation needs root on Linux")
def test_a_learner_cannot_write_outside_their_folder(graded):
    table, outside = graded
    assert not outside.exists()
    assert table["eve", "one_update"].status == grading.ERROR
    assert "Read-only file system" in table["eve", "one_update"].message


def test_killing_the_grader_or_looping_forever_harms_only_that_learner(graded):
    table, _ = graded  # the grader (this process) is still alive: fay's kill did not reach it
    assert table["fay", "one_update"].status == grading.ERROR
    for exercise in ("one_update", "one_step_lr", "regime"):
        assert table["gus", exercise].status == grading.ERROR
        assert "more than 12 s" in table["gus", exercise].message


def test_huge_output_is_dropped_and_the_answer_still_graded(graded):
    table, _ = graded
    assert table["hal", "regime"].status == grading.NOT_ATTEMPTED  # print() gives None
    assert table["hal", "one_update"].status == grading.CORRECT


def test_without_isolation_a_class_is_still_graded(tmp_path):
    write(tmp_path / "ada", answered(RIGHT))
    results = grading.grade_class(tmp_path, seconds=30, jobs=1, isolate=False)
    assert [r.status for r in results] == [grading.CORRECT] * 3


def test_exercise_cells_are_found_by_their_checker_calls():
    lesson, imports, cells = grading.exercise_cells(json.loads(LESSON_01.read_text()))
    assert lesson == "01"
    assert "from lessons_lib import exercises_01" in imports
    assert len(cells) == 3 and all("exercises_01." in cell for cell in cells)


def test_forged_or_malformed_reports_are_ignored():
    lines = [b"not json\n", b'{"lesson": "01", "exercise": "one_update", "status": "perfect",'
             b' "slip": "", "message": ""}\n', b"[1, 2]\n", b'{"done": true}\n']
    results = grading._results("x", [b'{"notebook": "a", "lesson": "01"}\n', *lines], False, 9)
    assert {r.status for r in results} == {grading.NOT_ATTEMPTED}


@pytest.mark.parametrize("bad, message", [
    ({"class_dir": "/no/such/folder"}, "class_dir must be a folder"),
    ({"seconds": 0}, "seconds"), ({"seconds": 10**6}, "seconds"), ({"jobs": 0}, "jobs"),
])
def test_bad_arguments_are_named(tmp_path, bad, message):
    arguments = {"class_dir": tmp_path, **bad}
    with pytest.raises((ValueError, TypeError), match=message):
        grading.grade_class(**arguments)


def test_a_temporary_folder_that_holds_the_grader_is_not_hidden_from_it():
    """A repository cloned under /tmp: hiding /tmp would hide the Python and lessons_lib that
    each learner's process runs, and every learner would be graded as an error."""
    assert grading._holds_the_grader(sys.prefix)
    assert grading._holds_the_grader(str(Path(grading.__file__).resolve().parents[1]))
    assert grading._holds_the_grader(os.path.dirname(os.path.realpath(sys.executable)))
    assert not grading._holds_the_grader(str(Path(grading.__file__).resolve().parent / "data"))
