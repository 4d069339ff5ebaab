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
        """SELECT method_label, avg(params_reduction_pct) AS p, avg(flops_reduction_pct) AS f, avg(acc_drop) AS d
           FROM results WHERE architecture = 'resnet56' AND dataset = 'cifar10' AND norm_metric = 'top1'
             AND NOT sweep AND source_kind <> 'reproduced' GROUP BY method_label"""
    ).df()
    bars, line = _chart_frames(chart)
    assert sorted(line["method_label"]) == sorted(expected["method_label"])
    for row in expected.itertuples():
        mine = line[line["method_label"] == row.method_label].iloc[0]
        assert abs(mine["acc_drop"] - row.d) < 1e-9
        assert abs(mine["params_reduction_pct"] - row.p) < 1e-9 and abs(mine["flops_reduction_pct"] - row.f) < 1e-9
        bar = bars[bars["method_label"] == row.method_label].set_index("measure")["reduction"]
        assert abs(bar["Parameters removed"] - row.p) < 1e-9 and abs(bar["FLOPs removed"] - row.f) < 1e-9
    spec = json.loads(chart.proto.spec)
    order = spec["layer"][0]["encoding"]["x"]["sort"]
    by_flops = expected.sort_values(["f", "method_label"], ascending=[False, True])["method_label"].tolist()
    assert order == by_flops
    y_titles = [layer["encoding"]["y"]["title"] for layer in spec["layer"]]
    assert y_titles == ["Reduction (%)", "Accuracy drop (top1, pp)"]


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


def test_labels_printed_by_two_papers_get_their_paper() -> None:
    data = pd.DataFrame(
        {
            "method_label": ["Ours", "Ours", "ThiNet"],
            "method_paper": ["A2020X", "B2021Y", "Luo2017Thinet"],
            "flops_reduction_pct": [50.0, 60.0, None],
        }
    )
    labelled = with_display_labels(data)
    assert labelled["label"].tolist() == ["Ours [A2020X]", "Ours [B2021Y]", "ThiNet"]
    assert label_order(labelled, "flops_reduction_pct") == ["Ours [B2021Y]", "Ours [A2020X]", "ThiNet"]
