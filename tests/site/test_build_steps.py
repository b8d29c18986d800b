"""The pre-build steps of website/build.py on small made-up notebooks (no Sphinx, no browser)."""
import base64
import hashlib

import nbformat

from website.build import figure_alts, write_attachments

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really a picture").decode()


def test_figure_alt_text_comes_from_the_output_metadata_keyed_by_the_image_hash():
    described = nbformat.v4.new_output("display_data", data={"image/png": PNG},
                                       metadata={"image/png": {"alt": "A line through 3 dots."}})
    bare = nbformat.v4.new_output("display_data", data={"image/png": PNG[:-4] + "AAAA"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[described, bare])])
    assert figure_alts(nb) == {hashlib.sha256(base64.b64decode(PNG)).hexdigest():
                               "A line through 3 dots."}


def test_attachments_become_files_and_links(tmp_path):
    cell = nbformat.v4.new_markdown_cell("See ![the plot](attachment:07-x/plot.png) here.")
    cell["attachments"] = {"07-x/plot.png": {"image/png": PNG}}
    nb = nbformat.v4.new_notebook(cells=[cell])
    write_attachments(nb, "07-x", tmp_path)
    assert cell.source == "See ![the plot](_attachments/07-x/07-x/plot.png) here."
    assert "attachments" not in cell
    assert (tmp_path / "_attachments/07-x/07-x/plot.png").read_bytes() == base64.b64decode(PNG)
