"""A fixed, small atlas for the app tests (tests/app/atlas/), built once into a temporary cache.

The app takes its data from PRUNEATLAS_DATA and its builds from PRUNEATLAS_CACHE. Every test in this folder
gets both pointed at the fixture atlas (and only while it runs, so the rest of the suite still sees data/),
so these tests never depend on the real data, which curators keep growing, and never touch .cache/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from app_helpers import ROOTS, atlas_env

from pruneatlas.build import build
from pruneatlas.sql import connect_readonly


@pytest.fixture(scope="session")
def atlas_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build cache of the fixture atlas, shared by the session (the first build happens here)."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in atlas_env(ROOTS, cache).items():
            patch.setenv(name, value)
        build(ROOTS)
    return cache


@pytest.fixture(autouse=True)
def _app_env(atlas_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in atlas_env(ROOTS, atlas_cache).items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def atlas_path(_app_env: None) -> Path:
    """The fixture atlas's current build (rebuilt if schema/ or the code changed since the session began)."""
    return build(ROOTS).path


@pytest.fixture
def con(atlas_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect_readonly(atlas_path)
    yield connection
    connection.close()


@pytest.fixture
def other_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _app_env: None) -> Callable[..., Path]:
    """Point the app at other roots (and a fresh cache) for one test; monkeypatch restores the rest."""

    def use(*roots: Path) -> Path:
        for name, value in atlas_env(list(roots), tmp_path / "cache").items():
            monkeypatch.setenv(name, value)
        return build(list(roots)).path

    return use
