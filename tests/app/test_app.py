"""The entry point and every page, on the fixture atlas and on an atlas with no results at all."""

from __future__ import annotations

import ast
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app_helpers import ROOTS, TIMEOUT_S, no_exceptions, page_app
from streamlit.testing.v1 import AppTest

from pruneatlas import build as build_module
from pruneatlas import paths
from pruneatlas.app import PAGES

MODULES = [spec.module for spec in PAGES]


def test_app_opens_on_explore(atlas_path) -> None:
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=TIMEOUT_S).run()
    no_exceptions(at)
    assert at.title[0].value == "Explore published results"
    assert at.dataframe and len(at.dataframe[0].value) > 0


def test_pages_have_distinct_url_paths() -> None:
    assert len({spec.url_path for spec in PAGES}) == len(PAGES) == 8


def test_opening_explore_imports_no_other_page(atlas_path) -> None:
    """A visit imports only the page it opens, not the other pages."""
    script = (
        "import sys\nfrom streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(paths.ROOT / 'app.py')!r}, default_timeout={TIMEOUT_S}).run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "print(sorted(m for m in sys.modules if m.startswith('pruneatlas.app.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=4 * TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    assert "pruneatlas.app.explore" in imported
    assert not imported & {f"pruneatlas.app.{spec.module}" for spec in PAGES[1:]}


def test_no_page_imports_altair() -> None:
    """Charts are plain Vega-Lite dicts (pruneatlas/app/charts.py): importing Altair to write them cost each
    charted page about half a second of its first render."""
    probe = f"import sys\nimport {', '.join(f'pruneatlas.app.{module}' for module in MODULES)}\n"
    probe += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'altair'))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=4 * TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("module", MODULES)
def test_every_page_renders_without_error(atlas_path, module: str) -> None:
    at = page_app(module).run()
    no_exceptions(at)
    assert not at.error


@pytest.mark.parametrize("module", MODULES)
def test_every_page_survives_an_empty_atlas(other_atlas, tmp_path: Path, module: str) -> None:
    empty = tmp_path / "papers"
    empty.mkdir()
    (empty / "Empty2020Paper.yaml").write_text("key: Empty2020Paper\ntitle: Empty\nauthors: [A]\nyear: 2020\n")
    other_atlas(empty)
    at = page_app(module).run()
    no_exceptions(at)
    assert not at.error


def test_data_errors_fall_back_to_the_last_good_build(other_atlas, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    other_atlas(*ROOTS, extra)  # a good build of this atlas in this test's cache
    (extra / "Bad2020Paper.yaml").write_text("key: Bad2020Paper\ntitle: Bad\nauthors: [A]\nyear: 2020\nresult: []\n")
    at = page_app("explore").run()
    no_exceptions(at)
    assert at.warning and "1 error(s)" in at.warning[0].value and "last good build" in at.warning[0].value
    assert len(at.dataframe[-1].value) > 0  # the rows of the last good build


def test_a_full_cache_serves_the_last_good_build_and_says_why(other_atlas, tmp_path: Path, monkeypatch) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    other_atlas(*ROOTS, extra)

    def disk_full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_module, "write_database", disk_full)
    (extra / "Empty2020Paper.yaml").write_text("key: Empty2020Paper\ntitle: Empty\nauthors: [A]\nyear: 2020\n")
    at = page_app("explore").run()
    no_exceptions(at)
    assert at.warning and "No space left on device" in at.warning[0].value
    assert "last good build" in at.warning[0].value and len(at.dataframe[-1].value) > 0


def test_another_atlas_s_build_is_never_served(other_atlas, tmp_path: Path, monkeypatch) -> None:
    other_atlas(*ROOTS)  # a good build of another atlas in the same cache
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "Bad2020Paper.yaml").write_text("key: Bad2020Paper\ntitle: Bad\nauthors: [A]\nyear: 2020\nresult: []\n")
    monkeypatch.setenv("PRUNEATLAS_DATA", str(broken))
    at = page_app("explore").run()
    no_exceptions(at)
    assert at.error and "1 error(s)" in at.error[0].value and not at.warning


def test_a_cache_that_is_not_a_folder_is_one_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("PRUNEATLAS_CACHE", "/dev/null")
    at = page_app("explore").run()
    no_exceptions(at)
    assert at.error and "PRUNEATLAS_CACHE=/dev/null is not a folder" in at.error[0].value
