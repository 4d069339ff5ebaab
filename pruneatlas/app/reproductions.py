"""Reproductions: each published claim beside our re-run of it, with the gap; never one overwriting the other."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas.app import charts, common, costs

EMPTY_STATE = """\
**No re-runs yet.** A row appears here when one of our own re-runs names the published result it repeats:

1. `pruneatlas reproduce ...` trains and prunes the model (see the `reproduce/` package) and writes its
   result to `data/reproduced/<key>.yaml`, with the run's provenance (command, config hash, code version,
   library versions, hardware, seeds, wall time);
2. that row's `reproduces:` field holds the published row's id (`<paper_key>/<result id>`);
3. the atlas is rebuilt (automatically, on the next page load) and the `reproductions` view joins the two.

The published number is never changed by a re-run: both are kept and the gap is shown.
"""

COLUMNS = [
    "claim_id", "claim_label", "claim_quote", "architecture", "dataset", "metric", "claim_baseline", "claim_pruned",
    "claim_drop", "rerun_baseline", "rerun_pruned", "rerun_std", "rerun_runs", "rerun_drop", "gap", "drop_gap",
    "overall_gap", "claim_params_reduction_pct", "rerun_params_reduction_pct", "claim_locator", "rerun_id",
    "rerun_recipe", "command", "cpu_time_s", "wall_time_s",
]  # fmt: skip
CONFIG = {
    "claim_id": st.column_config.TextColumn("Published result"),
    "claim_label": st.column_config.TextColumn("Label"),
    "rerun_recipe": st.column_config.TextColumn("Recipe", help="the recipe that re-ran the claim, if any"),
    "claim_quote": st.column_config.TextColumn("Published claim (quote)", width="large"),
    "architecture": st.column_config.TextColumn("Architecture"),
    "dataset": st.column_config.TextColumn("Dataset"),
    "metric": st.column_config.TextColumn("Metric"),
    "claim_baseline": st.column_config.NumberColumn("Published baseline (%)", format="%.2f"),
    "rerun_baseline": st.column_config.NumberColumn("Re-run baseline (%)", format="%.2f"),
    "rerun_runs": st.column_config.NumberColumn("Runs", format="%d"),
    "claim_pruned": st.column_config.NumberColumn("Published (%)", format="%.2f"),
    "rerun_pruned": st.column_config.NumberColumn("Re-run (%)", format="%.2f"),
    "rerun_std": st.column_config.NumberColumn("Re-run ± std", format="%.2f"),
    "gap": st.column_config.NumberColumn("Gap (pp)", format="%+.2f", help="re-run minus published pruned accuracy"),
    "drop_gap": st.column_config.NumberColumn("Drop gap (pp)", format="%+.2f", help="re-run drop minus published"),
    "overall_gap": st.column_config.NumberColumn(
        "Overall gap (pp)", format="%+.2f", help="re-run minus published; > 0: the re-run did better"
    ),
    "claim_drop": st.column_config.NumberColumn("Published drop (pp)", format="%.2f"),
    "rerun_drop": st.column_config.NumberColumn("Re-run drop (pp)", format="%.2f"),
    "cpu_time_s": st.column_config.NumberColumn("CPU time (s)", format="%.0f", help="all seeds of the re-run"),
}


def render() -> None:
    path = common.database()
    st.title("Reproductions")
    st.caption("Published numbers beside our re-runs of them. Gap = re-run − published, in percentage points.")
    pairs = common.view(path, "reproductions")
    if pairs.empty:
        st.info(EMPTY_STATE)
    else:
        _accuracy_claims(path, pairs)
    costs.reproductions_section(path)


def _accuracy_claims(path: Path, pairs: pd.DataFrame) -> None:
    """Accuracy claims beside their re-runs: the two charts, the table and its downloads."""
    st.vega_lite_chart(charts.reproductions(pairs), width="stretch")
    st.subheader("Did the claim hold?")
    unmeasured = int(pairs["overall_gap"].isna().sum())
    st.caption(
        "Our re-run minus the published figure, with the spread of our seeds. Claims printed as a change are "
        "compared on the accuracy drop, each against its own dense baseline."
        + (f" {unmeasured} claim(s) stated only in words are in the table below, not here." if unmeasured else "")
    )
    st.vega_lite_chart(charts.reproduction_gaps(pairs), width="stretch")
    st.dataframe(pairs, hide_index=True, column_order=COLUMNS, column_config=CONFIG)
    rows = common.results_among(path, sorted(set(pairs["claim_id"]) | set(pairs["rerun_id"])))
    common.downloads(path, pairs, "reproductions", rows=rows)
