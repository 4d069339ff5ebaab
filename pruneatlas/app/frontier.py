"""Frontier: what is best at a given cost — accuracy drop against reduction, with the Pareto front drawn.

The front comes from `analyses.pareto` (resource/analyses/pareto.sql), the one tested implementation; the
chart only draws its `on_front` flag. A companion chart shows each paper's own baseline, because a drop is
only comparable between papers whose dense models were equally good (baseline drift).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st

from pruneatlas import analyses, api
from pruneatlas.app import charts, common, url_state
from pruneatlas.app.row_filters import STRUCTURED_CHOICES, FilterSpec, apply_filters
from pruneatlas.sql import load_sql

X_CHOICES = {"flops_reduction_pct": "FLOPs removed", "params_reduction_pct": "Parameters removed"}
RATIO_NAMES = {"flops_reduction_pct": "FLOP speed-up", "params_reduction_pct": "Compression"}
COLOUR_CHOICES = {"category": "Category", "method": "Method", "granularity": "Granularity", "structured": "Structured"}
DEFAULT_PAIR = ("resnet56", "cifar10")
URL_KEYS = {"front-pair": tuple, "front-metric": object, "front-sweep": object, "front-structured": object,
            "front-granularity": list, "front-source": list, "front-years": tuple, "front-x": object,
            "front-colour": object, "front-max-drop": object, "front-min-ratio": object}  # fmt: skip
SHORTLIST_COLUMNS = ["method_name", "method_label", "paper_key", "year", "granularity", "acc_drop", "reduction",
                     "ratio", "baseline_norm", "pruned_norm", "op_quoted_by", "locator", "result_id"]  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_points(path: str, ids_key: str, _ids: list[str], include_sweep: bool, x: str) -> pd.DataFrame:
    """The chosen rows (those the filters keep: `_ids`, named by `ids_key`, common.ids_key) with their Pareto
    flags, computed on the build's published selection, cached per build and choice."""
    with common.connection(Path(path)) as con:
        points = analyses.pareto(
            con, x=x, y="acc_drop", source=api.published_view(include_sweep), where=common.AMONG_IDS,
            params={"ids": _ids},
        )  # fmt: skip
    return common.flagged(points.drop(columns=["record"]))


def reduction_for(ratio: float) -> float:
    """The % removed that a speed-up or compression of `ratio` x means: 2x -> 50 %."""
    return 100.0 * (1.0 - 1.0 / ratio)


def shortlist(points: pd.DataFrame, x: str, max_drop: float, min_ratio: float) -> pd.DataFrame:
    """The operating points inside both thresholds, best method first: each method's least drop, then the rest."""
    inside = points[(points["acc_drop"] <= max_drop) & (points[x] >= reduction_for(min_ratio) - 1e-9)].copy()
    inside["reduction"] = inside[x]
    inside["ratio"] = 100.0 / (100.0 - inside[x])
    return inside.sort_values(["acc_drop", "reduction"], ascending=[True, False])


def baselines(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per paper and distinct baseline value it printed, with how many results use it."""
    known = rows.dropna(subset=["baseline_norm"])
    return (
        known.groupby(["paper_key", "year", "baseline_norm"], as_index=False)
        .agg(rows=("result_id", "count"))
        .sort_values(["year", "paper_key"])
    )


def _pairs(counts: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(architecture, dataset) -> rows, most rows first; `counts` is resource/analyses/pair_counts.sql."""
    ranked = counts.groupby(["architecture", "dataset"])["rows"].sum().sort_values(ascending=False)
    pairs = cast("dict[tuple[str, str], int]", ranked.to_dict())
    return {(str(a), str(d)): int(n) for (a, d), n in pairs.items()}


def _filters(rows: pd.DataFrame, sweep: bool) -> FilterSpec:
    """Structured or not, granularity, year and source kind for the chosen pair (one row per operating point)."""
    c1, c2, c3, c4 = st.columns([1.3, 1.5, 1.5, 1.5])
    url_state.valid("front-structured", list(STRUCTURED_CHOICES), "any")
    structured = c1.radio("Structured", STRUCTURED_CHOICES, horizontal=True, key="front-structured")
    granularities = sorted(rows["granularity"].dropna().unique())
    url_state.valid("front-granularity", granularities)
    granularity = c2.multiselect(
        "Granularity", granularities, key="front-granularity", placeholder="any", select_all=False
    )
    kinds_offered = sorted(rows["source_kind"].dropna().unique())
    url_state.valid("front-source", kinds_offered)
    kinds = c3.multiselect("Source kind", kinds_offered, key="front-source", placeholder="any", select_all=False)
    years = None
    if rows["year"].nunique() > 1:
        low, high = int(rows["year"].min()), int(rows["year"].max())
        url_state.within("front-years", low, high)
        years = url_state.narrowed(cast("tuple[int, int]", c4.slider("Year", low, high, key="front-years")), low, high)
    return FilterSpec(
        choices={"granularity": tuple(granularity), "source_kind": tuple(kinds)},
        structured=structured,
        years=years,
        include_sweep=sweep,
    )


def render() -> None:
    path = common.database()
    published = api.published_view(True)
    per_pair = common.query(path, load_sql("analyses/pair_counts").format(source=published))
    st.title("Frontier: what is best at a given cost")
    counts = _pairs(per_pair)
    pairs = list(counts)
    if not pairs:
        st.info("No published results yet.")
        return
    default_pair = DEFAULT_PAIR if DEFAULT_PAIR in pairs else pairs[0]
    url_state.restore(URL_KEYS, {"front-pair": default_pair, "front-max-drop": 1.0, "front-min-ratio": 2.0})
    url_state.valid("front-pair", pairs, default_pair)
    names = common.PairNames.of(per_pair)
    c1, c2, c3 = st.columns([2, 1, 1])
    pair = c1.selectbox(
        "Architecture and dataset",
        pairs,
        format_func=lambda p: f"{names.option(p)} ({counts[p]} rows)",
        key="front-pair",
    )
    pair_rows = common.pair_results(path, published, pair)
    metrics = sorted(pair_rows["norm_metric"].dropna().unique())
    url_state.valid("front-metric", metrics, "top1" if "top1" in metrics else metrics[0])
    metric = c2.selectbox("Metric", metrics, key="front-metric")
    sweep = c3.toggle("Include sweep rows", key="front-sweep")
    spec = _filters(pair_rows, sweep)
    rows = apply_filters(pair_rows[pair_rows["norm_metric"] == metric], spec)
    c4, c5, c6, c7 = st.columns([1.4, 1.6, 1, 1])
    url_state.valid("front-x", list(X_CHOICES), next(iter(X_CHOICES)))
    url_state.valid("front-colour", list(COLOUR_CHOICES), next(iter(COLOUR_CHOICES)))
    x = c4.radio("Reduction", list(X_CHOICES), format_func=X_CHOICES.get, horizontal=True, key="front-x")
    colour = c5.radio("Colour by", list(COLOUR_CHOICES), format_func=COLOUR_CHOICES.get, horizontal=True,
                      key="front-colour")  # fmt: skip
    max_drop = c6.number_input("Drop at most (pp)", min_value=-10.0, max_value=100.0, step=0.25, key="front-max-drop")
    min_ratio = c7.number_input(f"{RATIO_NAMES[x]} at least (x)", min_value=1.0, max_value=1000.0,
                                step=0.25, key="front-min-ratio")  # fmt: skip
    url_state.publish(URL_KEYS)
    title = names.label(*pair)
    ids = rows["result_id"].tolist()
    points = _cached_points(str(path), common.ids_key(ids), ids, sweep, x).copy()
    if points.empty:
        st.info(f"No {metric} rows for {title} give both an accuracy drop and {X_CHOICES[x].lower()} here.")
    else:
        points[colour] = points[colour].astype(str)
        front = points[points["on_front"]].sort_values(x)
        st.caption(
            f"{len(points)} operating points ({metric}); **{len(front)} on the Pareto front**: no other removes at "
            "least as much for no more accuracy lost. The dashed lines are your thresholds. Hover a point for its "
            "source. Re-runs are not shown; a number quoted by several papers is one point."
        )
        guides = {"max_drop": float(max_drop), "min_x": reduction_for(float(min_ratio))}
        chart = charts.frontier(points, x, colour, f"{title}: accuracy drop vs {X_CHOICES[x]}", **guides)
        st.vega_lite_chart(chart, width="stretch")
        chosen = shortlist(points, x, float(max_drop), float(min_ratio))
        st.subheader(f"Shortlist: drop ≤ {max_drop:g} pp at ≥ {min_ratio:g}x {RATIO_NAMES[x]}")
        st.caption(
            f"{len(chosen)} operating points from {chosen['method'].nunique()} methods are inside both thresholds, "
            "least drop first."
        )
        ratio = st.column_config.NumberColumn(f"{RATIO_NAMES[x]} (x)", format="%.2f")
        reduction = st.column_config.NumberColumn(f"{X_CHOICES[x]} (%)", format="%.1f")
        st.dataframe(chosen, hide_index=True, column_order=SHORTLIST_COLUMNS, key="front-shortlist",
                     column_config={**common.COLUMN_CONFIG, "method_name": st.column_config.TextColumn("Method"),
                                    "ratio": ratio, "reduction": reduction})  # fmt: skip
        common.downloads(
            path, chosen.drop(columns=["reduction", "ratio"]), f"shortlist-{pair[0]}-{pair[1]}",
            filters=f"{title}, {metric}; {spec.describe()}; drop at most {max_drop:g} pp at "
            f"{min_ratio:g}x {RATIO_NAMES[x]} or more; least drop first",
        )  # fmt: skip
        with st.expander(f"The {len(points)} plotted points, the {len(front)} on the front first"):
            table = points.sort_values(["on_front", x], ascending=[False, False])
            on_front = st.column_config.CheckboxColumn("On the front")
            st.dataframe(table, hide_index=True, column_order=["on_front", *common.TABLE_COLUMNS],
                         column_config={**common.COLUMN_CONFIG, "on_front": on_front})  # fmt: skip
    st.subheader("Baseline drift")
    drift = baselines(rows)
    if drift.empty:
        st.info("No baselines printed for these rows.")
        return
    st.caption(
        f"Each paper's own dense {metric} baseline for {title}; the dashed line is the median. A drop measured "
        "from a weaker baseline is easier to keep small."
    )
    st.vega_lite_chart(charts.baseline_drift(drift, metric, f"{title}: baselines by paper"), width="stretch")
