"""Every page's choices live in its URL: a link reproduces the view, a choice updates the link."""

from __future__ import annotations

import json

from app_helpers import no_exceptions, page_app


def _param(at, key: str) -> object:
    value = at.query_params[key]
    return json.loads(value[0] if isinstance(value, list) else value)


def test_a_link_opens_explore_with_its_filters_and_a_choice_updates_the_link(atlas_path) -> None:
    at = page_app("explore")
    at.query_params["explore-architecture"] = json.dumps(["resnet56"])
    at.query_params["explore-sort"] = json.dumps("flops_reduction_pct")
    at.query_params["explore-min-flops"] = json.dumps(10.0)
    at.run()
    no_exceptions(at)
    assert at.multiselect(key="explore-architecture").value == ["resnet56"]
    table = at.dataframe[0].value
    assert set(table["architecture"]) == {"resnet56"} and (table["flops_reduction_pct"] >= 10).all()
    assert table["flops_reduction_pct"].tolist() == sorted(table["flops_reduction_pct"], reverse=True)
    at.multiselect(key="explore-dataset").set_value(["cifar10"]).run()
    assert _param(at, "explore-dataset") == ["cifar10"] and _param(at, "explore-architecture") == ["resnet56"]


def test_a_link_opens_the_frontier_pair_and_thresholds(atlas_path) -> None:
    at = page_app("frontier")
    at.query_params["front-pair"] = json.dumps(["resnet50", "imagenet"])
    at.query_params["front-max-drop"] = json.dumps(3.5)
    at.query_params["front-granularity"] = json.dumps(["channel", "no-such-granularity"])
    at.run()
    no_exceptions(at)
    assert at.selectbox(key="front-pair").value == ("resnet50", "imagenet")
    assert at.number_input(key="front-max-drop").value == 3.5
    assert at.multiselect(key="front-granularity").value == ["channel"]  # what the atlas no longer offers is dropped


def test_a_link_opens_compare_with_its_panels_and_a_bad_value_is_ignored(atlas_path) -> None:
    at = page_app("compare")
    at.query_params["cmp-pairs"] = json.dumps([["resnet50", "imagenet"]])
    at.query_params["cmp-sort"] = "not json"
    at.run()
    no_exceptions(at)
    assert at.multiselect(key="cmp-pairs").value == [("resnet50", "imagenet")]
    assert at.selectbox(key="cmp-sort").value == "flops_reduction_pct"


def test_a_year_range_spanning_every_year_is_no_filter() -> None:
    from pruneatlas.app.url_state import narrowed

    assert narrowed((1990, 2026), 1990, 2026) is None  # not named in a caption as "years 1990-2026"
    assert narrowed([2020, 2026], 1990, 2026) == (2020, 2026)
