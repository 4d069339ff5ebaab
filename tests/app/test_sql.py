"""SQL console: SELECTs run read-only with a cap; anything else is refused with a message, never a traceback."""

from __future__ import annotations

import time

import pytest
from app_helpers import no_exceptions, page_app


def _run(sql: str):
    at = page_app("sql_console").run()
    at.text_area(key="sql-text").set_value(sql)
    at.button[0].click().run()
    no_exceptions(at)
    return at


def test_select_returns_rows(atlas_path) -> None:
    at = _run("SELECT architecture, count(*) AS n FROM results GROUP BY ALL ORDER BY n DESC")
    assert not at.error
    table = at.dataframe[-1].value
    assert list(table.columns) == ["architecture", "n"] and len(table) > 1
    assert any("10,000 rows" in c.value and "10 s" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM results_base", "only SELECT"),
        ("CREATE TABLE x AS SELECT 1", "only SELECT"),
        ("SELECT 1; SELECT 2", "one statement"),
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("SELECT no_such_column FROM results", "no_such_column"),
        ("SELEC 1", "parse"),
    ],
)
def test_refusals_are_errors_not_tracebacks(atlas_path, sql: str, message: str) -> None:
    at = _run(sql)
    assert at.error and message.lower() in at.error[0].value.lower()


def test_a_query_over_a_limit_is_an_answer_and_the_page_lives_on(atlas_path, monkeypatch) -> None:
    from pruneatlas.app import sql_console
    from pruneatlas.sandbox import STARTUP_GRACE_S, Limits

    monkeypatch.setattr(sql_console, "LIMITS", Limits(timeout_s=1, memory_mb=1536, result_mb=8))
    started = time.perf_counter()
    slow = _run("SELECT jaro_winkler_similarity(repeat('ab', 2000000), repeat('ba', 2000000)) AS s")
    assert [e.value for e in slow.error] == ["stopped after the 1 s time limit"]
    assert time.perf_counter() - started < 1 + STARTUP_GRACE_S + 5
    huge = _run("SELECT repeat('x', 300000) AS s FROM range(10001)")
    assert "memory limit" in huge.error[0].value
    wide = _run("SELECT repeat('x', 100000) AS s FROM range(200)")
    assert "more than the 8 MB a query may return" in wide.error[0].value
    after = _run("SELECT count(*) AS n FROM results")
    assert not after.error and after.dataframe[-1].value["n"].tolist() == [12]


@pytest.mark.parametrize(
    "sql",
    ["SELECT current_setting('temp_directory')", "SELECT * FROM duckdb_settings()", "SELECT * FROM duckdb_databases()"],
)
def test_internals_are_not_shown(atlas_path, sql: str) -> None:
    at = _run(sql)
    assert "not available here" in at.error[0].value and len(at.dataframe) == 1  # only the list of columns
