"""The explorer reads query results through Arrow (`common.fetch`): the same frame as DuckDB's `.df()`, faster;
and its Arrow buffers come from the system's allocator."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

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
