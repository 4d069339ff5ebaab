"""A fixed, small atlas for the app tests (tests/app/atlas/), built once into a temporary cache.

The app takes its data from PRUNEATLAS_DATA and its builds from PRUNEATLAS_CACHE, so the tests never depend
on the real data/ (which curators keep growing) and never touch the project's .cache/.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from app_helpers import ROOTS

from pruneatlas.build import build
from pruneatlas.sql import connect_readonly


def _set_env(roots: list[Path], cache: Path) -> dict[str, str | None]:
    saved = {name: os.environ.get(name) for name in ("PRUNEATLAS_DATA", "PRUNEATLAS_CACHE")}
    os.environ["PRUNEATLAS_DATA"] = os.pathsep.join(str(r) for r in roots)
    os.environ["PRUNEATLAS_CACHE"] = str(cache)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def atlas_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture atlas, built; the environment points the app at it for the whole session."""
    saved = _set_env(ROOTS, tmp_path_factory.mktemp("cache"))
    try:
        yield build(ROOTS).path
    finally:
        _restore(saved)


@pytest.fixture
def con(atlas_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The current build of the fixture atlas (rebuilt if schema/ or the code changed since the session began)."""
    connection = connect_readonly(build(ROOTS).path)
    yield connection
    connection.close()


@pytest.fixture
def other_atlas(tmp_path: Path, atlas_path: Path) -> Iterator[Callable[..., Path]]:
    """Point the app at other roots (and a fresh cache) for one test; restored afterwards."""
    saved: list[dict[str, str | None]] = []

    def use(*roots: Path) -> Path:
        saved.append(_set_env(list(roots), tmp_path / "cache"))
        return build(list(roots)).path

    yield use
    for entry in reversed(saved):
        _restore(entry)
