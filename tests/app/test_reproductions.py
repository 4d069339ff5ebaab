"""Reproductions: published claims beside re-runs with the gap, and an empty state that says how to get rows."""

from __future__ import annotations

import pandas as pd
from app_helpers import ATLAS, no_exceptions, page_app

from pruneatlas.app.charts import reproduction_rows


def test_claim_beside_rerun_with_gap(atlas_path) -> None:
    at = page_app("reproductions").run()
    no_exceptions(at)
    table = at.dataframe[0].value
    row = table.set_index("claim_id").loc["Alpha2017Fixture/t2-resnet56-b"]
    assert row["rerun_id"] == "Rerun2024Fixture/rerun-resnet56-b"
    assert abs(row["claim_pruned"] - 93.06) < 1e-9 and abs(row["rerun_pruned"] - 92.70) < 1e-9
    assert abs(row["gap"] - (92.70 - 93.06)) < 1e-9
    # the claim's own words travel with it
    assert row["claim_quote"] == "ResNet-56 6.96 ... ResNet-56-pruned-B 6.94 13.7% 27.6%"
    assert row["overall_gap"] == row["gap"]  # the claim prints a pruned accuracy: the gap is taken on it
    assert len(at.get("vega_lite_chart")) == 2  # claim beside re-run, and the gap with the seeds' spread


def test_empty_state_explains_how_rows_get_here(other_atlas) -> None:
    other_atlas(ATLAS / "papers")
    at = page_app("reproductions").run()
    no_exceptions(at)
    assert not at.dataframe
    (info,) = at.info
    assert "data/reproduced/" in info.value and "reproduces:" in info.value


def test_a_claim_re_run_twice_gets_one_chart_row_per_re_run() -> None:
    pairs = pd.DataFrame(
        {
            "claim_id": ["P/t4-99", "P/t4-99", "P/t4-90"],
            "rerun_id": ["R/a", "R/b", "R/c"],
            "rerun_recipe": ["swd-t99", "swd-t99-200ep", None],
        }
    )
    assert reproduction_rows(pairs).tolist() == ["P/t4-99 · swd-t99", "P/t4-99 · swd-t99-200ep", "P/t4-90"]


def test_the_rows_a_page_cites_are_the_rows_of_the_whole_frame(atlas_path) -> None:
    from pruneatlas.app import common

    frame = common.results(atlas_path)
    ids = ["Rerun2024Fixture/rerun-resnet56-b", "Alpha2017Fixture/t2-resnet56-b"]
    expected = frame[frame["result_id"].isin(ids)].reset_index(drop=True)
    pd.testing.assert_frame_equal(common.results_among(atlas_path, ids), expected)
    assert common.results_among(atlas_path, []).empty
