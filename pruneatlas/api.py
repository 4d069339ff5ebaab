"""The one read path through the atlas, for every reader: the command line, the explorer, the exports, the
benchmarks and notebooks.

It owns loading (the checked paper files, through the loader), the connection (the cached build, read-only and
locked down), and the published selection (the `published` views of resource/published.sql); the
analyses are those of analyses.py over the SQL in resource/. So a notebook sees exactly the rows the CLI and
the explorer see. Every query function takes an optional `con` so a caller can reuse one connection. Nothing
heavy is imported until a function needs it, so `pruneatlas query` starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from pruneatlas.loader import Atlas

TABLES = ("results", "papers", "conflicts", "reproductions")
PUBLISHED = "published"  # published rows, sweep rows left out: what counts, charts and the front are made of
PUBLISHED_WITH_SWEEPS = "published_with_sweeps"  # the same with the points of hyper-parameter grids


def published_view(include_sweep: bool = False) -> str:
    """The view that holds the published selection: every row a source prints (never a re-run), sweep rows only
    when asked for. Add `op_primary` for one row per published number."""
    return PUBLISHED_WITH_SWEEPS if include_sweep else PUBLISHED


def load(targets: Sequence[Path] | None = None) -> Atlas:
    """The paper files (default: every data root) read and checked by the loader: papers, errors, warnings."""
    from pruneatlas.loader import load_atlas

    return load_atlas(list(targets) if targets else None)


def connect() -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection over the atlas (tables and views: results, papers, conflicts, reproductions).

    The database is built from the atlas on first use and cached; while the data has errors the last good build
    is read (with a warning), as the command line does.
    """
    from pruneatlas.build import open_readonly

    return open_readonly()


def build_path() -> Path:
    """The build file `connect` opens (made first when the data changed; the last good one, with a warning, while
    the data has errors), for a reader that opens it elsewhere: `pruneatlas query` runs it in a child process."""
    from pruneatlas.build import readable_build

    return readable_build()


def open_build(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only, locked-down connection on one build file that the caller already has (the explorer opens one
    per query; a benchmark opens its snapshot's)."""
    from pruneatlas.sql import connect_readonly

    return connect_readonly(path)


def _con(con: duckdb.DuckDBPyConnection | None) -> duckdb.DuckDBPyConnection:
    return connect() if con is None else con


def _where(filters: dict[str, Any], known: list[str], view: str = "results") -> tuple[str, list[Any]]:
    """A WHERE clause for column = value filters: a list or tuple means IN, None means IS NULL."""
    from pruneatlas.analyses import AnalysisError

    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        if name not in known:
            raise AnalysisError(f"{view} has no column {name!r}; choose from: {', '.join(known)}")
        column = f'"{name}"'
        if value is None:
            clauses.append(f"{column} IS NULL")
        elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
            values = list(value)
            if not values:
                clauses.append("FALSE")
            else:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        else:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " AND ".join(clauses) or "TRUE", params


def results(*, con: duckdb.DuckDBPyConnection | None = None, **filters: Any) -> pd.DataFrame:
    """Rows of the results view whose columns equal the given values, in result_id order.

    `results(architecture="resnet56", dataset="cifar10")`; a list means any of its values
    (`method=["hrank", "fpgm"]`), None means the value is missing. An unknown column, or a value its column
    cannot hold, is an AnalysisError (a ValueError) that says which.
    """
    return _matching("results", con, filters)


def published(
    *, include_sweep: bool = False, con: duckdb.DuckDBPyConnection | None = None, **filters: Any
) -> pd.DataFrame:
    """Rows of the published selection (no re-runs; sweep rows only with `include_sweep`) whose columns equal
    the given values, as `results` takes them, with their operating point (`op_primary`, `op_sources`, ...)."""
    return _matching(published_view(include_sweep), con, filters)


def _matching(view: str, con: duckdb.DuckDBPyConnection | None, filters: dict[str, Any]) -> pd.DataFrame:
    import duckdb

    from pruneatlas.analyses import AnalysisError, columns_of

    con = _con(con)
    where, params = _where(filters, columns_of(con, view), view)
    try:
        return con.execute(f"SELECT * FROM {view} WHERE {where} ORDER BY result_id", params).df()
    except duckdb.ConversionException as exc:  # a value of the wrong type for its column
        raise AnalysisError(f"{view}({_spelled(filters)}): {str(exc).splitlines()[0]}") from None


def _spelled(filters: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in filters.items())


def _table(name: str, con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    """A whole table or view: results, papers, conflicts or reproductions."""
    if name not in TABLES:
        raise ValueError(f"no table {name!r}; choose from: {', '.join(TABLES)}")
    return _con(con).execute(f"SELECT * FROM {name}").df()


def papers(con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per source document: key, title, authors, year, venue, links and BibTeX."""
    return _table("papers", con)


def conflicts_table(con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Results that two sources give differently for the same paper, method and setting, both sources named.

    Not `conflicts()`: pruneatlas.conflicts is the module that finds them, and a submodule wins that name.
    """
    return _table("conflicts", con)


def reproductions(con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Each published claim beside our re-run of it, with the gap, the command and the CPU time."""
    return _table("reproductions", con)


def pivot(
    rows: str = "architecture",
    cols: str = "dataset",
    value: str = "count",
    where: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """A wide table with totals; the default is Vadera & Ameen's Appendix D (architecture x dataset counts).

    `value` is `count` or an aggregate of a numeric column, e.g. `min(acc_drop)`; `where` an SQL condition.
    """
    from pruneatlas import analyses

    return analyses.pivot(_con(con), rows, cols, value, where)


def figure4(
    architecture: str,
    dataset: str,
    metric: str = "top1",
    include_sweep: bool = False,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Vadera & Ameen's Figure 4 for one panel: % parameters and % FLOPs removed and the accuracy drop per method
    label."""
    from pruneatlas import analyses

    return analyses.figure4(_con(con), architecture, dataset, metric, include_sweep)


def pareto(
    x: str = "flops_reduction_pct",
    y: str = "acc_drop",
    partition: Iterable[str] = (),
    where: str | None = None,
    front_only: bool = False,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Every row with `on_front` (no row of its group removes more for no more accuracy lost); with
    `front_only`, just the front. `partition` names the columns that make the groups."""
    from pruneatlas import analyses

    return analyses.pareto(_con(con), x, y, tuple(partition), where, front_only=front_only)
