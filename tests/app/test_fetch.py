"""The explorer reads query results through Arrow (`common.fetch`): the same frame as DuckDB's `.df()`, faster;
its Arrow buffers come from the system's allocator; one connection per build, a cursor per query."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from app_helpers import no_exceptions, page_app

from pruneatlas import api
from pruneatlas import build as build_module
from pruneatlas.app import common
from pruneatlas.app.common import fetch


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * EXCLUDE (record) FROM results_points ORDER BY result_id",
        "SELECT * FROM papers ORDER BY paper_key",
        "SELECT * FROM (VALUES (1, NULL, TRUE, NULL, 'a'), (2, 3, FALSE, TRUE, NULL)) AS t(n, gap, flag, maybe, text)",
    ],
)
def test_fetch_gives_the_frame_duckdb_gives(con, sql: str) -> None:
    expected, got = con.execute(sql).df(), fetch(con, sql)
    assert list(got.columns) == list(expected.columns) and len(got) == len(expected) > 0
    for name in expected.columns:
        if expected[name].isna().all():  # an all-null text column: None (object) there, NaN (str) here
            assert got[name].isna().all(), name
            continue
        pd.testing.assert_series_equal(got[name], expected[name], check_dtype=False, obj=name)
        if pd.api.types.is_integer_dtype(expected[name]) or pd.api.types.is_bool_dtype(expected[name]):
            assert got[name].dtype == expected[name].dtype, name  # nullable where `.df()` is: Int32, boolean


def test_arrow_buffers_use_the_system_allocator() -> None:
    """mimalloc, pyarrow's default, is slow to start in Streamlit's script threads (see common.py)."""
    assert pa.default_memory_pool().backend_name == "system"


def test_a_page_opens_the_build_once_and_queries_on_cursors(atlas_path, monkeypatch) -> None:
    """Opening a connection costs 30 ms of CPU; Explore's first render runs four queries on one."""
    st.cache_data.clear()
    st.cache_resource.clear()
    opened: list[Path] = []
    real = api.open_build
    monkeypatch.setattr(api, "open_build", lambda path: opened.append(path) or real(path))
    at = page_app("explore").run()
    no_exceptions(at)
    assert opened == [atlas_path]


def test_cursors_serve_many_threads_at_once(atlas_path) -> None:
    """Script threads query the one connection together (a page still running while the next starts)."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                with common.connection(atlas_path) as con:
                    assert len(fetch(con, "SELECT * EXCLUDE (record) FROM results_points")) > 0
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_a_built_atlas_costs_one_hash_of_its_inputs(atlas_path, monkeypatch) -> None:
    """Telling that the inputs are built takes one pass over every data, schema, SQL and code file, not two."""
    st.cache_resource.clear()
    hashed: list[object] = []
    real = build_module.input_hash
    counted = lambda roots: hashed.append(roots) or real(roots)  # noqa: E731
    monkeypatch.setattr(build_module, "input_hash", counted)
    monkeypatch.setattr(common, "input_hash", counted, raising=False)  # wherever the app may call it from
    assert common.database() == atlas_path
    assert len(hashed) == 1


def test_frontier_loads_only_the_chosen_pair_s_rows_kept_per_build(atlas_path, con, monkeypatch) -> None:
    """Frontier never loads the whole published view (0.2 s of its first render): it counts the pairs and fetches
    the chosen pair's rows, kept as one object per build and pair (not pickled through st.cache_data)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    loaded: list[str] = []
    real = common.results
    monkeypatch.setattr(common, "results", lambda path, view="results_points": loaded.append(view) or real(path, view))
    no_exceptions(page_app("frontier").run())
    assert loaded == []
    pair = ("resnet56", "cifar10")
    rows = common.pair_results(atlas_path, "published_with_sweeps", pair)
    expected = con.execute(
        "SELECT result_id FROM published_with_sweeps WHERE architecture = ? AND dataset = ? ORDER BY result_id", pair
    ).df()
    assert rows["result_id"].tolist() == expected["result_id"].tolist() and len(rows) > 0
    kept = common._pair_results(str(atlas_path), "published_with_sweeps", *pair)
    assert kept is common._pair_results(str(atlas_path), "published_with_sweeps", *pair)
    with pytest.raises(ValueError, match="not a view name"):
        common.pair_results(atlas_path, "results; SELECT 1", pair)
    with pytest.raises(ValueError, match="not a view name"):
        common.results(atlas_path, "results; SELECT 1")
