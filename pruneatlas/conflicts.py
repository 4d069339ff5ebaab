"""Conflicts: two sources giving different numbers for the same paper, method and setting.

Copies are often wrong (CURATION.md 4), so when paper B quotes paper A's result, or a collection imports
it, the atlas compares the copy with every other source of the same result. Two rows are taken to be the
same setting when they come from different source documents, name the same originating paper, method,
architecture, dataset, metric and granularity, and agree on every cost measure both give (or, giving no cost
at all, print the same label); LLM rows must also agree on every evaluation-protocol field both give
(models.Protocol: a perplexity at another sequence length or of another checkpoint is another setting). A
conflict is then an accuracy value on which they disagree beyond rounding.
Sweep rows (many runs of one setting by design), baselines a paper re-ran itself (independent measurements,
not copies) and our own re-runs are not compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from pruneatlas import derive
from pruneatlas.models import PaperFile
from pruneatlas.problems import Problem
from pruneatlas.vocab import Vocabularies

ACCURACY_TOLERANCE_PP = 0.051
COST_TOLERANCE_PP = 1.0


@dataclass(frozen=True)
class Facts:
    result_id: str
    file: str
    document: str
    label: str
    values: dict[str, float]
    protocol: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    field: str
    first: Facts
    second: Facts

    def touches(self, files: set[str]) -> bool:
        return self.first.file in files or self.second.file in files

    def as_problem(self) -> Problem:
        a, b = self.first, self.second
        return Problem(
            a.file,
            a.result_id.split("/", 1)[1],
            self.field,
            f"conflicts with {b.result_id} ({b.file}): {a.values[self.field]:g} here vs {b.values[self.field]:g} there",
            "warning",
        )


def _label_key(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", label.lower())


SettingKey = tuple[str, ...]


def facts_for(paper: PaperFile, file: str, reproduced: bool, vocab: Vocabularies) -> list[tuple[SettingKey, Facts]]:
    """What the conflict check compares of each (resolved) result: its setting and its exact values."""
    if reproduced:
        return []
    found = []
    for result in paper.results:
        if result.conditions.sweep or result.conditions.reimplemented:
            continue
        metric = vocab.metrics.by_id[result.accuracy.metric]
        values: dict[str, float] = {}
        for name in ("baseline", "pruned"):
            printed = getattr(result.accuracy, name)
            if printed is not None and printed.exact:
                values[f"accuracy.{name}"] = printed.value
        drop = derive.degradation(result.accuracy, metric.higher_is_better)
        exact_change = result.accuracy.change is None or result.accuracy.change.exact
        if drop is not None and exact_change:
            values["acc_drop"] = drop
        for measure in ("params", "flops"):
            reduction = derive.cost_values(getattr(result, measure)).reduction_pct
            if reduction is not None:
                values[f"{measure}.reduction_pct"] = reduction
        source = result.source
        document = f"{paper.key}|{source.collection or ''}|{source.url or ''}"
        key = (
            result.method_paper or paper.key,
            result.method,
            result.architecture,
            result.dataset,
            result.accuracy.metric,
            result.granularity or vocab.methods.by_id[result.method].granularity or "",
        )
        protocol = result.protocol.setting() if result.protocol else {}
        fact = Facts(f"{paper.key}/{result.id}", file, document, result.method_label, values, protocol)
        found.append((key, fact))
    return found


def _same_setting(a: Facts, b: Facts) -> bool:
    if any(a.protocol[name] != b.protocol[name] for name in a.protocol.keys() & b.protocol.keys()):
        return False
    costs = ("params.reduction_pct", "flops.reduction_pct")
    shared = [k for k in costs if k in a.values and k in b.values]
    if shared:
        return all(abs(a.values[k] - b.values[k]) <= COST_TOLERANCE_PP for k in shared)
    if any(k in a.values or k in b.values for k in costs):
        return False
    return _label_key(a.label) == _label_key(b.label)


def _disagreements(a: Facts, b: Facts) -> Iterator[str]:
    for name in sorted(set(a.values) & set(b.values)):
        if not name.endswith("reduction_pct") and abs(a.values[name] - b.values[name]) > ACCURACY_TOLERANCE_PP:
            yield name


def _distance(a: Facts, b: Facts) -> float:
    shared = [n for n in set(a.values) & set(b.values) if not n.endswith("reduction_pct")]
    return sum(abs(a.values[n] - b.values[n]) for n in shared)


def find_conflicts(facts: Iterable[tuple[SettingKey, Facts]]) -> list[Conflict]:
    """Rows that another document gives for the same setting, where neither side agrees with anything.

    A document that prints several variants of one setting (fine-tuned and from scratch, two seeds) is not in
    conflict with a copy that matches one of them: a row is "explained" when some same-setting row of the other
    document agrees with it, and a conflict is reported only between unexplained rows, against the closest.
    """
    groups: dict[SettingKey, dict[str, list[Facts]]] = defaultdict(lambda: defaultdict(list))
    for key, fact in facts:
        groups[key][fact.document].append(fact)
    pairs: dict[tuple[str, str], tuple[Facts, Facts]] = {}
    for documents in groups.values():
        for first, second in combinations(sorted(documents), 2):
            rows = documents[first] + documents[second]
            matches = {
                id(row): [o for o in documents[second if row in documents[first] else first] if _same_setting(row, o)]
                for row in rows
            }
            explained = {id(row) for row in rows if any(not any(_disagreements(row, o)) for o in matches[id(row)])}
            for row in rows:
                if id(row) in explained or not matches[id(row)]:
                    continue
                closest = min(matches[id(row)], key=lambda other: _distance(row, other))
                if id(closest) not in explained:
                    a, b = sorted((row, closest), key=lambda f: f.result_id)
                    pairs.setdefault((a.result_id, b.result_id), (a, b))
    return [Conflict(name, a, b) for a, b in pairs.values() for name in _disagreements(a, b)]
