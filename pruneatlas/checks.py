"""Checks beyond types: vocabulary, ranges, internal consistency and duplicates within one paper file.

Each check returns problems instead of raising, so one run reports everything wrong with every file.
Names are resolved to canonical ids on the way (`resolve_paper`), so later stages see only ids.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from pruneatlas import derive, paths
from pruneatlas.conflicts import Facts
from pruneatlas.ligatures import ligature_problem
from pruneatlas.models import Accuracy, Cost, CostClaim, PaperFile, Result
from pruneatlas.printed import SI_SUFFIXES, Printed
from pruneatlas.problems import WHOLE_FILE, Problem
from pruneatlas.rows import result_json
from pruneatlas.vocab import UnknownName, Vocabularies

ACCURACY_SLACK_PP = 0.011
COST_SLACK_FRACTION = 0.006
PRINTED_ACCURACY = ("baseline", "pruned", "change", "baseline_std", "pruned_std")
PRINTED_COST = ("baseline", "pruned", "removed_pct", "remaining_pct", "ratio")
PRINTED_FIELDS = (
    *(f"{block}.{name}" for block in ("accuracy", "secondary") for name in PRINTED_ACCURACY),
    *(f"{block}.{name}" for block in ("params", "flops") for name in PRINTED_COST),
    "conditions.runtime_speedup",
)
WAIVABLE_FIELDS = ("accuracy.change", "secondary.change", "params", "flops", *PRINTED_FIELDS)
ACCURACY_METRICS = {"top1": 1, "top5": 5}
FRACTION_LIMIT = 1.0
FAR_FROM_BASELINES_PP = 25.0
NEAR_BASELINES_PP = 5.0
MIN_BASELINES = 3
INPUT_SIZE_RATIO = 4
MAX_EXPONENT = 30
PERCENT_BLOCKS = ("accuracy", "secondary")
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:\s*[eE]([+-]?\d+))?(?:\s*([KMGTB])(?![a-z]))?")
_TIMES_TEN = re.compile(r"(\d+(?:\.\d+)?)\s*[×x*]\s*10\s*\^?\s*([+\-−]?\d{1,2})\b")
_N_OF_M = re.compile(r"\b(\d{1,2}):(\d{1,2})\b")


@dataclass(frozen=True)
class FileContext:
    """What a file's checks need to know beyond the file itself."""

    label: str
    stem: str
    reproduced: bool
    known_paper_keys: frozenset[str]


def printed_numbers(result: Result) -> list[tuple[str, Printed]]:
    """Every number the row records as printed, by field: what its quote must contain and a reviewer checks."""
    found: list[tuple[str, Printed]] = []
    for block, names in (("accuracy", PRINTED_ACCURACY), ("secondary", PRINTED_ACCURACY),
                         ("params", PRINTED_COST), ("flops", PRINTED_COST)):  # fmt: skip
        values = getattr(result, block)
        if values is not None:
            found.extend((f"{block}.{name}", getattr(values, name)) for name in names if getattr(values, name))
    if result.conditions.runtime_speedup is not None:
        found.append(("conditions.runtime_speedup", result.conditions.runtime_speedup))
    return found


def quoted_numbers(quote: str) -> set[float]:
    """Every number the quote contains, in every reading its formatting allows: 1.5M and 1.5 M are 1.5 and
    1.5e6, 5.94E7 is 5.94 and 5.94e7, 1.72 × 10^6 (or 1.72 × 106, as PDF text loses the superscript) is also
    1.72e6, 1,234 is 1234, and an N:M pattern (2:4) is also the % of weights it removes and keeps. Signs are
    dropped (a quote may print a minus as a dash)."""
    found: set[float] = set()
    for match in _NUMBER.finditer(quote):
        value = float(match[1].replace(",", ""))
        found.add(value)
        if match[2] and abs(int(match[2])) <= MAX_EXPONENT:
            found.add(value * 10.0 ** int(match[2]))
        if match[3]:
            found.add(value * SI_SUFFIXES[match[3]])
    for match in _TIMES_TEN.finditer(quote):
        found.add(float(match[1]) * 10.0 ** int(match[2].replace("−", "-")))
    for match in _N_OF_M.finditer(quote):
        kept, group = int(match[1]), int(match[2])
        if 0 < kept < group:
            found.update({100.0 * (group - kept) / group, 100.0 * kept / group})
    return found


def _in_quote(printed: Printed, numbers: set[float], percent: bool) -> bool:
    """The number is quoted: in the same digits, without its unit suffix when a header names the unit
    ('Params (M) | 0.85' for 0.85M), or (a percentage) as the fraction a table or CSV prints."""
    wanted = [abs(printed.value), abs(printed.value) / 100] if percent else [abs(printed.value)]
    if printed.text and printed.text[-1] in SI_SUFFIXES:
        wanted.append(abs(printed.value) / SI_SUFFIXES[printed.text[-1]])
    return any(abs(w - n) <= 1e-9 * max(1.0, n) for w in wanted for n in numbers)


def quote_problems(result: Result, waived: set[str]) -> Iterator[tuple[str, str]]:
    """Every number the row records as printed must be in its quote; figure read-offs are exempt, and a value
    computed from printed ones says how in a `discrepancies` entry for its field."""
    quote = result.source.quote
    if quote is None or result.source.extraction == "figure":
        return
    numbers = quoted_numbers(quote)
    for field, printed in printed_numbers(result):
        percent = field.endswith("_pct") or field.split(".")[0] in PERCENT_BLOCKS
        if field not in waived and not _in_quote(printed, numbers, percent):
            yield (
                field,
                f"{printed} is not in the quote ({quote[:70]!r}): fix the number or the quote; a value computed "
                f"from printed ones says how in a `discrepancies` entry for {field}",
            )


def _accuracy_plausibility(
    prefix: str, accuracy: Accuracy, classes: int | None, waived: set[str]
) -> Iterator[tuple[str, str]]:
    """Accuracies below chance (a printed collapse says so in a `discrepancies` entry)."""
    top_k = ACCURACY_METRICS.get(accuracy.metric.removesuffix("_err"))
    if top_k is None:
        return
    error = accuracy.metric.endswith("_err")
    for name in ("baseline", "pruned"):
        printed, field = getattr(accuracy, name), f"{prefix}.{name}"
        if printed is None or field in waived:
            continue
        value = 100.0 - printed.value if error else printed.value
        if classes and top_k < classes and value < 100.0 * top_k / classes:
            chance = 100.0 * top_k / classes
            shown = f"{value:g} % accuracy ({printed} % error)" if error else f"{printed} %"
            slip = "an error rate typed as accuracy, or a fraction as a percentage?"
            yield field, f"{shown} is below chance ({chance:g} % for {classes} classes): {slip}"


def _spatial(text: str | None) -> int | None:
    match = re.search(r"(\d+)x\d+", text or "")
    return int(match[1]) if match else None


def _fits(input_size: list[int] | None, image: int) -> bool:
    return bool(input_size) and max(input_size[-1], image) < INPUT_SIZE_RATIO * min(input_size[-1], image)  # type: ignore[index]


def network_problems(result: Result, vocab: Vocabularies) -> Iterator[tuple[str, str]]:
    """A network id whose input size cannot be the data set's while its family has a variant that fits (the
    ImageNet VGG-16 on 32x32 CIFAR images, where vgg16-cifar exists), with the nearest fitting ids."""
    network = vocab.architectures.by_id.get(result.architecture)
    data = vocab.datasets.by_id.get(result.dataset)
    image = _spatial(data.image_size) if data is not None else None
    if network is None or image is None or not network.input_size or _fits(network.input_size, image):
        return
    family = [
        a.id for a in vocab.architectures.by_id.values() if a.family == network.family and _fits(a.input_size, image)
    ]
    if not family:
        return
    nearest = difflib.get_close_matches(result.architecture, family, n=3, cutoff=0.0)
    side = network.input_size[-1]
    yield (
        "architecture",
        f"{result.architecture} takes {side}x{side} inputs and {result.dataset} has {image}x{image} images; "
        f"the {network.family} variant for it is {' or '.join(nearest)}",
    )


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
    intervals = derive.cost_intervals(cost)
    if len(intervals) > 1 and field not in waived and not _overlap(list(intervals.values()), COST_SLACK_FRACTION):
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


def plausibility_problems(result: Result, vocab: Vocabularies, known_gaps: frozenset) -> Iterator[tuple[str, str]]:
    """Numbers missing from the quote, accuracies below chance, a network that cannot take the data set."""
    waived = {d.field for d in result.discrepancies}
    yield from ((f, m) for f, m in quote_problems(result, waived) if (f, str(_printed(result, f))) not in known_gaps)
    dataset = vocab.datasets.by_id.get(result.dataset)
    classes = dataset.classes if dataset is not None else None
    yield from _accuracy_plausibility("accuracy", result.accuracy, classes, waived)
    if result.secondary is not None:
        yield from _accuracy_plausibility("secondary", result.secondary, classes, waived)
    yield from network_problems(result, vocab)


def _printed(result: Result, field: str) -> Printed | None:
    return dict(printed_numbers(result)).get(field)


@cache
def known_quote_gaps() -> dict[str, frozenset[tuple[str, str]]]:
    """Numbers recorded before the quote check whose quotes lack them (paths.QUOTE_GAPS), by result id: they wait to be
    fixed from their sources. A gap is matched with its printed value, so an edited number is checked again."""
    if not paths.QUOTE_GAPS.is_file():
        return {}
    found: dict[str, set[tuple[str, str]]] = {}
    with paths.QUOTE_GAPS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["result_id"], set()).add((row["field"], row["value"]))
    return {rid: frozenset(gaps) for rid, gaps in found.items()}


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


def _numbers(result: Result) -> tuple:
    """What two entries of one printed result share whatever their labels: setting, values, where printed."""
    cost = [derive.cost_values(c).reduction_pct for c in (result.params, result.flops)]
    printed = [getattr(result.accuracy, n) for n in ("baseline", "pruned", "change")]
    return (
        result.method, result.architecture, result.dataset, result.accuracy.metric, result.conditions.sweep,
        *(p.value if p else None for p in printed), *cost, result.source.locator, result.source.url,
    )  # fmt: skip


def resolve_paper(
    paper: PaperFile, vocab: Vocabularies, ctx: FileContext, records: dict[str, str] | None = None
) -> tuple[PaperFile, list[Problem]]:
    """The paper with names replaced by canonical ids, and every problem found in it.

    `records`, when given, receives each result's canonical JSON (computed here anyway, to find duplicates).
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
        if records is not None:
            records[result.id] = fingerprint
        numbers = _numbers(resolved)
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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def implausible_accuracies(facts: Iterable[Facts]) -> list[Problem]:
    """Accuracies far from every baseline the atlas holds for that network and data set, where the number
    would fit as the complementary error rate or as a fraction: the two typing slips a reader cannot see.

    The reference is the median baseline (in accuracy form) over at least MIN_BASELINES rows of two papers;
    points of a hyper-parameter sweep, where failed runs are expected, are not judged.
    """
    rows = [f for f in facts if f.network[2] in ACCURACY_METRICS and not f.sweep]
    baselines: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for fact in rows:
        if "accuracy.baseline" in fact.values:
            baselines.setdefault(fact.network, []).append((fact.paper, fact.values["accuracy.baseline"].norm))
    reference = {
        network: _median([v for _, v in found])
        for network, found in baselines.items()
        if len(found) >= MIN_BASELINES and len({p for p, _ in found}) >= 2
    }
    problems = []
    for fact in rows:
        typical = reference.get(fact.network)
        if typical is None:
            continue
        for field in ("accuracy.baseline", "accuracy.pruned"):
            value = fact.values.get(field)
            if value is None or field in fact.waived or abs(value.norm - typical) <= FAR_FROM_BASELINES_PP:
                continue
            if abs(100.0 - value.norm - typical) <= NEAR_BASELINES_PP:
                slip = "the complementary error rate (or accuracy) typed in the wrong metric?"
            elif 0 < value.shown <= FRACTION_LIMIT and abs(100.0 * value.norm - typical) <= NEAR_BASELINES_PP:
                slip = "a fraction typed where the metric is in percent?"
            else:
                continue
            message = (
                f"{value.shown:g} is {abs(value.norm - typical):.0f} pp from the atlas's typical {fact.network[0]} "
                f"baseline on {fact.network[1]} ({typical:.2f} % {fact.network[2]}): {slip} A value printed so "
                "keeps a `discrepancies` entry for this field"
            )
            problems.append(Problem(fact.file, fact.result_id.split("/", 1)[1], field, message))
    return problems
