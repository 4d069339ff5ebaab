"""Pivot: the numbers shown equal a DuckDB query on the same rows, totals included."""

from __future__ import annotations

import json

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


def test_empty_cells_are_blank_and_values_show_two_decimals(atlas_path) -> None:
    at = page_app("pivot").run()
    table = at.dataframe[0]
    assert table.proto.HasField("placeholder") and table.proto.placeholder == ""  # blank, not "None"
    body = table.value.drop(index="Total", columns="Total")
    assert body.isna().any().any() and not (body == 0).any().any()  # a count of 0 is such an empty cell
    assert {column["type_config"]["format"] for column in json.loads(table.proto.columns).values()} == {"%d"}
    at.selectbox(key="pivot-cols").set_value("year").run()
    at.selectbox(key="pivot-agg").set_value("median").run()
    no_exceptions(at)
    table = at.dataframe[0]
    formats = {name: column["type_config"]["format"] for name, column in json.loads(table.proto.columns).items()}
    assert formats == {str(year): "%.2f" for year in table.value.columns}  # years are numbers, the names text


def test_a_selection_s_cache_key_names_exactly_its_ids() -> None:
    from pruneatlas.app.common import ids_key

    assert ids_key(["a/t1", "b/t2"]) == ids_key(["a/t1", "b/t2"])
    assert len({ids_key(["a/t1", "b/t2"]), ids_key(["b/t2", "a/t1"]), ids_key(["a/t1b/t2"]), ids_key([])}) == 4


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


def test_sort_by_total_top_n_hide_empty_and_the_pivots_own_latex(atlas_path) -> None:
    at = page_app("pivot").run()
    at.toggle(key="pivot-sort-total").set_value(True).run()
    at.number_input(key="pivot-top").set_value(1).run()
    at.toggle(key="pivot-hide-empty").set_value(True).run()
    no_exceptions(at)
    wide = at.dataframe[0].value
    body = wide.drop(index="Total", columns="Total")
    assert len(body) == 1 and (body != 0).all().all()  # the largest row, and only the columns it fills
    full = page_app("pivot").run().dataframe[0].value.drop(index="Total")
    assert body.index[0] == full["Total"].idxmax()
    files = {b.proto.label: b for b in at.get("download_button")}
    assert not files["LaTeX table"].proto.disabled


def test_pivot_latex_is_the_pivot_with_blank_empty_cells() -> None:
    from pruneatlas import export

    wide = pd.DataFrame({"cifar10": [3, 0, 3], "Total": [3, 1, 4]}, index=pd.Index(["resnet56", "vgg", "Total"]))
    wide.index.name, wide.columns.name = "architecture", "dataset"
    tex = export.pivot_latex(wide, "count by architecture and dataset.")
    assert "resnet56 & 3 & 3 \\\\" in tex and "vgg &  & 1 \\\\" in tex and "\\midrule\nTotal & 3 & 4" in tex


def test_cli_pivot_explains_a_bad_where_in_one_line(atlas_path) -> None:
    from click.testing import CliRunner

    from pruneatlas.cli import main

    outcome = CliRunner().invoke(main, ["pivot", "--where", "bogus_col = 1"])
    assert outcome.exit_code == 1 and isinstance(outcome.exception, SystemExit)  # a ClickException, not a crash
    assert outcome.output.strip().splitlines() == [outcome.output.strip()]  # one line, no traceback
    assert "bogus_col" in outcome.output and "--where" in outcome.output
