"""No exercise gives its answer away (issue 10): the right answer of every numeric exercise must
not appear as a number anywhere in its notebook above the checker's cell: markdown, code or
stored outputs, the question included. Whole numbers with |v| <= 10 (to 1e-6) are exempt (they
are everywhere).

A number in the notebook "is" the answer when it equals it, or when it has at least two
significant digits and the answer rounds to it (0.058 gives away 0.0576; 0.06 does not)."""
import importlib
import math
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted(Path(__file__).resolve().parent.parent.glob("notebooks/[0-9][0-9]-*.ipynb"))
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
CALL = re.compile(r"exercises_(\d\d)\.(\w+)\(")
DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")  # a figure's pixels, not its text


def _numbers(text: str):
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 27,840 -> 27840
    text = re.sub(r"(?<=\d)_(?=\d{3})", "", text)  # 27_840 -> 27840
    return NUMBER.findall(text)


def _digits(token: str) -> int:
    mantissa = re.split("[eE]", token)[0].replace(".", "").lstrip("0")
    return len(mantissa)


def gives_away(token: str, answer: float) -> bool:
    value, answer = float(token), abs(answer)
    if math.isclose(value, answer, rel_tol=1e-9, abs_tol=1e-12):
        return True
    digits = _digits(token)
    if digits < 2 or answer == 0:
        return False
    return float(f"{answer:.{digits}g}") == value


def _text(cell) -> str:
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        for kind, data in output.get("data", {}).items():
            if kind.startswith("text/") or kind == "application/json":
                parts.append(DATA_URI.sub("", str(data)))
    return "\n".join(parts)


def _checker_calls(path: Path):
    """(cells, index of the checker's cell, its module, exercise name) for each checker call."""
    cells = nbformat.read(path, as_version=4).cells
    for n, cell in enumerate(cells):
        if cell.cell_type == "code":
            for lesson, name in CALL.findall(cell.source):
                yield cells, n, importlib.import_module(f"lessons_lib.exercises_{lesson}"), name


def _exercises(path: Path):
    """(exercise name, its right answer, the text above its checker) for each numeric one."""
    for cells, n, module, name in _checker_calls(path):
        if name not in getattr(module, "ANSWERS", {}):
            continue
        answer = module.ANSWERS[name]()[0]
        if isinstance(answer, str):
            continue
        above = "\n".join(_text(c) for c in cells[:n]) + "\n" + cells[n].source
        yield name, float(answer), above


def test_the_rule_catches_what_it_should():
    assert gives_away("0.058", 0.0576) and gives_away("27840", 27840.0)
    assert gives_away("28.8", -28.8) and not gives_away("0.06", 0.0576)
    assert _numbers("w = 27,840 and 1e-5") == ["27840", "1e-5"]
    figure = '<img src="data:image/png;base64,iV+30/x=" alt="w = 30">'
    assert _numbers(DATA_URI.sub("", figure)) == ["30"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_no_exercise_gives_its_answer_away(path):
    found = list(_exercises(path))
    assert found, f"{path.name}: no numeric exercise found"
    leaks = []
    for name, answer, above in found:
        if abs(answer - round(answer)) < 1e-6 and abs(answer) <= 10:
            continue  # a small whole number (a ratio of 1.0000 too) is printed everywhere
        leaks += [(name, answer, token) for token in _numbers(above) if gives_away(token, answer)]
    assert leaks == [], f"{path.name}: answers printed above their exercise: {leaks[:10]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_exercise_of_the_lesson_is_in_its_notebook(path):
    module = importlib.import_module(f"lessons_lib.exercises_{path.name[:2]}")
    cells = nbformat.read(path, as_version=4).cells
    called = {name for cell in cells if cell.cell_type == "code"
              for _, name in CALL.findall(cell.source)}
    assert set(module.BOOK.names) <= called, set(module.BOOK.names) - called


def _function_exercises(path: Path):
    """(exercise name, the code above its checker's cell) for each "write the function" one."""
    for cells, n, module, name in _checker_calls(path):
        if name in module.BOOK.names and name not in getattr(module, "ANSWERS", {}):
            yield name, "\n".join(c.source for c in cells[:n] if c.cell_type == "code")


def test_no_function_exercise_is_written_above_it():
    """A "write the function" exercise is given away when the lesson already defines it
    (as lesson 06's edge_likeness_by_hand did for an earlier exercise 3)."""
    found = [(path.name, name, above) for path in NOTEBOOKS
             for name, above in _function_exercises(path)]
    assert len(found) >= 4, [f[:2] for f in found]
    written = [(book, name) for book, name, above in found
               if re.search(rf"def {name}(_by_hand)?\(", above)]
    assert written == []
    assert re.search(r"def edge_likeness(_by_hand)?\(", "def edge_likeness_by_hand(k):")
