"""Explore: filter every published row, sort it, and open one to see where its numbers come from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pruneatlas import export
from pruneatlas.app import common, costs, url_state
from pruneatlas.app.row_filters import apply_filters, filter_keys, filter_widgets

# column -> (label, descending by default): each order starts from its most useful end.
SORTABLE = {
    "acc_drop": ("Accuracy drop (least first)", False),
    "flops_reduction_pct": ("FLOPs removed (most first)", True),
    "params_reduction_pct": ("Parameters removed (most first)", True),
    "pruned_norm": ("Pruned accuracy (highest first)", True),
    "year": ("Year (newest first)", True),
    "paper_key": ("Paper (A to Z)", False),
    "method_label": ("Label (A to Z)", False),
}
TABLE_KEY = "explore-table"
URL_KEYS = {**filter_keys("explore"), "explore-sort": object, "explore-reverse": object, "explore-columns": list}


def sort_rows(frame: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    """Sorted with missing values last either way, ties broken by result id so the order is stable."""
    return frame.sort_values([column, "result_id"], ascending=[not descending, True], na_position="last")


def render() -> None:
    """The page: filters in the sidebar, the table, and the selected row's details."""
    path = common.database()
    frame = common.results(path)
    st.title("Explore published results")
    url_state.restore(URL_KEYS)
    with st.sidebar:
        st.subheader("Filters")
        spec = filter_widgets(frame, key="explore")
    shown = apply_filters(frame, spec)
    left, middle, right = st.columns([2, 1, 3])
    url_state.valid("explore-sort", list(SORTABLE), next(iter(SORTABLE)))
    sort_by = left.selectbox("Sort by", list(SORTABLE), format_func=lambda c: SORTABLE[c][0], key="explore-sort")
    reverse = middle.toggle("Reverse", key="explore-reverse")
    descending = SORTABLE[sort_by][1] != reverse
    more = [c for c in shown.columns if c not in common.TABLE_COLUMNS]
    url_state.valid("explore-columns", more)
    extra = right.multiselect(
        "More columns", more, key="explore-columns", placeholder="add columns: quote, notes, bounds, conflicts_with ..."
    )
    url_state.publish(URL_KEYS)
    shown = sort_rows(shown, sort_by, descending).reset_index(drop=True)
    papers_shown = shown["paper_key"].nunique()
    conflicts = int(shown["conflict"].sum())
    st.caption(
        f"**{len(shown)}** of {len(frame)} rows from {papers_shown} papers"
        + (f"; {conflicts} flagged as conflicting with another source" if conflicts else "")
        + ". Select a row to see every field, its quote and the paper's BibTeX."
    )
    costs.section(path, spec)
    if shown.empty:
        st.info("No rows match these filters. Clear some in the sidebar.")
        return
    event = st.dataframe(
        shown[[*common.TABLE_COLUMNS, *extra]],  # only what is shown travels to the browser
        column_config=common.COLUMN_CONFIG,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=TABLE_KEY,
        height=420,
    )
    order = f"sorted by {SORTABLE[sort_by][0].split(' (')[0].lower()}" + (", reversed" if reverse else "")
    common.downloads(path, shown, "explore", filters=f"{spec.describe()}; {order}")
    selected = event.selection.rows
    if selected and selected[0] < len(shown):
        details(path, shown.iloc[selected[0]])


def _field_table(row: pd.Series) -> pd.DataFrame:
    values = [(name, str(value)) for name, value in row.items() if not _missing(value) and name != "conflict"]
    return pd.DataFrame(values, columns=["field", "value"])


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def details(path: Path, row: pd.Series) -> None:
    """Every field of one row, where its numbers come from, and how to cite it."""
    st.subheader(f"{row['method_label']} — {row['paper_key']}")
    if not _missing(row.get("conflicts_with")):
        conflicts = common.view(path, "conflicts")
        mine = conflicts[(conflicts["result_a"] == row["result_id"]) | (conflicts["result_b"] == row["result_id"])]
        st.warning(f"Conflicts with {row['conflicts_with']}: another source prints a different number.")
        st.dataframe(mine, hide_index=True)
    for column, label in (("bounds", "Bounds or approximations"), ("discrepancies", "Published discrepancy")):
        if not _missing(row.get(column)):
            st.info(f"{label}: {row[column]}")
    where = f"**{row['locator']}** ({row['extraction']})"
    if not _missing(row.get("source_url")):
        where += f" of [{row['source_url']}]({row['source_url']})"
    st.markdown(f"Read from {where} of *{row['title']}* ({row['year']}).")
    if not _missing(row.get("quote")):
        st.markdown("> " + str(row["quote"]).replace("\n", "\n> "))
    if not _missing(row.get("paper_url")):
        st.link_button("Open the paper", str(row["paper_url"]), icon=":material/open_in_new:")
    left, right = st.columns([3, 2])
    with left:
        st.dataframe(_field_table(row), hide_index=True, width="stretch")
    with right:
        keys = export.cited_keys(row.to_frame().T)
        st.code(export.to_bibtex(keys, common.papers(path)), language="bibtex", wrap_lines=True)
