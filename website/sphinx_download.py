"""Sphinx extension for the course website: a download button on each lesson page, beside the
Colab and Binder buttons, for the lesson's own notebook as the repository has it
(downloads/NN-*.ipynb, copied there by website/build.py)."""
from pathlib import PurePosixPath


def add_download_button(app, pagename, templatename, context, doctree) -> None:
    if not pagename.startswith("notebooks/") or "header_buttons" not in context:
        return
    name = PurePosixPath(pagename).name
    context["header_buttons"].append({
        "type": "link",
        "url": context["pathto"](f"downloads/{name}.ipynb", 1),
        "tooltip": f"Download this lesson's notebook ({name}.ipynb) to run it yourself",
        "icon": "fas fa-download",
        "text": "Download .ipynb",
        "label": "download-lesson-button",
    })


def setup(app):
    # After the theme's own header buttons (priority 501).
    app.connect("html-page-context", add_download_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
