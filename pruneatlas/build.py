"""Validated data -> DuckDB, cached by a hash of everything that shapes the database.

The database is written to a temporary file and renamed into place, so a failed or interrupted build
never leaves a broken database behind, and data with errors never replaces a good build. The temporary
file names its builder's PID, so the leftovers of a killed builder are removed by the next build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pruneatlas import __version__, paths
from pruneatlas.atomic import remove_orphans, temp_name
from pruneatlas.data_files import NotARegularFile, find_yaml_files, read_regular
from pruneatlas.problems import Problem

if TYPE_CHECKING:
    import duckdb

    from pruneatlas.loader import Atlas

VIEW_FILES = ("results", "conflicts", "reproductions", "operating_points", "published", "training_costs")
# Modules of pruneatlas/ that cannot change what a build contains (commands, the query path, exports, the
# scaffold). Every other module there is hashed into the build's name, so a new one is covered by default.
NOT_SHAPING_BUILDS = frozenset(
    {"cli.py", "sql.py", "analyses.py", "export.py", "scaffold.py", "schema_file.py", "row_text.py"}
)
BUILD_SUFFIX = ".duckdb"


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


class CacheUnwritable(RuntimeError):
    """The cache folder cannot take a new build (read-only, full, or not a folder)."""


def code_files() -> list[Path]:
    """The modules that parse, check, derive and build: every module of the package but `NOT_SHAPING_BUILDS`."""
    return sorted(p for p in paths.PACKAGE.glob("*.py") if p.name not in NOT_SHAPING_BUILDS)


def _files(roots: Sequence[Path]) -> list[Path]:
    files = find_yaml_files([root for root in roots if root.is_dir()])[0]
    files += sorted(paths.SCHEMA.glob("*.yaml")) + sorted(paths.RESOURCE.rglob("*.sql"))
    return files + code_files()


def input_hash(roots: Sequence[Path]) -> str:
    """sha256 over the names and bytes of the data, vocabularies, SQL and the code that shapes the build."""
    digest = hashlib.sha256(__version__.encode())
    for path in _files(roots):
        digest.update(str(path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path).encode())
        digest.update(b"\0")
        try:
            digest.update(read_regular(path))
        except (OSError, NotARegularFile) as exc:  # changed under our feet; the loader will say what it is
            digest.update(f"unreadable: {exc}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def atlas_id(roots: Sequence[Path]) -> str:
    """Which atlas (set of data folders) a build belongs to, so a shared cache never serves another atlas."""
    return hashlib.sha256("\0".join(str(root.resolve()) for root in roots).encode()).hexdigest()[:8]


def database_path(roots: Sequence[Path] | None = None) -> Path:
    """Where the build for the current inputs lives (built or not)."""
    roots = list(roots or paths.data_roots())
    return paths.cache_dir() / f"atlas-{atlas_id(roots)}-{input_hash(roots)[:16]}{BUILD_SUFFIX}"


def remove_killed_builds(folder: Path) -> list[Path]:
    """The half-written databases (and their WAL files) of builders that were killed, removed."""
    removed = remove_orphans(folder.glob(f".build.*{BUILD_SUFFIX}"), BUILD_SUFFIX)
    return removed + remove_orphans(folder.glob(f".build.*{BUILD_SUFFIX}.wal"), f"{BUILD_SUFFIX}.wal")


def write_database(target: Path, atlas: Atlas) -> dict[str, float]:
    """Tables, then the views in resource/, into a temporary file renamed to `target` at the end."""
    import duckdb
    import pandas as pd

    from pruneatlas.rows import COST_COLUMNS
    from pruneatlas.table import results_arrow

    timings: dict[str, float] = {}
    started = time.perf_counter()
    results = results_arrow(atlas.row_tables, atlas.conflicts)
    papers = pd.DataFrame(atlas.paper_rows)
    costs = pd.DataFrame(atlas.cost_rows, columns=COST_COLUMNS)
    pairs = pd.DataFrame(
        [c.as_row() for c in atlas.conflicts],
        columns=["field", "result_a", "result_b", "value_a", "value_b", "likely_right"],
    )
    timings["dataframes"] = time.perf_counter() - started
    tmp = target.parent / temp_name("build", BUILD_SUFFIX)
    try:
        started = time.perf_counter()
        with duckdb.connect(str(tmp)) as con:
            con.register("results_frame", results)
            con.register("papers_frame", papers)
            con.register("pairs_frame", pairs)
            con.execute("CREATE TABLE results_base AS SELECT * FROM results_frame")
            con.execute("CREATE TABLE papers AS SELECT * FROM papers_frame")
            con.execute("CREATE TABLE conflict_pairs AS SELECT * FROM pairs_frame")
            con.register("costs_frame", costs)
            con.execute("CREATE TABLE training_costs_base AS SELECT * FROM costs_frame")
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


# Data each compiling worker process should have, to repay the second or so it takes to start one.
BYTES_PER_WORKER = 4 * 1024 * 1024


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one, e.g. a container's
    cpuset), not merely the machine's count."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def compile_workers(roots: Sequence[Path]) -> int:
    """Worker processes for compiling paper files, which is CPU-bound and splits by file: one per usable CPU, but
    no more than one per started `BYTES_PER_WORKER` of data (a single process up to that size)."""
    size = sum(p.stat().st_size for p in find_yaml_files([root for root in roots if root.is_dir()])[0])
    return max(1, min(usable_cpus(), -(-size // BYTES_PER_WORKER)))


def _compile_and_write(roots: list[Path], target: Path) -> dict[str, float]:
    """Load and check the atlas, then write its database (the phases' timings): in a frame of its own, so the
    atlas is freed as soon as it is written."""
    import duckdb

    from pruneatlas.loader import load_atlas

    atlas = load_atlas(roots, context=roots, keep_models=False, with_rows=True, workers=compile_workers(roots))
    timings = dict(atlas.timings)
    if atlas.errors:
        raise BuildError(atlas.errors)
    try:
        remove_killed_builds(target.parent)
        return timings | write_database(target, atlas)
    except (OSError, duckdb.IOException) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else " ".join(str(exc).split())
        raise CacheUnwritable(f"cannot write a new build to {target.parent}: {reason}") from None


def build(roots: Sequence[Path] | None = None, force: bool = False, keep: int = 3) -> BuildResult:
    """The database for the current inputs: reused when they are unchanged, rebuilt otherwise.

    The loader and its models, DuckDB and pandas are imported only when a build is needed, so reusing one stays
    cheap (the app's first render). Raises BuildError when the data has errors and CacheUnwritable when the cache
    cannot take the new build.
    """
    started = time.perf_counter()
    roots = list(roots or paths.data_roots())
    target = database_path(roots)
    if target.exists() and not force:
        return BuildResult(target, True, time.perf_counter() - started, {})
    from pruneatlas.loader import no_cyclic_gc

    with no_cyclic_gc():  # left once the atlas is freed, so no collection ever scans its millions of objects
        timings = _compile_and_write(roots, target)
    _prune_old_builds(roots, target, keep)
    return BuildResult(target, False, time.perf_counter() - started, timings)


def _builds_of(roots: Sequence[Path]) -> list[Path]:
    """This atlas's builds in the cache, newest first (one pruned meanwhile by another process left out)."""
    dated = []
    for path in paths.cache_dir().glob(f"atlas-{atlas_id(roots)}-*{BUILD_SUFFIX}"):
        try:
            dated.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue
    return [path for _, path in sorted(dated, reverse=True)]


def _prune_old_builds(roots: Sequence[Path], current: Path, keep: int) -> None:
    for old in _builds_of(roots)[keep:]:
        if old != current:
            old.unlink(missing_ok=True)


def last_good_build(roots: Sequence[Path] | None = None) -> Path | None:
    """This atlas's most recent database in the cache: what readers fall back on while the data has errors
    or the cache cannot take a new build."""
    builds = _builds_of(list(roots or paths.data_roots()))
    return builds[0] if builds else None


def current_or_last_good(roots: Sequence[Path] | None = None) -> tuple[Path, BuildError | CacheUnwritable | None]:
    """The build for the current inputs; if they have errors or the cache cannot take it, the last good build
    and what stopped the new one (raised again when there is no earlier build to fall back on)."""
    try:
        return build(roots).path, None
    except (BuildError, CacheUnwritable) as exc:
        fallback = last_good_build(roots)
        if fallback is None:
            raise
        return fallback, exc


def readable_build(roots: Sequence[Path] | None = None) -> Path:
    """The current build, or the last good one (with a warning on stderr) while it cannot be made: what a reader
    opens. Neither DuckDB nor pandas is imported while the build is current."""
    import sys

    path, error = current_or_last_good(roots)
    if error is not None:
        print(f"warning: {error}; reading the last good build {path.name}", file=sys.stderr)
    return path


def open_readonly(roots: Sequence[Path] | None = None) -> duckdb.DuckDBPyConnection:
    """The current build (or the last good one while it cannot be made), read-only and locked down."""
    from pruneatlas.sql import connect_readonly

    return connect_readonly(readable_build(roots))
