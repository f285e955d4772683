"""Fixtures for the audit notebook and review page tests: gold-derived runs and a headless Chromium."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline import audit

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "seeds"
DEV = ROOT.parent / "shared" / "corpus" / "dev"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory) -> Path:
    """The seed gold written as a run folder (facts.jsonl with confidence 1, documents.jsonl)."""
    return audit.write_gold_run([SEEDS], tmp_path_factory.mktemp("seeds_run"))


@pytest.fixture
def chromium(tmp_path):
    """A started headless chromium whose downloads land in ``tmp_path / "downloads"``."""
    need_browser()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = start_chromium(downloads)
    driver.download_dir = downloads
    try:
        yield driver
    finally:
        stop_chromium(driver)


def need_browser() -> None:
    """Skip without chromium only on a developer machine; in CI a missing browser is a failure."""
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("CI"):
        pytest.fail("chromium/chromedriver missing in CI: .ci/run must install them")
    pytest.skip("chromium and chromium-driver not installed (apt-get install chromium chromium-driver)")


def start_chromium(download_dir: str | Path | None = None, size: tuple[int, int] = (1400, 900)):
    """A Selenium-driven headless Debian chromium with a fresh profile and browser-log capture."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="review-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={size[0]},{size[1]}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir:
        opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                               "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    if download_dir:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(download_dir)})
    driver._review_profile = profile  # removed by stop_chromium
    return driver


def stop_chromium(driver) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver._review_profile, ignore_errors=True)
