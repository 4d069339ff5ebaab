"""Every class of bad input is reported as `file: result: field: message`, all at once, and spares the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas import loader
from pruneatlas.cli import main
from pruneatlas.loader import check_text, load_atlas
from pruneatlas.safe_yaml import dump_yaml
from pruneatlas.vocab import load_vocabularies


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


def _quoted(quote: str, **changes) -> dict:
    return result(**changes, source={"locator": "Table 1", "extraction": "table", "quote": quote})


PLAUSIBILITY = [
    pytest.param(
        _quoted("ResNet-56 93.5 93.1 9.4% 10.4%", accuracy={"metric": "top1", "baseline": 93.5, "pruned": 93.0}),
        "accuracy.pruned", "93.0 is not in the quote", id="number missing from the quote",
    ),
    pytest.param(
        _quoted("ResNet-56 8.0 9.4 10.4", accuracy={"metric": "top1", "pruned": 8.0}), "accuracy.pruned",
        "8.0 % is below chance (10 % for 10 classes)", id="accuracy below chance",
    ),
    pytest.param(
        _quoted("VGG-16 6.96 6.90 9.4 10.4", architecture="vgg16"), "architecture",
        "vgg16 takes 224x224 inputs and cifar10 has 32x32 images; the vgg variant for it is vgg16-cifar",
        id="imagenet network on cifar",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "field", "message"), PLAUSIBILITY)
def test_planted_implausible_row_names_file_result_and_field(write_paper: WritePaper, bad, field, message):
    path = write_paper(paper(results=[bad]))
    errors = [str(p) for p in load_atlas([path]).errors]
    assert any(e.startswith(f"{path}: t1-resnet56-a: {field}: ") and message in e for e in errors), errors


def test_quotes_match_numbers_whatever_their_formatting(write_paper: WritePaper):
    formatted = _quoted(
        "ResNet-56 | 93.690 | 1.5 M | 0.85M | 0.094 | 10.4% | 5.94E7",
        accuracy={"metric": "top1", "pruned": 93.69}, params={"baseline": "1.5M", "pruned": "0.85M"},
        flops={"removed_pct": 9.4, "pruned": 59400000.0},
    )  # fmt: skip
    assert load_atlas([write_paper(paper(results=[formatted]))]).errors == []


def test_a_computed_value_or_a_printed_oddity_is_kept_with_a_discrepancy(write_paper: WritePaper):
    computed = _quoted(
        "ResNet-56 Err1=6.94% 9.4 10.4 8.0", accuracy={"metric": "top1", "baseline": 8.0, "pruned": 93.06},
        discrepancies=[{"field": "accuracy.pruned", "note": "Computed: 100 - printed Err1 6.94"},
                       {"field": "accuracy.baseline", "note": "Printed below chance: the network collapses"}],
    )  # fmt: skip
    assert load_atlas([write_paper(paper(results=[computed]))]).errors == []


def test_figure_read_offs_need_no_quote_of_their_numbers(write_paper: WritePaper):
    figure = result(source={"locator": "Fig. 4", "extraction": "figure", "precision": "+-1 pp"})
    assert load_atlas([write_paper(paper(results=[figure]))]).errors == []


def _baselines(write_paper: WritePaper) -> None:
    """Two papers whose ResNet-50 ImageNet baselines give the atlas its typical value (about 76 %)."""
    for key, values in (("He2019Filter", (76.15, 75.3)), ("Lin2020Hrank", (76.15, 76.13))):
        rows = [
            _quoted(f"{b} {b - 1:.2f} 9.4 10.4", id=f"r{i}", architecture="resnet50", dataset="imagenet",
                    accuracy={"metric": "top1", "baseline": b, "pruned": round(b - 1, 2)})
            for i, b in enumerate(values)
        ]  # fmt: skip
        write_paper(paper(key=key, title=key, authors=["A B"], results=rows))


@pytest.mark.parametrize(
    ("accuracy", "field", "message"),
    [
        ({"metric": "top1", "baseline": 23.85, "pruned": 74.9}, "accuracy.baseline", "complementary error rate"),
        ({"metric": "top1_err", "baseline": 23.85, "pruned": 74.9}, "accuracy.pruned", "complementary error rate"),
        ({"metric": "top1", "baseline": 76.15, "pruned": 0.749}, "accuracy.pruned", "a fraction typed"),
    ],
    ids=["error typed as accuracy", "accuracy typed as error", "fraction typed as percentage"],
)
def test_an_accuracy_far_from_the_atlas_baselines_is_flagged(write_paper: WritePaper, accuracy, field, message):
    _baselines(write_paper)
    quote = " ".join(str(v) for k, v in accuracy.items() if k != "metric") + " 9.4 10.4"
    bad = _quoted(quote, architecture="resnet50", dataset="imagenet", accuracy=accuracy)
    path = write_paper(paper(results=[bad]))
    errors = [str(p) for p in load_atlas([path]).errors]
    assert any(e.startswith(f"{path}: t1-resnet56-a: {field}: ") and message in e for e in errors), errors


def test_checking_one_edit_after_another_compiles_only_the_edited_file_until_the_atlas_changes(
    write_paper: WritePaper, monkeypatch: pytest.MonkeyPatch
):
    write_paper(paper())
    compiled: list[str] = []
    compile_file = loader.compile_file
    monkeypatch.setattr(
        loader, "compile_file", lambda path, *args: compiled.append(path.name) or compile_file(path, *args)
    )
    quoting = paper(key="Zeta2020Quoting", title="Quoting", results=[result(method_paper="Eta2019Later")])
    text, vocab = dump_yaml(quoting), load_vocabularies()
    first = check_text(text, vocab=vocab)
    assert [(p.file, p.field) for p in first.errors] == [("pasted.yaml", "method_paper")]
    edited = check_text(text.replace("Table 1", "Table 2"), vocab=vocab)
    assert compiled == ["Li2017Pruning.yaml"] and [p.field for p in edited.errors] == ["method_paper"]
    write_paper(paper(key="Eta2019Later", title="Later"))  # the cited paper gets its file: the atlas changed
    assert check_text(text, vocab=vocab).errors == []
    assert sorted(compiled) == ["Eta2019Later.yaml", "Li2017Pruning.yaml", "Li2017Pruning.yaml"]
