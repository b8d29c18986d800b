"""Keypress -> new picture, in a real browser: lesson 01's learning-rate slider vs `interact`.

    .venv/bin/python benchmarks/bench_slider_latency.py [--presses 20]

Starts JupyterLab on 127.0.0.1 (random port and token) with three throw-away notebooks:
  course    lessons_lib.gradient_descent_widgets.learning_rate_explorer(), lesson 01's slider:
            one figure built once, its artists moved, saved to PNG bytes, handed to an Image;
  on-demand the course's slider with its draw-ahead switched off: a press on draws and encodes
            its frame then (what a drag that jumps several steps gets); a step back still
            finds the frame shown before;
  interact  a plain ipywidgets.interact over the same two-panel plot (lessons_lib
            .gradient_descent_widgets.DescentPlot), built anew and shown through the inline
            backend on every move.
All three run at once, each in its own browser tab and kernel. Rounds alternate between them so
that any slowdown of the machine hits all alike. Two patterns of key presses on the lr slider's
handle, both measured in the same run: "same way" (ArrowRight again and again) and "back and
forth" (ArrowRight, ArrowLeft, ... as one hunts for a value). The time runs, inside the page,
from the keydown event to the new picture having decoded. The script waits for the kernel to go
idle between presses.

All draw at the course's figure standard (plotting.DPI, 2 image pixels per CSS pixel).
Prints the medians and course / interact for each pattern. The targets (issues 13 and 26): a
course median of at most 40 ms and at most 0.3 x interact's, in both patterns. Needs Chromium:
see README, "Browser tests".
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the repository's `tests` importable

import nbformat  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import jupyterlab  # noqa: E402

# Both sliders have the same range and step as lesson 01's.
COURSE = """\
from lessons_lib import gradient_descent_widgets

explorer = gradient_descent_widgets.learning_rate_explorer(x=2.0, y_true=6.0, w0=0.0)
explorer.widget
"""
ON_DEMAND = COURSE.replace("explorer.widget",
                           "explorer._draw_ahead = lambda change: None  # nothing drawn ahead\n"
                           "explorer.widget")
INTERACT = """\
import ipywidgets
from IPython.display import display

from lessons_lib import gradient_descent as gd
from lessons_lib import gradient_descent_widgets


def draw(lr, steps):
    plot = gradient_descent_widgets.DescentPlot(2.0, 6.0)
    plot.draw(gd.descend(0.0, 2.0, 6.0, lr, steps))
    print(f"lr = {lr:.3f}: {gd.lr_regime(lr, 2.0)}")
    display(plot.fig)


_ = ipywidgets.interact(
    draw,
    lr=ipywidgets.FloatSlider(value=0.1, min=0.0, max=0.3, step=0.005, description="lr",
                              readout_format=".3f"),
    steps=ipywidgets.IntSlider(value=10, min=1, max=30, step=1, description="steps"),
)
"""

# Arms a one-shot timer on the lr slider's cell: t0 at the keydown on its handle, t1 when an
# <img> with a new src has decoded. window.lessonsLatency holds t1 - t0 in ms when done.
ARM_JS = """(slider) => {
    const area = slider.closest('.jp-Cell-outputArea');
    const handle = slider.querySelector('.noUi-handle');
    const old = [...area.querySelectorAll('img')].map((img) => img.src);
    window.lessonsLatency = null;
    let t0 = null, seen = false;
    handle.addEventListener('keydown', () => { t0 = performance.now(); },
                            {once: true, capture: true});
    const observer = new MutationObserver(() => {
        if (seen || t0 === null) return;
        const fresh = [...area.querySelectorAll('img')].find((img) => !old.includes(img.src));
        if (!fresh) return;
        seen = true;
        observer.disconnect();
        fresh.decode().catch(() => null)
            .then(() => { window.lessonsLatency = performance.now() - t0; });
    });
    observer.observe(area, {subtree: true, childList: true, attributes: true,
                            attributeFilter: ['src']});
}"""


def notebook(source: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb)


def lr_slider(page):
    sliders = page.locator(jupyterlab.SLIDER)
    for i in range(sliders.count()):
        if jupyterlab.slider_state(sliders.nth(i))["label"] == "lr":
            return sliders.nth(i)
    raise RuntimeError("no slider labelled 'lr' on the page")


PATTERNS = {"same way": ["ArrowRight"], "back and forth": ["ArrowRight", "ArrowLeft"]}


def one_press(page, slider, key: str = "ArrowRight") -> float:
    jupyterlab.wait_until_settled(page, slider, quiet_s=0.3)
    slider.evaluate(ARM_JS)
    jupyterlab.press(slider, key)
    return page.wait_for_function("() => window.lessonsLatency", timeout=15_000,
                                  polling="raf").json_value()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20, help="per slider, >= 15")
    parser.add_argument("--warmup", type=int, default=2, help="presses not counted, per slider")
    args = parser.parse_args()
    rounds = 4
    per_round = -(-args.presses // rounds)
    files = {"course.ipynb": notebook(COURSE), "on-demand.ipynb": notebook(ON_DEMAND),
             "interact.ipynb": notebook(INTERACT)}
    times = {(pattern, name): [] for pattern in PATTERNS
             for name in ("course", "on-demand", "interact")}
    names = ("course", "on-demand", "interact")
    started = time.monotonic()
    with jupyterlab.JupyterLab(files=files) as lab, sync_playwright() as playwright:
        browser = jupyterlab.launch_chromium(playwright)
        pages, sliders = {}, {}
        for name in names:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            jupyterlab.open_notebook(page, lab, f"{name}.ipynb")
            jupyterlab.run_all(page)
            page.wait_for_selector(f"{jupyterlab.NOTEBOOK} .jp-Cell-outputArea img")
            pages[name], sliders[name] = page, lr_slider(page)
            for _ in range(args.warmup):
                one_press(page, sliders[name])
        for _ in range(rounds):
            for pattern, keys in PATTERNS.items():
                for name in names:
                    done = times[pattern, name]
                    done += [one_press(pages[name], sliders[name], keys[n % len(keys)])
                             for n in range(len(done), len(done) + per_round)]
        browser.close()
    print(f"Keypress -> new picture in Chromium, lesson 01's lr slider "
          f"({per_round * rounds} presses each, {time.monotonic() - started:.0f} s in all)")
    all_met = True
    for pattern in PATTERNS:
        print(f" {pattern}:")
        for name in names:
            values = times[pattern, name]
            print(f"  {name:9s} median {statistics.median(values):6.1f} ms   "
                  f"min {min(values):6.1f}   max {max(values):6.1f}")
        course = statistics.median(times[pattern, "course"])
        ratio = course / statistics.median(times[pattern, "interact"])
        met = ratio <= 0.3 and course <= 40
        all_met = all_met and met
        print(f"  ratio course / interact: {ratio:.2f}   (targets: <= 0.30, course <= 40 ms: "
              f"{'met' if met else 'NOT met'})")
    print(f"targets in both patterns: {'met' if all_met else 'NOT met'}")


if __name__ == "__main__":
    main()
