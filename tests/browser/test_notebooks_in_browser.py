"""Every notebook, run in a real JupyterLab in Chromium, as a learner would (issue 6).

For each notebook in notebooks/: open it, Run All, wait for the kernel to go idle, then check
that no cell shows an error, every widget rendered, and every figure appears; a screenshot of
the whole notebook goes to test-artifacts/browser/. Every slider must read its starting value
after Run All (a static twin touches no live slider), and every figure must be drawn with at
least 1.5 image pixels per screen pixel as shown. Then every slider on the page is dragged and
moved with the keyboard: its readout and its cell's picture must change, and no second picture
may pile up; every dropdown, toggle and checkbox must change its cell's picture too. New
notebooks and controls are covered without touching this file.
"""
import json
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from tests.browser import jupyterlab
from website import sliders as site_sliders

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
VIEWPORT = {"width": 1280, "height": 900}
RUN_ALL_TIMEOUT_S = 300
TALLEST_SCREENSHOT = 16000  # px; a longer notebook is cut off at the bottom


@dataclass
class RanNotebook:
    name: str
    page: object
    cells: list[dict]
    start: list[tuple[str, str]]  # every slider's (label, readout) right after Run All


def screenshot_whole_notebook(page, path: Path) -> None:
    """Grow the window to the notebook's height (cells live in a scrolling panel, so a
    full-page screenshot alone shows one window's worth), shoot, and shrink it back."""
    height = page.evaluate("""() => {
        const scroller = window.jupyterapp.shell.currentWidget.node
            .querySelector('.jp-WindowedPanel-outer');
        return scroller ? scroller.scrollHeight : 0;
    }""")
    page.set_viewport_size({"width": VIEWPORT["width"],
                            "height": max(VIEWPORT["height"], min(height + 200,
                                                                  TALLEST_SCREENSHOT))})
    page.evaluate("""() => {
        window.jupyterapp.shell.collapseLeft();
        const scroller = window.jupyterapp.shell.currentWidget.node
            .querySelector('.jp-WindowedPanel-outer');
        if (scroller) scroller.scrollTop = 0;  // Run All leaves it at the last cell
    }""")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)


@pytest.fixture(scope="module")
def page(browser):
    """One JupyterLab page for all the notebooks, opened one after another."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module", params=NOTEBOOKS)
def ran(request, page, lab, artifacts):
    """The notebook opened and run from top to bottom, once for all the tests below."""
    name = request.param
    try:
        jupyterlab.open_notebook(page, lab, f"notebooks/{name}")
        jupyterlab.run_all(page, timeout_s=RUN_ALL_TIMEOUT_S)
        try:  # widget views render after their cell has finished; give them a moment
            page.wait_for_function("""() => [...window.jupyterapp.shell.currentWidget.node
                .querySelectorAll('.jp-Cell-outputArea')]
                .every((area) => !area.innerText.includes('Loading widget'))""",
                                   timeout=20_000, polling=200)
        except jupyterlab.PlaywrightTimeout:
            pass  # test_widgets_render says which cell
        cells = jupyterlab.cell_reports(page)
        sliders = page.locator(jupyterlab.SLIDER)
        start = [(state["label"], state["readout"]) for state in
                 (jupyterlab.wait_until_settled(page, sliders.nth(i))
                  for i in range(sliders.count()))]
        screenshot_whole_notebook(page, artifacts / f"{Path(name).stem}.png")
        yield RanNotebook(name, page, cells, start)
    finally:
        jupyterlab.close_notebook(page)


def where(cell: dict) -> str:
    return f"cell {cell['index']} ({cell['source'].splitlines()[0] if cell['source'] else ''!r})"


def test_there_are_notebooks_to_test():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_no_cell_shows_an_error(ran):
    problems = [f"{where(cell)}: {error}" for cell in ran.cells for error in cell["errors"]
                if "raises-exception" not in cell["tags"]]
    problems += [f"{where(cell)} wrote to stderr: {text.strip()[:300]}"
                 for cell in ran.cells for text in cell["stderr"]]
    assert not problems, f"{ran.name}:\n" + "\n".join(problems)


def test_every_widget_renders(ran):
    problems = []
    for cell in ran.cells:
        if cell["widget_errors"]:
            problems.append(f"{where(cell)} shows {cell['widget_errors']}")
        if cell["widgets_shown"] < cell["widget_views"]:
            problems.append(f"{where(cell)}: {cell['widget_views']} widget outputs but "
                            f"{cell['widgets_shown']} rendered")
    assert not problems, f"{ran.name}:\n" + "\n".join(problems)


def test_every_figure_appears(ran):
    problems = []
    for cell in ran.cells:
        if cell["images_broken"]:
            problems.append(f"{where(cell)}: pictures not shown: {cell['images_broken']}")
        if cell["images_shown"] < cell["figures"]:
            problems.append(f"{where(cell)}: {cell['figures']} figure outputs but "
                            f"{cell['images_shown']} shown")
    # A picture the text carries as an attachment must show too (an <img> of an attachment the
    # page could not resolve would have no local address and slip past the checks above).
    stored = nbformat.read(ROOT / "notebooks" / ran.name, as_version=4).cells
    for cell in ran.cells:
        attached = len(stored[cell["index"]].get("attachments", {}))
        if cell["images_shown"] < attached:
            problems.append(f"{where(cell)}: {attached} attached pictures but "
                            f"{cell['images_shown']} shown")
    assert not problems, f"{ran.name}:\n" + "\n".join(problems)


def check_move(page, slider, how: str, move) -> list[str]:
    """Move the slider with `move(page, slider, state)`; what went wrong, as sentences."""
    before = jupyterlab.wait_until_settled(page, slider)
    move(page, slider, before)
    changed = jupyterlab.wait_for_change(slider, before)
    after = jupyterlab.wait_until_settled(page, slider)
    name = f"slider {before['label']!r} at {before['readout']} ({how})"
    problems = []
    if changed["readout"] == before["readout"]:
        problems.append(f"{name}: readout stayed {before['readout']!r}")
    if before["images"]:
        if changed["images"] == before["images"]:
            problems.append(f"{name}: the picture did not change")
        if len(after["images"]) != len(before["images"]):
            problems.append(f"{name}: {len(before['images'])} picture(s) before the move, "
                            f"{len(after['images'])} after (piled up or vanished)")
    elif changed["text"] == before["text"]:
        problems.append(f"{name}: nothing in its cell changed (no picture, same text)")
    return problems


def towards_room(state) -> int:
    """+1: move right; -1: move left (the handle is at or near the right end)."""
    return 1 if state["position"] < 0.5 else -1


def by_key(page, slider, state) -> None:
    jupyterlab.press(slider, "ArrowRight" if towards_room(state) > 0 else "ArrowLeft")


def by_drag(page, slider, state) -> None:
    jupyterlab.drag(page, slider, 0.2 * towards_room(state))


def put_back(page, slider, readout: str, max_presses: int = 400) -> None:
    """Arrow-key the slider back to `readout`, so that the next slider is tested with this one
    where the notebook left it (a slider may rightly do nothing in some corners: more steps
    of a run that already stopped, say)."""
    for _ in range(max_presses):
        state = jupyterlab.slider_state(slider)
        if state["readout"] == readout:
            break
        try:
            value, target = float(state["readout"]), float(readout)
        except ValueError:  # a selection slider's readout is a label, not a number
            break
        jupyterlab.press(slider, "ArrowLeft" if value > target else "ArrowRight")
    jupyterlab.wait_until_settled(page, slider)


def test_every_slider_responds(ran):
    page = ran.page
    sliders = page.locator(jupyterlab.SLIDER)
    problems = []
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        start = jupyterlab.wait_until_settled(page, slider)["readout"]
        problems += check_move(page, slider, "arrow key", by_key)
        problems += check_move(page, slider, "dragged", by_drag)
        put_back(page, slider, start)
    assert not problems, f"{ran.name}: {sliders.count()} sliders\n" + "\n".join(problems)


def starting_values(name: str) -> list[tuple[str, float]]:
    """(description, value) of every slider the notebook's slider cells build, in page order,
    rebuilt here from each cell's site-slider entry."""
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    found = []
    for cell in nb["cells"]:
        spec = cell.get("metadata", {}).get("site-slider")
        if spec:
            built = site_sliders.build_slider(spec)
            found += [(w.description, w.value) for w in built.sliders.values()
                      if hasattr(w, "min")]
    return found


def test_every_slider_reads_its_starting_value_after_run_all(ran):
    expected = starting_values(ran.name)
    assert [label for label, _ in ran.start] == [label for label, _ in expected], \
        f"{ran.name}: a slider on the page has no site-slider entry, or one is missing"
    wrong = [f"slider {label!r} reads {readout}, but it starts at {value}"
             for (label, readout), (_, value) in zip(ran.start, expected)
             if float(readout) != pytest.approx(value, rel=1e-3, abs=1e-12)]
    assert not wrong, f"{ran.name}:\n" + "\n".join(wrong)


def test_every_figure_is_drawn_for_high_density_screens(ran):
    problems = [f"{where(cell)}: {ratio:.2f} image pixels per screen pixel" for cell in ran.cells
                for ratio in cell["image_ratios"] if ratio < 1.5]
    assert not problems, f"{ran.name}:\n" + "\n".join(problems)


def wait_for_new_picture(page, control, before: list, timeout_s: float = 15) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = control.evaluate(jupyterlab.CELL_IMAGES_JS)
        if now != before:
            return now
        time.sleep(0.05)
    return before


def test_every_dropdown_and_toggle_changes_its_picture(ran):
    page = ran.page
    controls = page.locator(jupyterlab.CHOOSER)
    problems = []
    for i in range(controls.count()):
        control = controls.nth(i)
        control.scroll_into_view_if_needed()
        before = control.evaluate(jupyterlab.CELL_IMAGES_JS)
        if control.evaluate("(node) => node.tagName") == "SELECT":
            options = control.evaluate("(node) => [...node.options].map((o) => o.value)")
            was = control.input_value()
            others = [o for o in options if o != was]
            if not others:
                continue
            control.select_option(others[-1])
            after = wait_for_new_picture(page, control, before)
            control.select_option(was)
        else:
            control.click()
            after = wait_for_new_picture(page, control, before)
            control.click()
        wait_for_new_picture(page, control, after)
        name = f"control {i} ({control.evaluate('(node) => node.outerHTML')[:60]})"
        if not before:
            problems.append(f"{name}: its cell shows no picture")
        elif after == before:
            problems.append(f"{name}: the picture did not change")
    assert not problems, f"{ran.name}:\n" + "\n".join(problems)
