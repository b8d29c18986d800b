"""A class's graded exercises as a gradebook, an export and a report (for instructors).

    python -m lessons_lib.grading_report CLASS_DIR [--out DIR] [--points FILE.toml]
                                         [--seconds S] [--jobs N]

writes, into --out (default: grading-report/ beside CLASS_DIR):
    gradebook.csv   one row per learner, one column per exercise ("01.one_update"): correct,
                    "slip: <the named slip>", wrong, not attempted or error
    scores.csv      one row per learner and exercise, for an LMS or a spreadsheet: learner,
                    lesson, exercise, status, slip, points, max_points, feedback
    totals.csv      one row per learner: learner, points, max_points (nbgrader/otter style)
    report.html     per exercise the share correct and the commonest named slips with the
                    hint that addresses each; per learner every result with its feedback

Points (a TOML file; every key optional):
    [points]                      # the defaults for every exercise
    correct = 1.0
    named_slip = 0.5              # wrong, but a slip the checker names
    [exercise."01.one_update"]    # one exercise's own points
    correct = 2.0
    named_slip = 1.0
    [slip."01.one_update"]        # one named slip's points: its diagnosis starts with the key
    "Right size, wrong sign" = 1.5
"""
import argparse
import csv
import html
import sys
from collections import Counter
from pathlib import Path

from lessons_lib import grading

DEFAULT_POINTS = {"correct": 1.0, "named_slip": 0.5}


def load_points(path=None) -> dict:
    """The points table: DEFAULT_POINTS, overridden by the TOML file at path."""
    table = {"points": dict(DEFAULT_POINTS), "exercise": {}, "slip": {}}
    if path is None:
        return table
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be the path of a TOML file, got {type(path).__name__}")
    try:
        import tomllib
    except ImportError as error:  # Python 3.10
        raise ValueError("points files need Python 3.11 or newer (tomllib)") from error
    try:
        data = tomllib.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"points file {path}: {error}") from None
    unknown = set(data) - set(table)
    if unknown:
        raise ValueError(f"points file {path}: unknown table(s) {sorted(unknown)}; "
                         "expected [points], [exercise.\"NN.name\"] and [slip.\"NN.name\"]")
    for section, entries in data.items():
        rows = entries.values() if section != "points" else [entries]
        for row in rows:
            if not isinstance(row, dict) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
                    for v in row.values()):
                raise ValueError(f"points file {path}: [{section}] values must be numbers >= 0")
        if section == "points":
            table["points"].update(entries)
        else:
            table[section] = entries
    return table


def points(result: grading.Result, table: dict) -> tuple:
    """(points earned, points possible) for one Result."""
    if not isinstance(result, grading.Result):
        raise TypeError(f"result must be a grading.Result, got {type(result).__name__}")
    if not isinstance(table, dict) or set(table) != {"points", "exercise", "slip"}:
        raise TypeError("table must be what load_points returns")
    key = f"{result.lesson}.{result.exercise}"
    own = {**table["points"], **table["exercise"].get(key, {})}
    possible = float(own.get("correct", 1.0))
    if result.status == grading.CORRECT:
        return possible, possible
    if result.status == grading.WRONG and result.slip:
        for start, value in table["slip"].get(key, {}).items():
            if result.slip.lower().startswith(start.lower()):
                return float(value), possible
        return float(own.get("named_slip", 0.0)), possible
    return 0.0, possible


def _cell(result: grading.Result) -> str:
    if result.status == grading.WRONG and result.slip:
        return f"slip: {result.slip}"
    return result.status


def _hint(lesson: str, exercise: str) -> str:
    import importlib
    try:
        book = importlib.import_module(f"lessons_lib.exercises_{lesson}").BOOK
        return str(book._hints[exercise][0])  # the first hint: the nudge every learner sees
    except (ImportError, KeyError, AttributeError, IndexError):
        return ""


def write(results: list, out: Path, table: dict) -> None:
    """gradebook.csv, scores.csv, totals.csv and report.html into out."""
    out.mkdir(parents=True, exist_ok=True)
    learners = list(dict.fromkeys(r.learner for r in results))
    exercises = list(dict.fromkeys(f"{r.lesson}.{r.exercise}" for r in sorted(
        results, key=lambda r: r.lesson)))  # lesson order, then the lesson's own order
    grid = {(r.learner, f"{r.lesson}.{r.exercise}"): r for r in results}
    with open(out / "gradebook.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["learner", *exercises])
        for learner in learners:
            writer.writerow([learner, *(_cell(grid[learner, e]) if (learner, e) in grid
                                        else "not submitted" for e in exercises)])
    totals = {learner: [0.0, 0.0] for learner in learners}
    with open(out / "scores.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["learner", "lesson", "exercise", "status", "slip", "points",
                         "max_points", "feedback"])
        for r in results:
            got, possible = points(r, table)
            totals[r.learner][0] += got
            totals[r.learner][1] += possible
            writer.writerow([r.learner, r.lesson, r.exercise, r.status, r.slip, f"{got:g}",
                             f"{possible:g}", r.message])
    with open(out / "totals.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["learner", "points", "max_points"])
        for learner, (got, possible) in totals.items():
            writer.writerow([learner, f"{got:g}", f"{possible:g}"])
    (out / "report.html").write_text(_report(results, learners, exercises, totals))


def _report(results, learners, exercises, totals) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             "<title>Exercise report</title><style>body{font:16px/1.5 system-ui,sans-serif;"
             "max-width:60rem;margin:auto;padding:1rem;color:#111}table{border-collapse:"
             "collapse}td,th{border:1px solid #777;padding:.25rem .5rem;text-align:left;"
             "vertical-align:top}</style></head><body><h1>Exercise report</h1>",
             f"<p>{len(learners)} learners, {len(exercises)} exercises.</p>",
             "<h2>By exercise</h2><table><tr><th scope='col'>exercise</th><th scope='col'>"
             "correct</th><th scope='col'>commonest named slips (learners) and the hint "
             "that addresses them</th></tr>"]
    for exercise in exercises:
        lesson, name = exercise.split(".", 1)
        mine = [r for r in results if f"{r.lesson}.{r.exercise}" == exercise]
        right = sum(r.status == grading.CORRECT for r in mine)
        slips = Counter(r.slip for r in mine if r.status == grading.WRONG and r.slip)
        listed = "".join(f"<li>{e(slip)} ({n})</li>" for slip, n in slips.most_common(3))
        hint = _hint(lesson, name)
        parts.append(f"<tr><th scope='row'>{e(exercise)}</th><td>{right} of {len(mine)} "
                     f"({100 * right / max(len(mine), 1):.0f}%)</td><td>"
                     + (f"<ul>{listed}</ul><p>Hint: {e(hint)}</p>" if listed else "none")
                     + "</td></tr>")
    parts.append("</table><h2>By learner</h2>")
    for learner in learners:
        got, possible = totals[learner]
        parts.append(f"<h3>{e(learner)}: {got:g} of {possible:g} points</h3><table><tr>"
                     "<th scope='col'>exercise</th><th scope='col'>result</th>"
                     "<th scope='col'>feedback they would see</th></tr>")
        for r in results:
            if r.learner == learner:
                parts.append(f"<tr><td>{e(r.lesson)}.{e(r.exercise)}</td><td>{e(_cell(r))}"
                             f"</td><td>{e(r.message)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py grade",
                                     description="Grade a class's exercise answers.")
    parser.add_argument("class_dir", help="a folder with one folder or notebook per learner")
    parser.add_argument("--out", help="where to write the gradebook and report")
    parser.add_argument("--points", help="a TOML file of points (see lessons_lib.grading_report)")
    parser.add_argument("--seconds", type=float, default=120,
                        help="time limit for one learner's notebooks (default 120)")
    parser.add_argument("--jobs", type=int, default=None, help="learners graded at once")
    args = parser.parse_args(argv)
    class_dir = Path(args.class_dir).resolve()
    out = Path(args.out).resolve() if args.out else class_dir.parent / "grading-report"
    try:
        table = load_points(args.points)
        out.mkdir(parents=True, exist_ok=True)  # exists before grading, so it can be hidden
        results = grading.grade_class(class_dir, args.seconds, args.jobs, hide=[out])
    except (ValueError, TypeError) as error:
        print(f"grade: {error}", file=sys.stderr)
        return 2
    write(results, out, table)
    print(f"Graded {len({r.learner for r in results})} learners; wrote {out}/gradebook.csv, "
          "scores.csv, totals.csv and report.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
