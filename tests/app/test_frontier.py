"""Frontier: the Pareto front (one pure function, analyses.pareto) and the page that draws it."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
from app_helpers import no_exceptions, page_app
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit import dataframe_util

from pruneatlas import analyses


def brute_force_front(points: list[tuple[int, float, float]]) -> list[bool]:
    """On the front: no point of the same group removes at least as much for no more drop, better in one."""
    return [
        not any(g2 == g and x2 >= x and y2 <= y and (x2 > x or y2 < y) for g2, x2, y2 in points) for g, x, y in points
    ]


coordinates = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 10).map(float), st.integers(-3, 6).map(lambda v: v / 2)),
    max_size=25,
)


@settings(max_examples=50, deadline=None)
@given(coordinates)
def test_pareto_matches_the_definition(points: list[tuple[int, float, float]]) -> None:
    frame = pd.DataFrame(points, columns=["grp", "x", "y"], dtype=float).reset_index(names="rid")
    con = analyses.frame_connection(frame)
    result = analyses.pareto(con, x="x", y="y", partition=("grp",), source="rows").sort_values("rid")
    assert result["on_front"].tolist() == brute_force_front(points)


def test_pareto_skips_rows_without_both_coordinates() -> None:
    frame = pd.DataFrame({"x": [10.0, None, 50.0], "y": [0.1, 0.0, None]})
    result = analyses.pareto(analyses.frame_connection(frame), x="x", y="y", source="rows")
    assert result["x"].tolist() == [10.0] and result["on_front"].tolist() == [True]


def _chart(at, word: str) -> dict:
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        if word in spec.get("title", {}).get("text", ""):
            return element
    raise AssertionError(f"no chart titled with {word!r}")


def test_page_draws_the_front_of_the_filtered_rows(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("frontier").run()
    no_exceptions(at)
    assert at.selectbox(key="front-pair").value == ("resnet56", "cifar10")
    chart = _chart(at, "accuracy drop vs")
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    points = max(frames, key=len)
    expected = analyses.pareto(
        con,
        where="architecture = 'resnet56' AND dataset = 'cifar10' AND norm_metric = 'top1' AND NOT sweep "
        "AND source_kind <> 'reproduced'",
    )
    merged = points.merge(expected[["result_id", "on_front"]], on="result_id", suffixes=("", "_sql"))
    assert len(merged) == len(expected) == len(points)
    assert (merged["on_front"] == merged["on_front_sql"]).all()
    assert {"paper_key", "method_label", "locator"} <= set(points.columns)


def test_parameters_axis_colour_and_baseline_drift(atlas_path) -> None:
    at = page_app("frontier").run()
    at.selectbox(key="front-pair").set_value(("resnet50", "imagenet")).run()
    at.radio(key="front-x").set_value("params_reduction_pct").run()
    at.radio(key="front-colour").set_value("method").run()
    at.toggle(key="front-sweep").set_value(True).run()
    no_exceptions(at)
    spec = json.loads(_chart(at, "Parameters removed").proto.spec)
    dots = spec["layer"][-1]["encoding"]
    assert dots["x"]["title"] == "Parameters removed (%)" and dots["color"]["field"] == "method"
    drift = _chart(at, "baselines by paper")
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in drift.proto.datasets]
    baselines = max(frames, key=len)
    assert set(zip(baselines["paper_key"], baselines["baseline_norm"], strict=True)) == {
        ("Beta2019Fixture", 75.30), ("Beta2019Fixture", 76.15), ("Gamma2021Fixture", 76.1),
    }  # fmt: skip


def test_shortlist_keeps_points_inside_both_thresholds() -> None:
    from pruneatlas.app.frontier import reduction_for, shortlist

    points = pd.DataFrame({"method": ["a", "b", "c", "d"], "acc_drop": [0.5, 1.5, -0.2, 0.9],
                           "flops_reduction_pct": [60.0, 70.0, 40.0, 50.0]})  # fmt: skip
    assert reduction_for(2.0) == 50.0 and round(reduction_for(4.0), 6) == 75.0
    chosen = shortlist(points, "flops_reduction_pct", max_drop=1.0, min_ratio=2.0)
    assert chosen["method"].tolist() == ["a", "d"] and chosen["ratio"].tolist() == [2.5, 2.0]


def test_thresholds_are_drawn_and_the_structured_filter_narrows_the_points(atlas_path) -> None:
    at = page_app("frontier").run()
    at.selectbox(key="front-pair").set_value(("resnet50", "imagenet")).run()
    at.number_input(key="front-max-drop").set_value(3.5).run()
    at.number_input(key="front-min-ratio").set_value(2.0).run()
    no_exceptions(at)
    chart = _chart(at, "accuracy drop vs")
    spec = json.loads(chart.proto.spec)
    rules = [layer for layer in spec["layer"] if layer["mark"].get("type") == "rule"]
    assert len(rules) == 3  # zero, drop at most 3.5 pp, at least 50 % FLOPs removed
    assert all(layer["mark"]["color"] != "black" for layer in spec["layer"] if "color" in layer["mark"])
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    everything = max((f for f in frames if "result_id" in f.columns), key=len)
    shortlist = next(d.value for d in at.dataframe if "ratio" in d.value.columns)
    assert shortlist["result_id"].tolist() == ["Beta2019Fixture/t5-resnet50-thinet"]  # 3.26 pp at 55.8 %
    at.multiselect(key="front-granularity").set_value(["filter"]).run()
    no_exceptions(at)
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in _chart(at, "vs").proto.datasets]
    narrowed = max((f for f in frames if "result_id" in f.columns), key=len)
    assert len(everything) == 2 and narrowed["result_id"].tolist() == ["Beta2019Fixture/t5-resnet50-ours"]
    at.radio(key="front-structured").set_value("unstructured").run()
    assert any("No top1 rows" in i.value for i in at.info)  # the fixture's unstructured rows print no FLOPs


def test_pair_choices_and_rows_come_from_the_published_view_without_loading_it(atlas_path) -> None:
    from pruneatlas import api
    from pruneatlas.app import common
    from pruneatlas.app.frontier import _pairs
    from pruneatlas.sql import load_sql

    view = api.published_view(True)
    frame = common.results(atlas_path, view)
    counts = frame.groupby(["architecture", "dataset"]).size().sort_values(ascending=False)
    per_pair = common.query(atlas_path, load_sql("analyses/pair_counts").format(source=view))
    assert list(_pairs(per_pair).items()) == [(pair, int(n)) for pair, n in counts.items()]
    for architecture, dataset in counts.index:
        expected = frame[(frame["architecture"] == architecture) & (frame["dataset"] == dataset)]
        shown = common.pair_results(atlas_path, view, (architecture, dataset))
        pd.testing.assert_frame_equal(shown, expected.reset_index(drop=True), check_dtype=False)
