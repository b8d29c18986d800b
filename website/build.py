"""The course website: `python3 tasks.py site [--serve]` (issue 14).

Built with Sphinx + MyST-NB + sphinx-book-theme from the stored, executed notebooks: nothing is
re-executed. A pre-build step copies every lesson (notebooks/NN-*.ipynb, in order) into
a source folder of the build's own (under build/) and, in the copies only:
- drops the Colab badge image (the page has its own Colab and Binder buttons, same colab-ref);
- hides the Colab setup cell (tagged colab-setup; it does nothing off Colab);
- writes each cell attachment to a file and links it (MyST-NB does not render attachments);
- collects each figure's alt text from its output metadata (`metadata["image/png"]["alt"]`);
- replaces each slider cell's dead note by a kernel-free slider when the cell carries a
  "site-slider" entry (see website/sliders.py); the static twin stays.
Each lesson page has a download button for the lesson's own notebook, unchanged
(downloads/NN-*.ipynb); the landing page is the README's lesson table, each title linked.
MathJax comes from the npm package in website/ (installed with `npm ci`), never a CDN.
The site is written to build/site/, index.html at its root.
"""
import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import nbformat

from tests.execute_notebooks import BADGE_RE, SETUP_TAG, WIDGET_NOTE, read_pyproject_links
from website import sliders

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "website"
BUILD = ROOT / "build"
SITE = BUILD / "site"
NODE_MODULES = HERE / "node_modules"
MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui")
# A cell's attachment, shown by markdown's ![](attachment:NAME) or an <img src="attachment:NAME">.
ATTACHMENT_RE = re.compile(r"""([("])attachment:([^)"\s]+)([)"])""")
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"


def lessons(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]-*.ipynb"))


def npm_install() -> None:
    """MathJax (bundled) and axe-core (for the tests), pinned by website/package-lock.json."""
    lock = HERE / "package-lock.json"
    stamp = NODE_MODULES / ".lock.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The website needs npm (Node.js) to install MathJax: apt-get install npm, or "
                 "see https://nodejs.org.")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                   check=True)
    stamp.write_text(digest)


def figure_alts(nb) -> dict:
    """{sha256 of a PNG output: its alt text}; MyST-NB names each image file by that hash."""
    alts = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                alts[hashlib.sha256(base64.b64decode(png)).hexdigest()] = alt
    return alts


def write_attachments(nb, stem: str, folder: Path) -> None:
    for cell in nb.cells:
        attachments = cell.pop("attachments", None)
        if not attachments:
            continue
        for name, bundle in attachments.items():
            mime, data = next(iter(bundle.items()))
            path = folder / "_attachments" / stem / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))
        cell.source = ATTACHMENT_RE.sub(
            lambda m: f"{m.group(1)}_attachments/{stem}/{m.group(2)}{m.group(3)}", cell.source)


def add_sliders(books: list, extra: Path) -> list[dict]:
    """Replace each dead slider note in the (stem, notebook) pairs by a kernel-free slider,
    rendering the sliders in parallel; returns what was made."""
    jobs = []
    for stem, nb in books:
        for cell in nb.cells:
            spec = cell.metadata.get(sliders.SPEC_KEY)
            if not spec:
                continue
            notes = [o for o in cell.get("outputs", [])
                     if o.get("data", {}).get("text/plain") == WIDGET_NOTE]
            if len(notes) != 1:
                raise ValueError(f"{stem} cell {cell.id}: has a {sliders.SPEC_KEY} entry but "
                                 f"{len(notes)} widget notes (expected 1)")
            jobs.append((stem, cell.id, spec, notes[0]))
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        rendered = list(pool.map(timed_render, [spec for _, _, spec, _ in jobs]))
    made = []
    for (stem, cell_id, _, note), (frames, seconds) in zip(jobs, rendered):
        folder = f"slider-frames/{stem}-{cell_id}"
        names = sliders.write_frames(frames, extra / folder)
        urls = [f"../{folder}/{name}" for name in names]
        note["data"] = {"text/html": sliders.slider_html(frames, f"kf-{stem}-{cell_id}", urls),
                        "text/plain": WIDGET_NOTE}
        made.append({"page": stem, "cell": cell_id, "sweep": frames.name,
                     "frames": len(names), "bytes": frames.size, "seconds": seconds,
                     "values": frames.values})
    return made


def timed_render(spec: dict):
    began = time.perf_counter()
    frames = sliders.render(spec)
    return frames, round(time.perf_counter() - began, 2)


INDEX = """\
# Backprop by Hand

A course of notebooks on how neural networks learn: gradient descent, autograd and the chain
rule, worked by hand first and then checked against PyTorch. Each lesson below is the stored,
executed notebook; its sliders work here without a kernel, over pictures drawn in advance by the
slider's own code. Use **Open in Colab** or **Launch Binder** (the rocket button at the top of a
lesson) to run it, or download the notebook (the download button beside them).

| # | lesson | what it teaches |
|---|---|---|
{table}

```{{toctree}}
:maxdepth: 1
:caption: Lessons
:hidden:

{entries}
```
"""
# The README's lesson table: | NN | `NN-name.ipynb` | what it teaches |
LESSON_ROW_RE = re.compile(r"^\| (\d\d) \| `(\d\d-[\w-]+)\.ipynb` \| (.+) \|$", re.M)


def lesson_table(readme: str, books: list) -> str:
    """The landing page's rows: each lesson's number, its title (linked) and what it teaches,
    from the README's table; a lesson the README does not describe is an error."""
    taught = {stem: what for _, stem, what in LESSON_ROW_RE.findall(readme)}
    rows = []
    for stem, nb in books:
        if stem not in taught:
            raise ValueError(f"README.md's lesson table has no row for {stem}.ipynb")
        title = re.match(r"#\s*(?:\d\d\s*·\s*)?(.+)", nb.cells[0].source).group(1).strip()
        rows.append(f"| {stem[:2]} | [{title}](notebooks/{stem}.ipynb) | {taught[stem]} |")
    return "\n".join(rows)

CONF = """\
import sys
sys.path.insert(0, {root!r})
project = "Backprop by Hand"
author = "the Backprop by Hand contributors"
html_title = "Backprop by Hand"
extensions = ["myst_nb", "website.sphinx_alt_text", "website.sphinx_download"]
nb_execution_mode = "off"
nb_merge_streams = True
# A figure's output holds its PNG twice: as image/png and as an HTML <img> (for JupyterLab's
# screen readers). The site shows the PNG, as a file named by its hash (alt text: see above).
nb_mime_priority_overrides = [("html", "image/png", 25)]
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]  # <img> tags become images
exclude_patterns = ["_extra", "_static", "_templates", "alt-text.json"]
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_context = {{"default_mode": "auto"}}  # left empty, the theme logs a console error
html_extra_path = ["_extra"]
html_css_files = ["kernel-free-slider.css", "site.css"]  # site.css: figures, one search box
html_favicon = "_static/favicon.svg"
html_js_files = ["kernel-free-slider.js"]
html_copy_source = False
html_show_sourcelink = False
mathjax_path = "../mathjax/tex-chtml.js"  # relative to _static: the bundled copy, no CDN
html_theme_options = {{
    "repository_url": {repository!r},
    "repository_branch": {ref!r},
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": False,  # it links to page sources, which the site does not copy
    "launch_buttons": {{"binderhub_url": {binder!r}, "colab_url": {colab!r},
                       "notebook_interface": "jupyterlab"}},
}}
"""


def prepare(notebooks: Path, src: Path) -> list[dict]:
    """Write the Sphinx source tree; returns the kernel-free sliders made."""
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    extra = src / "_extra"
    for part in MATHJAX_PARTS:
        origin = NODE_MODULES / "mathjax" / "es5" / part
        target = extra / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, target)
    shutil.copytree(HERE / "static", src / "_static")
    shutil.copytree(HERE / "templates", src / "_templates")
    repo, ref = read_pyproject_links()
    alts, books = {}, []
    (extra / "downloads").mkdir()
    for path in lessons(notebooks):
        shutil.copy2(path, extra / "downloads" / path.name)  # the lesson as it is, to run
        nb = nbformat.read(path, as_version=4)
        nb.cells[0].source = BADGE_RE.sub("", nb.cells[0].source)
        for cell in nb.cells:
            if SETUP_TAG in cell.metadata.get("tags", []):
                cell.metadata["tags"] = [*cell.metadata["tags"], "remove-cell"]
        write_attachments(nb, path.stem, src / "notebooks")
        alts.update(figure_alts(nb))
        books.append((path.stem, nb))
    made = add_sliders(books, extra)
    for stem, nb in books:
        nbformat.write(nb, src / "notebooks" / f"{stem}.ipynb")
    entries = [f"notebooks/{stem}" for stem, _ in books]
    (src / "alt-text.json").write_text(json.dumps(alts, indent=0))
    table = lesson_table((ROOT / "README.md").read_text(), books)
    (src / "index.md").write_text(INDEX.format(entries="\n".join(entries), table=table))
    (src / "conf.py").write_text(CONF.format(root=str(ROOT), repository=f"https://github.com/{repo}",
                                             ref=ref, binder=BINDER, colab=COLAB))
    return made


def build(notebooks: Path = ROOT / "notebooks", out: Path = SITE) -> dict:
    """Build the site into `out`. Any Sphinx warning fails the build (-W). Each build works in a
    folder of its own beside `out` and moves the finished site into place at the end
    (`publish`), so two builds at once never write into each other's files."""
    began = time.perf_counter()
    npm_install()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        src, html = work / "src", work / "html"
        made = prepare(notebooks, src)
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-E",
             "-d", str(work / "doctrees"), str(src), str(html)],
            capture_output=True, text=True, cwd=ROOT)
        report = {"seconds": round(time.perf_counter() - began, 1), "sliders": made,
                  "returncode": result.returncode, "warnings": result.stderr.strip(),
                  "bytes": sum(f.stat().st_size for f in html.rglob("*") if f.is_file())}
        if html.is_dir():
            publish(html, out)
        (work / "report.json").write_text(json.dumps(report, indent=1))
        os.replace(work / "report.json", out.parent / (out.name + "-report.json"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def publish(folder: Path, out: Path, tries: int = 50) -> None:
    """Move a finished `folder` to `out`, replacing what is there: the old one is renamed away
    first, then the new one renamed in (each rename is atomic). When another build publishes
    at the same moment, the later one wins and neither site is ever half-written."""
    for _ in range(tries):
        old = out.parent / f".{out.name}-old-{os.getpid()}-{time.monotonic_ns()}"
        try:
            out.rename(old)
        except FileNotFoundError:
            pass
        try:
            folder.rename(out)
        except OSError:  # another build's site moved in between our two renames: again
            continue
        finally:
            shutil.rmtree(old, ignore_errors=True)
        return
    raise RuntimeError(f"could not move the built site into {out}: other builds kept replacing it")


def serve(folder: Path = SITE, port: int = 8000) -> None:
    """Serve on 127.0.0.1, port 8000 or, when that is taken, any free one."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with server:
        print(f"Serving the course website at http://127.0.0.1:{server.server_port}/ "
              "(Ctrl-C stops it)", flush=True)
        server.serve_forever()


def main(args: list[str]) -> None:
    report = build()
    print(result_text(report), flush=True)
    if "--serve" in args and (SITE / "index.html").exists():
        if report["returncode"] != 0:
            print("The build has warnings (above); serving what it wrote anyway.", flush=True)
        serve()
    if report["returncode"] != 0:
        sys.exit(1)


def result_text(report: dict) -> str:
    lines = [f"built {SITE.relative_to(ROOT)}/ in {report['seconds']} s, "
             f"{report['bytes'] / 1e6:.1f} MB"]
    for s in report["sliders"]:
        lines.append(f"  kernel-free slider {s['page']} {s['cell']} ({s['sweep']}): "
                     f"{s['frames']} frames, {s['bytes'] / 1e6:.2f} MB, {s['seconds']} s")
    if report["warnings"]:
        lines.append(report["warnings"])
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
