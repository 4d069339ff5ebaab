"""Claims about training cost (time or epochs) are results of their own: validated, built into `training_costs`,
and re-run targets joined to their re-runs in `cost_reproductions`."""

from __future__ import annotations

from typing import Any

import pytest
from paper_factory import PUBLISHED_COST_CLAIM as PUBLISHED_CLAIM
from paper_factory import RERUN_PROVENANCE, WritePaper, paper
from paper_factory import TIMED_COST_CLAIM as TIMED_CLAIM

from pruneatlas.build import build
from pruneatlas.loader import load_atlas
from pruneatlas.sql import connect_readonly


def _claim(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def _cost(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, "cost": {**base["cost"], **changes}}


def test_a_cost_claim_is_derived_into_seconds_and_a_share_of_the_reference(write_paper: WritePaper):
    write_paper(paper(cost_claims=[PUBLISHED_CLAIM, TIMED_CLAIM]))
    with connect_readonly(build().path) as con:
        rows = con.execute(
            "SELECT result_id, method, quantity, seconds, seconds_std, relative_to, percent_of_reference, "
            "accuracy_claim, source_kind FROM training_costs ORDER BY result_id"
        ).fetchall()
    assert rows == [
        ("Li2017Pruning/conclusion-incop-vs-sap", "incop", "time", None, None, "sap", 13.0, "comparable", "reported"),
        ("Li2017Pruning/t10-swd-unstructured", "swd", "time", 90.0, 15.0, "dense", 140.0, None, "reported"),
    ]


def test_an_atlas_without_cost_claims_still_has_the_typed_view(write_paper: WritePaper):
    write_paper(paper())
    with connect_readonly(build().path) as con:
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE training_costs)").fetchall())
        assert con.execute("SELECT count(*) FROM training_costs").fetchone() == (0,)
    assert types["percent_of_reference"] == "DOUBLE" and types["year"] == "INTEGER"


BAD = [
    pytest.param(_cost(TIMED_CLAIM, unit=None), "cost", "`value` and `unit` go together", id="value without unit"),
    pytest.param(_cost(TIMED_CLAIM, unit="epochs"), "cost", "unit 'epochs' does not count time", id="wrong unit"),
    pytest.param(
        _cost(PUBLISHED_CLAIM, increase_pct=5), "cost", "give one comparison as printed", id="two comparisons"
    ),
    pytest.param(
        _cost(PUBLISHED_CLAIM, relative_to=None), "cost", "`relative_to` and a comparison",
        id="comparison, no reference",
    ),
    pytest.param(
        _cost(PUBLISHED_CLAIM, relative_to="sapp"), "cost.relative_to", "unknown method 'sapp'", id="unknown reference"
    ),
    pytest.param(_cost(TIMED_CLAIM, value=-3), "cost.value", "must be positive", id="negative time"),
    pytest.param(
        _claim(TIMED_CLAIM, architecture="resnet-19"), "architecture", "unknown architecture", id="unknown arch"
    ),
    pytest.param(_claim(TIMED_CLAIM, id="t1-resnet56-a"), "id", "duplicate id in this file", id="id of a result"),
    pytest.param(
        _claim(TIMED_CLAIM, reproduces="Li2017Pruning/x"), "provenance", "only files under data/reproduced/",
        id="reproduces outside data/reproduced",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "field", "message"), BAD)
def test_a_bad_cost_claim_is_named_by_file_claim_and_field(
    write_paper: WritePaper, claim: dict[str, Any], field: str, message: str
):
    path = write_paper(paper(cost_claims=[claim]))
    errors = load_atlas([path]).errors
    assert errors, "the bad claim was accepted"
    assert any(
        e.file.endswith("Li2017Pruning.yaml") and e.result == claim["id"] and e.field == field and message in e.message
        for e in errors
    ), [str(e) for e in errors]


def test_a_rerun_of_a_cost_claim_sits_beside_it_with_the_gap(write_paper: WritePaper):
    write_paper(paper(cost_claims=[PUBLISHED_CLAIM]))
    rerun = _cost(PUBLISHED_CLAIM, percent_of_reference=40, relative_label="our SAP")
    rerun |= {
        "reproduces": "Li2017Pruning/conclusion-incop-vs-sap",
        "source": {"locator": "run folder", "extraction": "rerun"},
        "provenance": RERUN_PROVENANCE,
        "conditions": {"num_runs": 3},
    }
    write_paper(paper(key="Rerun2026Incop", results=[], cost_claims=[rerun]), folder="reproduced")
    with connect_readonly(build().path) as con:
        rows = con.execute(
            "SELECT claim_id, claim_percent, rerun_percent, gap, rerun_runs, command FROM cost_reproductions"
        ).fetchall()
    assert rows == [
        ("Li2017Pruning/conclusion-incop-vs-sap", 13.0, 40.0, 27.0, 3, RERUN_PROVENANCE["command"]),
    ]


def test_a_rerun_must_name_a_published_claim(write_paper: WritePaper):
    write_paper(paper())
    rerun = _claim(PUBLISHED_CLAIM, reproduces="Li2017Pruning/nothing-here", provenance=RERUN_PROVENANCE)
    rerun["source"] = {"locator": "run folder", "extraction": "rerun"}
    path = write_paper(paper(key="Rerun2026Incop", results=[], cost_claims=[rerun]), folder="reproduced")
    errors = [e for e in load_atlas().errors if e.file.endswith(path.name)]
    assert [(e.result, e.field) for e in errors] == [("conclusion-incop-vs-sap", "reproduces")]
