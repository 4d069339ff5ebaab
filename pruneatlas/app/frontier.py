"""Frontier: what is best at a given cost — accuracy drop against reduction, with the Pareto front drawn.

The front comes from `analyses.pareto` (resource/analyses/pareto.sql), the one tested implementation; the
chart only draws its `on_front` flag. A companion chart shows each paper's own baseline, because a drop is
only comparable between papers whose dense models were equally good (baseline drift).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas import analyses
from pruneatlas.app import charts, common

X_CHOICES = {"flops_reduction_pct": "FLOPs removed", "params_reduction_pct": "Parameters removed"}
COLOUR_CHOICES = {"category": "Category", "method": "Method"}
DEFAULT_PAIR = ("resnet56", "cifar10")


def frontier_points(rows: pd.DataFrame, x: str) -> pd.DataFrame:
    """Rows that have both coordinates, each with `on_front` from the shared Pareto analysis."""
    con = analyses.frame_connection(rows.drop(columns=["conflict"], errors="ignore"), "rows")
    try:
        return analyses.pareto(con, x=x, y="acc_drop", source="rows")
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_points(path: str, architecture: str, dataset: str, metric: str, sweep: bool, x: str) -> pd.DataFrame:
    """The published rows of one panel with their Pareto flags, cached per build and choice."""
    return frontier_points(panel_rows(common.results(Path(path)), architecture, dataset, metric, sweep), x)


def panel_rows(frame: pd.DataFrame, architecture: str, dataset: str, metric: str, sweep: bool) -> pd.DataFrame:
    """Published (not re-run) rows of one architecture, dataset and metric; sweep rows only when asked for."""
    keep = (
        (frame["source_kind"] != "reproduced")
        & (frame["architecture"] == architecture)
        & (frame["dataset"] == dataset)
        & (frame["norm_metric"] == metric)
    )
    if not sweep:
        keep &= ~frame["sweep"].fillna(False).astype(bool)
    return frame[keep]


def baselines(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per paper and distinct baseline value it printed, with how many results use it."""
    known = rows.dropna(subset=["baseline_norm"])
    return (
        known.groupby(["paper_key", "year", "baseline_norm"], as_index=False)
        .agg(rows=("result_id", "count"))
        .sort_values(["year", "paper_key"])
    )


def _pairs(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(architecture, dataset) -> rows, most rows first."""
    counts = frame.groupby(["architecture", "dataset"]).size().sort_values(ascending=False)
    return {(str(a), str(d)): int(n) for (a, d), n in counts.items()}


def render() -> None:
    path = common.database()
    frame = common.results(path)
    st.title("Frontier: what is best at a given cost")
    published = frame[frame["source_kind"] != "reproduced"]
    counts = _pairs(published)
    pairs = list(counts)
    if not pairs:
        st.info("No published results yet.")
        return
    c1, c2, c3 = st.columns([2, 1, 1])
    pair = c1.selectbox(
        "Architecture and dataset",
        pairs,
        index=pairs.index(DEFAULT_PAIR) if DEFAULT_PAIR in pairs else 0,
        format_func=lambda p: f"{common.pair_option(frame, *p)} ({counts[p]} rows)",
        key="front-pair",
    )
    pair_rows = published[(published["architecture"] == pair[0]) & (published["dataset"] == pair[1])]
    metrics = sorted(pair_rows["norm_metric"].dropna().unique())
    metric = c2.selectbox(
        "Metric", metrics, index=metrics.index("top1") if "top1" in metrics else 0, key="front-metric"
    )
    sweep = c3.toggle("Include sweep rows", key="front-sweep")
    c4, c5 = st.columns(2)
    x = c4.radio("Reduction", list(X_CHOICES), format_func=X_CHOICES.get, horizontal=True, key="front-x")
    colour = c5.radio("Colour by", list(COLOUR_CHOICES), format_func=COLOUR_CHOICES.get, horizontal=True,
                      key="front-colour")  # fmt: skip
    rows = panel_rows(pair_rows, *pair, metric, sweep)
    title = common.pair_label(frame, *pair)
    points = _cached_points(str(path), *pair, metric, sweep, x)
    if points.empty:
        st.info(f"No {metric} rows for {title} give both an accuracy drop and {X_CHOICES[x].lower()}.")
    else:
        front = points[points["on_front"]].sort_values(x)
        st.caption(
            f"{len(points)} results ({metric}); **{len(front)} on the Pareto front**: no other result removes at "
            "least as much for no more accuracy lost. Hover a point for its source. Re-runs are not shown."
        )
        st.altair_chart(charts.frontier(points, x, colour, f"{title}: accuracy drop vs {X_CHOICES[x]}"),
                        width="stretch")  # fmt: skip
        with st.expander(f"The {len(points)} plotted results, the {len(front)} on the front first"):
            table = points.sort_values(["on_front", x], ascending=[False, False])
            on_front = st.column_config.CheckboxColumn("On the front")
            st.dataframe(table, hide_index=True, column_order=["on_front", *common.TABLE_COLUMNS],
                         column_config={**common.COLUMN_CONFIG, "on_front": on_front})  # fmt: skip
            common.downloads(path, table, f"frontier-{pair[0]}-{pair[1]}")
    st.subheader("Baseline drift")
    drift = baselines(rows)
    if drift.empty:
        st.info("No baselines printed for these rows.")
        return
    st.caption(
        f"Each paper's own dense {metric} baseline for {title}; the dashed line is the median. A drop measured "
        "from a weaker baseline is easier to keep small."
    )
    st.altair_chart(charts.baseline_drift(drift, metric, f"{title}: baselines by paper"), width="stretch")
