"""The course in JupyterLab for a screen-reader or keyboard user (issue 26), in Chromium.

One lesson with sliders and figures (lesson 01) is opened as stored, then run:
- opening it does not mark it modified (its stored kernelspec is the one JupyterLab writes);
- every picture in its outputs, stored figures and live slider pictures alike, has alt text;
- each slider handle has an accessible name, a focused handle shows a visible focus ring, and
  each slider's status line is a live region, so a screen reader reads out each change;
- axe-core finds no serious or critical violation in the course's own outputs and widgets.
JupyterLab's own violations (its toolbars and panels) are printed, not counted.
"""
from pathlib import Path

import pytest

from tests.browser import jupyterlab
from tests.execute_notebooks import KERNELSPEC

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "website" / "node_modules" / "axe-core" / "axe.min.js"
LESSON = "01-gradient-descent.ipynb"

# Serious and critical violations, each node marked as the course's (inside a cell's output)
# or JupyterLab's own.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const ours = (node) => {
    const element = document.querySelector(node.target[0]);
    return !!(element && element.closest('.jp-OutputArea-output'));
  };
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .flatMap(v => v.nodes.map(n => ({id: v.id, impact: v.impact, ours: ours(n),
                                      target: n.target.join(' ')})));
}"""
# Every picture in the open notebook's outputs, with its alt text.
OUTPUT_IMAGES = f"""() => [...document.querySelectorAll(
    '{jupyterlab.NOTEBOOK} .jp-OutputArea-output img')]
  .filter(i => i.getClientRects().length > 0)
  .map(i => ({{src: i.src.slice(0, 40), alt: i.getAttribute('alt') || '',
               live: !!i.closest('.jupyter-widgets'),
               cell: (i.closest('.jp-Cell').querySelector('.jp-InputArea-editor') || {{}})
                 .textContent.slice(0, 80)}}))"""
HANDLES = f"""() => [...document.querySelectorAll('{jupyterlab.SLIDER} .noUi-handle')]
  .map(h => h.getAttribute('aria-label') || '')"""
STATUS_LINES = f"""() => [...document.querySelectorAll(
    '{jupyterlab.NOTEBOOK} .lessons-slider-figure > .widget-label')]
  .map(s => ({{role: s.getAttribute('role'), live: s.getAttribute('aria-live'),
               text: s.textContent}}))"""
FOCUS_RING = """(handle) => {
  const style = getComputedStyle(handle);
  return {focused: document.activeElement === handle, outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth)};
}"""
DIRTY = "() => window.jupyterapp.shell.currentWidget.context.model.dirty"


@pytest.fixture(scope="module")
def page(browser):
    with jupyterlab.JupyterLab({"notebooks": ROOT / "notebooks",
                                "assets": ROOT / "assets"}) as lab:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        jupyterlab.open_notebook(page, lab, f"notebooks/{LESSON}")
        yield page
        jupyterlab.close_notebook(page)
        context.close()


def axe(page) -> tuple[list, list]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    theirs = [v for v in found if not v["ours"]]
    if theirs:
        print("JupyterLab's own (not counted):",
              *sorted({(v["id"], v["impact"], v["target"][:70]) for v in theirs}), sep="\n  ")
    return [v for v in found if v["ours"]], theirs


def test_the_stored_lesson_opens_unmodified_with_alt_text_on_every_figure(page):
    """Before anything runs: stored outputs, as a learner first sees them."""
    page.wait_for_timeout(2000)  # JupyterLab writes kernel info into the model once it connects
    assert page.evaluate(DIRTY) is False, (
        f"opening {LESSON} marked it modified: store kernelspec {KERNELSPEC}")
    images = page.evaluate(OUTPUT_IMAGES)
    assert images, "no figures shown"
    assert all(i["alt"].strip() for i in images), [i for i in images if not i["alt"].strip()]
    ours, _ = axe(page)
    assert ours == [], ours


def test_after_run_all_sliders_and_pictures_speak_and_show_focus(page):
    jupyterlab.run_all(page)
    slider = page.locator(jupyterlab.SLIDER).first
    jupyterlab.wait_until_settled(page, slider)
    images = page.evaluate(OUTPUT_IMAGES)
    live = [i for i in images if i["live"]]
    assert live, "no live slider picture"
    assert all(i["alt"].strip() for i in images), [i for i in images if not i["alt"].strip()]
    names = page.evaluate(HANDLES)
    assert names and all(names), f"slider handles without an accessible name: {names}"
    statuses = page.evaluate(STATUS_LINES)
    assert statuses and all(s["live"] == "polite" and s["role"] == "status"
                            for s in statuses), statuses
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")  # keyboard use: the handle's focus is :focus-visible
    ring = handle.evaluate(FOCUS_RING)
    assert ring["focused"] and ring["outline"] != "none" and ring["width"] >= 2, ring
    jupyterlab.wait_until_settled(page, slider)
    ours, _ = axe(page)
    assert ours == [], ours
