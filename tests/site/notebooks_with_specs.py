"""A temporary copy of the lessons with the pending "site-slider" entries added (see
pending_slider_specs.py): only to a cell that has none and whose code calls the builder.
`python -m tests.site.notebooks_with_specs` adds them to notebooks/ itself, in place."""
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
    if folder.resolve() != notebooks.resolve():
        shutil.copytree(notebooks.parent / "assets", folder.parent / "assets", dirs_exist_ok=True)
    return folder


if __name__ == "__main__":  # for the merger: add the pending entries to notebooks/ in place
    from website.build import ROOT

    copy_with_specs(ROOT / "notebooks", ROOT / "notebooks")
