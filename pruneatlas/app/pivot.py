"""Pivot: any two columns against each other with totals; the default is Vadera & Ameen's Appendix D."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from pruneatlas import analyses, export
from pruneatlas.app import common, url_state
from pruneatlas.app.row_filters import apply_filters, filter_keys, filter_widgets

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

GROUP_COLUMNS = [
    "architecture", "dataset", "method", "category", "granularity", "structured", "source_kind", "norm_metric",
    "metric", "year", "family", "task", "scope", "schedule", "extraction", "paper_key", "venue", "sweep",
]  # fmt: skip
SOURCE = "results_points"  # what `common.results` holds: every row with its operating point
AGGREGATES = ["count", "min", "median", "max", "mean", "sum"]
URL_KEYS = {
    **filter_keys("pivot", extra=False),
    **dict.fromkeys(["pivot-rows", "pivot-cols", "pivot-agg", "pivot-column", "pivot-sort-total", "pivot-hide-empty",
                     "pivot-top"], object),
}  # fmt: skip


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns a min/median/max/mean can be taken of (not ids, not flags)."""
    skip = {"year", "num_runs"}
    return [
        c
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c]) and c not in skip and not pd.api.types.is_bool_dtype(frame[c])
    ]


def value_spec(aggregate: str, column: str | None) -> str:
    """The value text `analyses.pivot` reads: `count` or `median(acc_drop)`."""
    return "count" if aggregate == "count" else f"{aggregate}({column})"


@st.cache_data(show_spinner=False, max_entries=64)
def pivot_frame(path: str, ids_key: str, _ids: list[str], row: str, col: str, value: str) -> pd.DataFrame:
    """The pivot of the rows the filters keep (`_ids`, named by `ids_key`: common.ids_key), on the build through
    the same SQL as the command line."""
    with common.connection(Path(path)) as con:
        return analyses.pivot(con, row, col, value, common.AMONG_IDS, source=SOURCE, params={"ids": _ids})


def displayed(wide: pd.DataFrame, aggregate: str) -> tuple[pd.DataFrame, dict[str, ColumnConfig]]:
    """The pivot as shown, and the format of each column: whole counts, or two decimals. An empty cell (a count
    of 0, or no value) is missing, which the table draws blank: blanks read faster than zeros, as in the survey's
    table. A pandas Styler did this at a cost of 0.6 s of the first render (it formats each of the default
    pivot's 27,000 cells in Python)."""
    if aggregate == "count":
        counts = wide.to_numpy()
        wide = pd.DataFrame(np.where(counts == 0, np.nan, counts), index=wide.index, columns=wide.columns)
    number = st.column_config.NumberColumn(format="%d" if aggregate == "count" else "%.2f")
    return wide, {str(column): number for column in wide.columns}


def pivot_tex(wide: pd.DataFrame, caption: str) -> bytes:
    """The pivot as shown, as a LaTeX table (made when its download button is clicked)."""
    return export.pivot_latex(wide, caption).encode("utf-8")


def render() -> None:
    path = common.database()
    frame = common.results(path)
    st.title("Pivot")
    st.caption(
        "Rows × columns with totals. The default — architectures × datasets, counting results — is the table of "
        "Vadera & Ameen (2021), Appendix D, over every row the filters keep (sweep rows are out unless switched on)."
    )
    numeric = numeric_columns(frame)
    column_default = "acc_drop" if "acc_drop" in numeric else numeric[0]
    url_state.restore(URL_KEYS, {"pivot-cols": GROUP_COLUMNS[1], "pivot-column": column_default})
    with st.sidebar:
        st.subheader("Filters")
        spec = filter_widgets(frame, key="pivot", extra=False)
    rows = apply_filters(frame, spec)
    c1, c2, c3, c4 = st.columns(4)
    url_state.valid("pivot-rows", GROUP_COLUMNS, GROUP_COLUMNS[0])
    url_state.valid("pivot-cols", GROUP_COLUMNS, GROUP_COLUMNS[1])
    url_state.valid("pivot-agg", AGGREGATES, AGGREGATES[0])
    url_state.valid("pivot-column", numeric, column_default)
    row = c1.selectbox("Rows", GROUP_COLUMNS, key="pivot-rows")
    col = c2.selectbox("Columns", GROUP_COLUMNS, key="pivot-cols")
    aggregate = c3.selectbox("Value", AGGREGATES, key="pivot-agg")
    column = None
    if aggregate != "count":
        column = c4.selectbox("of column", numeric, key="pivot-column")
    c5, c6, c7 = st.columns(3)
    by_total = c5.toggle("Sort by total", key="pivot-sort-total")
    hide_empty = c6.toggle("Hide empty rows and columns", key="pivot-hide-empty")
    top = c7.number_input("Top rows (0: all)", min_value=0, max_value=10_000, step=5, key="pivot-top")
    url_state.publish(URL_KEYS)
    if rows.empty:
        st.info("No rows match these filters.")
        return
    value = value_spec(aggregate, column)
    ids = rows["result_id"].tolist()
    wide = pivot_frame(str(path), common.ids_key(ids), ids, row, col, value)
    wide = analyses.arrange_pivot(wide, by_total, int(top) or None, hide_empty)
    st.caption(
        f"**{value}** over {len(rows)} rows (one per published operating point unless *Every source's row*); the "
        "last row and column are totals over every row the filters keep. Blank: no rows, or no value."
    )
    shown, config = displayed(wide, aggregate)
    st.dataframe(shown, height=min(3 + 35 * (len(wide) + 1), 700), column_config=config, placeholder="")
    st.caption("CSV, Parquet and LaTeX hold the pivot as shown; BibTeX cites the papers of the rows it counts.")
    caption = f"{value} by {row} and {col} (PruneAtlas pivot)."
    common.downloads(path, wide.reset_index(), "pivot", rows=rows, latex=functools.partial(pivot_tex, wide, caption))
