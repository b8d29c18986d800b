"""A cell that calls backward() records its own computation, so a learner can run it again on its
own: a second backward() through a record already walked fails ("Trying to backward through the
graph a second time"). Each lesson 02-04 is run in order up to its last such cell (lesson 01 has
none), and every such cell runs twice."""
import json

import matplotlib
import pytest

from tests import stored_notebooks

LESSONS = [p for p in stored_notebooks.paths() if p.name[:2] in ("02", "03", "04")]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_cells_that_call_backward_run_twice(path, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)  # figures a lesson saves land here, not in the repository
    namespace = {"__name__": "__lesson__"}
    cells = [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"
             and "colab-setup" not in cell["metadata"].get("tags", [])]
    last = max(n for n, cell in enumerate(cells) if "backward(" in "".join(cell["source"]))
    rerun = []
    for cell in cells[:last + 1]:
        source = "".join(cell["source"])
        exec(compile(source, path.name, "exec"), namespace)  # noqa: S102 - the lesson's own code
        if "backward(" in source:
            exec(compile(source, path.name, "exec"), namespace)  # noqa: S102 - and once more
            rerun.append(source.splitlines()[0])
    assert rerun
