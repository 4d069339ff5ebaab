"""`pruneatlas validate --plausibility`: how many rows each plausibility check flags with its waivers ignored, and
how each flag is settled (waived by a `discrepancies` entry, listed in data/quote_gaps.csv, open): the counts a
review or an issue's closing note quotes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas import checks, plausibility
from pruneatlas.cli import main
from pruneatlas.loader import load_atlas
from pruneatlas.plausibility import CHECKS, CheckCount, check_counts
from pruneatlas.vocab import load_vocabularies

VOCAB = load_vocabularies()


def _quoted(rid: str, quote: str, **changes) -> dict:
    return result(id=rid, **changes, source={"locator": "Table 1", "extraction": "table", "quote": quote})


def _waive(field: str) -> list[dict[str, str]]:
    return [{"field": field, "note": "printed so in the paper"}]


def _typical_baselines(write_paper: WritePaper) -> None:
    """Two papers whose ResNet-50 ImageNet baselines give the atlas its typical value (about 76 %)."""
    for key, values in (("He2019Filter", (76.15, 75.3)), ("Lin2020Hrank", (76.15, 76.13))):
        rows = [
            _quoted(f"r{i}", f"{b} {b - 1:.2f} 9.4 10.4", architecture="resnet50", dataset="imagenet",
                    accuracy={"metric": "top1", "baseline": b, "pruned": round(b - 1, 2)})
            for i, b in enumerate(values)
        ]  # fmt: skip
        write_paper(paper(key=key, title=key, authors=["A B"], results=rows))


ROWS = [
    _quoted("missing-waived", "6.96 9.4 10.4", discrepancies=_waive("accuracy.pruned")),  # its pruned 6.90 unquoted
    _quoted("missing-listed", "6.96 9.4 10.4"),
    _quoted("chance-waived", "8.0 7.5 9.4 10.4", accuracy={"metric": "top1", "baseline": 8.0, "pruned": 7.5},
            discrepancies=_waive("accuracy.baseline") + _waive("accuracy.pruned")),
    _quoted("far-waived", "23.85 74.9 9.4 10.4", architecture="resnet50", dataset="imagenet",
            accuracy={"metric": "top1", "baseline": 23.85, "pruned": 74.9}, discrepancies=_waive("accuracy.baseline")),
    _quoted("far-open", "76.15 0.749 9.4 10.4", architecture="resnet50", dataset="imagenet",
            accuracy={"metric": "top1", "baseline": 76.15, "pruned": 0.749}),
]  # fmt: skip
BROKEN = [  # errors in single-file checks: the file does not load, its errors are printed, its rows not counted
    _quoted("missing-open", "6.96 9.4 10.4"),
    _quoted("imagenet-net-on-cifar", "6.96 6.90 9.4 10.4", architecture="vgg16"),
]
LISTED = {"Li2017Pruning/missing-listed": frozenset({("accuracy.pruned", "6.9")})}


@pytest.fixture
def planted(write_paper: WritePaper, monkeypatch: pytest.MonkeyPatch) -> None:
    _typical_baselines(write_paper)
    write_paper(paper(results=ROWS))
    write_paper(paper(key="Han2015Learning", title="Learning", authors=["Song Han"], results=BROKEN))
    for module in (plausibility, checks):  # the report's and the validator's list of known gaps
        monkeypatch.setattr(module, "known_quote_gaps", lambda: LISTED)


def test_each_check_counts_the_rows_it_flags_by_how_they_are_settled(planted: None):
    atlas = load_atlas()
    rows = [(f"{lp.paper.key}/{r.id}", r) for lp in atlas.papers for r in lp.paper.results]
    assert check_counts(rows, atlas.facts, VOCAB) == [
        CheckCount(CHECKS[0], flagged=2, waived=1, listed=1),
        CheckCount(CHECKS[1], flagged=1, waived=1),
        CheckCount(CHECKS[2], flagged=2, waived=1, open=1),
        CheckCount(CHECKS[3]),
    ]


def test_validate_prints_the_counts_when_asked(planted: None):
    out = CliRunner().invoke(main, ["validate", "--quiet", "--plausibility"]).output
    assert "number not in its quote: 2 row(s) flagged; 1 waived by a discrepancies entry, 1 listed" in out
    assert "far from the atlas's baselines: 2 row(s) flagged; 1 waived by a discrepancies entry, 0 listed" in out
    assert "Han2015Learning.yaml: imagenet-net-on-cifar: architecture: vgg16 takes 224x224 inputs" in out
    assert "row(s) flagged" not in CliRunner().invoke(main, ["validate", "--quiet"]).output
