"""Checks beyond types: vocabulary, ranges, internal consistency and duplicates within one paper file.

Each check returns problems instead of raising, so one run reports everything wrong with every file.
Names are resolved to canonical ids on the way (`resolve_paper`), so later stages see only ids. What a file
may hold but a reader would doubt (numbers missing from the quote, implausible values) is `plausibility.py`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pruneatlas import derive
from pruneatlas.ligatures import ligature_problem
from pruneatlas.models import Accuracy, Cost, CostClaim, PaperFile, Result
from pruneatlas.plausibility import PRINTED_FIELDS, known_quote_gaps, plausibility_problems
from pruneatlas.problems import WHOLE_FILE, Problem
from pruneatlas.rows import result_json
from pruneatlas.vocab import UnknownName, Vocabularies

ACCURACY_SLACK_PP = 0.011
COST_SLACK_FRACTION = 0.006
WAIVABLE_FIELDS = ("accuracy.change", "secondary.change", "params", "flops", *PRINTED_FIELDS)


@dataclass(frozen=True)
class Checked:
    """What checking a result computes anyway and later stages reuse: its canonical JSON (the table's `record`)
    and its derived values."""

    record: str
    values: derive.ResultValues


@dataclass(frozen=True)
class FileContext:
    """What a file's checks need to know beyond the file itself."""

    label: str
    stem: str
    reproduced: bool
    known_paper_keys: frozenset[str]


def _overlap(intervals: list[tuple[float, float]], slack: float) -> bool:
    return max(lo for lo, _ in intervals) <= min(hi for _, hi in intervals) + slack


def _resolve_names(result: Result, vocab: Vocabularies) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Canonical ids for every vocabulary field, and (field, message) for each name that does not resolve."""
    lookups = {
        "method": (vocab.methods, result.method),
        "architecture": (vocab.architectures, result.architecture),
        "dataset": (vocab.datasets, result.dataset),
        "accuracy.metric": (vocab.metrics, result.accuracy.metric),
    }
    if result.secondary is not None:
        lookups["secondary.metric"] = (vocab.metrics, result.secondary.metric)
    resolved: dict[str, str] = {}
    failures: list[tuple[str, str]] = []
    for field, (vocabulary, name) in lookups.items():
        try:
            resolved[field] = vocabulary.resolve(name).id
        except UnknownName as exc:
            failures.append((field, str(exc)))
    return resolved, failures


def _accuracy_problems(
    prefix: str, accuracy: Accuracy, vocab: Vocabularies, waived: set[str]
) -> Iterator[tuple[str, str]]:
    metric = vocab.metrics.by_id.get(accuracy.metric)
    if metric is None:
        return
    for name in ("baseline", "pruned"):
        printed = getattr(accuracy, name)
        if printed is None:
            continue
        if metric.minimum is not None and printed.value < metric.minimum:
            yield f"{prefix}.{name}", f"{printed} is below the {metric.id} minimum {metric.minimum:g}"
        if metric.maximum is not None and printed.value > metric.maximum:
            yield f"{prefix}.{name}", f"{printed} is above the {metric.id} maximum {metric.maximum:g} ({metric.unit})"
    for name in ("baseline_std", "pruned_std"):
        printed = getattr(accuracy, name)
        if printed is not None and printed.value < 0:
            yield f"{prefix}.{name}", f"a spread cannot be negative ({printed})"
    stated = derive.printed_delta_interval(accuracy)
    if stated is None or accuracy.baseline is None or accuracy.pruned is None or f"{prefix}.change" in waived:
        return
    b_lo, b_hi = accuracy.baseline.interval()
    p_lo, p_hi = accuracy.pruned.interval()
    if not _overlap([(p_lo - b_hi, p_hi - b_lo), stated], ACCURACY_SLACK_PP):
        computed = accuracy.pruned.value - accuracy.baseline.value
        yield (
            f"{prefix}.change",
            f"printed change {accuracy.change} ({accuracy.change_sign}) disagrees with baseline {accuracy.baseline} "
            f"and pruned {accuracy.pruned}, which give pruned - baseline = {computed:+.4g}; fix the transcription "
            "or record a `discrepancies` entry if the paper itself is inconsistent",
        )


def _cost_problems(field: str, cost: Cost | None, waived: set[str]) -> Iterator[tuple[str, str]]:
    if cost is None:
        return
    for name in ("removed_pct", "remaining_pct"):
        printed = getattr(cost, name)
        if printed is not None and not 0 <= printed.value <= 100:
            yield f"{field}.{name}", f"a percentage must lie in 0..100, got {printed}"
    if cost.ratio is not None and cost.ratio.value < 1:
        yield f"{field}.ratio", f"a ratio is baseline / pruned and cannot be below 1, got {cost.ratio}"
    for name in ("baseline", "pruned"):
        printed = getattr(cost, name)
        if printed is not None and printed.value <= 0:
            yield f"{field}.{name}", f"a count must be positive, got {printed}"
    if cost.baseline is not None and cost.pruned is not None and cost.pruned.value > cost.baseline.value:
        yield f"{field}.pruned", f"remaining {cost.pruned} exceeds the baseline {cost.baseline}"
    if field in waived or len(derive.removed_fraction_forms(cost)) < 2:
        return
    intervals = derive.cost_intervals(cost)
    if not _overlap(list(intervals.values()), COST_SLACK_FRACTION):
        described = ", ".join(
            f"{form} gives {100 * max(lo, -9.99):.2f}..{100 * min(hi, 9.99):.2f} % removed"
            for form, (lo, hi) in intervals.items()
        )
        yield field, f"the printed forms disagree: {described}; fix the transcription or record a `discrepancies` entry"


def value_problems(result: Result, vocab: Vocabularies) -> Iterator[tuple[str, str]]:
    """Ranges and internal consistency of one result's printed values (names already resolved to ids)."""
    waived = {d.field for d in result.discrepancies}
    for entry in result.discrepancies:
        if entry.field not in WAIVABLE_FIELDS:
            yield "discrepancies", f"{entry.field!r} names no check; use one of {', '.join(WAIVABLE_FIELDS)}"
    yield from _accuracy_problems("accuracy", result.accuracy, vocab, waived)
    if result.secondary is not None:
        yield from _accuracy_problems("secondary", result.secondary, vocab, waived)
    yield from _cost_problems("params", result.params, waived)
    yield from _cost_problems("flops", result.flops, waived)


def _result_problems(
    result: Result, vocab: Vocabularies, ctx: FileContext, paper: PaperFile
) -> Iterator[tuple[str, str]]:
    yield from value_problems(result, vocab)
    if not ctx.reproduced:
        gaps = known_quote_gaps().get(f"{paper.key}/{result.id}", frozenset())
        yield from plausibility_problems(result, vocab, gaps)
    yield from text_problems(result)
    yield from origin_problems(result, ctx, paper)


def text_problems(entry: Result | CostClaim) -> Iterator[tuple[str, str]]:
    """Labels, notes and quotes written with letters, not PDF ligature glyphs, so a search finds them."""
    for field, text in (
        ("method_label", entry.method_label),
        ("notes", entry.notes),
        ("source.quote", entry.source.quote),
    ):
        if message := ligature_problem(text):
            yield field, message


def origin_problems(entry: Result | CostClaim, ctx: FileContext, paper: PaperFile) -> Iterator[tuple[str, str]]:
    """Whom an entry credits and whether it may carry provenance: the same rules for every kind of result."""
    cited = entry.method_paper
    if cited is not None and cited != paper.key and cited not in paper.references and cited not in ctx.known_paper_keys:
        yield (
            "method_paper",
            f"{entry.method_paper!r} has no paper file and is not in this file's `references`; add it there",
        )
    if ctx.reproduced:
        if entry.provenance is None:
            yield "provenance", "a reproduced row needs its provenance (command, config hash, versions, seeds ...)"
        if entry.source.extraction != "rerun":
            yield "source.extraction", "a reproduced row is read from a re-run: use `extraction: rerun`"
    else:
        if entry.provenance is not None or entry.reproduces is not None:
            yield "provenance", "only files under data/reproduced/ may carry provenance or `reproduces`"
        if entry.source.extraction == "rerun":
            yield "source.extraction", "`rerun` is for rows under data/reproduced/ only"


def _with_ids(result: Result, ids: dict[str, str]) -> Result:
    """The result with its names replaced by canonical ids (the same object when it already used ids)."""
    given = {
        "method": result.method,
        "architecture": result.architecture,
        "dataset": result.dataset,
        "accuracy.metric": result.accuracy.metric,
        "secondary.metric": result.secondary.metric if result.secondary else None,
    }
    if all(given[k] == v for k, v in ids.items()):
        return result
    update: dict[str, object] = {k: v for k, v in ids.items() if "." not in k}
    update["accuracy"] = result.accuracy.model_copy(
        update={"metric": ids.get("accuracy.metric", result.accuracy.metric)}
    )
    if result.secondary is not None:
        update["secondary"] = result.secondary.model_copy(
            update={"metric": ids.get("secondary.metric", result.secondary.metric)}
        )
    return result.model_copy(update=update)


def _numbers(result: Result, values: derive.ResultValues) -> tuple:
    """What two entries of one printed result share whatever their labels: setting, values, where printed."""
    cost = [values.params.reduction_pct, values.flops.reduction_pct]
    printed = [getattr(result.accuracy, n) for n in ("baseline", "pruned", "change")]
    return (
        result.method, result.architecture, result.dataset, result.accuracy.metric, result.conditions.sweep,
        *(p.value if p else None for p in printed), *cost, result.source.locator, result.source.url,
    )  # fmt: skip


def resolve_paper(
    paper: PaperFile, vocab: Vocabularies, ctx: FileContext, checked: dict[str, Checked] | None = None
) -> tuple[PaperFile, list[Problem]]:
    """The paper with names replaced by canonical ids, and every problem found in it.

    `checked`, when given, receives each result's canonical JSON and derived values (computed here anyway, to
    find duplicates), by result id.
    """
    problems: list[Problem] = []

    def report(result: str, field: str, message: str) -> None:
        problems.append(Problem(ctx.label, result, field, message))

    if not paper.results and not paper.cost_claims:
        problems.append(Problem(ctx.label, WHOLE_FILE, "results", "no results yet: add at least one", "warning"))
    if paper.key != ctx.stem:
        report(WHOLE_FILE, "key", f"the file must be named after its key: {paper.key}.yaml, not {ctx.stem}.yaml")
    resolved_results: list[Result] = []
    seen_ids: set[str] = set()
    seen_content: dict[str, str] = {}
    seen_numbers: dict[tuple, str] = {}
    for result in paper.results:
        if result.id in seen_ids:
            report(result.id, "id", "duplicate result id in this file")
        seen_ids.add(result.id)
        ids, failures = _resolve_names(result, vocab)
        for field, message in failures:
            report(result.id, field, message)
        resolved = _with_ids(result, ids)
        for field, message in _result_problems(resolved, vocab, ctx, paper):
            report(result.id, field, message)
        fingerprint = result_json(resolved)
        values = derive.result_values(paper, resolved, ctx.reproduced, vocab)
        if checked is not None:
            checked[result.id] = Checked(fingerprint, values)
        numbers = _numbers(resolved, values)
        if fingerprint in seen_content:
            report(result.id, "id", f"duplicate result: identical to {seen_content[fingerprint]!r} apart from its id")
        elif numbers in seen_numbers:
            message = (
                f"same setting, numbers and source location as {seen_numbers[numbers]!r}: the same result "
                "entered twice under another label? (two printed rows can share numbers; then ignore this)"
            )
            problems.append(Problem(ctx.label, result.id, "id", message, "warning"))
        seen_content.setdefault(fingerprint, result.id)
        seen_numbers.setdefault(numbers, result.id)
        resolved_results.append(resolved)
    return paper.model_copy(update={"results": resolved_results}), problems
