"""Altair chart builders. Chart code only draws: every number it shows was computed before it got here.

Axis titles carry units; categorical axes are sorted by the caller's order, so a chart reads at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

# Charts carry their rows inline; the atlas's largest view (a few thousand sweep points) stays well within reach.
alt.data_transformers.disable_max_rows()

REDUCTION_COLOURS = {"Parameters removed": "#4c78a8", "FLOPs removed": "#f58518"}
DROP_COLOUR = "#c0392b"
GUIDE_COLOUR = "#8c8c8c"  # mid grey: visible on the light and the dark theme, unlike black
THRESHOLD_COLOUR = "#e45756"
# What `alt.layer` returns: a facet when a layer is faceted, which none of ours is, though the type allows it.
Layered = alt.LayerChart | alt.FacetChart


def figure4(data: pd.DataFrame, order: Sequence[str], title: str, metric: str = "top1") -> Layered:
    """Vadera & Ameen's Figure 4: % parameters and % FLOPs removed per operating point (bars), and its accuracy
    drop as a dot on its own axis (dots, not a line: neighbouring bars are unrelated methods).

    `data` has one row per bar group with a unique `label`; `order` lists the labels left to right.
    """
    bars = data.melt(
        id_vars=["label", "method_label", "method_paper", "sources", "quoted_by", "result_ids"],
        value_vars=["params_reduction_pct", "flops_reduction_pct"],
        var_name="measure",
        value_name="reduction",
    ).dropna(subset=["reduction"])
    bars["measure"] = bars["measure"].map(
        {"params_reduction_pct": "Parameters removed", "flops_reduction_pct": "FLOPs removed"}
    )
    x = alt.X(
        "label:N",
        sort=list(order),
        title="Operating point (label as printed)",
        axis=alt.Axis(labelAngle=-60, labelLimit=180, labelFontSize=10, labelOverlap=False),  # every label shown
    )
    reduction = (
        alt.Chart(bars)
        .mark_bar(opacity=0.85)
        .encode(
            x=x,
            xOffset=alt.XOffset("measure:N", sort=list(REDUCTION_COLOURS)),
            y=alt.Y("reduction:Q", title="Reduction (%)", scale=alt.Scale(domain=[0, 100]), stack=None),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=list(REDUCTION_COLOURS), range=list(REDUCTION_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("method_label:N", title="Method"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("reduction:Q", title="Reduction (%)", format=".1f"),
                alt.Tooltip("method_paper:N", title="Method paper"),
                alt.Tooltip("quoted_by:N", title="Quoted by"),
            ],
        )
    )
    drop_axis = alt.Y(
        "acc_drop:Q", title=f"Accuracy drop ({metric}, pp; dots)", axis=alt.Axis(titleColor=DROP_COLOUR, orient="right")
    )
    drop = (
        alt.Chart(data.dropna(subset=["acc_drop"]))
        .mark_point(color=DROP_COLOUR, filled=True, size=70, shape="diamond")
        .encode(
            x=x,
            y=drop_axis,
            tooltip=[
                alt.Tooltip("method_label:N", title="Method"),
                alt.Tooltip("acc_drop:Q", title="Accuracy drop (pp)", format=".2f"),
                alt.Tooltip("sources:Q", title="Quoted by (sources)"),
                alt.Tooltip("result_ids:N", title="Rows"),
            ],
        )
    )
    layered = alt.layer(reduction, drop).resolve_scale(y="independent")
    return layered.properties(title=alt.TitleParams(title, anchor="start"), height=400)


AXIS_TITLES = {
    "flops_reduction_pct": "FLOPs removed (%)",
    "params_reduction_pct": "Parameters removed (%)",
    "acc_drop": "Accuracy drop (pp; lower is better)",
}
POINT_TOOLTIP = [
    alt.Tooltip("paper_key:N", title="Paper"),
    alt.Tooltip("year:Q", title="Year"),
    alt.Tooltip("method_label:N", title="Label"),
    alt.Tooltip("locator:N", title="Where"),
    alt.Tooltip("source_kind:N", title="Source"),
    alt.Tooltip("baseline_norm:Q", title="Baseline (%)", format=".2f"),
    alt.Tooltip("pruned_norm:Q", title="Pruned (%)", format=".2f"),
]


def frontier(
    points: pd.DataFrame, x: str, colour: str, title: str, max_drop: float | None = None, min_x: float | None = None
) -> Layered:
    """Every point coloured by `colour`; the Pareto front (`on_front`, computed elsewhere) drawn as a line; the
    thresholds `max_drop` and `min_x` as dashed guides. Mid-tone colours only: they read on light and dark themes."""
    base = alt.Chart(points).encode(
        x=alt.X(f"{x}:Q", title=AXIS_TITLES[x], scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("acc_drop:Q", title=AXIS_TITLES["acc_drop"]),
    )
    dots = base.mark_point(filled=True).encode(
        color=alt.Color(
            f"{colour}:N",
            title=colour.replace("_", " ").capitalize(),
            scale=alt.Scale(scheme="tableau10" if points[colour].nunique() <= 10 else "tableau20"),
        ),
        shape=alt.Shape("on_front:N", title="On the front", scale=alt.Scale(domain=[True, False])),
        size=alt.condition("datum.on_front", alt.value(110), alt.value(45)),
        tooltip=[
            *POINT_TOOLTIP[:3],
            alt.Tooltip(f"{colour}:N"),
            alt.Tooltip(f"{x}:Q", title=AXIS_TITLES[x], format=".1f"),
            alt.Tooltip("acc_drop:Q", title="Accuracy drop (pp)", format=".2f"),
            *POINT_TOOLTIP[3:],
        ],
    )
    front = (
        alt.Chart(points[points["on_front"]].sort_values(x))
        .mark_line(color=GUIDE_COLOUR, strokeDash=[5, 3], interpolate="step-after")
        .encode(x=f"{x}:Q", y="acc_drop:Q", order=f"{x}:Q")
    )
    zero = alt.Chart(pd.DataFrame({"acc_drop": [0.0]})).mark_rule(color=GUIDE_COLOUR, opacity=0.5)
    layers = [zero.encode(y="acc_drop:Q"), front]
    if max_drop is not None:
        rule = alt.Chart(pd.DataFrame({"acc_drop": [max_drop]})).mark_rule(color=THRESHOLD_COLOUR, strokeDash=[6, 4])
        layers.append(rule.encode(y="acc_drop:Q", tooltip=[alt.Tooltip("acc_drop:Q", title="Drop at most (pp)")]))
    if min_x is not None:
        rule = alt.Chart(pd.DataFrame({x: [min_x]})).mark_rule(color=THRESHOLD_COLOUR, strokeDash=[6, 4])
        layers.append(rule.encode(x=f"{x}:Q", tooltip=[alt.Tooltip(f"{x}:Q", title="At least (%)", format=".1f")]))
    return alt.layer(*layers, dots).properties(title=alt.TitleParams(title, anchor="start"), height=420)


def baseline_drift(baselines: pd.DataFrame, metric: str, title: str) -> Layered:
    """Each paper's own dense baseline (one dot per distinct value), papers sorted by year."""
    order = baselines.sort_values(["year", "paper_key"])["paper_key"].drop_duplicates().tolist()
    dots = (
        alt.Chart(baselines)
        .mark_circle(size=90)
        .encode(
            x=alt.X("baseline_norm:Q", title=f"Baseline {metric} accuracy (%)", scale=alt.Scale(zero=False)),
            y=alt.Y("paper_key:N", sort=order, title="Paper (oldest first)"),
            color=alt.Color("year:O", title="Year", scale=alt.Scale(scheme="viridis")),
            tooltip=[
                alt.Tooltip("paper_key:N", title="Paper"),
                alt.Tooltip("year:Q", title="Year"),
                alt.Tooltip("baseline_norm:Q", title="Baseline (%)", format=".2f"),
                alt.Tooltip("rows:Q", title="Rows with this baseline"),
            ],
        )
    )
    median = (
        alt.Chart(baselines)
        .mark_rule(color="grey", strokeDash=[4, 4])
        .encode(x="median(baseline_norm):Q", tooltip=[alt.Tooltip("median(baseline_norm):Q", format=".2f")])
    )
    height = max(120, 22 * len(order))
    return alt.layer(median, dots).properties(title=alt.TitleParams(title, anchor="start"), height=height)


# a row named "claim · recipe" is drawn on two lines, the claim above the recipe that re-ran it
REPRODUCTION_AXIS = alt.Axis(labelLimit=320, labelExpr="split(datum.label, ' · ')", labelOverlap=False)


def reproduction_rows(pairs: pd.DataFrame) -> pd.Series:
    """One chart row per published claim, or per re-run where a claim has several (named by recipe, else id)."""
    several = pairs.groupby("claim_id")["claim_id"].transform("size").gt(1)
    rerun = pairs["rerun_recipe"].fillna(pairs["rerun_id"])
    return pairs["claim_id"].where(~several, pairs["claim_id"] + " · " + rerun)


def reproductions(pairs: pd.DataFrame) -> Layered:
    """Published pruned accuracy beside our re-run's, joined by a rule; the gap is the rule's length."""
    pairs = pairs.assign(row=reproduction_rows(pairs))
    long = pairs.melt(
        id_vars=["claim_label", "row"],
        value_vars=["claim_pruned", "rerun_pruned"],
        var_name="who",
        value_name="accuracy",
    ).dropna(subset=["accuracy"])
    long["who"] = long["who"].map({"claim_pruned": "Published", "rerun_pruned": "Our re-run"})
    y = alt.Y("row:N", title="Published result", axis=REPRODUCTION_AXIS)
    rule = alt.Chart(pairs).mark_rule(color="grey").encode(y=y, x="claim_pruned:Q", x2="rerun_pruned:Q")
    dots = (
        alt.Chart(long)
        .mark_circle(size=110)
        .encode(
            y=y,
            x=alt.X("accuracy:Q", title="Pruned accuracy (%)", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "who:N",
                title=None,
                scale=alt.Scale(domain=["Published", "Our re-run"], range=["#4c78a8", "#e45756"]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=["claim_label:N", "who:N", alt.Tooltip("accuracy:Q", format=".2f")],
        )
    )
    return alt.layer(rule, dots).properties(height=max(120, 36 * len(pairs)))


def reproduction_gaps(pairs: pd.DataFrame) -> Layered:
    """Each claim's gap with our re-run's spread across seeds: whether a claim held reads off the zero line."""
    shown = pairs.assign(row=reproduction_rows(pairs)).dropna(subset=["overall_gap"])
    y = alt.Y("row:N", title="Published result", axis=REPRODUCTION_AXIS)
    x = alt.X("overall_gap:Q", title="Re-run − published (pp; > 0: re-run did better), ± re-run std")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="grey", strokeDash=[4, 4]).encode(x="zero:Q")
    spread = alt.Chart(shown).mark_errorbar(color="#e45756").encode(y=y, x=x, xError="rerun_std:Q")
    points = (
        alt.Chart(shown)
        .mark_point(filled=True, size=110, color="#e45756")
        .encode(
            y=y,
            x=x,
            shape=alt.Shape("gap_basis:N", title="Compared on", legend=alt.Legend(orient="top")),
            tooltip=[
                "claim_label:N",
                "gap_basis:N",
                alt.Tooltip("overall_gap:Q", title="gap (pp)", format="+.2f"),
                alt.Tooltip("rerun_std:Q", title="re-run std", format=".2f"),
                alt.Tooltip("rerun_runs:Q", title="runs"),
            ],
        )
    )
    return alt.layer(zero, spread, points).properties(height=max(120, 36 * len(shown)))
