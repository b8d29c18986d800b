"""A temporary copy of the lessons with the pending "site-slider" entries added (see
pending_slider_specs.py): only to a cell that has none and whose code calls the builder."""
import shutil
from pathlib import Path

import nbformat

from tests.site.pending_slider_specs import SPECS
from website import sliders
from website.build import lessons


def copy_with_specs(notebooks: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in lessons(notebooks):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            spec = SPECS.get((path.name, cell.get("id")))
            function = spec and spec["builder"].rpartition(".")[2]
            if spec and sliders.SPEC_KEY not in cell.metadata and f"{function}(" in cell.source:
                cell.metadata[sliders.SPEC_KEY] = spec
        nbformat.write(nb, folder / path.name)
    shutil.copytree(notebooks.parent / "assets", folder.parent / "assets", dirs_exist_ok=True)
    return folder
