"""Compare: Vadera & Ameen's Figure 4 for any architecture and dataset, four survey panels by default."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas import analyses
from pruneatlas.app import charts, common

SURVEY_PANELS = [("alexnet", "imagenet"), ("resnet50", "imagenet"), ("resnet56", "cifar10"), ("vgg16-cifar", "cifar10")]
DEFAULT_LIMIT = 20  # the survey's panels show about a dozen methods; more bars than this cannot be read
SORTS = {
    "flops_reduction_pct": "FLOPs removed (most first)",
    "params_reduction_pct": "Parameters removed (most first)",
    "acc_drop": "Accuracy drop (least first)",
    "method_label": "Label (A to Z)",
}


def figure4_rows(frame: pd.DataFrame, architecture: str, dataset: str, metric: str, sweep: bool) -> pd.DataFrame:
    """One row per printed method label, through the same SQL as `pruneatlas figure4`."""
    con = analyses.frame_connection(frame.drop(columns=["conflict"], errors="ignore"), "rows")
    try:
        return analyses.figure4(con, architecture, dataset, metric=metric, include_sweep=sweep, source="rows")
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_figure4(path: str, architecture: str, dataset: str, metric: str, sweep: bool) -> pd.DataFrame:
    """figure4_rows over the whole build, cached per build and panel: switching panels back and forth is free."""
    return figure4_rows(common.results(Path(path)), architecture, dataset, metric, sweep)


def with_display_labels(data: pd.DataFrame) -> pd.DataFrame:
    """A `label` per bar group: the printed label, plus its paper where two papers print the same one ("Ours")."""
    shared = data["method_label"].duplicated(keep=False)
    labelled = data.copy()
    labelled["label"] = data["method_label"].where(~shared, data["method_label"] + " [" + data["method_paper"] + "]")
    return labelled


def label_order(data: pd.DataFrame, sort_by: str) -> list[str]:
    """Bar labels in display order: reductions high to low, drops low to high, missing values last."""
    by = ["label"] if sort_by == "method_label" else [sort_by, "label"]
    ascending = [sort_by in ("acc_drop", "method_label"), True][: len(by)]
    ordered = data.sort_values(by, ascending=ascending, na_position="last")
    return list(dict.fromkeys(ordered["label"]))


def _pairs(frame: pd.DataFrame, metric: str) -> list[tuple[str, str]]:
    usable = frame[
        (frame["norm_metric"] == metric)
        & (frame["params_reduction_pct"].notna() | frame["flops_reduction_pct"].notna())
    ]
    counts = usable.groupby(["architecture", "dataset"]).size().sort_values(ascending=False)
    present = [tuple(p) for p in counts.index]
    return [*[p for p in SURVEY_PANELS if p not in present], *present]


def panel(
    path: Path, frame: pd.DataFrame, pair: tuple[str, str], metric: str, sweep: bool, sort_by: str, limit: int
) -> None:
    architecture, dataset = pair
    title = common.pair_label(frame, architecture, dataset)
    data = _cached_figure4(str(path), architecture, dataset, metric, sweep)
    if data.empty:
        st.info(f"{title}: no {metric} rows with a parameter or FLOP reduction yet.")
        return
    data = with_display_labels(data)
    order = label_order(data, sort_by)
    shown = data[data["label"].isin(order[:limit])]
    st.altair_chart(charts.figure4(shown, order[:limit], title, metric), width="stretch")
    if len(order) > limit:
        st.caption(f"The first {limit} of {len(order)} labels in this order; raise *Labels per panel* for more.")
    with st.expander(f"{title}: {len(data)} method labels, the numbers behind the bars"):
        st.dataframe(data, hide_index=True, column_config=common.COLUMN_CONFIG)
        ids = {i for text in data["result_ids"] for i in text.split(", ")}
        rows = frame[frame["result_id"].isin(ids)]
        common.downloads(path, data, f"figure4-{architecture}-{dataset}", rows=rows)


def render() -> None:
    path = common.database()
    frame = common.results(path)
    st.title("Compare methods (Figure 4)")
    st.caption(
        "Per method label as printed: % parameters and % FLOPs removed (bars, left axis) and the accuracy drop "
        "(line, right axis, percentage points; positive = accuracy lost), averaged over every source that reports "
        "it. Re-runs are left out. The defaults are the four panels of Vadera & Ameen (2021), Figure 4."
    )
    metrics = sorted(frame["norm_metric"].dropna().unique()) or ["top1"]
    c1, c2, c3, c4 = st.columns([1, 2, 1, 1])
    metric = c1.selectbox("Metric", metrics, index=metrics.index("top1") if "top1" in metrics else 0, key="cmp-metric")
    sort_by = c2.selectbox("Sort bars by", list(SORTS), format_func=SORTS.get, key="cmp-sort")
    limit = c3.number_input("Labels per panel", 1, 500, DEFAULT_LIMIT, 5, key="cmp-limit")
    sweep = c4.toggle("Include sweep rows", key="cmp-sweep")
    options = _pairs(frame, metric)
    chosen = st.multiselect(
        "Architecture and dataset",
        options,
        default=[p for p in SURVEY_PANELS if p in options],
        format_func=lambda p: common.pair_option(frame, *p),
        key="cmp-pairs",
    )
    if not chosen:
        st.info("Choose at least one architecture and dataset.")
        return
    columns = st.columns(2) if len(chosen) > 1 else [st.container()]
    for index, pair in enumerate(chosen):
        with columns[index % len(columns)]:
            panel(path, frame, pair, metric, sweep, sort_by, int(limit))
