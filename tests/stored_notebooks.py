"""Read the notebooks' stored outputs, for tests that assert facts against what learners see."""
import json
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def load(prefix: str) -> dict:
    """The notebook whose file name starts with `prefix` (e.g. "01"), as parsed JSON."""
    (path,) = NOTEBOOKS.glob(f"{prefix}-*.ipynb")
    return json.loads(path.read_text())


def load_named(name: str) -> dict:
    """The notebook whose file name, after its number, is `name` (e.g. "inside-autograd"):
    the number can change when lessons are inserted, the name does not."""
    (path,) = NOTEBOOKS.glob(f"[0-9][0-9]-{name}.ipynb")
    return json.loads(path.read_text())


def output_text(output: dict) -> str:
    """The text a reader sees for one output: a stream's text or a result's text/plain."""
    if output["output_type"] == "stream":
        return "".join(output["text"])
    return "".join(output.get("data", {}).get("text/plain", ""))


def code_cells(nb: dict) -> list[dict]:
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def outputs_of(nb: dict) -> list[str]:
    """Every code cell's output text, one string per cell, in order."""
    return ["".join(output_text(o) for o in cell["outputs"]) for cell in code_cells(nb)]


def output_after(nb: dict, source_snippet: str) -> str:
    """The output of the one code cell whose source contains `source_snippet`."""
    matches = [cell for cell in code_cells(nb) if source_snippet in "".join(cell["source"])]
    assert len(matches) == 1, f"{len(matches)} code cells contain {source_snippet!r}"
    return "".join(output_text(o) for o in matches[0]["outputs"])
