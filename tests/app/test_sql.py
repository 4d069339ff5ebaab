"""SQL console: SELECTs run read-only with a cap; anything else is refused with a message, never a traceback."""

from __future__ import annotations

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
