"""SQL: one SELECT at a time over the read-only build, in a process of its own with a row cap, a time limit, and
memory and result-size limits; errors, never tracebacks, and a query over a limit never takes the server down."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas.app import common
from pruneatlas.sandbox import Limits, run_limited
from pruneatlas.sql import QueryRefused

LIMITS = Limits()

EXAMPLE = """\
SELECT method_label, paper_key, baseline_norm, pruned_norm, acc_drop, flops_reduction_pct
FROM results
WHERE architecture = 'resnet56' AND dataset = 'cifar10' AND flops_reduction_pct >= 50
ORDER BY acc_drop"""


def run(path: Path, sql: str) -> tuple[pd.DataFrame, bool]:
    """Rows and whether the cap cut them, or QueryRefused; any other failure is reported the same way."""
    try:
        return run_limited(path, sql, LIMITS)
    except QueryRefused:
        raise
    except Exception as exc:
        raise QueryRefused(f"{type(exc).__name__}: {exc}") from None


def render() -> None:
    path = common.database()
    st.title("SQL console")
    st.caption(
        f"One `SELECT` over the `results` view (and `papers`, `conflicts`, `reproductions`). The database is opened "
        f"read-only with file and network access disabled; at most {LIMITS.row_cap:,} rows "
        f"({LIMITS.result_mb:g} MB) come back, and a query is stopped after {LIMITS.timeout_s:g} s or at "
        f"{LIMITS.memory_mb:,} MiB of memory."
    )
    with st.expander("Columns of `results`"):
        columns = common.query(path, "DESCRIBE results")[["column_name", "column_type"]]
        st.dataframe(columns, hide_index=True, height=300)
    with st.form("sql-form"):
        sql = st.text_area("Query", EXAMPLE, height=160, key="sql-text")
        submitted = st.form_submit_button("Run", type="primary", icon=":material/play_arrow:")
    if not submitted and "sql-last" not in st.session_state:
        return
    if submitted:
        st.session_state["sql-last"] = sql
    query = st.session_state["sql-last"]
    try:
        frame, capped = run(path, query)
    except QueryRefused as exc:
        st.error(str(exc))
        return
    note = f" (cut at the {LIMITS.row_cap:,}-row cap)" if capped else ""
    st.caption(f"{len(frame):,} rows{note}.")
    st.dataframe(frame, hide_index=True, column_config=common.COLUMN_CONFIG)
    common.downloads(path, frame, "query")
