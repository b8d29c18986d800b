"""lessons_lib.grading_report: gradebook, export and report from known Results, and the command."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessons_lib import grading_report
from lessons_lib.grading import CORRECT, ERROR, NOT_ATTEMPTED, WRONG, Result

SLIP = "Right size, wrong sign: did you add the step instead of subtracting it?"
RESULTS = [
    Result("ada", "01", "one_update", CORRECT, "", "Correct: 1.36."),
    Result("ada", "01", "regime", CORRECT, "", "Correct."),
    Result("ben", "01", "one_update", WRONG, SLIP, f"Not quite (0.64). {SLIP}"),
    Result("ben", "01", "regime", NOT_ATTEMPTED, "", "Not attempted yet."),
    Result("<script>", "01", "one_update", WRONG, "", "<b>Not quite</b>"),
    Result("<script>", "01", "regime", ERROR, "", "the cell raised ZeroDivisionError"),
]


def read(path: Path) -> list:
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_gradebook_scores_and_totals_with_default_points(tmp_path):
    grading_report.write(RESULTS, tmp_path, grading_report.load_points())
    assert read(tmp_path / "gradebook.csv") == [
        ["learner", "01.one_update", "01.regime"], ["ada", "correct", "correct"],
        ["ben", f"slip: {SLIP}", "not attempted"], ["<script>", "wrong", "error"]]
    scores = read(tmp_path / "scores.csv")
    assert scores[0] == ["learner", "lesson", "exercise", "status", "slip", "points",
                         "max_points", "feedback"]
    assert [row[5] for row in scores[1:]] == ["1", "1", "0.5", "0", "0", "0"]
    assert read(tmp_path / "totals.csv")[1:] == [["ada", "2", "2"], ["ben", "0.5", "2"],
                                                 ["<script>", "0", "2"]]


def test_points_file_sets_exercise_and_slip_points(tmp_path):
    points = tmp_path / "points.toml"
    points.write_text('[points]\nnamed_slip = 0.25\n[exercise."01.regime"]\ncorrect = 3\n'
                      '[slip."01.one_update"]\n"right size" = 0.75\n')
    table = grading_report.load_points(points)
    assert grading_report.points(RESULTS[1], table) == (3.0, 3.0)
    assert grading_report.points(RESULTS[2], table) == (0.75, 1.0)
    assert grading_report.points(RESULTS[3], table) == (0.0, 3.0)


@pytest.mark.parametrize("text, message", [
    ("[pointz]\n", "unknown table"), ("[points]\ncorrect = -1\n", ">= 0"),
    ("[points\n", "points file"), ('[points]\ncorrect = "a"\n', "numbers"),
])
def test_a_bad_points_file_is_named(tmp_path, text, message):
    (tmp_path / "p.toml").write_text(text)
    with pytest.raises(ValueError, match=message):
        grading_report.load_points(tmp_path / "p.toml")


def test_report_escapes_learner_text_and_shows_slips_with_their_hint(tmp_path):
    grading_report.write(RESULTS, tmp_path, grading_report.load_points())
    page = (tmp_path / "report.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>Not quite</b>" not in page
    assert f"{SLIP} (1)" in page.replace("&#x27;", "'")
    assert "Hint: Two steps" in page  # lesson 01's first hint for one_update
    assert "1 of 3 (33%)" in page  # one_update: ada right out of three learners


def test_the_command_grades_a_folder_and_writes_every_file(tmp_path):
    notebook = json.loads((Path(__file__).parents[1] / "notebooks" /
                           "01-gradient-descent.ipynb").read_text())
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        cell["source"] = source.replace("one_step_lr = None", "one_step_lr = 1 / 18")
    (tmp_path / "class" / "ada").mkdir(parents=True)
    (tmp_path / "class" / "ada" / "01.ipynb").write_text(json.dumps(notebook))
    done = subprocess.run([sys.executable, "-m", "lessons_lib.grading_report",
                           str(tmp_path / "class"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "gradebook.csv", "report.html", "scores.csv", "totals.csv"]
    assert read(tmp_path / "out" / "gradebook.csv")[1] == [
        "ada", "not attempted", "correct", "not attempted"]
    bad = subprocess.run([sys.executable, "-m", "lessons_lib.grading_report",
                          str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "class_dir must be a folder" in bad.stderr
