"""How long grading a class takes: 30 learners x every lesson, isolated and not, in one run.

    python3 tasks.py bench grading [--learners N]

Each learner gets every lesson notebook with its number and choice exercises answered: right
(from the lesson's worked solution), the sign flipped, or left as None, in a pattern that varies
by learner. It prints the time for the class with and without isolation and their ratio.
"""
import argparse
import importlib
import json
import re
import tempfile
import time
from pathlib import Path

from lessons_lib import grading

ROOT = Path(__file__).resolve().parents[1]


def answered(notebook: dict, lesson: str, learner: int) -> dict:
    book = importlib.import_module(f"lessons_lib.exercises_{lesson}").BOOK
    for n, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"])
        call = re.search(rf"exercises_{lesson}\.(\w+)\((\w+)\)", source)
        if cell["cell_type"] != "code" or not call or call.group(1) not in book.names:
            continue
        answer = book.solution(call.group(1)).answer
        if not isinstance(answer, (int, float, str)) or isinstance(answer, bool):
            continue
        kind = (learner + n) % 3  # 0 right, 1 sign flipped (or the text reversed), 2 untouched
        if kind == 2:
            continue
        value = answer if kind == 0 else (-answer if not isinstance(answer, str) else answer[::-1])
        cell["source"] = source.replace(f"{call.group(2)} = None",
                                        f"{call.group(2)} = {value!r}")
    return notebook


def make_class(folder: Path, learners: int) -> int:
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for learner in range(learners):
        own = folder / f"learner{learner:02d}"
        own.mkdir()
        for path in lessons:
            notebook = answered(json.loads(path.read_text()), path.name[:2], learner)
            (own / path.name).write_text(json.dumps(notebook))
    return len(lessons)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lessons = make_class(Path(folder), args.learners)
        times = {}
        modes = [False, True] if grading._isolation_available() else [False]
        for isolate in modes:
            start = time.perf_counter()
            results = grading.grade_class(folder, seconds=300, isolate=isolate)
            times[isolate] = time.perf_counter() - start
        counts = {s: sum(r.status == s for r in results) for s in (
            grading.CORRECT, grading.WRONG, grading.NOT_ATTEMPTED, grading.ERROR)}
    print(f"{args.learners} learners x {lessons} lessons, {len(results)} exercise results: "
          f"{counts}")
    for isolate, seconds in times.items():
        print(f"  {'isolated' if isolate else 'not isolated':>12}: {seconds:6.1f} s "
              f"({seconds / args.learners:.2f} s a learner)")
    if len(times) == 2:
        print(f"  isolation costs x{times[True] / times[False]:.2f}")


if __name__ == "__main__":
    main()
