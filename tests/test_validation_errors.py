"""Every class of bad input is reported as `file: result: field: message`, all at once, and spares the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas.cli import main
from pruneatlas.loader import load_atlas


def _drop_source(r: dict) -> dict:
    del r["source"]
    return r


PLANTED = [
    pytest.param(
        result(architecture="resnet-57"), "architecture", "unknown architecture 'resnet-57'; nearest known: resnet56",
        id="unknown architecture",
    ),
    pytest.param(
        result(accuracy={"metric": "top1", "baseline": 93.26, "pruned": 92.17, "change": -0.09,
                         "change_sign": "pruned_minus_baseline"}),
        "accuracy.change", "disagrees with baseline 93.26 and pruned 92.17", id="printed change inconsistent",
    ),
    pytest.param(
        result(params={"removed_pct": 50, "ratio": 4}), "params", "the printed forms disagree",
        id="ratio inconsistent with % removed",
    ),
    pytest.param(
        result(accuracy={"metric": "top1", "baseline": 93.5, "pruned": 193.5}), "accuracy.pruned",
        "above the top1 maximum 100", id="accuracy out of range",
    ),
    pytest.param(_drop_source(result()), "source", "required field is missing", id="missing source"),
    pytest.param(
        result(source={"locator": "Table 1", "extraction": "table"}), "source", "needs a verbatim `quote`",
        id="source without quote",
    ),
    pytest.param(result(flops={"pruned": "2.0G", "baseline": "1.5G"}), "flops.pruned", "exceeds the baseline",
                 id="remaining above baseline"),
    pytest.param(result(acuracy={"metric": "top1"}), "acuracy", "unknown field", id="misspelt field"),
    pytest.param(result(method="netslim"), "method", "unknown method 'netslim'", id="unknown method"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "field", "message"), PLANTED)
def test_planted_error_names_file_result_and_field(write_paper: WritePaper, bad: dict, field: str, message: str):
    path = write_paper(paper(results=[bad]))
    errors = [str(p) for p in load_atlas([path]).errors]
    assert any(e.startswith(f"{path}: t1-resnet56-a: {field}: ") and message in e for e in errors), errors


def test_duplicate_result_is_reported_with_both_ids(write_paper: WritePaper):
    path = write_paper(paper(results=[result(), result(id="t1-copy")]))
    errors = [str(p) for p in load_atlas([path]).errors]
    assert f"{path}: t1-copy: id: duplicate result: identical to 't1-resnet56-a' apart from its id" in errors


def test_repeated_result_id_is_an_error(write_paper: WritePaper):
    path = write_paper(paper(results=[result(), result(params={"removed_pct": 20})]))
    assert f"{path}: t1-resnet56-a: id: duplicate result id in this file" in [str(p) for p in load_atlas([path]).errors]


def test_file_must_be_named_after_its_key(write_paper: WritePaper):
    path = write_paper(paper(), name="Li2017Filters")
    errors = [str(p) for p in load_atlas([path]).errors]
    assert any("the file must be named after its key: Li2017Pruning.yaml" in e for e in errors), errors


def test_every_problem_in_every_file_is_reported_and_good_files_survive(write_paper: WritePaper, atlas_dir: Path):
    bad = write_paper(paper(results=[result(architecture="resnet-57", dataset="cifar-11")]))
    good = write_paper(paper(key="He2019Filter", title="Filter Pruning via Geometric Median", authors=["Yang He"]))
    atlas = load_atlas([atlas_dir / "papers"])
    fields = sorted(p.field for p in atlas.errors)
    assert fields == ["architecture", "dataset"]
    assert all(p.file == str(bad) for p in atlas.errors)
    assert [lp.path for lp in atlas.papers] == [good]


def test_cli_validate_prints_every_problem_and_exits_non_zero(write_paper: WritePaper):
    path = write_paper(paper(results=[result(architecture="resnet-57"), result(id="t2", dataset="cifar-11")]))
    outcome = CliRunner().invoke(main, ["validate", str(path)])
    assert outcome.exit_code == 1
    assert f"{path}: t1-resnet56-a: architecture: unknown architecture 'resnet-57'" in outcome.output
    assert f"{path}: t2: dataset: unknown dataset 'cifar-11'" in outcome.output


def test_a_published_inconsistency_is_kept_when_recorded_as_a_discrepancy(write_paper: WritePaper):
    inconsistent = result(
        params={"removed_pct": 50.6, "ratio": 2.5},
        discrepancies=[{"field": "params", "note": "the paper prints 2.5x beside 50.6 %"}],
    )
    assert load_atlas([write_paper(paper(results=[inconsistent]))]).errors == []


def test_rounding_within_the_printed_precision_is_accepted(write_paper: WritePaper):
    rounded = result(
        accuracy={"metric": "top1", "baseline": 93.26, "pruned": 93.17, "change": -0.1,
                  "change_sign": "pruned_minus_baseline"},
        flops={"removed_pct": 50.6, "ratio": 2.0},
    )  # fmt: skip
    assert load_atlas([write_paper(paper(results=[rounded]))]).errors == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key: A\n  b: [", "not valid YAML"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("key: Li2017Pruning\nkey: Li2017Pruning\n", "duplicate key 'key'"),
        ("- 1\n- 2\n", "expected a mapping"),
    ],
)
def test_unreadable_files_are_reported_not_raised(atlas_dir: Path, text: str, message: str):
    path = atlas_dir / "papers" / "Broken2020File.yaml"
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_atlas([path]).errors]
    assert len(problems) == 1 and problems[0].startswith(f"{path}: -: (file): ") and message in problems[0]


def test_the_same_printed_result_entered_twice_under_two_labels_is_flagged(write_paper: WritePaper):
    path = write_paper(paper(results=[result(), result(id="t1-again", method_label="ResNet-56-A (dup)")]))
    atlas = load_atlas([path])
    assert atlas.errors == []
    assert any("same setting, numbers and source location as 't1-resnet56-a'" in str(w) for w in atlas.warnings)
