"""The conflict check measured on real pairs of the atlas, each labelled by reading the rows and their sources.

tests/fixtures/conflict_pairs.yaml holds the labels; the check must find the genuine disagreements (recall) and
report little else (precision) among them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pruneatlas import paths
from pruneatlas.loader import Atlas, load_atlas
from pruneatlas.safe_yaml import load_yaml_file

PAIRS = load_yaml_file(Path(__file__).parent / "fixtures" / "conflict_pairs.yaml")
COUNTED = [p for p in PAIRS if p["label"] != "unclear"]
TARGET = 0.8


@cache
def atlas() -> Atlas:
    return load_atlas(paths.data_roots(), context=paths.data_roots())


def measure(pairs: list[dict], reported: set[frozenset[str]]) -> tuple[float, float]:
    """Precision and recall of `reported` (unordered result-id pairs) on the labelled pairs."""
    flagged = [frozenset((p["a"], p["b"])) in reported for p in pairs]
    genuine = [p["label"] == "genuine" for p in pairs]
    hits = sum(f and g for f, g in zip(flagged, genuine, strict=True))
    return hits / max(1, sum(flagged)), hits / max(1, sum(genuine))


def test_the_labelled_set_is_large_and_every_row_is_in_the_atlas():
    ids = {f"{lp.paper.key}/{r.id}" for lp in atlas().papers for r in lp.paper.results}
    assert len(COUNTED) >= 60
    assert {p["label"] for p in PAIRS} <= {"genuine", "different", "agreement", "unclear"}
    assert all(p["reason"] for p in PAIRS)
    assert [x for p in PAIRS for x in (p["a"], p["b"]) if x not in ids] == []


def test_the_conflict_check_has_precision_and_recall_of_at_least_0_8_on_the_labelled_pairs(capsys):
    reported = {frozenset((c.first.result_id, c.second.result_id)) for c in atlas().conflicts}
    precision, recall = measure(COUNTED, reported)
    with capsys.disabled():
        print(f"\nconflict check on {len(COUNTED)} labelled pairs: precision {precision:.2f}, recall {recall:.2f}")
    missed = [p["reason"] for p in COUNTED if p["label"] == "genuine" and frozenset((p["a"], p["b"])) not in reported]
    wrong = [p["reason"] for p in COUNTED if p["label"] != "genuine" and frozenset((p["a"], p["b"])) in reported]
    assert precision >= TARGET, wrong
    assert recall >= TARGET, missed


@pytest.mark.parametrize(
    ("flags", "expected"),
    [([True, True, False], (0.5, 1.0)), ([False, False, True], (0.0, 0.0)), ([True, False, False], (1.0, 1.0))],
)
def test_measure_counts_precision_and_recall(flags, expected):
    pairs = [{"a": "x", "b": "1", "label": "genuine"}, {"a": "x", "b": "2", "label": "different"}]
    pairs.append({"a": "x", "b": "3", "label": "agreement"})
    reported = {frozenset(("x", str(i + 1))) for i, flag in enumerate(flags) if flag}
    assert measure(pairs, reported) == expected
