"""Training-cost claims (time or epochs) on the pages that show results. They carry no accuracy numbers, so they
get a table of their own beside the results instead of empty columns in it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas.app import common
from pruneatlas.app.row_filters import FilterSpec

COLUMNS = [
    "method_label", "paper_key", "architecture", "dataset", "quantity", "scope", "value", "std", "unit",
    "relative_label", "percent_of_reference", "comparison", "accuracy_claim", "hardware", "locator", "quote",
    "source_kind", "result_id",
]  # fmt: skip
CONFIG = {
    "method_label": st.column_config.TextColumn("Method (as printed)"),
    "paper_key": st.column_config.TextColumn("Paper"),
    "quantity": st.column_config.TextColumn("Counts"),
    "scope": st.column_config.TextColumn("What was measured", width="medium"),
    "value": st.column_config.NumberColumn("Amount", format="%g"),
    "std": st.column_config.NumberColumn("± std", format="%g"),
    "relative_label": st.column_config.TextColumn("Against"),
    "percent_of_reference": st.column_config.NumberColumn(
        "% of its cost", format="%g", help="this cost as a percentage of the reference's (100 = the same)"
    ),
    "comparison": st.column_config.TextColumn("In words"),
    "accuracy_claim": st.column_config.TextColumn("Accuracy at this cost"),
    "quote": st.column_config.TextColumn("Quote", width="large"),
}
RERUN_COLUMNS = [
    "claim_id", "claim_label", "claim_quote", "claim_reference", "claim_percent", "claim_comparison",
    "claim_hardware", "rerun_id", "rerun_scope", "rerun_percent", "rerun_value", "rerun_std", "rerun_unit",
    "rerun_runs", "rerun_hardware", "gap", "command", "cpu_time_s",
]  # fmt: skip
RERUN_CONFIG = {
    "claim_id": st.column_config.TextColumn("Published claim"),
    "claim_quote": st.column_config.TextColumn("Published claim (quote)", width="large"),
    "claim_percent": st.column_config.NumberColumn("Published % of reference", format="%g"),
    "rerun_percent": st.column_config.NumberColumn("Re-run % of reference", format="%.1f"),
    "gap": st.column_config.NumberColumn(
        "Gap (pp of the reference's cost)", format="%+.1f", help="re-run minus published; < 0: the re-run was cheaper"
    ),
    "cpu_time_s": st.column_config.NumberColumn("CPU time (s)", format="%.0f"),
}
FILTERED_COLUMNS = ("architecture", "dataset", "method", "source_kind")


def matching(costs: pd.DataFrame, spec: FilterSpec) -> pd.DataFrame:
    """The claims that the page's filters keep (the filters a cost claim has a column for)."""
    keep = pd.Series(True, index=costs.index)
    for column in FILTERED_COLUMNS:
        if spec.choices.get(column):
            keep &= costs[column].isin(spec.choices[column])
    if spec.years is not None:
        keep &= costs["year"].between(*spec.years)
    return costs[keep]


def section(path: Path, spec: FilterSpec) -> None:
    """The cost claims matching the filters, folded under one line (nothing when there are none)."""
    costs = matching(common.view(path, "training_costs"), spec)
    if costs.empty:
        return
    with st.expander(f"Training-cost claims: {len(costs)} (time or epochs, as printed)"):
        st.dataframe(costs, hide_index=True, column_order=COLUMNS, column_config=CONFIG)


def reproductions_section(path: Path) -> None:
    """Published cost claims beside our re-runs of them, with the gap in the share of the reference's cost."""
    pairs = common.view(path, "cost_reproductions")
    claims = len(common.view(path, "training_costs").query("source_kind != 'reproduced'"))
    st.subheader("Training-cost claims")
    if pairs.empty:
        st.caption(f"{claims} published claim(s) about training time or epochs; none re-run yet.")
        return
    st.caption(
        "Published claims about training time or epochs beside our re-runs. The comparison a claim makes (its share "
        "of a reference method's cost) is what a re-run on other hardware can test; absolute times are shown only."
    )
    st.dataframe(pairs, hide_index=True, column_order=RERUN_COLUMNS, column_config=RERUN_CONFIG)
