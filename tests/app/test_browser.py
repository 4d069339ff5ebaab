"""A real browser: `streamlit run app.py` on loopback, every page opened in headless Chromium, no error shown.

Skipped, with the reason, where Chromium, its driver or selenium is missing; `.ci/run` installs Chromium so CI
runs it. Screenshots go to $PRUNEATLAS_SCREENSHOTS (default: a temporary folder) so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import ROOTS, atlas_env

from pruneatlas import paths
from pruneatlas.app import PAGES

pytestmark = pytest.mark.browser

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1500,1100",
]  # fmt: skip
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
START_TIMEOUT_S = 60
PAGE_TIMEOUT_S = 45


def _missing() -> str | None:
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does this)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`streamlit run app.py` on loopback only, no telemetry, no file watcher; its output goes to `log`."""
    command = [
        sys.executable, "-X", "faulthandler", "-m", "streamlit", "run", str(paths.ROOT / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=paths.ROOT, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return process
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
    process.kill()
    raise RuntimeError("streamlit did not answer its health check in time")


def open_page(driver, url: str) -> None:
    """Load `url` and wait until the page's script has finished (title drawn, no running indicator)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    title = '[data-testid="stMain"] h1'
    WebDriverWait(driver, PAGE_TIMEOUT_S, poll_frequency=0.25).until(lambda d: d.find_elements(By.CSS_SELECTOR, title))
    idle: list[bool] = []

    def settled(d) -> bool:
        """No "running" indicator in three polls in a row: the script has finished, not merely paused."""
        idle.append(not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))
        return len(idle) >= 3 and all(idle[-3:])

    WebDriverWait(driver, PAGE_TIMEOUT_S, poll_frequency=0.5).until(settled)
    time.sleep(1.0)  # let Vega draw the charts before the screenshot


def new_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


@pytest.fixture(scope="module")
def server(atlas_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    process = serve(port, {**os.environ, **atlas_env(ROOTS, atlas_cache)}, log)
    try:
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def app_url(server: tuple[str, subprocess.Popen, Path]) -> str:
    url, process, log = server
    assert process.poll() is None, f"the server stopped (exit {process.returncode}): {log.read_text()[-6000:]}"
    return url


@pytest.fixture(scope="module")
def driver(server: tuple[str, subprocess.Popen, Path]) -> Iterator[object]:
    browser = new_driver()
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PRUNEATLAS_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_page_opens_without_error(app_url: str, driver, screenshots: Path, spec) -> None:
    from selenium.webdriver.common.by import By

    url_path = "" if spec is PAGES[0] else spec.url_path  # the default page lives at the root
    try:
        open_page(driver, f"{app_url}/{url_path}")
    finally:
        driver.save_screenshot(str(screenshots / f"{spec.url_path}.png"))
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)]
    assert not errors, errors  # an exception, an st.error, or a dialog such as "Page not found"
    title = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"] h1').text
    assert title.strip(), "the page drew no title"
