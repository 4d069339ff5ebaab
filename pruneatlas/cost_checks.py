"""Checks of cost claims (training time or epochs): names resolved to canonical ids, amounts that can be, and
the same origin rules as accuracy results. Ids are shared with the file's results, so a `reproduces` link or a
result_id names one thing."""

from __future__ import annotations

from collections.abc import Iterator

from pruneatlas.checks import FileContext, origin_problems, text_problems
from pruneatlas.models import DENSE_TRAINING, CostClaim, PaperFile, TrainingCost
from pruneatlas.problems import Problem
from pruneatlas.vocab import UnknownName, Vocabularies


def _amount_problems(cost: TrainingCost) -> Iterator[tuple[str, str]]:
    if cost.value is not None and cost.value.value <= 0:
        yield "cost.value", f"a time or an epoch count must be positive, got {cost.value}"
    if cost.std is not None and cost.std.value < 0:
        yield "cost.std", f"a spread cannot be negative ({cost.std})"
    if cost.percent_of_reference is not None and cost.percent_of_reference.value <= 0:
        yield (
            "cost.percent_of_reference",
            f"a share of the reference's cost must be positive, got {cost.percent_of_reference}",
        )
    if cost.increase_pct is not None and cost.increase_pct.value <= -100:
        yield "cost.increase_pct", f"a cost cannot fall by 100 % or more, got {cost.increase_pct}"


def _resolved(claim: CostClaim, vocab: Vocabularies) -> tuple[CostClaim, list[tuple[str, str]]]:
    """The claim with canonical ids, and (field, message) for each name that does not resolve."""
    update: dict[str, object] = {}
    failures: list[tuple[str, str]] = []
    lookups = {"method": vocab.methods, "architecture": vocab.architectures, "dataset": vocab.datasets}
    for field, vocabulary in lookups.items():
        try:
            update[field] = vocabulary.resolve(getattr(claim, field)).id
        except UnknownName as exc:
            failures.append((field, str(exc)))
    if claim.cost.relative_to not in (None, DENSE_TRAINING):
        try:
            reference = vocab.methods.resolve(claim.cost.relative_to).id
            update["cost"] = claim.cost.model_copy(update={"relative_to": reference})
        except UnknownName as exc:
            failures.append(("cost.relative_to", str(exc)))
    return claim.model_copy(update=update), failures


def resolve_cost_claims(paper: PaperFile, vocab: Vocabularies, ctx: FileContext) -> tuple[PaperFile, list[Problem]]:
    """The paper with its cost claims' names replaced by ids, and every problem found in them."""
    problems: list[Problem] = []
    seen = {result.id for result in paper.results}
    resolved: list[CostClaim] = []
    for claim in paper.cost_claims:
        if claim.id in seen:
            problems.append(
                Problem(ctx.label, claim.id, "id", "duplicate id in this file (results and cost claims share ids)")
            )
        seen.add(claim.id)
        canonical, failures = _resolved(claim, vocab)
        found = [
            *failures,
            *_amount_problems(canonical.cost),
            *text_problems(canonical),
            *origin_problems(canonical, ctx, paper),
        ]
        problems.extend(Problem(ctx.label, claim.id, field, message) for field, message in found)
        resolved.append(canonical)
    return paper.model_copy(update={"cost_claims": resolved}), problems
