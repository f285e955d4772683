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


def need_browser() -> None:
    """Skip without chromium only on a developer machine; in CI a missing browser is a failure."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    if os.environ.get("CI"):
        pytest.fail("chromium/chromedriver missing in CI: .ci/run must install them")
    pytest.skip("chromium and chromium-driver not installed (apt-get install chromium chromium-driver)")


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
