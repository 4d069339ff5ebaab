"""Chart builders: each returns a plain Vega-Lite spec (a dict) that the pages draw with `st.vega_lite_chart`.

Plain dicts rather than Altair: Altair only writes this JSON, and importing it cost every charted page about half
a second of its first render. Chart code only draws: every number it shows was computed before it got here.
Axis titles carry units; categorical axes are sorted by the caller's order, so a chart reads at a glance.

Each chart carries its rows inline, as records under the spec's `datasets` (one name per table, referenced by the
layers); Streamlit sends those to the browser as Arrow tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pandas as pd

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
REDUCTION_COLOURS = {"Parameters removed": "#4c78a8", "FLOPs removed": "#f58518"}
DROP_COLOUR = "#c0392b"
GUIDE_COLOUR = "#8c8c8c"  # mid grey: visible on the light and the dark theme, unlike black
THRESHOLD_COLOUR = "#e45756"
TYPES = {"N": "nominal", "Q": "quantitative", "O": "ordinal"}


def field(shorthand: str, **props: Any) -> dict[str, Any]:
    """An encoding of one field, written as Altair's shorthand "name:T" (T: N nominal, Q quantitative, O ordinal);
    `props` are further Vega-Lite properties (title, format, scale, axis, sort ...)."""
    name, code = shorthand.rsplit(":", 1)
    return {"field": name, "type": TYPES[code], **props}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready dicts: Python scalars, missing values as null."""
    plain = frame.astype(object)
    return cast("list[dict[str, Any]]", plain.where(plain.notna(), None).to_dict(orient="records"))


def layered(layers: list[Spec], datasets: dict[str, pd.DataFrame], **props: Any) -> Spec:
    """A layered chart whose layers name their table in `datasets` (`{"data": {"name": ...}}`)."""
    return {
        "$schema": SCHEMA,
        "datasets": {name: records(frame) for name, frame in datasets.items()},
        "layer": layers,
        **props,
    }


def titled(title: str) -> dict[str, str]:
    return {"text": title, "anchor": "start"}


def figure4(data: pd.DataFrame, order: Sequence[str], title: str, metric: str = "top1") -> Spec:
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
    x = field(
        "label:N",
        sort=list(order),
        title="Operating point (label as printed)",
        axis={"labelAngle": -60, "labelLimit": 180, "labelFontSize": 10, "labelOverlap": False},  # every label
    )
    reduction = {
        "data": {"name": "bars"},
        "mark": {"type": "bar", "opacity": 0.85},
        "encoding": {
            "x": x,
            "xOffset": field("measure:N", sort=list(REDUCTION_COLOURS)),
            "y": field("reduction:Q", title="Reduction (%)", scale={"domain": [0, 100]}, stack=None),
            "color": field(
                "measure:N",
                title=None,
                scale={"domain": list(REDUCTION_COLOURS), "range": list(REDUCTION_COLOURS.values())},
                legend={"orient": "top"},
            ),
            "tooltip": [
                field("method_label:N", title="Method"),
                field("measure:N", title="Measure"),
                field("reduction:Q", title="Reduction (%)", format=".1f"),
                field("method_paper:N", title="Method paper"),
                field("quoted_by:N", title="Quoted by"),
            ],
        },
    }
    drop = {
        "data": {"name": "drops"},
        "mark": {"type": "point", "color": DROP_COLOUR, "filled": True, "size": 70, "shape": "diamond"},
        "encoding": {
            "x": x,
            "y": field(
                "acc_drop:Q",
                title=f"Accuracy drop ({metric}, pp; dots)",
                axis={"titleColor": DROP_COLOUR, "orient": "right"},
            ),
            "tooltip": [
                field("method_label:N", title="Method"),
                field("acc_drop:Q", title="Accuracy drop (pp)", format=".2f"),
                field("sources:Q", title="Quoted by (sources)"),
                field("result_ids:N", title="Rows"),
            ],
        },
    }
    return layered(
        [reduction, drop],
        {"bars": bars, "drops": data.dropna(subset=["acc_drop"])},
        resolve={"scale": {"y": "independent"}},
        title=titled(title),
        height=400,
    )


AXIS_TITLES = {
    "flops_reduction_pct": "FLOPs removed (%)",
    "params_reduction_pct": "Parameters removed (%)",
    "acc_drop": "Accuracy drop (pp; lower is better)",
}
POINT_TOOLTIP = [
    field("paper_key:N", title="Paper"),
    field("year:Q", title="Year"),
    field("method_label:N", title="Label"),
    field("locator:N", title="Where"),
    field("source_kind:N", title="Source"),
    field("baseline_norm:Q", title="Baseline (%)", format=".2f"),
    field("pruned_norm:Q", title="Pruned (%)", format=".2f"),
]


def threshold(name: str, channel: str, tip: dict[str, Any]) -> Spec:
    """A dashed guide across the chart (`channel` x or y) at table `name`'s one value, saying on hover what it is."""
    return {
        "data": {"name": name},
        "mark": {"type": "rule", "color": THRESHOLD_COLOUR, "strokeDash": [6, 4]},
        "encoding": {channel: {"field": tip["field"], "type": tip["type"]}, "tooltip": [tip]},
    }


def frontier(
    points: pd.DataFrame, x: str, colour: str, title: str, max_drop: float | None = None, min_x: float | None = None
) -> Spec:
    """Every point coloured by `colour`; the Pareto front (`on_front`, computed elsewhere) drawn as a line; the
    thresholds `max_drop` and `min_x` as dashed guides. Mid-tone colours only: they read on light and dark themes.

    Only the columns the chart encodes (and `result_id`) travel with it, not the whole row."""
    dots = {
        "data": {"name": "points"},
        "mark": {"type": "point", "filled": True},
        "encoding": {
            "x": field(f"{x}:Q", title=AXIS_TITLES[x], scale={"domain": [0, 100]}),
            "y": field("acc_drop:Q", title=AXIS_TITLES["acc_drop"]),
            "color": field(
                f"{colour}:N",
                title=colour.replace("_", " ").capitalize(),
                scale={"scheme": "tableau10" if points[colour].nunique() <= 10 else "tableau20"},
            ),
            "shape": field("on_front:N", title="On the front", scale={"domain": [True, False]}),
            "size": {"condition": {"test": "datum.on_front", "value": 110}, "value": 45},
            "tooltip": [
                *POINT_TOOLTIP[:3],
                field(f"{colour}:N"),
                field(f"{x}:Q", title=AXIS_TITLES[x], format=".1f"),
                field("acc_drop:Q", title="Accuracy drop (pp)", format=".2f"),
                *POINT_TOOLTIP[3:],
            ],
        },
    }
    front = {
        "data": {"name": "front"},
        "mark": {"type": "line", "color": GUIDE_COLOUR, "strokeDash": [5, 3], "interpolate": "step-after"},
        "encoding": {"x": field(f"{x}:Q"), "y": field("acc_drop:Q"), "order": field(f"{x}:Q")},
    }
    zero = {
        "data": {"name": "zero"},
        "mark": {"type": "rule", "color": GUIDE_COLOUR, "opacity": 0.5},
        "encoding": {"y": field("acc_drop:Q")},
    }
    shown = list(dict.fromkeys([x, "acc_drop", colour, "on_front", *(t["field"] for t in POINT_TOOLTIP), "result_id"]))
    datasets = {
        "zero": pd.DataFrame({"acc_drop": [0.0]}),
        "front": points.loc[points["on_front"], [x, "acc_drop"]].sort_values(x),
    }
    layers = [zero, front]
    if max_drop is not None:
        layers.append(threshold("max_drop", "y", field("acc_drop:Q", title="Drop at most (pp)")))
        datasets["max_drop"] = pd.DataFrame({"acc_drop": [max_drop]})
    if min_x is not None:
        layers.append(threshold("min_x", "x", field(f"{x}:Q", title="At least (%)", format=".1f")))
        datasets["min_x"] = pd.DataFrame({x: [min_x]})
    datasets["points"] = points[shown]
    return layered([*layers, dots], datasets, title=titled(title), height=420)


def baseline_drift(baselines: pd.DataFrame, metric: str, title: str) -> Spec:
    """Each paper's own dense baseline (one dot per distinct value), papers sorted by year."""
    order = baselines.sort_values(["year", "paper_key"])["paper_key"].drop_duplicates().tolist()
    median = {
        "mark": {"type": "rule", "color": "grey", "strokeDash": [4, 4]},
        "encoding": {
            "x": field("baseline_norm:Q", aggregate="median"),
            "tooltip": [field("baseline_norm:Q", aggregate="median", format=".2f")],
        },
    }
    dots = {
        "mark": {"type": "circle", "size": 90},
        "encoding": {
            "x": field("baseline_norm:Q", title=f"Baseline {metric} accuracy (%)", scale={"zero": False}),
            "y": field("paper_key:N", sort=order, title="Paper (oldest first)"),
            "color": field("year:O", title="Year", scale={"scheme": "viridis"}),
            "tooltip": [
                field("paper_key:N", title="Paper"),
                field("year:Q", title="Year"),
                field("baseline_norm:Q", title="Baseline (%)", format=".2f"),
                field("rows:Q", title="Rows with this baseline"),
            ],
        },
    }
    height = max(120, 22 * len(order))
    return layered(
        [median, dots], {"baselines": baselines}, data={"name": "baselines"}, title=titled(title), height=height
    )


# a row named "claim · recipe" is drawn on two lines, the claim above the recipe that re-ran it
REPRODUCTION_AXIS = {"labelLimit": 320, "labelExpr": "split(datum.label, ' · ')", "labelOverlap": False}


def reproduction_rows(pairs: pd.DataFrame) -> pd.Series:
    """One chart row per published claim, or per re-run where a claim has several (named by recipe, else id)."""
    several = pairs.groupby("claim_id")["claim_id"].transform("size").gt(1)
    rerun = pairs["rerun_recipe"].fillna(pairs["rerun_id"])
    return pairs["claim_id"].where(~several, pairs["claim_id"] + " · " + rerun)


def reproductions(pairs: pd.DataFrame) -> Spec:
    """Published pruned accuracy beside our re-run's, joined by a rule; the gap is the rule's length."""
    pairs = pairs.assign(row=reproduction_rows(pairs))
    long = pairs.melt(
        id_vars=["claim_label", "row"],
        value_vars=["claim_pruned", "rerun_pruned"],
        var_name="who",
        value_name="accuracy",
    ).dropna(subset=["accuracy"])
    long["who"] = long["who"].map({"claim_pruned": "Published", "rerun_pruned": "Our re-run"})
    y = field("row:N", title="Published result", axis=REPRODUCTION_AXIS)
    rule = {
        "data": {"name": "pairs"},
        "mark": {"type": "rule", "color": "grey"},
        "encoding": {"y": y, "x": field("claim_pruned:Q"), "x2": {"field": "rerun_pruned"}},
    }
    dots = {
        "data": {"name": "accuracies"},
        "mark": {"type": "circle", "size": 110},
        "encoding": {
            "y": y,
            "x": field("accuracy:Q", title="Pruned accuracy (%)", scale={"zero": False}),
            "color": field(
                "who:N",
                title=None,
                scale={"domain": ["Published", "Our re-run"], "range": ["#4c78a8", "#e45756"]},
                legend={"orient": "top"},
            ),
            "tooltip": [field("claim_label:N"), field("who:N"), field("accuracy:Q", format=".2f")],
        },
    }
    return layered([rule, dots], {"pairs": pairs, "accuracies": long}, height=max(120, 36 * len(pairs)))


def reproduction_gaps(pairs: pd.DataFrame) -> Spec:
    """Each claim's gap with our re-run's spread across seeds: whether a claim held reads off the zero line."""
    shown = pairs.assign(row=reproduction_rows(pairs)).dropna(subset=["overall_gap"])
    y = field("row:N", title="Published result", axis=REPRODUCTION_AXIS)
    x = field("overall_gap:Q", title="Re-run − published (pp; > 0: re-run did better), ± re-run std")
    zero = {
        "data": {"name": "zero"},
        "mark": {"type": "rule", "color": "grey", "strokeDash": [4, 4]},
        "encoding": {"x": field("zero:Q")},
    }
    spread = {
        "data": {"name": "gaps"},
        "mark": {"type": "errorbar", "color": "#e45756"},
        "encoding": {"y": y, "x": x, "xError": {"field": "rerun_std"}},
    }
    points = {
        "data": {"name": "gaps"},
        "mark": {"type": "point", "filled": True, "size": 110, "color": "#e45756"},
        "encoding": {
            "y": y,
            "x": x,
            "shape": field("gap_basis:N", title="Compared on", legend={"orient": "top"}),
            "tooltip": [
                field("claim_label:N"),
                field("gap_basis:N"),
                field("overall_gap:Q", title="gap (pp)", format="+.2f"),
                field("rerun_std:Q", title="re-run std", format=".2f"),
                field("rerun_runs:Q", title="runs"),
            ],
        },
    }
    return layered(
        [zero, spread, points],
        {"zero": pd.DataFrame({"zero": [0.0]}), "gaps": shown},
        height=max(120, 36 * len(shown)),
    )
