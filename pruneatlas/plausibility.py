"""Plausibility: numbers a file may hold by its types and ranges that a reader would still doubt.

Every number recorded as printed must be in its quote; an accuracy below chance, or far from every baseline the
atlas holds for that network and data set, is most likely an error rate typed as accuracy or a fraction typed as a
percentage; a network that cannot take the data set's images is most likely the wrong variant. A paper that really
prints such a value keeps a `discrepancies` entry for the field, which waives these checks.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from pruneatlas import paths
from pruneatlas.conflicts import Facts
from pruneatlas.models import Accuracy, Result
from pruneatlas.printed import SI_SUFFIXES, Printed
from pruneatlas.problems import Problem
from pruneatlas.vocab import Vocabularies

PRINTED_ACCURACY = ("baseline", "pruned", "change", "baseline_std", "pruned_std")
PRINTED_COST = ("baseline", "pruned", "removed_pct", "remaining_pct", "ratio")
PRINTED_BLOCKS = (("accuracy", PRINTED_ACCURACY), ("secondary", PRINTED_ACCURACY),
                  ("params", PRINTED_COST), ("flops", PRINTED_COST))  # fmt: skip
# Each block's printed fields with their dotted names, spelt once (the checks read them for every row).
BLOCK_FIELDS = tuple((block, tuple((name, f"{block}.{name}") for name in names)) for block, names in PRINTED_BLOCKS)
PRINTED_FIELDS = (
    *(field for _, fields in BLOCK_FIELDS for _, field in fields),
    "conditions.runtime_speedup",
)
FRACTION_LIMIT = 1.0
FAR_FROM_BASELINES_PP = 25.0
NEAR_BASELINES_PP = 5.0
MIN_BASELINES = 3
INPUT_SIZE_RATIO = 4
MAX_EXPONENT = 30
PERCENT_BLOCKS = ("accuracy", "secondary")
_PERCENT_FIELDS = frozenset(f for f in PRINTED_FIELDS if f.endswith("_pct") or f.split(".", 1)[0] in PERCENT_BLOCKS)
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:\s*[eE]([+-]?\d+))?(?:\s*([KMGTB])(?![a-z]))?")
_TIMES_TEN = re.compile(r"(\d+(?:\.\d+)?)\s*[×x*]\s*10\s*\^?\s*([+\-−]?\d{1,2})\b")
_N_OF_M = re.compile(r"\b(\d{1,2}):(\d{1,2})\b")
_SPATIAL = re.compile(r"(\d+)x\d+")


def printed_numbers(result: Result) -> list[tuple[str, Printed]]:
    """Every number the row records as printed, by field: what its quote must contain and a reviewer checks."""
    found: list[tuple[str, Printed]] = []
    for block, fields in BLOCK_FIELDS:
        values = getattr(result, block)
        if values is not None:
            for name, field in fields:
                printed = getattr(values, name)
                if printed is not None:
                    found.append((field, printed))
    if result.conditions.runtime_speedup is not None:
        found.append(("conditions.runtime_speedup", result.conditions.runtime_speedup))
    return found


@lru_cache(maxsize=4096)
def quoted_numbers(quote: str) -> frozenset[float]:
    """Every number the quote contains, in every reading its formatting allows: 1.5M and 1.5 M are 1.5 and
    1.5e6, 5.94E7 is 5.94 and 5.94e7, 1.72 × 10^6 (or 1.72 × 106, as PDF text loses the superscript) is also
    1.72e6, 1,234 is 1234, and an N:M pattern (2:4) is also the % of weights it removes and keeps. Signs are
    dropped (a quote may print a minus as a dash). Remembered per quote: the rows of one printed table line
    share it (two in five of the atlas's quotes are repeats)."""
    found: set[float] = set()
    for match in _NUMBER.finditer(quote):
        value = float(match[1].replace(",", ""))
        found.add(value)
        if match[2] and abs(int(match[2])) <= MAX_EXPONENT:
            found.add(value * 10.0 ** int(match[2]))
        if match[3]:
            found.add(value * SI_SUFFIXES[match[3]])
    if "10" in quote:
        for match in _TIMES_TEN.finditer(quote):
            found.add(float(match[1]) * 10.0 ** int(match[2].replace("−", "-")))
    if ":" in quote:
        for match in _N_OF_M.finditer(quote):
            kept, group = int(match[1]), int(match[2])
            if 0 < kept < group:
                found.update({100.0 * (group - kept) / group, 100.0 * kept / group})
    return frozenset(found)


def _in_quote(printed: Printed, numbers: frozenset[float], percent: bool) -> bool:
    """The number is quoted: in the same digits, without its unit suffix when a header names the unit
    ('Params (M) | 0.85' for 0.85M), or (a percentage) as the fraction a table or CSV prints."""
    value = abs(printed.value)
    if value in numbers:  # the usual case: the same digits, read into the same float
        return True
    wanted = [value, value / 100] if percent else [value]
    if printed.text and printed.text[-1] in SI_SUFFIXES:
        wanted.append(value / SI_SUFFIXES[printed.text[-1]])
    return any(abs(w - n) <= 1e-9 * max(1.0, n) for w in wanted for n in numbers)


def _missing_from_quote(result: Result, waived: set[str]) -> Iterator[tuple[str, Printed]]:
    quote = result.source.quote
    if quote is None or result.source.extraction == "figure":
        return
    numbers = quoted_numbers(quote)
    for field, printed in printed_numbers(result):
        if field not in waived and not _in_quote(printed, numbers, field in _PERCENT_FIELDS):
            yield field, printed


def _not_quoted(field: str, printed: Printed, quote: str) -> str:
    return (
        f"{printed} is not in the quote ({quote[:70]!r}): fix the number or the quote; a value computed "
        f"from printed ones says how in a `discrepancies` entry for {field}"
    )


def quote_problems(result: Result, waived: set[str]) -> Iterator[tuple[str, str]]:
    """Every number the row records as printed must be in its quote; figure read-offs are exempt, and a value
    computed from printed ones says how in a `discrepancies` entry for its field."""
    for field, printed in _missing_from_quote(result, waived):
        yield field, _not_quoted(field, printed, result.source.quote or "")


def top_k_of(metric_id: str, vocab: Vocabularies) -> int | None:
    """k of a top-k accuracy (or of the accuracy an error rate complements, e.g. top1_err -> 1); None otherwise."""
    metric = vocab.metrics.by_id.get(metric_id)
    if metric is not None and metric.complement_of:
        metric = vocab.metrics.by_id.get(metric.complement_of)
    return metric.top_k if metric is not None else None


def _accuracy_plausibility(
    prefix: str, accuracy: Accuracy, classes: int | None, waived: set[str], vocab: Vocabularies
) -> Iterator[tuple[str, str]]:
    """Accuracies below chance (a printed collapse says so in a `discrepancies` entry)."""
    top_k = top_k_of(accuracy.metric, vocab)
    if top_k is None or not classes or top_k >= classes:
        return
    error = accuracy.metric.endswith("_err")
    chance = 100.0 * top_k / classes
    for name in ("baseline", "pruned"):
        printed, field = getattr(accuracy, name), f"{prefix}.{name}"
        if printed is None or field in waived:
            continue
        value = 100.0 - printed.value if error else printed.value
        if value < chance:
            shown = f"{value:g} % accuracy ({printed} % error)" if error else f"{printed} %"
            slip = "an error rate typed as accuracy, or a fraction as a percentage?"
            yield field, f"{shown} is below chance ({chance:g} % for {classes} classes): {slip}"


def _spatial(text: str | None) -> int | None:
    match = _SPATIAL.search(text or "")
    return int(match[1]) if match else None


def _fits(input_size: list[int] | None, image: int) -> bool:
    return bool(input_size) and max(input_size[-1], image) < INPUT_SIZE_RATIO * min(input_size[-1], image)  # type: ignore[index]


_MISMATCHES: tuple[Vocabularies | None, dict[tuple[str, str], str | None]] = (None, {})


def network_mismatch(architecture: str, dataset: str, vocab: Vocabularies) -> str | None:
    """Why a network id cannot be the one used on a data set: its input size cannot be the data set's while its
    family has a variant that fits (the ImageNet VGG-16 on 32x32 CIFAR images, where vgg16-cifar exists), with
    the nearest fitting ids. None when it can be.

    Remembered per pair for the vocabularies last asked about: an atlas names few pairs, and finding the fitting
    variants scans every network.
    """
    global _MISMATCHES
    if _MISMATCHES[0] is not vocab:
        _MISMATCHES = (vocab, {})
    known = _MISMATCHES[1]
    pair = (architecture, dataset)
    if pair not in known:
        known[pair] = _mismatch(architecture, dataset, vocab)
    return known[pair]


def _mismatch(architecture: str, dataset: str, vocab: Vocabularies) -> str | None:
    network = vocab.architectures.by_id.get(architecture)
    data = vocab.datasets.by_id.get(dataset)
    image = _spatial(data.image_size) if data is not None else None
    if network is None or image is None or not network.input_size or _fits(network.input_size, image):
        return None
    family = [
        a.id for a in vocab.architectures.by_id.values() if a.family == network.family and _fits(a.input_size, image)
    ]
    if not family:
        return None
    nearest = difflib.get_close_matches(architecture, family, n=3, cutoff=0.0)
    side = network.input_size[-1]
    return (
        f"{architecture} takes {side}x{side} inputs and {dataset} has {image}x{image} images; "
        f"the {network.family} variant for it is {' or '.join(nearest)}"
    )


def plausibility_problems(
    result: Result, vocab: Vocabularies, known_gaps: frozenset[tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    """Numbers missing from the quote (but for the known gaps), accuracies below chance, a network that cannot
    take the data set."""
    waived = {d.field for d in result.discrepancies}
    for field, printed in _missing_from_quote(result, waived):
        if (field, str(printed)) not in known_gaps:
            yield field, _not_quoted(field, printed, result.source.quote or "")
    dataset = vocab.datasets.by_id.get(result.dataset)
    classes = dataset.classes if dataset is not None else None
    yield from _accuracy_plausibility("accuracy", result.accuracy, classes, waived, vocab)
    if result.secondary is not None:
        yield from _accuracy_plausibility("secondary", result.secondary, classes, waived, vocab)
    if mismatch := network_mismatch(result.architecture, result.dataset, vocab):
        yield "architecture", mismatch


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


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def implausible_accuracies(facts: Iterable[Facts], vocab: Vocabularies) -> list[Problem]:
    """Accuracies far from every baseline the atlas holds for that network and data set, where the number
    would fit as the complementary error rate or as a fraction: the two typing slips a reader cannot see.

    The reference is the median baseline (in accuracy form) over at least MIN_BASELINES rows of two papers;
    points of a hyper-parameter sweep, where failed runs are expected, are not judged.
    """
    top_k_metrics = {m for m in vocab.metrics.by_id if top_k_of(m, vocab) is not None}
    rows = [f for f in facts if not f.sweep and f.network[2] in top_k_metrics]
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


@dataclass(frozen=True)
class CheckCount:
    """Rows one check flags with its waivers ignored, by how each is settled: `waived` by a `discrepancies`
    entry (the paper prints it so), `listed` in data/quote_gaps.csv (to be fixed from the source), `open` (an
    error the validator reports)."""

    check: str
    flagged: int = 0
    waived: int = 0
    listed: int = 0
    open: int = 0

    def adding(self, settled: str) -> CheckCount:
        counts = {"waived": self.waived, "listed": self.listed, "open": self.open}
        counts[settled] += 1
        return CheckCount(self.check, self.flagged + 1, **counts)


CHECKS = ("number not in its quote", "accuracy below chance", "accuracy far from the atlas's baselines",
          "network cannot take the data set")  # fmt: skip


def _settled(fields: set[tuple[str, str]], waived: frozenset[str], listed: frozenset[tuple[str, str]]) -> str:
    """A row is open while any flagged field is neither waived nor listed, listed while a listed gap remains."""
    if any(f not in waived and (f, v) not in listed for f, v in fields):
        return "open"
    return "listed" if any((f, v) in listed for f, v in fields if f not in waived) else "waived"


def check_counts(rows: Iterable[tuple[str, Result]], facts: Iterable[Facts], vocab: Vocabularies) -> list[CheckCount]:
    """How many of the published `rows` (id with its paper key, resolved result) each plausibility check flags
    and how each flag is settled: the per-check counts a review or an issue's closing note quotes. `facts` are
    the loader's, for the check against the atlas's baselines."""
    counts = {check: CheckCount(check) for check in CHECKS}
    gaps = known_quote_gaps()
    published = {}
    for result_id, result in rows:
        published[result_id] = result
        waived = frozenset(d.field for d in result.discrepancies)
        dataset = vocab.datasets.by_id.get(result.dataset)
        classes = dataset.classes if dataset is not None else None
        flags = {
            CHECKS[0]: {(f, str(p)) for f, p in _missing_from_quote(result, set())},
            CHECKS[1]: {(f, "") for f, _ in _accuracy_plausibility("accuracy", result.accuracy, classes, set(), vocab)},
            CHECKS[3]: {("architecture", "")}
            if network_mismatch(result.architecture, result.dataset, vocab)
            else set(),
        }
        if result.secondary is not None:
            flags[CHECKS[1]] |= {
                (f, "") for f, _ in _accuracy_plausibility("secondary", result.secondary, classes, set(), vocab)
            }
        for check, fields in flags.items():
            if fields:
                counts[check] = counts[check].adding(_settled(fields, waived, gaps.get(result_id, frozenset())))
    ours = [f for f in facts if f.result_id in published]
    place = {(f.file, f.result_id.split("/", 1)[1]): f.result_id for f in ours}
    far: dict[str, set[tuple[str, str]]] = {}
    for problem in implausible_accuracies([replace(f, waived=frozenset()) for f in ours], vocab):
        far.setdefault(place[problem.file, problem.result], set()).add((problem.field, ""))
    for result_id, fields in far.items():
        waived = frozenset(d.field for d in published[result_id].discrepancies)
        counts[CHECKS[2]] = counts[CHECKS[2]].adding(_settled(fields, waived, frozenset()))
    return [counts[check] for check in CHECKS]
