"""Explore: filters change the rows shown; a selected row shows its fields, quote, BibTeX and conflicts."""

from __future__ import annotations

import duckdb
import pandas as pd
from app_helpers import no_exceptions, page_app

from pruneatlas.app.explore import TABLE_KEY
from pruneatlas.app.row_filters import FilterSpec, apply_filters


def _table(at) -> pd.DataFrame:
    return at.dataframe[0].value


def test_default_view_hides_sweep_rows(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    at = page_app("explore").run()
    no_exceptions(at)
    expected = con.execute("SELECT count(*) FROM results WHERE NOT sweep").fetchone()[0]
    assert len(_table(at)) == expected
    at.toggle(key="explore-sweep").set_value(True).run()
    assert len(_table(at)) == con.execute("SELECT count(*) FROM results").fetchone()[0]


def test_architecture_filter_changes_rows(atlas_path) -> None:
    at = page_app("explore").run()
    before = _table(at)
    at.multiselect(key="explore-architecture").set_value(["resnet56"]).run()
    no_exceptions(at)
    after = _table(at)
    assert 0 < len(after) < len(before)
    assert set(after["architecture"]) == {"resnet56"}
    assert any(f"**{len(after)}** of" in c.value for c in at.caption)


def test_filters_combine_and_can_empty_the_table(atlas_path) -> None:
    at = page_app("explore").run()
    at.multiselect(key="explore-dataset").set_value(["imagenet"]).run()
    at.radio(key="explore-structured").set_value("unstructured").run()
    rows = _table(at)
    assert set(rows["dataset"]) == {"imagenet"} and set(rows["granularity"]) == {"weight"}
    at.text_input(key="explore-text").set_value("no such label anywhere").run()
    no_exceptions(at)
    assert not at.dataframe
    assert any("No rows match" in i.value for i in at.info)


def test_sort_control_orders_rows(atlas_path) -> None:
    at = page_app("explore").run()
    at.selectbox(key="explore-sort").set_value("flops_reduction_pct").run()
    values = _table(at)["flops_reduction_pct"].dropna().tolist()
    assert values == sorted(values, reverse=True)


def test_selected_row_shows_quote_bibtex_link_and_conflict(atlas_path) -> None:
    at = page_app("explore").run()
    table = _table(at)
    index = int(table.index[table["result_id"] == "Alpha2017Fixture/t2-resnet56-a"][0])
    at.session_state[TABLE_KEY] = {"selection": {"rows": [index], "columns": [], "cells": []}}
    at.run()
    no_exceptions(at)
    assert any("ResNet-56-pruned-A" in s.value for s in at.subheader)
    assert any("ResNet-56 6.96 ... ResNet-56-pruned-A 6.90 9.4% 10.4%" in m.value for m in at.markdown)
    assert any("Conflicts with Beta2019Fixture/t3-resnet56-a-quoted" in w.value for w in at.warning)
    bibtex = [c.value for c in at.code if c.language == "bibtex"]
    assert bibtex and "@inproceedings{Alpha2017Fixture," in bibtex[0]
    fields = at.dataframe[-1].value
    assert {"quote", "locator", "paper_url", "acc_drop"} <= set(fields["field"])


def test_apply_filters_is_pure_and_keeps_order() -> None:
    frame = pd.DataFrame(
        {
            "architecture": ["a", "b", "a"],
            "structured": [True, None, False],
            "year": [2017, 2019, 2021],
            "sweep": [False, False, True],
            "params_reduction_pct": [10.0, None, 90.0],
            "flops_reduction_pct": [None, 50.0, 60.0],
            "method_label": ["X", "Y", "Z"],
            "paper_key": ["P1", "P2", "P3"],
            "title": ["t", "u", "v"],
        }
    )
    assert list(apply_filters(frame, FilterSpec())["method_label"]) == ["X", "Y"]
    spec = FilterSpec(choices={"architecture": ("a",)}, include_sweep=True)
    assert list(apply_filters(frame, spec)["method_label"]) == ["X", "Z"]
    assert list(apply_filters(frame, FilterSpec(structured="unstructured", include_sweep=True))["method_label"]) == [
        "Z"
    ]
    assert list(apply_filters(frame, FilterSpec(min_flops_reduction=55, include_sweep=True))["method_label"]) == ["Z"]
    assert list(apply_filters(frame, FilterSpec(years=(2018, 2022), text="y"))["method_label"]) == ["Y"]
    assert len(frame) == 3


def test_one_row_per_operating_point_unless_every_source_is_asked_for() -> None:
    frame = pd.DataFrame({"op_primary": [True, False, True], "sweep": [False, False, False]})
    assert apply_filters(frame, FilterSpec()).index.tolist() == [0, 2]
    assert apply_filters(frame, FilterSpec(every_source=True)).index.tolist() == [0, 1, 2]


def test_accuracy_columns_read_higher_is_better_and_keep_the_printed_value(atlas_path) -> None:
    at = page_app("explore").run()
    table = _table(at)
    errors = table[table["result_id"] == "Alpha2017Fixture/t2-resnet56-a"]
    assert errors["norm_metric"].tolist() == ["top1"] and errors["direction"].tolist() == ["higher is better"]
    at.multiselect(key="explore-columns").set_value(["metric", "pruned_acc"]).run()
    row = _table(at).set_index("result_id").loc["Alpha2017Fixture/t2-resnet56-a"]
    assert row["metric"] == "top1_err" and row["pruned_norm"] == 100 - row["pruned_acc"]


def test_exact_matches_come_first_in_the_choice_filters() -> None:
    from pruneatlas.app.row_filters import exact_first

    labels = {"edsr-f256-r16": "EDSR (edsr-f256-r16)", "preresnet56": "PreResNet-56 (preresnet56)",
              "resnet56": "ResNet-56 (resnet56)", "cifar10": "CIFAR-10 (cifar10)",
              "cifar100": "CIFAR-100 (cifar100)"}  # fmt: skip
    assert exact_first(sorted(labels), labels) == ["cifar10", "cifar100", "edsr-f256-r16", "resnet56", "preresnet56"]


def test_filters_read_as_words_for_a_caption() -> None:
    spec = FilterSpec(choices={"architecture": ("resnet56",), "dataset": ("cifar10",)}, min_flops_reduction=50.0)
    assert spec.describe() == (
        "architecture resnet56; dataset cifar10; >= 50 % FLOPs removed; one row per published operating point"
    )
