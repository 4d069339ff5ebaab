"""Conflicts: two sources that print a different number for the same paper, method and setting, side by side.

Neither number is changed here: the page shows both quotes and where each was read, so a reader can open
both sources and judge (the check that finds conflicts lives in pruneatlas/conflicts.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pruneatlas.app import common, url_state
from pruneatlas.sql import load_sql

URL_KEYS = {"conflicts-search": object, "conflicts-field": list}
CONFIG = {
    "field": st.column_config.TextColumn("Field"),
    "value_a": st.column_config.NumberColumn("Value A", format="%.4g"),
    "value_b": st.column_config.NumberColumn("Value B", format="%.4g"),
    "paper_a": st.column_config.TextColumn("Source A"),
    "paper_b": st.column_config.TextColumn("Source B"),
    "label_a": st.column_config.TextColumn("Label A"),
    "label_b": st.column_config.TextColumn("Label B"),
    "locator_a": st.column_config.TextColumn("Where A"),
    "locator_b": st.column_config.TextColumn("Where B"),
    "quote_a": st.column_config.TextColumn("Quote A", width="large"),
    "quote_b": st.column_config.TextColumn("Quote B", width="large"),
    "url_a": st.column_config.LinkColumn("Open A"),
    "url_b": st.column_config.LinkColumn("Open B"),
}


def matching(pairs: pd.DataFrame, text: str, fields: list[str]) -> pd.DataFrame:
    """Conflicts of the chosen fields whose papers, method, labels or setting contain `text` (any case)."""
    keep = pairs["field"].isin(fields) if fields else pd.Series(True, index=pairs.index)
    needle = text.strip().lower()
    if needle:
        columns = ["paper_a", "paper_b", "label_a", "label_b", "method", "method_paper", "architecture", "dataset"]
        haystack = pairs[columns].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
        keep &= haystack.str.contains(needle, regex=False)
    return pairs[keep]


def render() -> None:
    path = common.database()
    st.title("Conflicts")
    st.caption(
        "Results that two sources print differently for the same paper, method and setting. Both numbers are "
        "kept; each side shows its quote and where it was read. Open both sources to judge."
    )
    pairs = common.query(path, load_sql("analyses/conflicts_side_by_side"))
    if pairs.empty:
        st.info("No conflicts: every source that repeats a number prints the same one.")
        return
    url_state.restore(URL_KEYS)
    fields = sorted(pairs["field"].dropna().unique())
    url_state.valid("conflicts-field", fields)
    left, right = st.columns([2, 1])
    text = left.text_input("Search papers, methods, labels", key="conflicts-search", placeholder="e.g. HRank")
    chosen = right.multiselect("Field", fields, key="conflicts-field", placeholder="any", select_all=False)
    url_state.publish(URL_KEYS)
    shown = matching(pairs, text, chosen)
    st.caption(f"**{len(shown)}** of {len(pairs)} conflicts.")
    st.dataframe(shown, hide_index=True, column_config=CONFIG, column_order=list(CONFIG))
    if len(shown) > 20:
        st.caption("Side by side below: the first 20 in the table's order; search to reach the others.")
    for row in shown.head(20).itertuples():
        with st.expander(f"{row.field}: {row.value_a:g} ({row.paper_a}) vs {row.value_b:g} ({row.paper_b}) — "
                         f"{row.method_paper}, {row.architecture} / {row.dataset}"):  # fmt: skip
            a, b = st.columns(2)
            for column, side in ((a, "a"), (b, "b")):
                column.markdown(f"**{getattr(row, f'paper_{side}')}**, {getattr(row, f'locator_{side}')}")
                column.markdown("> " + str(getattr(row, f"quote_{side}") or "(no quote)").replace("\n", "\n> "))
                url = getattr(row, f"url_{side}")
                if isinstance(url, str) and url:
                    column.markdown(f"[{url}]({url})")
    common.downloads(path, shown, "conflicts")
