"""A real JupyterLab on 127.0.0.1 and a system Chrome/Chromium to drive it (issue 6).

Used by the browser tests (tests/browser/) and by benchmarks/bench_slider_latency.py.

The browser is never Playwright's own download: `find_chromium()` takes $LESSONS_CHROMIUM, or
a Chrome/Chromium on PATH or in the usual install places, and otherwise raises with what to
install. The server runs on a random free port with a random token, from a throw-away copy of
the notebooks, with throw-away user settings, so a test run never touches the repository's
notebooks or the developer's own JupyterLab settings.
"""
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

try:  # the error Playwright raises when a wait runs out
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the tests' browser fixture says what to install
    PlaywrightTimeout = TimeoutError


CHROMIUM_ENV = "LESSONS_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome")
CHROMIUM_PLACES = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
# Headless in a container: no sandbox (often runs as root), no GPU, /dev/shm is small there.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
HOW_TO_INSTALL = (
    "The browser tests need Chrome or Chromium and found neither.\n"
    "  Debian/Ubuntu: sudo apt-get install -y chromium   (`tasks.py test` does this as root)\n"
    "  macOS/Windows/other: install Google Chrome or Chromium, then point the tests at it:\n"
    f"    export {CHROMIUM_ENV}=/path/to/chrome\n"
    "Playwright's own browser download (`playwright install`) is not used by this course."
)


class ChromiumNotFound(RuntimeError):
    pass


def find_chromium() -> str:
    """The Chrome/Chromium executable to drive, or ChromiumNotFound saying what to install."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        path = shutil.which(chosen) or chosen
        if not Path(path).is_file():
            raise ChromiumNotFound(f"${CHROMIUM_ENV} is {chosen!r}, which is not a file.\n"
                                   + HOW_TO_INSTALL)
        return path
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    for place in CHROMIUM_PLACES:
        if Path(place).is_file():
            return place
    raise ChromiumNotFound(HOW_TO_INSTALL)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Settings JupyterLab reads from the (temporary) user-settings directory:
# - every cell stays in the page (the default windowing leaves far-off cells unrendered);
# - no news or update toast over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


class JupyterLab:
    """`with JupyterLab({"notebooks": path}) as lab:` serves copies of the given folders (and of
    `files`, {relative path: text}) from a temporary root until the block ends;
    `lab.url("notebooks/x.ipynb")` opens one notebook."""

    def __init__(self, folders: dict | None = None, files: dict | None = None,
                 env: dict | None = None, startup_timeout: float = 90.0):
        self.folders, self.files = folders or {}, files or {}
        self.env, self.startup_timeout = env or {}, startup_timeout
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="lessons-lab-")
        tmp = Path(self._tmp.name)
        self.root = tmp / "root"
        self.root.mkdir()
        for name, source in self.folders.items():
            if Path(source).is_dir():
                shutil.copytree(source, self.root / name, ignore=shutil.ignore_patterns(
                    ".ipynb_checkpoints", "__pycache__"))
        for name, text in self.files.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)
        settings = tmp / "settings"
        for name, value in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}",
               f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
               "--LabApp.expose_app_in_browser=True"]
        if platform.system() != "Windows" and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(tmp / "jupyterlab.log", "w")
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=self.root, env={**os.environ, **self.env})
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_text())
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}",
                                            timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout:.0f} s:\n"
                           + self.log_text())

    def log_text(self) -> str:
        self.log.flush()
        return (Path(self._tmp.name) / "jupyterlab.log").read_text()[-4000:]

    def url(self, notebook: str) -> str:
        # `reset`: a fresh workspace, not the tabs that the previous page left open
        return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # jupyter shuts its kernels down on SIGTERM
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self._tmp.cleanup()


# --- Driving a notebook in the page -------------------------------------------------------------
# `window.jupyterapp` exists because of --LabApp.expose_app_in_browser.

KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""

RUN_ALL_JS = """() => {
    window.lessonsRunAll = 'running';
    const commands = window.jupyterapp.commands;
    // Clear first so that no stored output can pass for a fresh one.
    commands.execute('notebook:clear-all-cell-outputs')
        .then(() => commands.execute('notebook:run-all-cells'))
        .then(() => { window.lessonsRunAll = 'done'; },
              (error) => { window.lessonsRunAll = 'failed: ' + error; });
}"""

# Run All has finished (it stops early at a cell that raises), no prompt shows [*], the kernel
# is idle. Resolves to a string: 'done', or why Run All itself failed.
RUN_ALL_FINISHED_JS = """() => {
    const state = window.lessonsRunAll;
    if (state === 'running') return false;
    const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    for (const cell of panel.content.widgets) {
        if (cell.model.type === 'code' && cell.promptNode
            && cell.promptNode.textContent.includes('*')) return false;
    }
    return state;
}"""


# Open another notebook in the JupyterLab the page already shows, as a learner moving on to the
# next lesson would; loading JupyterLab afresh costs seconds per notebook.
OPEN_IN_PLACE_JS = """async (path) => {
    await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
}"""
# Shut down the open notebook's kernel and close it unsaved (Run All left it changed). The tab
# goes at once; its kernel shuts down while the next notebook opens (waiting costs 1-2 s each).
CLOSE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.sessionContext) return;
    panel.context.model.dirty = false;
    panel.hide();
    panel.sessionContext.shutdown().finally(() => panel.dispose());
}"""


def open_notebook(page, lab: JupyterLab, notebook: str, timeout_s: float = 90) -> None:
    """Open `notebook` and wait until its kernel is idle: in the JupyterLab the page shows, if
    it shows one, else by loading JupyterLab at the notebook's address."""
    if page.evaluate("() => !!window.jupyterapp"):
        page.evaluate(OPEN_IN_PLACE_JS, notebook)
    else:
        page.goto(lab.url(notebook))
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_s * 1000, polling=200)


def close_notebook(page) -> None:
    page.evaluate(CLOSE_JS)


def run_all(page, timeout_s: float = 300) -> None:
    """Run All, then wait until every code cell has run and the kernel is idle again."""
    page.evaluate(RUN_ALL_JS)
    state = page.wait_for_function(RUN_ALL_FINISHED_JS, timeout=timeout_s * 1000,
                                   polling=250).json_value()
    if state != "done":
        raise RuntimeError(f"Run All did not finish: {state}")


# What every cell of the open notebook shows, from the notebook model and the page together.
# A picture counts as shown when its <img> has decoded (naturalWidth > 0). Pictures from other
# hosts (the Colab badge) are left out: the tests run with no network.
CELL_REPORT_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const local = (src) => src.startsWith('data:') || src.startsWith('blob:')
        || src.startsWith(window.location.origin);
    return panel.content.widgets.map((cell, index) => {
        const report = {index, type: cell.model.type, tags: cell.model.getMetadata('tags') || [],
                        source: cell.model.sharedModel.getSource().slice(0, 80),
                        errors: [], stderr: [], figures: 0, widget_views: 0};
        if (cell.model.type === 'code') {
            const outputs = cell.model.outputs;
            for (let i = 0; i < outputs.length; i++) {
                const output = outputs.get(i).toJSON();
                if (output.output_type === 'error') {
                    report.errors.push(output.ename + ': ' + output.evalue);
                } else if (output.output_type === 'stream' && output.name === 'stderr') {
                    report.stderr.push([].concat(output.text).join(''));
                }
                const data = output.data || {};
                if ('image/png' in data || 'image/jpeg' in data || 'image/svg+xml' in data) {
                    report.figures += 1;
                }
                if ('application/vnd.jupyter.widget-view+json' in data) report.widget_views += 1;
            }
        }
        const area = cell.node.querySelector('.jp-Cell-outputArea')
            || cell.node.querySelector('.jp-MarkdownOutput');
        const images = area ? [...area.querySelectorAll('img')].filter((img) => local(img.src))
            : [];
        report.images_shown = images.filter((img) => img.complete && img.naturalWidth > 0).length;
        report.images_broken = images.filter((img) => !(img.complete && img.naturalWidth > 0))
            .map((img) => img.getAttribute('src').slice(0, 60));
        // Image pixels per CSS pixel as shown: figures, and the pictures the text carries.
        report.image_ratios = images
            .filter((img) => img.complete && img.naturalWidth > 0
                    && img.getBoundingClientRect().width > 0)
            .map((img) => img.naturalWidth / img.getBoundingClientRect().width);
        report.widgets_shown = area ? area.querySelectorAll(
            '.jp-OutputArea-output > .jupyter-widgets').length : 0;
        // Only outputs: a markdown cell may well explain what 'Error displaying widget' means.
        const text = cell.model.type === 'code' && area ? area.innerText : '';
        report.widget_errors = ['Error displaying widget', 'Loading widget', 'Error rendering']
            .filter((phrase) => text.includes(phrase));
        return report;
    });
}"""


def cell_reports(page) -> list[dict]:
    return page.evaluate(CELL_REPORT_JS)


# --- Sliders ---------------------------------------------------------------------------------

# The open notebook (Lumino hides the panels of other tabs with lm-mod-hidden).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SLIDER = f"{NOTEBOOK} .jp-Notebook .widget-slider"
# Controls that are not sliders: dropdowns, toggle buttons and checkboxes.
CHOOSER = (f"{NOTEBOOK} .jp-Notebook .widget-dropdown select, "
           f"{NOTEBOOK} .jp-Notebook .widget-toggle-button, "
           f"{NOTEBOOK} .jp-Notebook .widget-checkbox input")
# The pictures in the output area of the cell that holds a control.
CELL_IMAGES_JS = """(control) => {
    const area = control.closest('.jp-Cell-outputArea');
    return area ? [...area.querySelectorAll('img')].map((img) => img.src) : [];
}"""

# What a slider's cell shows: the slider's readout, and every picture in the cell's output.
SLIDER_STATE_JS = """(slider) => {
    const area = slider.closest('.jp-Cell-outputArea') || slider.parentElement;
    const handle = slider.querySelector('.noUi-handle');
    return {
        label: (slider.querySelector('.widget-label') || {}).textContent || '',
        readout: (slider.querySelector('.widget-readout') || {}).textContent || '',
        // where the handle sits along the track, 0 to 1 (aria-valuenow is rounded for display)
        position: (() => {
            const box = handle.getBoundingClientRect();
            const track = slider.querySelector('.noUi-base').getBoundingClientRect();
            return (box.left + box.width / 2 - track.left) / track.width;
        })(),
        images: [...area.querySelectorAll('img')].map((img) => img.src),
        text: [...area.querySelectorAll('.widget-label, .widget-html, .jp-RenderedText')]
            .filter((node) => !slider.contains(node)).map((node) => node.innerText).join('|'),
    };
}"""


def slider_state(slider) -> dict:
    return slider.evaluate(SLIDER_STATE_JS)


def wait_for_change(slider, before: dict, timeout_s: float = 15) -> dict:
    """Wait until the readout and the cell's pictures (or, with no pictures, its text) differ
    from `before`; return the new state, or the last one seen when time ran out."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = slider_state(slider)
        shown = state["images"] if before["images"] else state["text"]
        was = before["images"] if before["images"] else before["text"]
        if state["readout"] != before["readout"] and shown != was:
            return state
        if time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def wait_until_settled(page, slider, quiet_s: float = 0.2, timeout_s: float = 15) -> dict:
    """Wait until the kernel is idle and the cell has not changed for `quiet_s` since. (A move's
    messages all come before the kernel reports idle; the quiet spell catches a move whose
    request had not reached the kernel yet.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_s * 1000, polling=50)
        state = slider_state(slider)
        time.sleep(quiet_s)
        again = slider_state(slider)
        if (again == state and page.evaluate(KERNEL_IDLE_JS)) or time.monotonic() > deadline:
            return again


def drag(page, slider, fraction: float) -> None:
    """Drag the slider's handle by `fraction` of the track's width (negative: to the left)."""
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = slider.locator(".noUi-base").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + fraction * track["width"], y, steps=8)
    page.mouse.up()


def press(slider, key: str) -> None:
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    handle.press(key)

