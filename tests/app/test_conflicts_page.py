"""Conflicts: each conflict with both quotes and locators side by side, searchable, and in the URL."""

from __future__ import annotations

import duckdb
from app_helpers import no_exceptions, page_app


def test_both_sides_of_every_conflict_are_shown(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("conflicts").run()
    no_exceptions(at)
    table = at.dataframe[0].value
    expected = con.execute("SELECT field, result_a, result_b FROM conflicts").fetchall()
    assert sorted(zip(table["field"], table["result_a"], table["result_b"], strict=True)) == sorted(expected)
    row = table[table["field"] == "accuracy.pruned"].iloc[0]
    assert (row["value_a"], row["value_b"]) == (6.90, 7.20)
    assert row["locator_a"] and row["locator_b"] and row["quote_a"] and row["quote_b"]
    assert len(at.expander) == len(expected)
    at.multiselect(key="conflicts-field").set_value(["accuracy.pruned"]).run()
    assert at.dataframe[0].value["field"].tolist() == ["accuracy.pruned"]
    at.text_input(key="conflicts-search").set_value("no such paper").run()
    assert at.dataframe[0].value.empty
