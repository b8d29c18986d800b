"""Sphinx extension for the course website: each notebook figure gets the alt text stored in its
output's metadata (`metadata["image/png"]["alt"]`). The pre-build step (website/build.py) keys
those texts by the SHA-256 of the PNG, which is the name MyST-NB gives the image file."""
import json
from pathlib import Path

from docutils import nodes


def set_alts(app, doctree) -> None:
    alts = json.loads((Path(app.srcdir) / "alt-text.json").read_text())
    for image in doctree.findall(nodes.image):
        alt = alts.get(Path(image["uri"]).stem)
        if alt:
            image["alt"] = alt


def setup(app):
    app.connect("doctree-read", set_alts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
