"""Training-cost claims appear on Explore (under the results, filtered with them) and on Reproductions (beside
their re-runs, with the gap)."""

from __future__ import annotations

from pathlib import Path

from app_helpers import no_exceptions, page_app
from paper_factory import PUBLISHED_COST_CLAIM as PUBLISHED_CLAIM
from paper_factory import RERUN_PROVENANCE, paper

from pruneatlas.safe_yaml import dump_yaml


def _atlas_with_a_rerun_cost_claim(root: Path) -> list[Path]:
    papers, reproduced = root / "papers", root / "reproduced"
    papers.mkdir(parents=True)
    reproduced.mkdir()
    (papers / "Li2017Pruning.yaml").write_text(dump_yaml(paper(cost_claims=[PUBLISHED_CLAIM])), encoding="utf-8")
    rerun = {
        **PUBLISHED_CLAIM,
        "cost": {**PUBLISHED_CLAIM["cost"], "percent_of_reference": 41.5},
        "reproduces": "Li2017Pruning/conclusion-incop-vs-sap",
        "source": {"locator": "run folder", "extraction": "rerun"},
        "provenance": RERUN_PROVENANCE,
    }
    rerun_file = paper(key="Rerun2026Incop", results=[], cost_claims=[rerun])
    (reproduced / "Rerun2026Incop.yaml").write_text(dump_yaml(rerun_file), encoding="utf-8")
    return [papers, reproduced]


def test_explore_folds_the_matching_cost_claims_under_the_results(other_atlas, tmp_path: Path) -> None:
    other_atlas(*_atlas_with_a_rerun_cost_claim(tmp_path / "atlas"))
    at = page_app("explore").run()
    no_exceptions(at)
    (expander,) = [e for e in at.expander if "Training-cost claims" in e.label]
    assert expander.label.startswith("Training-cost claims: 2")  # the published claim and our re-run
    table = expander.dataframe[0].value
    assert set(table["percent_of_reference"]) == {13.0, 41.5}


def test_reproductions_puts_a_cost_claim_beside_its_rerun(other_atlas, tmp_path: Path) -> None:
    other_atlas(*_atlas_with_a_rerun_cost_claim(tmp_path / "atlas"))
    at = page_app("reproductions").run()
    no_exceptions(at)
    assert "Training-cost claims" in [h.value for h in at.subheader]
    (table,) = [d.value for d in at.dataframe if "rerun_percent" in d.value.columns]
    row = table.iloc[0]
    assert row["claim_percent"] == 13.0 and row["rerun_percent"] == 41.5 and abs(row["gap"] - 28.5) < 1e-9
