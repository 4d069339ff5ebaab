"""The query path under load: limits that hold for one slow or huge function call, flags that cannot switch
them off, and DuckDB's settings, paths and spill files kept out of reach."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas.build import build
from pruneatlas.cli import main
from pruneatlas.sandbox import STARTUP_GRACE_S, Limits, run_limited
from pruneatlas.sql import QueryRefused, connect_readonly, run_select

SLOW = "jaro_winkler_similarity(repeat('ab', 2000000), repeat('ba', 2000000))"  # one call of about a minute


@pytest.fixture
def database(write_paper: WritePaper) -> Path:
    write_paper(paper(results=[result()]))
    return build().path


def test_one_slow_function_call_stops_at_the_time_limit(database: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryRefused, match="stopped after the 1 s time limit"):
        run_limited(database, f"SELECT {SLOW}", Limits(timeout_s=1))
    assert time.perf_counter() - started < 1 + STARTUP_GRACE_S + 2


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT repeat('x', 300000) AS s FROM range(10001)", "memory limit"),
        ("SELECT range(1000000000) AS r", "memory limit"),
        ("SELECT repeat('x', 100000) AS s FROM range(200)", "the result is 19 MB, more than the 8 MB"),
    ],
)
def test_memory_and_result_size_are_capped(database: Path, sql: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message):
        run_limited(database, sql, Limits(memory_mb=1536, result_mb=8))
    frame, capped = run_limited(database, "SELECT count(*) AS n FROM results")
    assert frame["n"].tolist() == [1] and not capped


def test_rows_come_back_capped_and_typed(database: Path) -> None:
    frame, capped = run_limited(database, "SELECT range AS n, 'a' AS s FROM range(50)", Limits(row_cap=20))
    assert capped and frame["n"].tolist() == list(range(20)) and set(frame["s"]) == {"a"}


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT current_setting('temp_directory')",
        "SELECT * FROM duckdb_settings()",
        "SELECT path FROM duckdb_databases()",
        "SELECT * FROM duckdb_databases",
        "SELECT * FROM pragma_database_list",
        "SELECT * FROM glob('/tmp/*.duckdb.tmp/*')",
        "SELECT * FROM read_blob('/tmp/x.duckdb.tmp/duckdb_temp_storage-0.tmp')",
        "SELECT * FROM query('SELECT * FROM duckdb_settings()')",
        'SELECT n FROM results, (SELECT 1 AS n) WHERE n IN (SELECT 1 FROM "DuckDB_Settings"())',
    ],
)
def test_internals_are_hidden_from_every_query_path(database: Path, sql: str) -> None:
    with pytest.raises(QueryRefused, match="not available here"):
        run_limited(database, sql)
    with pytest.raises(QueryRefused, match="not available here"):
        run_select(connect_readonly(database), sql)


def test_a_string_that_names_an_internal_is_just_a_string(database: Path) -> None:
    frame, _ = run_limited(database, "SELECT 'duckdb_settings()' AS s, 'glob' AS g")
    assert frame.iloc[0].tolist() == ["duckdb_settings()", "glob"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--timeout", "inf"], "give seconds above 0 and at most 3600, not inf"),
        (["--timeout", "nan"], "not nan"),
        (["--timeout", "0"], "not 0.0"),
        (["--max-rows", "-1"], "-1 is not in the range x>=1"),
    ],
)
def test_query_flags_that_would_lift_a_limit_are_one_clear_line(database: Path, flags, message) -> None:
    outcome = CliRunner().invoke(main, ["query", "SELECT 1", *flags])
    assert outcome.exit_code == 2 and message in outcome.output.strip().splitlines()[-1]


def test_cli_query_stops_at_the_time_limit(database: Path) -> None:
    started = time.perf_counter()
    query = CliRunner().invoke(main, ["query", f"SELECT {SLOW}", "--timeout", "1"])
    assert query.exit_code == 1 and query.output == "Error: stopped after the 1 s time limit\n"
    assert time.perf_counter() - started < 1 + STARTUP_GRACE_S + 3


def test_pivot_where_runs_under_the_limits(database: Path) -> None:
    started = time.perf_counter()
    pivot = CliRunner().invoke(main, ["pivot", "--where", f"{SLOW} > 0", "--timeout", "1"])
    assert pivot.exit_code == 1 and pivot.output == "Error: stopped after the 1 s time limit\n"
    assert time.perf_counter() - started < 1 + STARTUP_GRACE_S + 3
    refused = CliRunner().invoke(main, ["pivot", "--where", "current_setting('threads') > 0"])
    assert refused.exit_code == 1 and "not available here" in refused.output
    counted = CliRunner().invoke(main, ["pivot", "--where", "NOT sweep", "--format", "json"])
    assert counted.exit_code == 0 and '"Total":1' in counted.output.replace(" ", "")
