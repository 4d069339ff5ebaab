"""Numbers as printed, and the canonical values derived from them."""

from __future__ import annotations

import math

import pytest

from pruneatlas import derive
from pruneatlas.models import Accuracy, Cost
from pruneatlas.printed import Printed


@pytest.mark.parametrize(
    ("raw", "value", "qualifier", "interval"),
    [
        (93.26, 93.26, "=", (93.255, 93.265)),
        (431, 431.0, "=", (430.5, 431.5)),
        ("0.85M", 850_000.0, "=", (845_000.0, 855_000.0)),
        ("4.1G", 4.1e9, "=", (4.05e9, 4.15e9)),
        (">93", 93.0, ">", (92.5, math.inf)),
        ("≥93", 93.0, ">=", (92.5, math.inf)),
        ("<=0.5", 0.5, "<=", (-math.inf, 0.55)),
    ],
)
def test_printed_numbers_keep_their_precision_and_bounds(raw, value, qualifier, interval):
    printed = Printed.parse(raw)
    assert printed.value == pytest.approx(value)
    assert printed.qualifier == qualifier
    assert printed.interval() == pytest.approx(interval)


def test_about_widens_to_a_few_percent():
    low, high = Printed.parse("~94").interval()
    assert low < 92 and high > 96


@pytest.mark.parametrize("raw", [True, "ninety", "nan", float("nan"), float("inf"), [1], "1e999"])
def test_what_is_not_a_printed_number_is_refused(raw):
    with pytest.raises(ValueError):
        Printed.parse(raw)


@pytest.mark.parametrize("raw", [93.26, 7, "0.85M", ">93", "~0.5"])
def test_the_yaml_form_is_what_was_written(raw):
    assert Printed.parse(raw).to_yaml() == raw


@pytest.mark.parametrize(
    ("cost", "reduction", "ratio"),
    [
        ({"removed_pct": 75}, 75.0, 4.0),
        ({"remaining_pct": 25}, 75.0, 4.0),
        ({"ratio": 4}, 75.0, 4.0),
        ({"baseline": "0.85M", "pruned": "0.425M"}, 50.0, 2.0),
    ],
)
def test_every_printed_form_gives_the_same_canonical_values(cost, reduction, ratio):
    values = derive.cost_values(Cost.model_validate(cost))
    assert values.reduction_pct == pytest.approx(reduction)
    assert values.ratio == pytest.approx(ratio)


def test_absolute_counts_are_completed_from_a_printed_reduction():
    values = derive.cost_values(Cost.model_validate({"baseline": "0.85M", "removed_pct": 40}))
    assert values.pruned == pytest.approx(510_000)


def test_a_printed_ratio_is_kept_rather_than_recomputed():
    values = derive.cost_values(Cost.model_validate({"removed_pct": 50.6, "ratio": 2.0}))
    assert values.ratio == 2.0 and values.reduction_pct == pytest.approx(50.6)


@pytest.mark.parametrize(
    ("accuracy", "higher_is_better", "drop"),
    [
        ({"metric": "top1", "baseline": 93.26, "pruned": 93.17}, True, 0.09),
        ({"metric": "top1", "baseline": 93.0, "pruned": 93.5}, True, -0.5),
        ({"metric": "top1_err", "baseline": 6.96, "pruned": 6.90}, False, -0.06),
        ({"metric": "perplexity", "baseline": 5.68, "pruned": 7.26}, False, 1.58),
        ({"metric": "top1", "pruned": 75.0, "change": -0.7, "change_sign": "pruned_minus_baseline"}, True, 0.7),
        ({"metric": "top1", "pruned": 75.0, "change": 0.7, "change_sign": "baseline_minus_pruned"}, True, 0.7),
        ({"metric": "top1", "claim": "no_loss"}, True, None),
    ],
)
def test_degradation_is_positive_when_the_pruned_model_is_worse(accuracy, higher_is_better, drop):
    assert derive.degradation(Accuracy.model_validate(accuracy), higher_is_better) == pytest.approx(drop)


def test_result_values_derive_every_form_of_a_row_once():
    """An error-rate row of a filter method quoted from another paper: accuracy form, signed drop, cost values,
    the method's granularity (structured) and its source kind, all from one call."""
    from paper_factory import VALID_PAPER, VALID_RESULT

    from pruneatlas.models import PaperFile
    from pruneatlas.vocab import load_vocabularies

    quoted = {**VALID_RESULT, "method_paper": "Li2017Pruning"}
    paper = PaperFile.model_validate({**VALID_PAPER, "key": "He2018Soft", "results": [quoted]})
    values = derive.result_values(paper, paper.results[0], False, load_vocabularies())
    assert (values.norm_metric, values.baseline_norm, values.pruned_norm) == ("top1", 93.04, 93.1)
    assert values.acc_drop == pytest.approx(-0.06)
    assert values.params.reduction_pct == 9.4 and values.flops.reduction_pct == 10.4
    assert (values.granularity, values.structured, values.source_kind) == ("filter", True, "secondary")


def test_a_build_derives_each_result_once(write_paper, monkeypatch: pytest.MonkeyPatch):
    """Checks, conflict facts and table rows share one derivation per result (they ran it up to six times)."""
    from paper_factory import VALID_RESULT, paper

    from pruneatlas.loader import load_atlas

    calls = {"result_values": 0, "cost_values": 0}
    for name in calls:
        original = getattr(derive, name)

        def counted(*args, _original=original, _name=name):
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(derive, name, counted)
    rows = [{**VALID_RESULT, "id": f"r{i}", "method_label": f"ResNet-56-pruned-{i}"} for i in range(3)]
    path = write_paper(paper(results=rows))
    atlas = load_atlas([path], context=[path], keep_models=False, with_rows=True)
    assert atlas.errors == [] and sum(t.num_rows for t in atlas.row_tables) == 3
    assert calls == {"result_values": 3, "cost_values": 6}


def test_a_number_printed_again_is_parsed_once_and_keeps_its_sign():
    assert Printed.parse(93.26) is Printed.parse(93.26)
    assert Printed.parse(">93") is Printed.parse(">93")
    assert Printed.parse(7) is not Printed.parse(7.0)  # 7 and 7.0 are one key to a dict, not to a reader
    assert Printed.parse(7).to_yaml() == 7 and isinstance(Printed.parse(7.0).to_yaml(), float)
    assert math.copysign(1, Printed.parse(0.0).value) == 1
    assert math.copysign(1, Printed.parse(-0.0).value) == -1
    with pytest.raises(ValueError):
        Printed.parse([1])
