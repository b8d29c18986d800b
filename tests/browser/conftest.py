"""Fixtures for the real-browser tests: one JupyterLab and one Chromium for the whole session.

The server serves a temporary copy of notebooks/ (and assets/, for the pictures the lessons
link to), so the browser never modifies the repository's notebooks.
"""
from pathlib import Path

import pytest

from tests.browser import jupyterlab

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def lab():
    # A short timing sweep in the GPU lesson: this test checks that it runs, not how fast.
    with jupyterlab.JupyterLab({"notebooks": ROOT / "notebooks", "assets": ROOT / "assets"},
                               env={"LESSONS_GPU_MAX_SIZE": "64"}) as lab:
        yield lab


@pytest.fixture(scope="session")
def browser():
    # Missing pieces fail the tests with what to install; they never skip them.
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None:
        pytest.fail("The browser tests need Playwright for Python: run `python3 tasks.py setup` "
                    "(it installs the dev extra) or `pip install playwright`.", pytrace=False)
    try:
        executable, missing = jupyterlab.find_chromium(), None
    except jupyterlab.ChromiumNotFound as error:
        executable, missing = None, str(error)
    if missing:
        pytest.fail(missing, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=jupyterlab.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
