"""The course website (website/build.py, issue 14): built with no warnings, served on 127.0.0.1
and opened page by page in the Chromium the notebook tests use (fixtures in conftest.py)."""
import base64
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import numpy as np
import PIL.Image

from tests.execute_notebooks import SETUP_TAG, WIDGET_NOTE, read_pyproject_links
from tests.site.conftest import WIDTHS
from website import sliders
from website.build import LESSON_ROW_RE, ROOT, lessons
from website.sliders import MAX_BYTES, MAX_FRAMES


def test_the_build_has_no_warnings(built):
    report = built[0]
    assert report["returncode"] == 0 and report["warnings"] == "", report["warnings"]


def test_index_lists_every_lesson_in_order(built):
    _, site, notebooks = built
    index = (site / "index.html").read_text()
    found = re.findall(r'href="notebooks/(\d\d-[^"#]+)\.html"', index)
    assert list(dict.fromkeys(found)) == [p.stem for p in lessons(notebooks)]
    assert (site / "search.html").exists() and (site / "searchindex.js").exists()


def test_each_lesson_has_colab_and_binder_buttons_at_the_colab_ref(built):
    _, site, notebooks = built
    repo, ref = read_pyproject_links()
    for path in lessons(notebooks):
        html = (site / "notebooks" / f"{path.stem}.html").read_text()
        colab = f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{path.name}"
        binder = f"https://mybinder.org/v2/gh/{repo}/{ref}?urlpath=lab/tree/notebooks/{path.name}"
        assert colab in html, f"{path.stem}: no Open in Colab link to {colab}"
        assert binder in html, f"{path.stem}: no Launch Binder link to {binder}"


def test_cell_attachments_show_as_images_on_the_site(built):
    _, site, notebooks = built
    for path in lessons(notebooks):
        html = (site / "notebooks" / f"{path.stem}.html").read_text()
        for cell in nbformat.read(path, as_version=4).cells:
            for name, bundle in cell.get("attachments", {}).items():
                shown = re.search(rf'<img [^>]*src="\.\./_images/{re.escape(Path(name).name)}"'
                                  rf'[^>]*>', html)
                assert shown, f"{path.stem}: attachment {name} is not shown"
                data = base64.b64decode(bundle["image/png"])
                assert (site / "_images" / Path(name).name).read_bytes() == data
                # ...at the CSS width it was drawn for, as in the notebook.
                width = int.from_bytes(data[16:20], "big") // 2
                assert re.search(rf'width: {width}px|width="{width}"', shown.group()), (
                    f"{path.stem}: attachment {name} is not {width} CSS px wide: {shown.group()}")


def test_every_dead_slider_note_became_a_kernel_free_slider(built):
    report, site, notebooks = built
    notes = sum(o.get("data", {}).get("text/plain") == WIDGET_NOTE
                for p in lessons(notebooks) for c in nbformat.read(p, as_version=4).cells
                for o in c.get("outputs", []))
    assert len(report["sliders"]) == notes, (
        f"{notes} slider cells, {len(report['sliders'])} with a site-slider entry")
    for page in site.joinpath("notebooks").glob("*.html"):
        assert WIDGET_NOTE not in page.read_text().replace("&quot;", '"'), page.name


def test_each_kernel_free_slider_is_measured_and_within_budget(built):
    for slider in built[0]["sliders"]:
        assert 2 <= slider["frames"] <= MAX_FRAMES, slider
        assert slider["bytes"] <= MAX_BYTES, slider


def test_no_console_errors(visits):
    errors = {path: v["console"] for path, v in visits.items() if v["console"]}
    assert not errors


def test_no_failed_requests_and_nothing_fetched_from_outside(visits):
    failed = {path: v["failed"] for path, v in visits.items() if v["failed"]}
    assert not failed


def test_every_internal_link_resolves(visits, server, built):
    site = built[1]
    ids = {}
    broken = []
    for path, found in visits.items():
        for link in found["links"]:
            parts = urlsplit(link)
            if not link.startswith(server):
                continue
            target = site / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{path} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text()))
                if unquote(parts.fragment) not in ids[target]:
                    broken.append(f"{path} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_kernel_free_slider_changes_its_picture_on_arrow_right(visits):
    sliders = [(path, s) for path, v in visits.items() for s in v["sliders"]]
    assert sliders, "no kernel-free slider on the site"
    for path, s in sliders:
        where = f"{path} slider {s['label']!r}"
        assert s["label"].strip(), where + ": no label"
        assert s["after"]["src"] != s["before"]["src"], where + ": same frame"
        assert s["after"]["complete"], where + ": the new frame did not load"
        assert s["pixels_changed"], where + ": the picture on screen did not change"
        assert s["after"]["readout"] != s["before"]["readout"], where + ": same readout"
        assert s["after"]["status"].strip(), where + ": no status line"


def test_no_serious_or_critical_accessibility_violations(visits):
    violations = {path: v["axe"] for path, v in visits.items() if v["axe"]}
    assert not violations


def test_every_image_has_descriptive_alt_text(visits):
    """From the figures' output metadata (`metadata["image/png"]["alt"]`); Sphinx falls back to
    the file name, which describes nothing."""
    missing = [f"{path}: {img['src']}" for path, v in visits.items() for img in v["images"]
               if not (img["alt"] or "").strip()
               or re.search(r"\.(png|svg|jpe?g|gif)$", img["alt"].strip())]
    assert not missing, f"{len(missing)} images without alt text:\n" + "\n".join(missing[:20])


def test_search_finds_a_lesson(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/search.html?q=learning+rate", wait_until="load")
        page.wait_for_selector("ul.search li a", timeout=15_000)
        hits = page.eval_on_selector_all("ul.search li a", "as => as.map(a => a.href)")
    finally:
        page.close()
    assert any("01-gradient-descent.html" in hit for hit in hits), hits


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_sites_frames_are_the_live_sliders_own_pictures(built):
    """The first and last frame of each slider, against the live SliderFigure moved there."""
    report, site, notebooks = built
    specs = {}
    for path in lessons(notebooks):
        for cell in nbformat.read(path, as_version=4).cells:
            if sliders.SPEC_KEY in cell.metadata:
                specs[(path.stem, cell.id)] = cell.metadata[sliders.SPEC_KEY]
    assert report["sliders"], "no kernel-free slider was built"
    for made in report["sliders"]:
        live = sliders.build_slider(specs[(made["page"], made["cell"])])
        for k in (0, made["frames"] - 1):
            live.sliders[made["sweep"]].value = made["values"][k]
            live.redraw()
            frame = (site / "slider-frames" / f"{made['page']}-{made['cell']}" / f"{k:03d}.png")
            assert np.array_equal(pixels(frame.read_bytes()), pixels(live.image.value)), (
                f"{made['page']} {made['cell']} frame {k} differs from the live slider's")


def test_the_landing_page_is_the_lesson_table(built):
    """Every lesson, in order, its title linked, with what it teaches from the README."""
    _, site, notebooks = built
    index = (site / "index.html").read_text()
    table = re.search(r"<table.*?</table>", index, re.S)
    assert table, "no lesson table on the landing page"
    rows = re.findall(r"<tr.*?</tr>", table.group(), re.S)[1:]
    taught = {stem: what for _, stem, what in LESSON_ROW_RE.findall(
        (ROOT / "README.md").read_text())}
    assert len(rows) == len(lessons(notebooks))
    for row, path in zip(rows, lessons(notebooks)):
        assert f'href="notebooks/{path.stem}.html"' in row, (path.stem, row)
        words = re.sub(r"<[^>]+>", "", row).replace("\u2019", "'").replace("&#8217;", "'")
        first_words = re.sub(r"[`*]", "", taught[path.stem]).split(";")[0][:30]
        assert first_words in words, (path.stem, first_words)


def test_each_lesson_has_a_download_button_for_its_own_notebook(built):
    _, site, notebooks = built
    for path in lessons(notebooks):
        html = (site / "notebooks" / f"{path.stem}.html").read_text()
        assert re.search(rf'<a href="\.\./downloads/{re.escape(path.name)}"[^>]*'
                         rf'download-lesson-button', html), f"{path.stem}: no download button"
        assert (site / "downloads" / path.name).read_bytes() == path.read_bytes()


def test_the_colab_setup_cell_is_hidden_on_the_site(built):
    _, site, notebooks = built
    for path in lessons(notebooks):
        tagged = [c for c in nbformat.read(path, as_version=4).cells
                  if SETUP_TAG in c.metadata.get("tags", [])]
        assert tagged, f"{path.stem}: no {SETUP_TAG} cell to hide"
        html = (site / "notebooks" / f"{path.stem}.html").read_text()
        assert "google.colab" not in html and "Anywhere else this cell" not in html, path.stem


def test_one_search_box_on_every_page_at_every_width(visits, layouts):
    """Every page at 1280 CSS px, and the lessons at a phone's and a tablet's width too."""
    seen = {(1280, path): v["search_boxes"] for path, v in visits.items()}
    seen |= {key: v["search_boxes"] for key, v in layouts.items()}
    seen.pop((1280, "search.html"))  # the search page's own query box, with its results
    counts = {key: boxes for key, boxes in seen.items() if len(boxes) != 1}
    assert not counts, counts


def test_every_page_has_a_favicon_that_loads(visits, built):
    site = built[1]
    for path, found in visits.items():
        assert found["icons"], f"{path}: no favicon link"
        for href in found["icons"]:
            assert (site / unquote(urlsplit(href).path).lstrip("/")).is_file(), href


def test_figures_keep_their_aspect_and_phone_text_stays_readable(layouts):
    """At 390, 768 and 1280 CSS px: each figure shows at its drawn aspect ratio, at its drawn
    size (so its text stays >= 9 CSS px: 10 px drawn), and the page never scrolls sideways."""
    bad = []
    for (width, path), found in layouts.items():
        assert found["figures"], f"{path} at {width}px: no figures measured"
        if found["page_overflow"] > 0:
            bad.append(f"{path} at {width}px: the page scrolls sideways by "
                       f"{found['page_overflow']} px")
        for f in found["figures"]:
            aspect = f["natural_w"] / f["natural_h"]
            shown = f["shown_w"] / f["shown_h"]
            text_px = 10 * f["shown_w"] / (f["natural_w"] / 2)
            if abs(shown / aspect - 1) > 0.02 or text_px < 9:
                bad.append(f"{path} at {width}px: {f['src']} aspect {shown:.2f} "
                           f"(drawn {aspect:.2f}), text {text_px:.1f} px")
    assert set(w for w, _ in layouts) == set(WIDTHS)
    assert not bad, "\n".join(bad[:20])
