"""Every number a lesson's prose states must be computed in that lesson: it has to appear in a
code cell's source or stored output (a prose value may be a rounding of a computed one, like
"130" for 129.68). Small counting numbers (0-10) and lesson numbers are not checked."""
import json
import re

import pytest

from tests import stored_notebooks

NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])")
NOT_FACTS = [
    re.compile(r"\blessons? \d\d(?:\s*(?:to|-|–|and)\s*\d\d)?"),  # "lesson 06", "lessons 00-05"
    re.compile(r"\*\*\d\d · [^*]+\*\*"),  # "**02 · Autograd**"
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<img [^>]*>"),  # a picture's tag: its width is layout, not a fact
    re.compile(r"\bpost \d+(?:\.\d+)?"),
]


def numbers_in(text: str) -> list[str]:
    for pattern in NOT_FACTS:
        text = pattern.sub(" ", text)
    return NUMBER.findall(text)


def as_float(token: str) -> float:
    return float(token.replace(",", ""))


def decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def is_computed(token: str, computed: list[str]) -> bool:
    value, places = as_float(token), decimals(token)
    for other in computed:
        c = as_float(other)
        if c == value or round(c, places) == value:
            return True
    return False


@pytest.mark.parametrize("path", stored_notebooks.paths(), ids=lambda p: p.name)
def test_numbers_in_the_prose_are_computed_in_the_notebook(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    computed_text = "\n".join("".join(c["source"]) for c in code)
    computed_text += "\n".join(stored_notebooks.outputs_of(nb))
    computed = numbers_in(computed_text.replace("_", ""))
    missing = []
    for cell in nb["cells"][1:]:  # the title cell's reading time is an estimate, not a fact
        if cell["cell_type"] != "markdown":
            continue
        for token in numbers_in("".join(cell["source"])):
            if abs(as_float(token)) <= 10 and decimals(token) == 0:
                continue
            if not is_computed(token, computed):
                missing.append(token)
    assert not missing, f"numbers in the prose that no cell computes: {missing}"


def test_the_checker_catches_a_drifted_number():
    computed = numbers_in("print(129.6766)  # 13341")
    assert is_computed("130", computed) and is_computed("13,341", computed)
    assert not is_computed("131", computed) and not is_computed("13,314", computed)
