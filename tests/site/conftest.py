"""Fixtures for the website tests: one build, one server on 127.0.0.1, one Chromium, one visit
of every page, shared by all the tests in tests/site/.

The build reads the stored notebooks, as `python3 tasks.py site` does. Each page is opened once;
the visit records console errors, failed requests (any request off 127.0.0.1 counts as failed:
the site must fetch nothing from outside), the internal links, axe-core's serious and critical
violations, what ArrowRight does to each kernel-free slider, the search controls a reader can see
and the favicon links. `layouts` opens the lesson pages again at a phone's, a tablet's and a
laptop's width and measures every figure as shown.
"""
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from website import build as site_build

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "site"
AXE = site_build.NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(report, site folder, the notebooks it was built from)."""
    work = tmp_path_factory.mktemp("site")
    notebooks = ROOT / "notebooks"
    report = site_build.build(notebooks, work / "site")
    print(site_build.result_text(report))
    return report, work / "site", notebooks


@pytest.fixture(scope="session")
def server(built):
    handler = functools.partial(Quiet, directory=str(built[1]))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_port}"
        httpd.shutdown()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def page_paths(site: Path) -> list[str]:
    """Every page: the HTML files, less the theme's template leftovers in _static/."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] != "_static")


SLIDER_STATE = """box => ({src: box.querySelector('img.kf-frame').getAttribute('src'),
  readout: box.querySelector('.kf-readout').textContent,
  status: box.querySelector('.kf-status').textContent,
  complete: box.querySelector('img.kf-frame').complete
            && box.querySelector('img.kf-frame').naturalWidth > 0})"""
# Every search control a reader can see or tab to (the search dialog, closed, is neither).
SEARCH_BOXES = """() => [...document.querySelectorAll(
    'button, a, input, [role=button], [role=searchbox]')]
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .filter(e => e.matches('input[type=search], [role=searchbox], [class*=search-button]'))
  .map(e => e.outerHTML.slice(0, 80))"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                first: v.nodes[0].target.join(' ')}));
}"""


class Visitor:
    """One browser page that visits the site's pages in turn, recording for the current one."""

    def __init__(self, browser, base: str):
        self.base, self.found = base, None
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = page = self.context.new_page()
        page.on("console", lambda m: self.record("console", m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.record("console", str(e)))
        page.on("requestfailed", lambda r: self.record("failed", f"{r.url} ({r.failure})"))
        page.on("response", lambda r: self.record("failed", f"{r.url} (HTTP {r.status})")
                if r.status >= 400 else None)
        page.route(lambda url: urlsplit(url).hostname not in ("127.0.0.1", None), self.outside)

    def record(self, kind: str, text: str) -> None:
        if self.found is not None:
            self.found[kind].append(text)

    def outside(self, route) -> None:
        self.record("failed", f"{route.request.url} (outside 127.0.0.1)")
        route.abort()

    def visit(self, path: str) -> dict:
        self.found = {"console": [], "failed": [], "links": [], "sliders": [], "axe": [],
                      "images": [], "search_boxes": [], "icons": []}
        visit(self.page, self.base, path, self.found)
        found, self.found = self.found, None
        return found


def visit(page, base: str, path: str, found: dict) -> None:
    page.goto(f"{base}/{path}", wait_until="load")
    found["links"] = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    found["images"] = page.eval_on_selector_all(
        "img", "is => is.map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt')}))")
    found["search_boxes"] = page.evaluate(SEARCH_BOXES)
    found["icons"] = page.eval_on_selector_all("link[rel~=icon]", "ls => ls.map(l => l.href)")
    for box in page.query_selector_all(".kf-slider"):
        before = box.evaluate(SLIDER_STATE)
        picture_before = box.query_selector("img.kf-frame").screenshot()
        box.query_selector("input[type=range]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("img => img.complete", arg=box.query_selector("img.kf-frame"))
        after = box.evaluate(SLIDER_STATE)
        picture_after = box.query_selector("img.kf-frame").screenshot()
        found["sliders"].append({"before": before, "after": after,
                                 "pixels_changed": picture_before != picture_after,
                                 "label": box.query_selector("label").text_content()})
        page.keyboard.press("ArrowLeft")
    page.add_script_tag(path=str(AXE))
    found["axe"] = page.evaluate(AXE_RUN)
    if path in ("index.html", "notebooks/01-gradient-descent.html"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slider = page.query_selector(".kf-slider")
        if slider:
            slider.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -120)")
        page.screenshot(path=str(ARTIFACTS / f"{Path(path).stem}.png"))


@pytest.fixture(scope="session")
def visits(built, server, browser) -> dict:
    """{page path: what its visit found}, every page of the site visited once."""
    visitor = Visitor(browser, server)
    visits = {path: visitor.visit(path) for path in page_paths(built[1])}
    visitor.context.close()
    return visits


WIDTHS = (390, 768, 1280)  # a phone, a tablet, a laptop (CSS px)
# Each figure as shown: its CSS box against its pixels. Figures are drawn at 2 image px per
# CSS px with text of at least 10 CSS px, so shown at `scale` of that size, text is 10 * scale.
FIGURES = """() => [...document.querySelectorAll(
    'div.cell_output img, a.image-reference > img, img.kf-frame')]
  .map(i => ({src: i.getAttribute('src').slice(0, 60), shown_w: i.getBoundingClientRect().width,
              shown_h: i.getBoundingClientRect().height, natural_w: i.naturalWidth,
              natural_h: i.naturalHeight}))"""


@pytest.fixture(scope="session")
def layouts(built, server, browser) -> dict:
    """{(width, page path): {"figures": [...], "search_boxes": [...], "page_overflow": px}}
    for every lesson page."""
    pages = [p for p in page_paths(built[1]) if p.startswith("notebooks/")]
    found = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in pages:
            page.goto(f"{server}/{path}", wait_until="load")
            page.evaluate("() => document.querySelectorAll('img[loading=lazy]')"
                          ".forEach(i => { i.loading = 'eager'; })")
            page.wait_for_function(
                "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            found[width, path] = {
                "figures": page.evaluate(FIGURES),
                "search_boxes": page.evaluate(SEARCH_BOXES),
                # The page itself never scrolls sideways: a wide figure scrolls in its box.
                "page_overflow": page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth")}
            if path == "notebooks/04-conv2d-by-hand.html":
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"04-at-{width}px.png"))
        context.close()
    return found
