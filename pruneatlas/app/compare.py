"""Compare: Vadera & Ameen's Figure 4 for any architecture and dataset, four survey panels by default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from pruneatlas import analyses
from pruneatlas.app import charts, common, url_state
from pruneatlas.sql import load_sql

SURVEY_PANELS = [("alexnet", "imagenet"), ("resnet50", "imagenet"), ("resnet56", "cifar10"), ("vgg16-cifar", "cifar10")]
SURVEY_KEY = "Vadera2022Methods"  # the survey whose Figure 4 this page redraws; its rows name each panel's methods
METHOD_SCOPES = {"survey": "The survey's methods", "all": "Every method"}
URL_KEYS = {"cmp-metric": object, "cmp-sort": object, "cmp-scope": object, "cmp-sweep": object, "cmp-search": object,
            "cmp-limit": object, "cmp-page": object, "cmp-pairs": list}  # fmt: skip
DEFAULT_LIMIT = 20  # the survey's panels show about a dozen methods; more bars than this cannot be read
SORTS = {
    "flops_reduction_pct": "FLOPs removed (most first)",
    "params_reduction_pct": "Parameters removed (most first)",
    "acc_drop": "Accuracy drop (least first)",
    "method_label": "Label (A to Z)",
}


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_figure4(
    path: str, architecture: str, dataset: str, metric: str, sweep: bool, survey: str | None
) -> pd.DataFrame:
    """`analyses.figure4` on the build, cached per build and panel: switching panels back and forth is free."""
    with common.connection(Path(path)) as con:
        return analyses.figure4(con, architecture, dataset, metric=metric, include_sweep=sweep, survey=survey)


def with_display_labels(data: pd.DataFrame) -> pd.DataFrame:
    """A unique `label` per bar group: the printed label, plus its paper where two papers print the same one
    ("Ours"), plus its reduction where one paper prints one label at several operating points."""
    labelled = data.copy()
    shared = data["method_label"].duplicated(keep=False)
    labelled["label"] = data["method_label"].where(~shared, data["method_label"] + " [" + data["method_paper"] + "]")
    again = labelled["label"].duplicated(keep=False)
    if again.any():
        flops, params = data["flops_reduction_pct"], data["params_reduction_pct"]
        cost = flops.map("{:.0f}% FLOPs".format).where(flops.notna(), params.map("{:.0f}% params".format))
        labelled.loc[again, "label"] = labelled["label"] + " · " + cost
    repeat = labelled.groupby("label").cumcount()
    labelled["label"] = labelled["label"].where(repeat == 0, labelled["label"] + " #" + (repeat + 1).astype(str))
    return labelled


def label_order(data: pd.DataFrame, sort_by: str) -> list[str]:
    """Bar labels in display order: reductions high to low, drops low to high, missing values last."""
    by = ["label"] if sort_by == "method_label" else [sort_by, "label"]
    ascending = [sort_by in ("acc_drop", "method_label"), True][: len(by)]
    ordered = data.sort_values(by, ascending=ascending, na_position="last")
    return list(dict.fromkeys(ordered["label"]))


def matching(data: pd.DataFrame, text: str) -> pd.DataFrame:
    """Bar groups whose label, method or method paper contains `text` (any case)."""
    needle = text.strip().lower()
    if not needle:
        return data
    haystack = data["label"] + " " + data["method"].fillna("") + " " + data["method_paper"].fillna("")
    return data[haystack.str.lower().str.contains(needle, regex=False)]


def _pairs(counts: pd.DataFrame, metric: str) -> list[tuple[str, str]]:
    """The survey's panels, then every pair with `metric` rows that print a reduction, most rows first; `counts`
    is resource/analyses/compare_pairs.sql."""
    usable = counts[(counts["norm_metric"] == metric) & counts["reduced"]]
    ranked = usable.groupby(["architecture", "dataset"])["rows"].sum().sort_values(ascending=False)
    present = [tuple(p) for p in ranked.index]
    return [*[p for p in SURVEY_PANELS if p not in present], *present]


@dataclass(frozen=True)
class PanelChoice:
    """What every panel shows: the metric, which methods, the order, and one page of bar groups."""

    metric: str
    sweep: bool
    sort_by: str
    limit: int
    page: int
    scope: str
    search: str


def panel_data(path: Path, pair: tuple[str, str], choice: PanelChoice) -> tuple[pd.DataFrame, bool]:
    """The panel's operating points with unique labels, and whether they are the survey's methods only (False
    when the survey names none for this pair, so every method is shown)."""
    survey = SURVEY_KEY if choice.scope == "survey" else None
    data = _cached_figure4(str(path), *pair, choice.metric, choice.sweep, survey)
    if survey and data.empty:
        survey, data = None, _cached_figure4(str(path), *pair, choice.metric, choice.sweep, None)
    return matching(with_display_labels(data), choice.search), survey is not None


def behind(data: pd.DataFrame) -> set[str]:
    """The ids of the result rows behind a panel's bar groups."""
    return {i for text in data["result_ids"] for i in text.split(", ")}


def panel(
    path: Path, title: str, pair: tuple[str, str], choice: PanelChoice, points: tuple[pd.DataFrame, bool],
    cited: pd.DataFrame,
) -> None:  # fmt: skip
    """One panel: its chart, and in an expander its operating points with their downloads (`points` is what
    `panel_data` gives; `cited` holds, among others, the primary rows behind its bars)."""
    data, survey_only = points
    if data.empty:
        st.info(f"{title}: no {choice.metric} operating points with a parameter or FLOP reduction match.")
        return
    order = label_order(data, choice.sort_by)
    pages = max(1, -(-len(order) // choice.limit))
    page = min(choice.page, pages)
    shown_order = order[(page - 1) * choice.limit : page * choice.limit]
    shown = data[data["label"].isin(shown_order)]
    st.vega_lite_chart(charts.figure4(shown, shown_order, title, choice.metric), width="stretch")
    which = "the methods Vadera & Ameen name for this panel" if survey_only else "every method"
    st.caption(
        f"{len(order)} operating points of {which}; page {page} of {pages} "
        f"({len(shown_order)} shown). Search, *Methods* and *Page* reach the rest."
    )
    with st.expander(f"{title}: the {len(data)} operating points behind the bars"):
        st.dataframe(data, hide_index=True, column_config=common.COLUMN_CONFIG)
        rows = cited[cited["result_id"].isin(behind(data))]
        common.downloads(path, data, f"figure4-{pair[0]}-{pair[1]}", rows=rows)


def render() -> None:
    path = common.database()
    counts = common.query(path, load_sql("analyses/compare_pairs"))
    st.title("Compare methods (Figure 4)")
    st.caption(
        "One bar group per published operating point: % parameters and % FLOPs removed (bars, left axis) and the "
        "accuracy drop (dots, right axis, percentage points; positive = accuracy lost). A number quoted by several "
        "papers is one point. Re-runs are left out. The defaults are the four panels of Vadera & Ameen (2021), "
        "Figure 4, with the methods the survey names in each."
    )
    metrics = sorted(counts["norm_metric"].dropna().unique()) or ["top1"]
    default_metric = "top1" if "top1" in metrics else metrics[0]
    url_state.restore(URL_KEYS, {"cmp-metric": default_metric, "cmp-limit": DEFAULT_LIMIT})
    url_state.valid("cmp-metric", metrics, default_metric)
    url_state.valid("cmp-sort", list(SORTS), next(iter(SORTS)))
    url_state.valid("cmp-scope", list(METHOD_SCOPES), next(iter(METHOD_SCOPES)))
    c1, c2, c3, c4 = st.columns([1, 2, 2, 1])
    metric = c1.selectbox("Metric", metrics, key="cmp-metric")
    sort_by = c2.selectbox("Sort bars by", list(SORTS), format_func=SORTS.__getitem__, key="cmp-sort")
    scope = c3.radio("Methods", list(METHOD_SCOPES), format_func=METHOD_SCOPES.get, horizontal=True, key="cmp-scope")
    sweep = c4.toggle("Include sweep rows", key="cmp-sweep")
    c5, c6, c7 = st.columns([3, 1, 1])
    search = c5.text_input("Search methods", key="cmp-search", placeholder="label, method or paper, e.g. ThiNet")
    limit = c6.number_input("Bars per panel", min_value=1, max_value=500, step=5, key="cmp-limit")
    page = c7.number_input("Page", min_value=1, max_value=1000, step=1, key="cmp-page")
    options = _pairs(counts, metric)
    names = common.PairNames.of(counts)
    if "cmp-pairs" not in st.session_state:
        st.session_state["cmp-pairs"] = [p for p in SURVEY_PANELS if p in options]
    url_state.valid("cmp-pairs", options)
    chosen = st.multiselect("Architecture and dataset", options, format_func=names.option, key="cmp-pairs")
    url_state.publish(URL_KEYS)
    if not chosen:
        st.info("Choose at least one architecture and dataset.")
        return
    choice = PanelChoice(metric, sweep, sort_by, int(limit), int(page), scope, search)
    panels = {pair: panel_data(path, pair, choice) for pair in chosen}
    ids = set().union(*(behind(data) for data, _ in panels.values()))
    cited = common.results_among(path, sorted(ids)).query("op_primary")  # one query for every panel's downloads
    columns = st.columns(2) if len(chosen) > 1 else [st.container()]
    for index, pair in enumerate(chosen):
        with columns[index % len(columns)]:
            panel(path, names.label(*pair), pair, choice, panels[pair], cited)
