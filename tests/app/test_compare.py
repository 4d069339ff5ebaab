"""Compare: the Figure 4 chart carries exactly the expected rows, in the chosen order."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
from app_helpers import no_exceptions, page_app
from streamlit import dataframe_util

from pruneatlas.app.compare import SURVEY_PANELS, label_order, with_display_labels


def _chart_frames(element) -> list[pd.DataFrame]:
    return [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets]


def _charts(at) -> dict[str, object]:
    return {json.loads(c.proto.spec)["title"]["text"]: c for c in at.get("vega_lite_chart")}


def test_defaults_are_the_four_survey_panels(atlas_path) -> None:
    at = page_app("compare").run()
    no_exceptions(at)
    assert at.multiselect(key="cmp-pairs").value == SURVEY_PANELS
    assert set(_charts(at)) == {
        "AlexNet on ImageNet", "ResNet-50 on ImageNet", "ResNet-56 on CIFAR-10", "VGG-16 for CIFAR on CIFAR-10",
    }  # fmt: skip


def test_chart_data_equals_the_expected_rows(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("compare").run()
    chart = _charts(at)["ResNet-56 on CIFAR-10"]
    expected = con.execute(
        """SELECT result_id, params_reduction_pct AS p, flops_reduction_pct AS f, acc_drop AS d
           FROM results_points WHERE architecture = 'resnet56' AND dataset = 'cifar10' AND norm_metric = 'top1'
             AND op_primary AND NOT sweep AND source_kind <> 'reproduced'"""
    ).df()
    bars, dots = _chart_frames(chart)
    assert len(bars["label"].unique()) == len(expected)  # one bar group per operating point, never averaged
    assert sorted(dots["result_id"]) == sorted(expected.dropna(subset=["d"])["result_id"])
    for row in expected.itertuples():
        label = bars.loc[bars["result_ids"].str.contains(row.result_id, regex=False), "label"].iloc[0]
        bar = bars[bars["label"] == label].set_index("measure")["reduction"]
        assert abs(bar["Parameters removed"] - row.p) < 1e-9 and abs(bar["FLOPs removed"] - row.f) < 1e-9
    spec = json.loads(chart.proto.spec)
    assert spec["layer"][1]["mark"]["type"] == "point"  # the drop is dots on its own axis, not a joining line
    y_titles = [layer["encoding"]["y"]["title"] for layer in spec["layer"]]
    assert y_titles == ["Reduction (%)", "Accuracy drop (top1, pp; dots)"]


def test_sorting_and_a_custom_pair(atlas_path) -> None:
    at = page_app("compare").run()
    at.selectbox(key="cmp-sort").set_value("acc_drop").run()
    at.multiselect(key="cmp-pairs").set_value([("resnet50", "imagenet")]).run()
    no_exceptions(at)
    (chart,) = _charts(at).values()
    _, line = _chart_frames(chart)
    order = json.loads(chart.proto.spec)["layer"][0]["encoding"]["x"]["sort"]
    assert order == line.sort_values("acc_drop")["method_label"].tolist()
    at.toggle(key="cmp-sweep").set_value(True).run()
    (chart,) = _charts(at).values()
    assert "GMP 80%" in set(_chart_frames(chart)[1]["method_label"])


def test_labels_are_unique_per_paper_and_per_operating_point() -> None:
    data = pd.DataFrame(
        {
            "method_label": ["Ours", "Ours", "ThiNet", "RigL (5x)", "RigL (5x)"],
            "method_paper": ["A2020X", "B2021Y", "Luo2017Thinet", "Evci2020Rigging", "Evci2020Rigging"],
            "flops_reduction_pct": [50.0, 60.0, None, 58.0, 95.0],
            "params_reduction_pct": [None, None, 40.0, 80.0, 80.0],
        }
    )
    labelled = with_display_labels(data)
    assert labelled["label"].tolist() == [
        "Ours [A2020X]", "Ours [B2021Y]", "ThiNet", "RigL (5x) [Evci2020Rigging] · 58% FLOPs",
        "RigL (5x) [Evci2020Rigging] · 95% FLOPs",
    ]  # fmt: skip
    order = label_order(labelled, "flops_reduction_pct")
    assert order[:2] == ["RigL (5x) [Evci2020Rigging] · 95% FLOPs", "Ours [B2021Y]"]


def test_search_and_paging_reach_every_operating_point(atlas_path) -> None:
    at = page_app("compare").run()
    at.multiselect(key="cmp-pairs").set_value([("resnet56", "cifar10")]).run()
    at.number_input(key="cmp-limit").set_value(1).run()
    (chart,) = _charts(at).values()
    first = set(_chart_frames(chart)[0]["label"])
    at.number_input(key="cmp-page").set_value(2).run()
    (chart,) = _charts(at).values()
    second = set(_chart_frames(chart)[0]["label"])
    assert len(first) == len(second) == 1 and first != second
    at.number_input(key="cmp-limit").set_value(20).run()
    at.number_input(key="cmp-page").set_value(1).run()
    at.text_input(key="cmp-search").set_value("hrank").run()
    no_exceptions(at)
    (chart,) = _charts(at).values()
    assert set(_chart_frames(chart)[0]["method_label"]) == {"Ours-56"}  # its method is hrank


def test_each_panel_cites_the_primary_rows_behind_its_bars(atlas_path, monkeypatch) -> None:
    from pruneatlas.app import common

    cited: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    monkeypatch.setattr(common, "downloads", lambda path, data, name, rows, **_: cited.setdefault(name, (data, rows)))
    no_exceptions(page_app("compare").run())
    assert len(cited) == 4  # one download row per panel
    frame = common.results(atlas_path)
    for data, rows in cited.values():
        ids = {i for text in data["result_ids"] for i in text.split(", ")}
        expected = frame[frame["result_id"].isin(ids) & frame["op_primary"]]
        assert sorted(rows["result_id"]) == sorted(expected["result_id"]) and rows["op_primary"].all()
