"""Fixtures for the real-browser tests: one JupyterLab for the whole session (the one Chromium,
`browser`, is in tests/conftest.py, shared with the website tests).

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
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
