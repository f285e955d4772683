"""Fixtures for the audit notebook and review page tests: gold-derived runs and a headless Chromium."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.tools import audit, review

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory) -> Path:
    """The seed gold written as a run folder (facts.jsonl with confidence 1, documents.jsonl)."""
    return audit.write_gold_run([SEEDS], tmp_path_factory.mktemp("seeds_run"))


BROWSER_SKIP = "chromium and chromium-driver not installed"
ENABLE_BROWSER = "apt-get install -y chromium chromium-driver (Debian/Ubuntu, as root), then make test"


def need_browser() -> None:
    """Skip without chromium only on a developer machine; in CI a missing browser is a failure.

    ``make test`` on a fresh machine without chromium then passes, and the
    session ends with one line saying how many browser tests were skipped and
    how to enable them (:func:`pytest_terminal_summary`); with ``CI`` set
    (``.ci/run`` installs chromium) a missing browser fails each browser test.
    """
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if os.environ.get("CI"):
        pytest.fail("chromium/chromedriver missing in CI: .ci/run must install them")
    pytest.skip(BROWSER_SKIP)


def pytest_terminal_summary(terminalreporter) -> None:
    """One line for all the browser tests skipped for want of chromium, with how to enable them."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and BROWSER_SKIP in str(r.longrepr[-1])]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} browser tests skipped: {BROWSER_SKIP}; "
                                    f"to run them: {ENABLE_BROWSER}", yellow=True)


@pytest.fixture
def chromium(tmp_path):
    """A started headless chromium whose downloads land in ``tmp_path / "downloads"``."""
    need_browser()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = review.chromium_driver(downloads)
    driver.download_dir = downloads
    try:
        yield driver
    finally:
        driver.quit_all()
