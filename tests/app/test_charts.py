"""Chart builders return plain Vega-Lite: valid JSON whose layers find every field they encode in their table."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from pruneatlas.app import charts

NAN = float("nan")


def _fields(encoding: Any) -> set[str]:
    """Every field an encoding (or a part of one: a channel, a tooltip list) names."""
    if isinstance(encoding, dict):
        own = {encoding["field"]} if "field" in encoding else set()
        return own.union(*(_fields(value) for value in encoding.values()))
    if isinstance(encoding, list):
        return set().union(*(_fields(value) for value in encoding))
    return set()


def _figure4() -> charts.Spec:
    data = pd.DataFrame(
        {
            "label": ["ThiNet", "Ours [A2020X]"],
            "method_label": ["ThiNet", "Ours"],
            "method_paper": ["Luo2017Thinet", "A2020X"],
            "sources": [2, 1],
            "quoted_by": ["Luo2017Thinet, B2021Y", "A2020X"],
            "result_ids": ["Luo2017Thinet/t1, B2021Y/t3", "A2020X/t2"],
            "params_reduction_pct": [40.0, NAN],
            "flops_reduction_pct": [50.0, 60.0],
            "acc_drop": [0.5, NAN],
        }
    )
    return charts.figure4(data, ["Ours [A2020X]", "ThiNet"], "ResNet-56 on CIFAR-10")


def _frontier() -> charts.Spec:
    points = pd.DataFrame(
        {
            "result_id": ["A/t1", "B/t2", "C/t3"],
            "paper_key": ["A", "B", "C"],
            "year": [2019, 2020, 2021],
            "method_label": ["a", "b", "c"],
            "category": ["magnitude", "learned", "magnitude"],
            "locator": ["Table 1", "Table 2", "Table 3"],
            "source_kind": ["paper", "paper", "survey"],
            "baseline_norm": [93.0, 93.2, NAN],
            "pruned_norm": [92.5, 93.0, NAN],
            "flops_reduction_pct": [40.0, 55.0, 70.0],
            "acc_drop": [0.5, 0.2, 1.5],
            "on_front": [False, True, True],
            "quote": ["a long quote the chart never shows", "", ""],
        }
    )
    return charts.frontier(points, "flops_reduction_pct", "category", "ResNet-56", max_drop=1.0, min_x=50.0)


def _pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "claim_id": ["P/t4-99", "P/t4-99", "P/t4-90"],
            "claim_label": ["99%", "99%", "90%"],
            "rerun_id": ["R/a", "R/b", "R/c"],
            "rerun_recipe": ["swd-t99", "swd-t99-200ep", None],
            "claim_pruned": [70.0, 70.0, 75.0],
            "rerun_pruned": [68.5, 69.0, NAN],
            "overall_gap": [-1.5, -1.0, NAN],
            "rerun_std": [0.2, 0.3, NAN],
            "rerun_runs": [3, 3, 1],
            "gap_basis": ["pruned", "pruned", None],
        }
    )


def _baselines() -> pd.DataFrame:
    return pd.DataFrame({"paper_key": ["A", "B"], "year": [2019, 2020], "baseline_norm": [93.0, 93.4], "rows": [2, 1]})


SPECS = {
    "figure4": _figure4,
    "frontier": _frontier,
    "baseline_drift": lambda: charts.baseline_drift(_baselines(), "top1", "ResNet-56: baselines"),
    "reproductions": lambda: charts.reproductions(_pairs()),
    "reproduction_gaps": lambda: charts.reproduction_gaps(_pairs()),
}


@pytest.mark.parametrize("name", SPECS)
def test_a_spec_is_json_and_every_encoded_field_is_in_its_table(name: str) -> None:
    spec = SPECS[name]()
    json.dumps(spec, allow_nan=False)  # plain JSON: missing values are null, not NaN
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    for layer in spec["layer"]:
        table = spec["datasets"][(layer.get("data") or spec["data"])["name"]]
        assert table, f"{name}: an empty table"
        assert _fields(layer["encoding"]) <= set(table[0]), f"{name}: a field its rows lack"


def test_missing_values_travel_as_null() -> None:
    drops = _figure4()["datasets"]["drops"]
    assert [row["label"] for row in drops] == ["ThiNet"]  # a point without a drop draws no dot
    bars = _figure4()["datasets"]["bars"]
    assert {(row["label"], row["measure"]) for row in bars} == {
        ("ThiNet", "Parameters removed"), ("ThiNet", "FLOPs removed"), ("Ours [A2020X]", "FLOPs removed"),
    }  # fmt: skip
    pairs = charts.reproductions(_pairs())["datasets"]["pairs"]
    assert pairs[2]["rerun_pruned"] is None and pairs[2]["rerun_recipe"] is None


def test_the_frontier_carries_only_what_it_draws() -> None:
    spec = _frontier()
    points = spec["datasets"]["points"]
    assert "quote" not in points[0] and [row["result_id"] for row in points] == ["A/t1", "B/t2", "C/t3"]
    assert [(row["flops_reduction_pct"], row["acc_drop"]) for row in spec["datasets"]["front"]] == [
        (55.0, 0.2), (70.0, 1.5),
    ]  # fmt: skip
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert [spec["datasets"][rule["data"]["name"]] for rule in rules] == [
        [{"acc_drop": 0.0}], [{"acc_drop": 1.0}], [{"flops_reduction_pct": 50.0}],
    ]  # fmt: skip
