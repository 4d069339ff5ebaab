"""Canonical values derived from what was printed: the only place these formulas live.

Cost: reduction % = 100 (1 - pruned / baseline) = 100 - remaining % = 100 (1 - 1 / ratio).
Accuracy: degradation is signed so that positive is always worse, whatever the metric's direction; an error rate
is compared in accuracy form (100 minus it).
Kind: structured when the granularity (the method's unless the row gives one) removes whole structures; the
source kind says whether a row is the paper's own, a quote, an import or our re-run.
Training cost: seconds = amount x seconds per unit; % of the reference's cost = printed share, or 100 + increase.
Each printed form also implies an interval for the removed fraction; `cost_intervals` exposes them so
`checks.py` can test that the forms a paper printed agree with each other. `result_values` derives all of a
result's values at once: checking computes them, and the conflict facts and the table row reuse them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pruneatlas.models import (
    SECONDS_PER_UNIT,
    STRUCTURED_GRANULARITIES,
    Accuracy,
    Cost,
    CostClaim,
    PaperFile,
    Result,
    SourceKind,
    TrainingCost,
)
from pruneatlas.printed import Printed
from pruneatlas.vocab import Vocabularies


@dataclass(frozen=True)
class CostValues:
    baseline: float | None
    pruned: float | None
    reduction_pct: float | None
    ratio: float | None


def _clean(value: float | None, digits: int = 6) -> float | None:
    """Round away float noise (0.8999999 -> 0.9) without inventing precision."""
    return None if value is None or not math.isfinite(value) else round(value, digits)


def removed_fraction_forms(cost: Cost) -> dict[str, Printed | tuple[Printed, Printed]]:
    """The printed forms that each determine the removed fraction, in order of preference."""
    forms: dict[str, Printed | tuple[Printed, Printed]] = {}
    if cost.removed_pct is not None:
        forms["removed_pct"] = cost.removed_pct
    if cost.remaining_pct is not None:
        forms["remaining_pct"] = cost.remaining_pct
    if cost.baseline is not None and cost.pruned is not None:
        forms["pruned"] = (cost.baseline, cost.pruned)
    if cost.ratio is not None:
        forms["ratio"] = cost.ratio
    return forms


def _fraction(form: str, printed: Printed | tuple[Printed, Printed]) -> float:
    if isinstance(printed, tuple):
        baseline, pruned = printed
        return 1.0 - pruned.value / baseline.value if baseline.value else math.nan
    if form == "removed_pct":
        return printed.value / 100.0
    if form == "remaining_pct":
        return 1.0 - printed.value / 100.0
    return 1.0 - 1.0 / printed.value if printed.value else math.nan


def _fraction_interval(form: str, printed: Printed | tuple[Printed, Printed]) -> tuple[float, float]:
    if isinstance(printed, tuple):
        (b_lo, b_hi), (p_lo, p_hi) = printed[0].interval(), printed[1].interval()
        if b_lo <= 0:
            return (-math.inf, math.inf)
        return (1.0 - p_hi / b_lo, 1.0 - max(p_lo, 0.0) / b_hi)
    lo, hi = printed.interval()
    if form == "removed_pct":
        return (lo / 100.0, hi / 100.0)
    if form == "remaining_pct":
        return (1.0 - hi / 100.0, 1.0 - lo / 100.0)
    return (1.0 - 1.0 / lo if lo > 0 else -math.inf, 1.0 - 1.0 / hi if hi > 0 else math.inf)


def cost_intervals(cost: Cost) -> dict[str, tuple[float, float]]:
    return {form: _fraction_interval(form, printed) for form, printed in removed_fraction_forms(cost).items()}


def cost_values(cost: Cost | None) -> CostValues:
    if cost is None:
        return CostValues(None, None, None, None)
    forms = removed_fraction_forms(cost)
    fraction = _fraction(*next(iter(forms.items()))) if forms else None
    baseline = cost.baseline.value if cost.baseline is not None else None
    pruned = cost.pruned.value if cost.pruned is not None else None
    if fraction is not None and fraction < 1.0:
        if baseline is not None and pruned is None:
            pruned = baseline * (1.0 - fraction)
        elif pruned is not None and baseline is None:
            baseline = pruned / (1.0 - fraction)
    ratio = None
    if cost.ratio is not None:
        ratio = cost.ratio.value
    elif fraction is not None and fraction < 1.0:
        ratio = 1.0 / (1.0 - fraction)
    reduction = None if fraction is None else 100.0 * fraction
    return CostValues(_clean(baseline, 1), _clean(pruned, 1), _clean(reduction), _clean(ratio))


def degradation(accuracy: Accuracy, higher_is_better: bool) -> float | None:
    """Baseline minus pruned for a higher-is-better metric (the reverse otherwise): positive = worse.

    Prefers the two printed values; falls back to a printed change; a qualitative claim gives None.
    """
    if accuracy.baseline is not None and accuracy.pruned is not None:
        delta = accuracy.pruned.value - accuracy.baseline.value
    elif accuracy.change is not None and accuracy.change_sign is not None:
        delta = accuracy.change.value if accuracy.change_sign == "pruned_minus_baseline" else -accuracy.change.value
    else:
        return None
    return _clean(-delta if higher_is_better else delta)


def printed_delta_interval(accuracy: Accuracy) -> tuple[float, float] | None:
    """The (pruned - baseline) interval a printed change allows, for checking against the two values."""
    if accuracy.change is None or accuracy.change_sign is None:
        return None
    lo, hi = accuracy.change.interval()
    return (lo, hi) if accuracy.change_sign == "pruned_minus_baseline" else (-hi, -lo)


def cost_seconds(cost: TrainingCost) -> tuple[float | None, float | None]:
    """A time amount and its spread in seconds (None for epochs or when only a comparison was printed)."""
    factor = SECONDS_PER_UNIT.get(cost.unit or "")
    if factor is None or cost.value is None:
        return None, None
    spread = None if cost.std is None else _clean(cost.std.value * factor)
    return _clean(cost.value.value * factor), spread


def percent_of_reference(cost: TrainingCost) -> float | None:
    """This cost as % of the reference method's, whichever way the source printed the comparison."""
    if cost.percent_of_reference is not None:
        return _clean(cost.percent_of_reference.value)
    if cost.increase_pct is not None:
        return _clean(100.0 + cost.increase_pct.value)
    return None


def accuracy_form(printed: Printed | None, complement: bool) -> float | None:
    """A printed accuracy in accuracy form: an error rate (`complement`) is 100 minus it."""
    if printed is None:
        return None
    return round(100.0 - printed.value, 6) if complement else printed.value


def source_kind(paper: PaperFile, entry: Result | CostClaim, reproduced: bool) -> SourceKind:
    """Our re-run, an imported collection's row, a quote of another paper's method, or the paper's own result
    (a baseline its authors re-ran themselves included)."""
    if reproduced:
        return "reproduced"
    if entry.source.collection is not None:
        return "imported"
    if entry.method_paper is not None and entry.method_paper != paper.key and not entry.conditions.reimplemented:
        return "secondary"
    return "reported"


@dataclass(frozen=True)
class ResultValues:
    """Everything derived from one result, computed once (`result_values`) for its checks, its conflict facts and
    its table row. `norm_metric` is the metric in accuracy form (top1 for top1_err); the accuracy fields are None
    when the metric is unknown (the row has an error then and is never built)."""

    params: CostValues
    flops: CostValues
    acc_drop: float | None
    secondary_drop: float | None
    norm_metric: str
    baseline_norm: float | None
    pruned_norm: float | None
    granularity: str | None
    structured: bool | None
    source_kind: SourceKind


def _drop(accuracy: Accuracy | None, vocab: Vocabularies) -> float | None:
    metric = vocab.metrics.by_id.get(accuracy.metric) if accuracy is not None else None
    return None if metric is None or accuracy is None else degradation(accuracy, metric.higher_is_better)


def result_values(paper: PaperFile, result: Result, reproduced: bool, vocab: Vocabularies) -> ResultValues:
    """A (resolved) result's derived values; names that do not resolve leave what depends on them None."""
    accuracy = result.accuracy
    metric = vocab.metrics.by_id.get(accuracy.metric)
    complement = metric.complement_of if metric is not None else None
    method = vocab.methods.by_id.get(result.method)
    granularity = result.granularity or (method.granularity if method is not None else None)
    return ResultValues(
        params=cost_values(result.params),
        flops=cost_values(result.flops),
        acc_drop=_drop(accuracy, vocab),
        secondary_drop=_drop(result.secondary, vocab),
        norm_metric=complement or accuracy.metric,
        baseline_norm=accuracy_form(accuracy.baseline, complement is not None),
        pruned_norm=accuracy_form(accuracy.pruned, complement is not None),
        granularity=granularity,
        structured=None if granularity is None else granularity in STRUCTURED_GRANULARITIES,
        source_kind=source_kind(paper, result, reproduced),
    )
