"""Pivot: the numbers shown equal a DuckDB query on the same rows, totals included."""

from __future__ import annotations

import duckdb
import pandas as pd
from app_helpers import no_exceptions, page_app


def _cells(con: duckdb.DuckDBPyConnection, agg: str, where: str = "NOT sweep") -> dict[tuple[str, str], float]:
    rows = con.execute(f"SELECT architecture, dataset, {agg} FROM results WHERE {where} GROUP BY ALL").fetchall()
    return {(a, d): v for a, d, v in rows}


def test_default_is_appendix_d_counts(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("pivot").run()
    no_exceptions(at)
    wide = at.dataframe[0].value
    assert wide.index.name == "architecture"
    expected = _cells(con, "count(*)")
    for (architecture, dataset), count in expected.items():
        assert wide.loc[architecture, dataset] == count
    cells = [(a, d) for a in wide.index for d in wide.columns if "Total" not in (a, d)]
    shown = {(a, d) for a, d in cells if pd.notna(wide.loc[a, d]) and wide.loc[a, d] != 0}
    assert shown == set(expected)
    total = con.execute("SELECT count(*) FROM results WHERE NOT sweep").fetchone()[0]
    assert wide.loc["Total", "Total"] == total
    per_dataset = con.execute("SELECT dataset, count(*) FROM results WHERE NOT sweep GROUP BY ALL").fetchall()
    for dataset, count in per_dataset:
        assert wide.loc["Total", dataset] == count


def test_median_of_a_numeric_column(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("pivot").run()
    at.toggle(key="pivot-sweep").set_value(True).run()
    at.selectbox(key="pivot-agg").set_value("median").run()
    at.selectbox(key="pivot-column").set_value("flops_reduction_pct").run()
    no_exceptions(at)
    wide = at.dataframe[0].value
    for (architecture, dataset), value in _cells(con, "median(flops_reduction_pct)", "TRUE").items():
        if value is None:
            assert pd.isna(wide.loc[architecture, dataset])
        else:
            assert abs(wide.loc[architecture, dataset] - value) < 1e-9


def test_rows_and_columns_are_choosable(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("pivot").run()
    at.selectbox(key="pivot-rows").set_value("category").run()
    at.selectbox(key="pivot-cols").set_value("source_kind").run()
    no_exceptions(at)
    wide = at.dataframe[0].value
    rows = con.execute("SELECT category, source_kind, count(*) FROM results WHERE NOT sweep GROUP BY ALL").fetchall()
    for category, kind, count in rows:
        assert wide.loc[category, kind] == count
