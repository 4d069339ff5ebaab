"""Named analyses over the results view (or any relation with its columns): pivot, Figure 4, Pareto front.

The SQL lives in resource/analyses/; this module only checks identifiers and reshapes small results.
The same functions serve the command line, the app (over a filtered DataFrame) and the benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pruneatlas.sql import load_sql, lock, single_select

AGGREGATES = {
    "count": "count",
    "min": "min",
    "max": "max",
    "mean": "avg",
    "avg": "avg",
    "median": "median",
    "sum": "sum",
}
_VALUE = re.compile(r"^\s*(?P<agg>[a-z]+)\s*(\(\s*(?P<col>[A-Za-z_][A-Za-z0-9_]*)?\s*\))?\s*$")
TOTAL = "Total"


class AnalysisError(ValueError):
    """A request naming a column or aggregate that does not exist; the message lists the valid ones."""


def columns_of(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]


def _checked_column(name: str, known: list[str]) -> str:
    if name not in known:
        raise AnalysisError(f"unknown column {name!r}; choose from: {', '.join(known)}")
    return f'"{name}"'


@dataclass(frozen=True)
class PivotValue:
    """`count`, or an aggregate of a numeric column such as `min(acc_drop)` or `median(flops_reduction_pct)`."""

    aggregate: str
    column: str | None

    @classmethod
    def parse(cls, text: str) -> PivotValue:
        match = _VALUE.match(text.lower()) if text else None
        if not match or match["agg"] not in AGGREGATES:
            raise AnalysisError(f"cannot read value {text!r}; use count or one of {', '.join(AGGREGATES)}(column)")
        column = text[match.start("col") : match.end("col")] if match["col"] else None  # as spelt, not lowered
        if match["agg"] != "count" and column is None:
            raise AnalysisError(f"{match['agg']} needs a column, e.g. {match['agg']}(acc_drop)")
        return cls(match["agg"], column)

    def sql(self, known: list[str]) -> str:
        if self.column is None:
            return "count(*)"
        return f"{AGGREGATES[self.aggregate]}({_checked_column(self.column, known)})"

    def label(self) -> str:
        return "count" if self.column is None else f"{self.aggregate}({self.column})"


def pivot(
    con: duckdb.DuckDBPyConnection,
    rows: str,
    cols: str,
    value: str = "count",
    where: str | None = None,
    source: str = "results",
    run: Callable[[str], pd.DataFrame] | None = None,
    params: dict[str, object] | None = None,
) -> pd.DataFrame:
    """A wide table with a Total row and column; the default is Vadera & Ameen's Appendix D.

    `run` executes the pivot's SQL (default: on `con`, with `params` for the `$parameters` of `where`); the CLI
    passes the limited query path, as `where` is the reader's own SQL."""
    known = columns_of(con, source)
    spec = PivotValue.parse(value)
    sql = load_sql("analyses/pivot").format(
        row=_checked_column(rows, known),
        col=_checked_column(cols, known),
        agg=spec.sql(known),
        source=source,
        where=where or "TRUE",
    )
    long = run(sql) if run else con.execute(single_select(sql, con), params).df()
    long["row_key"] = long["row_key"].where(long["row_total"] == 0, TOTAL).fillna("(none)")
    long["col_key"] = long["col_key"].where(long["col_total"] == 0, TOTAL).fillna("(none)")
    wide = long.pivot_table(index="row_key", columns="col_key", values="value", aggfunc="first", dropna=False)
    order_rows = sorted(k for k in wide.index if k != TOTAL) + ([TOTAL] if TOTAL in wide.index else [])
    order_cols = sorted(k for k in wide.columns if k != TOTAL) + ([TOTAL] if TOTAL in wide.columns else [])
    wide = wide.reindex(index=order_rows, columns=order_cols)
    wide.index.name, wide.columns.name = rows, cols
    if spec.column is None:
        wide = wide.fillna(0).astype("int64")
    return wide


def arrange_pivot(
    wide: pd.DataFrame, by_total: bool = False, top: int | None = None, hide_empty: bool = False
) -> pd.DataFrame:
    """A pivot re-ordered for reading: rows and columns by their total (largest first), only the `top` rows, and
    without rows or columns that hold no value (0 counts, no aggregate). The Total row and column stay last."""
    body_rows = [k for k in wide.index if k != TOTAL]
    body_cols = [k for k in wide.columns if k != TOTAL]
    body = wide.loc[body_rows, body_cols]
    filled = body.notna() & (body != 0)
    if hide_empty:
        body_rows = [k for k in body_rows if filled.loc[k].any()]
    if by_total and TOTAL in wide.columns:
        body_rows = sorted(body_rows, key=lambda k: -_sortable(wide.at[k, TOTAL]))
    if by_total and TOTAL in wide.index:
        body_cols = sorted(body_cols, key=lambda k: -_sortable(wide.at[TOTAL, k]))
    if top:
        body_rows = body_rows[:top]
    if hide_empty:  # columns without a value in the rows kept
        body_cols = [k for k in body_cols if filled.loc[body_rows, k].any()]
    rows = body_rows + [TOTAL] * (TOTAL in wide.index)
    cols = body_cols + [TOTAL] * (TOTAL in wide.columns)
    return wide.loc[rows, cols]


def _sortable(value: Any) -> float:
    return float("-inf") if value is None or pd.isna(value) else float(value)


def figure4(
    con: duckdb.DuckDBPyConnection,
    architecture: str,
    dataset: str,
    metric: str = "top1",
    include_sweep: bool = False,
    survey: str | None = None,
) -> pd.DataFrame:
    """One bar group per published operating point: % params and % FLOPs removed, and the accuracy drop.

    Runs on the build's published selection (`api.published_view`); with `survey` (a paper key), only the
    methods that paper names for this architecture and dataset.
    """
    from pruneatlas.api import published_view

    sql = load_sql("analyses/figure4").format(source=published_view(include_sweep))
    params = {"architecture": architecture, "dataset": dataset, "metric": metric, "survey": survey}
    return con.execute(sql, params).df()


def pareto(
    con: duckdb.DuckDBPyConnection,
    x: str = "flops_reduction_pct",
    y: str = "acc_drop",
    partition: tuple[str, ...] = (),
    where: str | None = None,
    source: str = "results",
    front_only: bool = False,
    params: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Every row with `on_front`: true when no row of its group removes more for no more accuracy lost.

    With `front_only`, just the rows on the front (cheaper to fetch from a large table). `where` may name
    `$parameters`, whose values come in `params`.
    """
    known = columns_of(con, source)
    groups = [_checked_column(c, known) for c in partition]
    sql = load_sql("analyses/pareto").format(
        x=_checked_column(x, known),
        y=_checked_column(y, known),
        groups="".join(f"{g}, " for g in groups),
        partition=f"PARTITION BY {', '.join(groups)}" if groups else "",
        same_group=" AND ".join(f"points.{g} IS NOT DISTINCT FROM front.{g}" for g in groups) or "TRUE",
        join="INNER" if front_only else "LEFT",
        source=source,
        where=where or "TRUE",
    )
    return con.execute(single_select(sql, con), params).df()


def frame_connection(frame: pd.DataFrame, name: str = "rows") -> duckdb.DuckDBPyConnection:
    """An in-memory, locked-down connection over a DataFrame, so the analyses run on filtered rows too."""
    con = duckdb.connect(":memory:")
    con.register(name, frame)
    return lock(con)
