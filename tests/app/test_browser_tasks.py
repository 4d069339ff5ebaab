"""Four tasks done as a reader does them, in headless Chromium over the real atlas (data/), each saving a screenshot.

- the researcher's LaTeX table: ResNet-56 on CIFAR-10 with at least 50 % fewer FLOPs, typed into Explore's
  filters, downloaded, and compiled with pdflatex;
- the practitioner's question: which structured methods keep ResNet-50 on ImageNet within 1 point of its
  baseline at 2x or more FLOP speed-up (Frontier's shortlist);
- Figure 4's four panels with the survey's own methods (Compare);
- a copied URL reopening the same view in a fresh browser.

Skipped like tests/app/test_browser.py where Chromium is missing. Screenshots and downloads go to
$PRUNEATLAS_SCREENSHOTS (default: a temporary folder).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_helpers import atlas_env
from test_browser import ERROR_SELECTORS, _free_port, _missing, new_driver, open_page, serve

from pruneatlas import paths

pytestmark = pytest.mark.browser
TASK_TIMEOUT_S = 60
WINDOW = (1500, 2400)  # tall, so one screenshot holds the chart and the table under it


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit-real") / "server.log"
    roots = [folder for folder in (paths.PAPERS, paths.REPRODUCED) if folder.is_dir()]
    env = {**os.environ, **atlas_env(roots, tmp_path_factory.mktemp("real-cache"))}
    process = serve(port, env, log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PRUNEATLAS_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(real_server: str, out_dir: Path) -> Iterator[object]:
    driver = new_driver()
    driver.set_window_size(*WINDOW)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(out_dir)})
    yield driver
    driver.quit()


def settle(driver) -> None:
    """Wait until the script rerun that an interaction started has finished."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    time.sleep(0.5)
    idle: list[bool] = []

    def done(d) -> bool:
        idle.append(not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))
        return len(idle) >= 3 and all(idle[-3:])

    WebDriverWait(driver, TASK_TIMEOUT_S, poll_frequency=0.5).until(done)
    time.sleep(1.0)  # let Vega draw


def widget(driver, testid: str, label: str):
    """The widget of kind `testid` (stMultiSelect, stNumberInput ...) whose label reads `label`."""
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]'):
        found = element.find_elements(By.CSS_SELECTOR, '[data-testid="stWidgetLabel"]')
        if found and found[0].text.strip() == label:
            return element
    raise AssertionError(f"no {testid} labelled {label!r}")


def type_into(driver, testid: str, label: str, text: str, clear: bool = False) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = widget(driver, testid, label).find_element(By.CSS_SELECTOR, "input")
    if clear:
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.DELETE)
    field.send_keys(text, Keys.ENTER)
    settle(driver)


def click_text(driver, css: str, text: str, wait: bool = True) -> None:
    """Click the element under `css` that reads `text` (after its icon's name), then wait for the rerun."""
    from selenium.webdriver.common.by import By

    for element in driver.find_elements(By.CSS_SELECTOR, css):
        if element.text.strip() == text or element.text.strip().endswith(f"\n{text}"):
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
            element.click()
            if wait:
                settle(driver)
            return
    raise AssertionError(f"nothing reads {text!r} in {css}")


def no_errors(driver) -> None:
    from selenium.webdriver.common.by import By

    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)]
    assert not errors, errors


def captions(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [c.text for c in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stCaptionContainer"]')]


def downloaded(folder: Path, name: str, before: float) -> Path:
    target = folder / name
    deadline = time.monotonic() + TASK_TIMEOUT_S
    while time.monotonic() < deadline:
        if target.exists() and target.stat().st_mtime >= before and not list(folder.glob("*.crdownload")):
            return target
        time.sleep(0.3)
    raise AssertionError(f"{name} was not downloaded")


def url_params(driver) -> dict[str, object]:
    query = urllib.parse.urlparse(driver.current_url).query
    return {k: json.loads(v[0]) for k, v in urllib.parse.parse_qs(query).items()}


def test_researcher_downloads_a_latex_table_that_compiles(real_server: str, browser, out_dir: Path) -> None:
    open_page(browser, real_server)
    type_into(browser, "stMultiSelect", "Architecture", "resnet56")
    type_into(browser, "stMultiSelect", "Dataset", "cifar10")
    type_into(browser, "stNumberInput", "At least % FLOPs removed", "50", clear=True)
    no_errors(browser)
    assert url_params(browser)["explore-architecture"] == ["resnet56"]  # exact match, not EDSR
    assert url_params(browser)["explore-dataset"] == ["cifar10"]  # not CIFAR-100
    started = time.time() - 1
    browser.save_screenshot(str(out_dir / "task-latex-explore.png"))
    click_text(browser, '[data-testid="stDownloadButton"] button', "LaTeX table", wait=False)  # no rerun
    tex = downloaded(out_dir, "explore.tex", started).read_text()
    click_text(browser, '[data-testid="stDownloadButton"] button', "BibTeX (.bib)", wait=False)
    bib = downloaded(out_dir, "explore.bib", started).read_text()
    assert "\\textbf{ResNet-56 on CIFAR-10}: Top-1 accuracy (\\%, higher is better" in tex
    assert "Hinge \\cite{Li2020Group} & 92.95 & 93.69 & -0.74" in tex  # printed as error 7.05 -> 6.31
    amc = "AMC (RErr) \\cite{He2018Amc} & 92.80 & 91.90 & 0.90 & -- & 50.0 & \\cite{Fang2023Depgraph,Gao2021Network,"
    assert tex.count(amc) == 1  # the paper's own row, once, citing the papers that quote the same numbers
    assert "-0.00" not in tex and "CIFAR-100" not in tex and "EDSR" not in tex
    assert "@inproceedings{Li2020Group," in bib
    assert "Filters: architecture resnet56; dataset cifar10; \\textgreater{}= 50 \\% FLOPs removed" in tex
    assert "sorted by accuracy drop" in tex and "PruneAtlas 0.1.0, build " in tex
    if shutil.which("pdflatex") and shutil.which("bibtex"):
        (out_dir / "doc.tex").write_text(
            "\\documentclass{article}\n\\usepackage{array,booktabs,longtable}\n\\begin{document}\n\\input{explore.tex}\n"
            "\\bibliographystyle{plain}\n\\bibliography{explore}\n\\end{document}\n"
        )
        for command in (["pdflatex"], ["bibtex"], ["pdflatex"], ["pdflatex"]):
            args = [*command, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"] if command != ["bibtex"] else [
                "bibtex", "doc"]  # fmt: skip
            run = subprocess.run(args, cwd=out_dir, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0 and "Warning--" not in run.stdout, run.stdout[-2000:]


def test_practitioner_gets_a_shortlist_for_resnet50_on_imagenet(real_server: str, browser, out_dir: Path) -> None:
    open_page(browser, f"{real_server}/frontier")
    type_into(browser, "stSelectbox", "Architecture and dataset", "resnet50 / imagenet (")
    click_text(browser, '[data-testid="stRadio"] label', "structured")
    type_into(browser, "stNumberInput", "Drop at most (pp)", "1", clear=True)
    type_into(browser, "stNumberInput", "FLOP speed-up at least (x)", "2", clear=True)
    no_errors(browser)
    params = url_params(browser)
    assert params["front-pair"] == ["resnet50", "imagenet"] and params["front-structured"] == "structured"
    answer = next(c for c in captions(browser) if "inside both thresholds" in c)
    points = int(answer.split()[0])
    browser.save_screenshot(str(out_dir / "task-frontier-resnet50-imagenet.png"))
    assert points >= 5, answer


def test_figure4_draws_the_four_survey_panels_with_its_methods(real_server: str, browser, out_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, f"{real_server}/compare")
    no_errors(browser)
    charts = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')
    browser.save_screenshot(str(out_dir / "task-figure4-survey-panels.png"))
    assert len(charts) == 4
    survey = [c for c in captions(browser) if "the methods Vadera & Ameen name for this panel" in c]
    assert len(survey) == 4, captions(browser)
    type_into(browser, "stTextInput", "Search methods", "thinet")
    browser.save_screenshot(str(out_dir / "task-figure4-thinet.png"))
    found = [c for c in captions(browser) if "operating points of the methods" in c]
    assert any(not c.startswith("0 ") for c in found), found


def test_a_copied_url_reopens_the_same_view(real_server: str, browser, out_dir: Path) -> None:
    open_page(browser, f"{real_server}/frontier")
    type_into(browser, "stSelectbox", "Architecture and dataset", "resnet50 / imagenet (")
    type_into(browser, "stNumberInput", "Drop at most (pp)", "0.5", clear=True)
    copied = browser.current_url
    shown = next(c for c in captions(browser) if "inside both thresholds" in c)
    other = new_driver()
    try:
        other.set_window_size(*WINDOW)
        open_page(other, copied)
        no_errors(other)
        assert url_params(other) == url_params(browser)
        assert next(c for c in captions(other) if "inside both thresholds" in c) == shown
        other.save_screenshot(str(out_dir / "task-copied-url.png"))
    finally:
        other.quit()
    click_text(browser, '[data-testid="stSidebarNav"] a', "Compare")  # a page change and back keeps the choices
    click_text(browser, '[data-testid="stSidebarNav"] a', "Frontier")
    assert url_params(browser)["front-max-drop"] == 0.5
    assert next(c for c in captions(browser) if "inside both thresholds" in c) == shown
