"""`pip install pruneatlas` works away from any checkout: the wheel (built through its sdist) carries the atlas.

The fresh virtual environment installs only the wheel; its dependencies come from the test's own environment
through a path line in a .pth file (no network, no reinstall). Such a line adds that site-packages folder but runs
none of its .pth files, so the editable install of the checkout stays invisible: `import pruneatlas` must find
the wheel's copy, and every command runs from a folder outside the repository with PYTHONPATH unset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pruneatlas import __version__, paths

RELEASE_FILES = {"results.parquet", "papers.parquet", "conflicts.parquet", "reproductions.parquet",
                 "croissant.json", "README.md", "CHANGELOG.md", "NOTICE"}  # fmt: skip


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 300) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(the fresh environment, a working folder outside the repository, the environment variables)."""
    pytest.importorskip("build")
    root = tmp_path_factory.mktemp("wheel")
    venv, elsewhere = root / "venv", root / "elsewhere"
    elsewhere.mkdir()
    # PYTHONPATH would show pip the checkout's egg-info (so it would skip the install) and Python the checkout.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PRUNEATLAS_", "VIRTUAL_ENV"))}
    env |= {
        "XDG_CACHE_HOME": str(root / "xdg-cache"),
        "XDG_DATA_HOME": str(root / "xdg-data"),
        "HOME": str(root / "home"),
    }
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(root / "dist"), str(paths.ROOT)], root, env)
    [wheel] = (root / "dist").glob("pruneatlas-*.whl")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    python = str(venv / "bin" / "python")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", str(wheel)],
        root,
        env,
    )
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], root, env).strip()
    (Path(site) / "_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    return venv, elsewhere, env


def test_the_installed_package_is_the_wheel_with_the_atlas_inside(installed):
    venv, elsewhere, env = installed
    code = (
        "import pruneatlas, json; from pruneatlas import paths; "
        "print(json.dumps([pruneatlas.__file__, str(paths.ROOT), str(paths.cache_dir()), str(paths.runs_dir())]))"
    )
    module, root, cache, runs = json.loads(_run([str(venv / "bin" / "python"), "-c", code], elsewhere, env))
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)
    assert not Path(module).is_relative_to(paths.ROOT)
    assert (Path(root) / "schema" / "architectures.yaml").is_file() and (Path(root) / "data" / "NOTICE").is_file()
    assert Path(cache) == Path(env["XDG_CACHE_HOME"]) / "pruneatlas"  # the user's cache directory
    assert Path(runs) == Path(env["XDG_DATA_HOME"]) / "pruneatlas" / "runs"  # re-runs outlive an upgrade


def test_stats_query_api_and_release_work_from_another_folder(installed):
    venv, elsewhere, env = installed
    stats = _run(["pruneatlas", "stats", "--format", "json"], elsewhere, env)
    measures = {row["measure"]: row["value"] for row in json.loads(stats)}
    total = measures["all rows"]
    assert total > 1000
    query = _run(["pruneatlas", "query", "SELECT count(*) AS n FROM results", "--format", "json"], elsewhere, env)
    assert json.loads(query) == [{"n": total}]
    code = (
        "import pruneatlas; rows = pruneatlas.results(architecture='resnet56', dataset='cifar10'); "
        "print(len(pruneatlas.results()), len(rows), len(pruneatlas.pivot()), len(pruneatlas.conflicts_table()))"
    )
    all_rows, resnet56, pivot_rows, conflicts = map(
        int, _run([str(venv / "bin" / "python"), "-c", code], elsewhere, env).split()
    )
    assert all_rows == total and 0 < resnet56 < total and pivot_rows > 1 and conflicts == measures["open conflicts"]
    out = _run(["pruneatlas", "release", "--out", "release"], elsewhere, env)
    assert f"wrote release {__version__} to release (results {total}," in out
    assert {p.name for p in (elsewhere / "release").iterdir()} == RELEASE_FILES


def test_the_explorer_renders_from_the_installed_package(installed):
    pytest.importorskip("streamlit")
    venv, elsewhere, env = installed
    code = (
        "from streamlit.testing.v1 import AppTest; from pruneatlas import paths; "
        "at = AppTest.from_file(str(paths.ROOT / 'app.py'), default_timeout=120).run(); "
        "assert not at.exception, at.exception; print(len(at.dataframe))"
    )
    assert int(_run([str(venv / "bin" / "python"), "-c", code], elsewhere, env)) >= 1


def test_explore_runs_streamlit_on_the_app_beside_the_atlas(monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    from pruneatlas.cli import main

    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda command: calls.append(command) or 0)
    outcome = CliRunner().invoke(main, ["explore", "--server.port", "8599"])
    assert outcome.exit_code == 0, outcome.output
    assert calls == [[sys.executable, "-m", "streamlit", "run", str(paths.ROOT / "app.py"), "--server.port", "8599"]]
