"""The one way notebook outputs are produced: `python3 tasks.py execute [NOTEBOOK ...]`.

Each notebook is re-run top to bottom in a fresh `python3` kernel (nbclient), then stored with:
- its Colab badge and setup cell rewritten from pyproject.toml (the repository URL is written
  there once; forks change it there and re-execute);
- no widget state, and each live widget's output replaced by a fixed note (a widget's model id is
  random, and a stored view without its state shows "Error displaying widget" in JupyterLab);
- pictures from assets/images/ embedded in the markdown cells that show them (write
  `![what](../assets/images/LESSON/NAME.png)`; it becomes an `<img>` of
  `attachment:LESSON/NAME.png` at the CSS width it was drawn for, refreshed from the file on
  every run), so they show on Colab too, where the notebook comes alone, and stay sharp;
- the kernelspec JupyterLab writes, so opening a lesson does not modify it;
- no timing metadata. Running it twice on unchanged sources changes no byte.
"""
import base64
import html
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from lessons_lib import plotting

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "[Interactive widget: run the notebook in Jupyter or Colab to use it. "
    "The static figure after it shows the same thing.]"
)
SETUP_TAG = "colab-setup"
CELL_TIMEOUT_S = 600
# As JupyterLab writes it when it opens a notebook (ipykernel's own kernelspec): stored any other
# way, opening a lesson marks it modified and autosave rewrites it.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def read_pyproject_links() -> tuple[str, str]:
    """(repository URL, Colab ref) from pyproject.toml; plain regexes so Python 3.10 works."""
    text = (ROOT / "pyproject.toml").read_text()
    repo = re.search(r'^Repository = "https://github\.com/([^"]+)"$', text, re.M).group(1)
    ref = re.search(r'^colab-ref = "([^"]+)"$', text, re.M).group(1)
    return repo, ref


def colab_badge(repo: str, ref: str, name: str) -> str:
    url = f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{name}"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def colab_setup_source(repo: str, ref: str) -> str:
    return (
        "# On Colab only: install lessons_lib. Anywhere else this cell does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install -q "lessons_lib @ git+https://github.com/{repo}@{ref}"'
    )


BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\([^)]*\)")


def sync_colab_links(nb, name: str) -> None:
    repo, ref = read_pyproject_links()
    title = nb.cells[0]
    title.source = BADGE_RE.sub(lambda m: colab_badge(repo, ref, name), title.source)
    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            cell.source = colab_setup_source(repo, ref)


ASSET_PICTURE_RE = re.compile(r"!\[([^\]]*)\]\(\.\./assets/images/([^)\s]+\.png)\)")
ATTACHED_PICTURE_RE = re.compile(r'<img src="attachment:([^"\s]+\.png)" alt="([^"]*)" width="\d+">')


def css_width(png: bytes) -> int:
    """The CSS width a picture drawn at plotting's standard is shown at (2 image px per CSS px);
    PNG keeps the pixel width in bytes 16-19."""
    return round(int.from_bytes(png[16:20], "big") * plotting.CSS_DPI / plotting.DPI)


def picture_tag(name: str, alt_html: str) -> str:
    width = css_width((ROOT / "assets" / "images" / name).read_bytes())
    return f'<img src="attachment:{name}" alt="{alt_html}" width="{width}">'


def embed_assets(nb) -> None:
    """Carry pictures from assets/images/ inside the notebook as markdown cell attachments, shown
    at the size they were drawn: `![what](../assets/images/LESSON/NAME.png)` becomes
    `<img src="attachment:LESSON/NAME.png" alt="what" width="CSS width">`, and every run
    refreshes the attachment and the width from the file."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        cell.source = ASSET_PICTURE_RE.sub(
            lambda m: picture_tag(m.group(2), html.escape(m.group(1))), cell.source)
        cell.source = ATTACHED_PICTURE_RE.sub(lambda m: picture_tag(*m.groups()), cell.source)
        names = [name for name, _ in ATTACHED_PICTURE_RE.findall(cell.source)]
        if names:
            cell["attachments"] = {name: {"image/png": base64.b64encode(
                (ROOT / "assets" / "images" / name).read_bytes()).decode()} for name in names}


def replace_widget_views(nb) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_MIME in output.get("data", {}):
                output["data"] = {"text/plain": WIDGET_NOTE}


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    sync_colab_links(nb, path.name)
    embed_assets(nb)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    replace_widget_views(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(args: list[str]) -> None:
    paths = [Path(a).resolve() for a in args] or sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
