"""What every notebook must be, whoever wrote it: valid, freshly and fully executed, clean,
Colab-ready, and shaped like a lesson. Covers every notebook in notebooks/ by construction."""
import base64
import json
import re

import nbformat
import pytest

from tests import execute_notebooks, stored_notebooks

PATHS = stored_notebooks.paths()
IDS = [p.name for p in PATHS]
MACHINE_PATH = re.compile(r"/(?:root|home/\w|tmp|work|Users|private/var)/|site-packages|C:\\\\")
WIDGET_MIME = execute_notebooks.WIDGET_MIME


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def source(cell) -> str:
    return "".join(cell["source"])


def test_the_course_has_lessons_numbered_from_00_without_gaps():
    numbers = [int(p.name[:2]) for p in PATHS]
    assert numbers == list(range(len(numbers))) and len(numbers) >= 3


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_is_valid_nbformat_with_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_outputs_come_from_one_in_order_run_of_a_fresh_kernel(path):
    counts = [cell["execution_count"] for cell in stored_notebooks.code_cells(
        json.loads(path.read_text()))]
    assert counts == list(range(1, len(counts) + 1)), "re-run: python3 tasks.py execute " + str(
        path.relative_to(stored_notebooks.NOTEBOOKS.parent))


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_no_errors_stderr_machine_paths_or_widget_state(path):
    nb = json.loads(path.read_text())
    assert "widgets" not in nb["metadata"]
    for i, cell in enumerate(stored_notebooks.code_cells(nb)):
        for output in cell["outputs"]:
            assert output["output_type"] != "error", f"code cell {i} stored an error"
            assert output.get("name") != "stderr", f"code cell {i} wrote to stderr"
            assert WIDGET_MIME not in output.get("data", {}), f"code cell {i} stored widget state"
            text = json.dumps({k: v for k, v in output.get("data", {}).items()
                               if not k.startswith("image/")}) + "".join(output.get("text", ""))
            assert not MACHINE_PATH.search(text), f"code cell {i} shows a machine path"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_title_badge_and_colab_setup_cell_agree_with_pyproject(path):
    repo, ref = execute_notebooks.read_pyproject_links()
    nb = json.loads(path.read_text())
    title, setup = nb["cells"][0], nb["cells"][1]
    assert re.match(rf"# {path.name[:2]} · \S", source(title)), "title must be '# NN · Title'"
    assert execute_notebooks.colab_badge(repo, ref, path.name) in source(title)
    assert execute_notebooks.SETUP_TAG in tags(setup)
    assert source(setup) == execute_notebooks.colab_setup_source(repo, ref)
    assert setup["outputs"] == [], "outside Colab the setup cell must print nothing"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_has_the_parts_of_a_lesson(path):
    nb = json.loads(path.read_text())
    text = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    for part in ("What you will learn", "**Time:**", "## Exercises", "## Key takeaways",
                 "## What comes next"):
        assert part in text, f"missing {part!r}"
    checks = [c for c in stored_notebooks.code_cells(nb) if re.search(r"exercises_\d\d\.\w+\(",
                                                                       source(c))]
    assert len(checks) >= 2, "at least two exercises with checkers"
    for cell in checks:  # stored untouched, so a learner meets "not attempted yet"
        assert "Not attempted yet" in stored_notebooks.outputs_of({"cells": [cell]})[0]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_code_cell_is_introduced_by_text_and_every_slider_has_a_static_twin(path):
    cells = json.loads(path.read_text())["cells"]
    for i, cell in enumerate(cells[2:], start=2):
        if cell["cell_type"] == "code" and ".widget" in source(cell).splitlines()[-1]:
            following = "".join(source(c) for c in cells[i + 1:i + 3])
            assert "static_twin" in following, f"cell {i}: slider without a static twin after it"
            assert "nbval-ignore-output" in tags(cell)


def test_at_least_85_percent_of_output_producing_cells_are_compared_by_nbval():
    producing = [cell for p in PATHS for cell in stored_notebooks.code_cells(
        json.loads(p.read_text())) if cell["outputs"]]
    ignored = [c for c in producing if {"nbval-ignore-output", "nbval-skip"} & set(tags(c))
               or "NBVAL_IGNORE_OUTPUT" in source(c) or "NBVAL_SKIP" in source(c)]
    compared = 1 - len(ignored) / len(producing)
    assert compared >= 0.85, f"only {compared:.0%} of output-producing cells are compared"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_figure_a_cell_returns_is_stored_as_an_image(path):
    for i, cell in enumerate(stored_notebooks.code_cells(json.loads(path.read_text()))):
        for output in cell["outputs"]:
            text = "".join(output.get("data", {}).get("text/plain", ""))
            if re.match(r"<\w*Figure size", text):
                assert "image/png" in output["data"], (
                    f"code cell {i} returned a figure that readers cannot see: build it with "
                    "lessons_lib.plotting.figure() or LessonFigure")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_pictures_travel_inside_the_notebook(path):
    """A markdown picture must be a web address or an attachment: on Colab the notebook comes
    alone, so a relative path to a file in the repository would show a broken image. An
    attached picture is shown at the CSS width it was drawn for: half its pixel width."""
    for i, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        targets = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)
        targets += re.findall(r'<img [^>]*src="([^"]+)"', text)
        for target in targets:
            assert target.startswith(("https://", "attachment:")), (
                f"cell {i} shows {target}: write ../assets/images/... and re-execute, the "
                "execute command embeds it")
            if target.startswith("attachment:"):
                assert "image/png" in cell.get("attachments", {}).get(target[11:], {})
                png = base64.b64decode(cell["attachments"][target[11:]]["image/png"])
                tag = re.search(rf'<img src="{re.escape(target)}" alt="[^"]+" width="(\d+)">',
                                text)
                assert tag, f"cell {i}: {target} must be an <img> with alt text and a width"
                assert int(tag.group(1)) * 2 == int.from_bytes(png[16:20], "big"), (
                    f"cell {i}: {target} is not shown at the size it was drawn")


