"""Validated data -> DuckDB, cached by a hash of everything that shapes the database.

The database is written to a temporary file and renamed into place, so a failed or interrupted build
never leaves a broken database behind, and data with errors never replaces a good build.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from pruneatlas import __version__, paths
from pruneatlas.problems import Problem

if TYPE_CHECKING:
    from pruneatlas.loader import Atlas

VIEW_FILES = ("results", "conflicts", "reproductions")
CODE_FILES = ("derive.py", "table.py", "models.py", "printed.py", "conflicts.py", "checks.py", "build.py")


class BuildError(RuntimeError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} error(s) in the data; nothing was built")
        self.problems = problems


@dataclass(frozen=True)
class BuildResult:
    path: Path
    cached: bool
    seconds: float
    timings: dict[str, float]


def _files(roots: Sequence[Path]) -> list[Path]:
    files = [p for root in roots if root.exists() for p in sorted(root.rglob("*.yaml"))]
    files += sorted(paths.SCHEMA.glob("*.yaml")) + sorted(paths.RESOURCE.rglob("*.sql"))
    files += [paths.ROOT / "pruneatlas" / name for name in CODE_FILES]
    return files


def input_hash(roots: Sequence[Path]) -> str:
    """sha256 over the names and bytes of the data, vocabularies, SQL and the code that derives columns."""
    digest = hashlib.sha256(__version__.encode())
    for path in _files(roots):
        digest.update(str(path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def database_path(roots: Sequence[Path] | None = None) -> Path:
    """Where the build for the current inputs lives (built or not)."""
    return paths.cache_dir() / f"atlas-{input_hash(roots or paths.data_roots())[:16]}.duckdb"


def write_database(target: Path, atlas: Atlas) -> dict[str, float]:
    """Tables, then the views in resource/, into a temporary file renamed to `target` at the end."""
    from pruneatlas.table import results_arrow

    timings: dict[str, float] = {}
    started = time.perf_counter()
    results = results_arrow(atlas.row_tables, atlas.conflicts)
    papers = pd.DataFrame(atlas.paper_rows)
    pairs = pd.DataFrame(
        [c.as_row() for c in atlas.conflicts],
        columns=["field", "result_a", "result_b", "value_a", "value_b", "likely_right"],
    )
    timings["dataframes"] = time.perf_counter() - started
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".duckdb")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        started = time.perf_counter()
        with duckdb.connect(str(tmp)) as con:
            con.register("results_frame", results)
            con.register("papers_frame", papers)
            con.register("pairs_frame", pairs)
            con.execute("CREATE TABLE results_base AS SELECT * FROM results_frame")
            con.execute("CREATE TABLE papers AS SELECT * FROM papers_frame")
            con.execute("CREATE TABLE conflict_pairs AS SELECT * FROM pairs_frame")
            timings["insert"] = time.perf_counter() - started
            started = time.perf_counter()
            for name in VIEW_FILES:
                con.execute((paths.RESOURCE / f"{name}.sql").read_text(encoding="utf-8"))
            con.execute(
                "CREATE TABLE build_info AS SELECT ? AS version, ? AS built_at, ? AS results, ? AS papers",
                [__version__, time.strftime("%Y-%m-%dT%H:%M:%S%z"), len(results), len(papers)],
            )
            con.execute("CHECKPOINT")
            timings["views"] = time.perf_counter() - started
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return timings


PARALLEL_ABOVE_BYTES = 8 * 1024 * 1024


def _workers(roots: Sequence[Path]) -> int:
    """Worker processes for compiling paper files: several only when the data is large enough to repay the
    second or so it takes to start them."""
    size = sum(p.stat().st_size for root in roots if root.exists() for p in root.rglob("*.yaml"))
    return min(os.cpu_count() or 1, 4) if size > PARALLEL_ABOVE_BYTES else 1


def build(roots: Sequence[Path] | None = None, force: bool = False, keep: int = 3) -> BuildResult:
    """The database for the current inputs: reused when they are unchanged, rebuilt otherwise.

    The loader and its models are imported only when a build is needed, so reusing one stays cheap (the app's
    first render).
    """
    started = time.perf_counter()
    roots = list(roots or paths.data_roots())
    target = database_path(roots)
    if target.exists() and not force:
        return BuildResult(target, True, time.perf_counter() - started, {})
    from pruneatlas.loader import load_atlas

    atlas = load_atlas(roots, context=roots, keep_models=False, with_rows=True, workers=_workers(roots))
    timings = dict(atlas.timings)
    if atlas.errors:
        raise BuildError(atlas.errors)
    timings |= write_database(target, atlas)
    _prune_old_builds(target, keep)
    return BuildResult(target, False, time.perf_counter() - started, timings)


def _prune_old_builds(current: Path, keep: int) -> None:
    builds = sorted(current.parent.glob("atlas-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in builds[keep:]:
        if old != current:
            old.unlink(missing_ok=True)


def last_good_build() -> Path | None:
    """The most recent database in the cache: what readers fall back on while the data has errors."""
    builds = sorted(paths.cache_dir().glob("atlas-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    return builds[0] if builds else None


def current_or_last_good(roots: Sequence[Path] | None = None) -> tuple[Path, BuildError | None]:
    """The build for the current inputs; if they have errors, the last good build and the error that stopped
    the new one (raised again when there is no earlier build to fall back on)."""
    try:
        return build(roots).path, None
    except BuildError as exc:
        fallback = last_good_build()
        if fallback is None:
            raise
        return fallback, exc


def open_readonly(roots: Sequence[Path] | None = None) -> duckdb.DuckDBPyConnection:
    """The current build (or the last good one while the data has errors), read-only and locked down."""
    import sys

    from pruneatlas.sql import connect_readonly

    path, error = current_or_last_good(roots)
    if error is not None:
        print(f"warning: {error}; reading the last good build {path.name}", file=sys.stderr)
    return connect_readonly(path)
