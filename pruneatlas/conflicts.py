"""Conflicts: two sources giving different numbers for the same published operating point.

Copies are often wrong (CURATION.md 4), so the atlas compares every copy of a result with the other sources of
it. Two rows describe the same setting when they come from different documents and agree on the originating
paper, method, network, data set, metric in accuracy form (an error rate is 100 minus the accuracy), kind of
structure (filter and channel pruning are one), conditions (quantized, distilled, not fine-tuned, network
modified), variant (`conditions.variant`; a quote that names none may be any of them) and every cost both give.
For a pretrained public model (an LLM) a different dense score, or an evaluation-protocol field both rows give
differently (models.Protocol: another sequence length, checkpoint, task list ...), means another setting.

What is compared: the pruned accuracy first; baselines and drops only when both rows carry the method's own
baseline (`baseline_origin`), since a quoting table often prints its own or a common reference baseline. Values
agree within the rounding their printed digits allow, widened by two printed standard deviations.

A row is explained when it agrees with a row of another paper; a quote is explained only by the originating
paper's own rows when it can be compared with some of them. Each unexplained row is reported against every row
of the same setting and variant that it disagrees with, saying which side is likely right: the originating paper's
own row, or a row that another source corroborates. Sweep rows, baselines a paper re-ran itself and our own
re-runs are not compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from pruneatlas.derive import ResultValues
from pruneatlas.models import Accuracy, PaperFile, Result
from pruneatlas.printed import Printed
from pruneatlas.problems import Problem
from pruneatlas.vocab import Vocabularies

ROUNDING_SLACK = 0.011
COST_TOLERANCE_PP = 1.0
SAME_STRUCTURE = {"filter": "channel"}


@dataclass(frozen=True)
class Value:
    """One compared number in accuracy form, what the row prints, and the slack its printing allows."""

    norm: float
    shown: float
    slack: float


@dataclass(frozen=True)
class Facts:
    """What the conflict and plausibility checks need of one row: where it comes from, whose result and baseline
    it carries, its variant, costs and compared values (`network` is architecture, data set, accuracy metric)."""

    result_id: str
    file: str
    document: str
    paper: str
    own: bool
    label: str
    variant: str
    own_baseline: bool
    dense: Value | None
    costs: dict[str, float]
    values: dict[str, Value] = field(default_factory=dict)
    network: tuple[str, str, str] = ("", "", "")
    waived: frozenset[str] = frozenset()
    compared: bool = True
    sweep: bool = False
    protocol: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    field: str
    first: Facts
    second: Facts
    likely_right: str | None = None

    def touches(self, files: set[str]) -> bool:
        return self.first.file in files or self.second.file in files

    def as_row(self) -> dict[str, object]:
        """The conflict as a row of the `conflict_pairs` table (values as each row prints them)."""
        return {
            "field": self.field,
            "result_a": self.first.result_id,
            "result_b": self.second.result_id,
            "value_a": self.first.values[self.field].shown,
            "value_b": self.second.values[self.field].shown,
            "likely_right": self.likely_right,
        }

    def as_problem(self) -> Problem:
        a, b = self.first, self.second
        verdict = f"; likely right: {self.likely_right}" if self.likely_right else ""
        return Problem(
            a.file,
            a.result_id.split("/", 1)[1],
            self.field,
            f"conflicts with {b.result_id} ({b.file}): {a.values[self.field].shown:g} here vs "
            f"{b.values[self.field].shown:g} there{verdict}",
            "warning",
        )


SettingKey = tuple[object, ...]


_NOT_IN_KEY = re.compile(r"[^a-z0-9]")


def _key(text: str) -> str:
    """Spelling-insensitive form of a label or a condition: lower-case letters and digits only."""
    return _NOT_IN_KEY.sub("", text.lower()) if text else ""


def _value(printed: Printed | None, complement: bool, spread: Printed | None = None) -> Value | None:
    if printed is None or not printed.exact:
        return None
    norm = 100.0 - printed.value if complement else printed.value
    return Value(norm, printed.value, printed.half_unit + 2 * (spread.value if spread else 0.0))


def _drop(accuracy: Accuracy, higher_is_better: bool) -> Value | None:
    """Accuracy lost (positive = worse; the same number for an accuracy and its error rate), from the two
    printed values or else a printed change."""
    baseline, pruned, change = accuracy.baseline, accuracy.pruned, accuracy.change
    if baseline is not None and pruned is not None:
        if not (baseline.exact and pruned.exact):
            return None
        delta, slack = pruned.value - baseline.value, baseline.half_unit + pruned.half_unit
    elif change is not None and change.exact:
        delta = change.value if accuracy.change_sign == "pruned_minus_baseline" else -change.value
        slack = change.half_unit
    else:
        return None
    drop = round(-delta if higher_is_better else delta, 6)
    return Value(drop, drop, slack)


def _setting(result: Result, paper: PaperFile, values: ResultValues) -> SettingKey:
    granularity = values.granularity or ""
    c = result.conditions
    return (
        result.method_paper or paper.key,
        result.method,
        result.architecture,
        result.dataset,
        values.norm_metric,
        SAME_STRUCTURE.get(granularity, granularity),
        bool(c.quantized),
        bool(c.distillation),
        c.finetune_epochs == 0,
        _key(c.architecture_modified or ""),
    )


def facts_for(
    paper: PaperFile, file: str, reproduced: bool, vocab: Vocabularies, derived: dict[str, ResultValues]
) -> list[tuple[SettingKey, Facts]]:
    """What the conflict check compares of each (resolved) result: its setting and its numbers (`derived`: each
    result's values by id). Sweep points and baselines a paper re-ran are kept for the plausibility checks but
    not compared (`compared`)."""
    if reproduced:
        return []
    found = []
    for result in paper.results:
        metric = vocab.metrics.by_id[result.accuracy.metric]
        complement = metric.complement_of is not None
        accuracy = result.accuracy
        values = {
            "accuracy.pruned": _value(accuracy.pruned, complement, accuracy.pruned_std),
            "accuracy.baseline": _value(accuracy.baseline, complement, accuracy.baseline_std),
            "acc_drop": _drop(accuracy, metric.higher_is_better),
        }
        values_of = derived[result.id]
        reductions = {"params": values_of.params.reduction_pct, "flops": values_of.flops.reduction_pct}
        costs = {m: r for m, r in reductions.items() if r is not None}
        origin = result.method_paper or paper.key
        source = result.source
        llm = vocab.architectures.by_id[result.architecture].family == "llm"
        facts = Facts(
            result_id=f"{paper.key}/{result.id}",
            file=file,
            document=f"{paper.key}|{source.collection or ''}|{source.url or ''}",
            paper=paper.key,
            own=origin == paper.key and source.collection is None,
            label=result.method_label,
            variant=_key(result.conditions.variant or ""),
            own_baseline=result.baseline_origin == "own" or (result.baseline_origin is None and origin == paper.key),
            dense=values["accuracy.baseline"] if llm else None,
            costs=costs,
            values={k: v for k, v in values.items() if v is not None},
            network=(result.architecture, result.dataset, values_of.norm_metric),
            waived=frozenset(d.field for d in result.discrepancies),
            compared=not (result.conditions.sweep or result.conditions.reimplemented),
            sweep=result.conditions.sweep,
            protocol=result.protocol.setting() if result.protocol else {},
        )
        found.append((_setting(result, paper, values_of), facts))
    return found


def _agree(a: Value, b: Value) -> bool:
    return abs(a.norm - b.norm) <= max(a.slack, b.slack) + ROUNDING_SLACK


def _same_point(a: Facts, b: Facts) -> bool:
    """Different documents, the same costs and (for a public pretrained model) the same evaluation: the same
    dense score, and every evaluation-protocol field both rows give (models.Protocol) the same."""
    if a.document == b.document:
        return False
    if a.dense is not None and b.dense is not None and not _agree(a.dense, b.dense):
        return False
    if any(a.protocol[name] != b.protocol[name] for name in a.protocol.keys() & b.protocol.keys()):
        return False
    shared = [k for k in a.costs if k in b.costs]
    if shared:
        return all(abs(a.costs[k] - b.costs[k]) <= COST_TOLERANCE_PP for k in shared)
    if a.costs or b.costs:
        return False
    return _key(a.label) == _key(b.label)


def _may_match(a: Facts, b: Facts) -> bool:
    """Variants allow the two rows to be one result: the same variant, or a quote that names none."""
    return a.variant == b.variant or (not a.variant and not a.own) or (not b.variant and not b.own)


def _compared(a: Facts, b: Facts) -> list[str]:
    """The fields on which the two rows can be compared: the pruned value first, baselines only if both are own."""
    both_own = a.own_baseline and b.own_baseline
    if "accuracy.pruned" in a.values and "accuracy.pruned" in b.values:
        return ["accuracy.pruned", "accuracy.baseline"] if both_own else ["accuracy.pruned"]
    return ["acc_drop"] if both_own else []


def _disagreements(a: Facts, b: Facts) -> list[str]:
    return [
        name
        for name in _compared(a, b)
        if name in a.values and name in b.values and not _agree(a.values[name], b.values[name])
    ]


def _comparable(a: Facts, b: Facts) -> bool:
    return any(name in a.values and name in b.values for name in _compared(a, b))


def _support(row: Facts, rows: list[Facts]) -> list[Facts]:
    """Rows of other papers that agree with `row`; for a quote, only the originating paper's own rows whenever
    it can be compared with any of them."""
    candidates = [o for o in rows if o.paper != row.paper and _same_point(row, o) and _may_match(row, o)]
    candidates = [o for o in candidates if _comparable(row, o)]
    own = [o for o in candidates if o.own]
    if not row.own and own:
        candidates = own
    return [o for o in candidates if not _disagreements(row, o)]


def find_conflicts(facts: Iterable[tuple[SettingKey, Facts]]) -> list[Conflict]:
    """Every disagreement of an unexplained row with a row of the same setting and variant, unless one of the
    two agrees with another row of the other's document (that document prints several versions of the result)."""
    groups: dict[SettingKey, list[Facts]] = defaultdict(list)
    for key, fact in facts:
        if fact.compared:
            groups[key].append(fact)
    found: dict[tuple[str, str, str], Conflict] = {}
    for rows in groups.values():
        if len(rows) < 2 or len({r.document for r in rows}) < 2:
            continue
        support = {id(r): _support(r, rows) for r in rows}
        for a, b in combinations(rows, 2):
            if support[id(a)] and support[id(b)]:
                continue
            if a.variant != b.variant or not _same_point(a, b):
                continue
            if any(o.document == b.document for o in support[id(a)]) or any(
                o.document == a.document for o in support[id(b)]
            ):
                continue
            first, second = sorted((a, b), key=lambda f: f.result_id)
            for name in _disagreements(first, second):
                right = _likely_right(first, second, support)
                found.setdefault((first.result_id, second.result_id, name), Conflict(name, first, second, right))
    return sorted(found.values(), key=lambda c: (c.first.result_id, c.second.result_id, c.field))


def _likely_right(a: Facts, b: Facts, support: dict[int, list[Facts]]) -> str | None:
    """The side the originating paper's own row takes, or the side another source corroborates."""
    for row, other in ((a, b), (b, a)):
        if row.own and not other.own:
            return f"{row.result_id} (the method's own paper)"
    for row, other in ((a, b), (b, a)):
        if support[id(row)] and not support[id(other)]:
            return f"{row.result_id} (agrees with {support[id(row)][0].result_id})"
    return None
