"""Lessons speak to learners: no markdown cell of a notebook may talk about the course's tests,
CI, maintainers, nbval, stored outputs or how outputs are regenerated (that is the README's job)."""
import json
import re

import pytest

from tests import stored_notebooks

MAINTAINER_TEXT = re.compile(
    r"\btests\b|\btest suite\b|\bpytest\b|\bnbval\b|\bCI\b|\bcontinuous integration\b"
    r"|\bmaintainers?\b|\bstored outputs?\b|\boutputs? (?:is|are) stored\b|\bstored one\b"
    r"|\bregenerat\w*|\bre-?execut\w*|\btasks\.py (?:test|execute|bench)\b"
    r"|\boutput comparison\b",
    re.IGNORECASE)


def maintainer_phrases(text: str) -> list[str]:
    """Each phrase of `text` that speaks to maintainers, with a little context."""
    return [text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
            for m in MAINTAINER_TEXT.finditer(text)]


@pytest.mark.parametrize("path", stored_notebooks.paths(), ids=lambda p: p.name)
def test_learner_facing_markdown_has_no_maintainer_text(path):
    nb = json.loads(path.read_text())
    found = [(n, phrase) for n, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
             for phrase in maintainer_phrases("".join(cell["source"]))]
    assert not found, f"markdown cells that speak to maintainers (cell, text): {found}"


@pytest.mark.parametrize("text", [
    "so the course's tests do not compare it with the stored one.",
    "(the output comparison leaves it unset; the browser and Colab-stack tests set a small one)",
    "Maintainers regenerate it with `python3 tasks.py bench training_step --figure`",
    "then re-execute this notebook",
    "Every output is stored, so each lesson reads fine.",
    "nbval ignores this cell.",
    "CI runs it on every push.",
])
def test_the_check_catches_maintainer_text(text):
    assert maintainer_phrases(text)


@pytest.mark.parametrize("text", [
    "Check your prediction in a scratch cell.",
    "A fresh set of 2,000 held-out images.",
    "Every result is saved in the notebook, so each lesson reads fine without running anything.",
    "Your versions will differ from the ones shown here.",
])
def test_the_check_lets_learner_text_through(text):
    assert not maintainer_phrases(text)
