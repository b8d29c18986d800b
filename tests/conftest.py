"""Settings and fixtures every test folder shares: hypothesis's profile, and one Chromium per
pytest process for the notebook browser tests and the website tests alike (Playwright's sync
API runs once per process)."""
import pytest
from hypothesis import settings

from tests.browser import jupyterlab

# The machines that run this suite are shared and slow: no per-example deadline.
settings.register_profile("course", deadline=None, max_examples=50)
settings.load_profile("course")


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
