"""A cost recipe's runs -> one reproduced cost claim (the measured cost and its share of the reference's, seeds
aggregated) -> YAML under data/reproduced/ (or --out), validated before it is kept.

A file holds one method's cost re-runs on one architecture and dataset in one year (key
Rerun<Year><Method>Cost<Arch><Data>); each recipe is one claim in it, so re-running a recipe replaces its claim.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pruneatlas import paths
from pruneatlas.models import CostClaim
from reproduce.identity import sha256
from reproduce.recipes.cost import CostRecipe
from reproduce.rerun_rows import RowError, camel, folder_lock, merge_into, provenance

if TYPE_CHECKING:
    from reproduce.run_result import RunResult


@dataclass(frozen=True)
class Pair:
    """One seed: the measured run and the reference run, and the cost read from each."""

    measured: RunResult
    reference: RunResult

    def costs(self, recipe: CostRecipe) -> tuple[float, float]:
        return recipe.measured.reading.read(self.measured), recipe.reference.reading.read(self.reference)

    def percent(self, recipe: CostRecipe) -> float:
        measured, reference = self.costs(recipe)
        return 100.0 * measured / reference


def _mean_std(values: list[float], digits: int) -> tuple[float, float | None]:
    std = round(statistics.stdev(values), digits) if len(values) > 1 else None
    return round(statistics.fmean(values), digits), std


def _notes(recipe: CostRecipe, pairs: Sequence[Pair], linked: str | None, quick_note: str | None) -> str:
    """What was measured and, for the recipe's own run, the claim it re-runs and the deviations (a quick run's
    notes say instead where what ran differs from the recipe)."""
    percents = ", ".join(f"{p.percent(recipe):.1f}" for p in pairs)
    reference_cost, _ = _mean_std([p.costs(recipe)[1] for p in pairs], 3)
    top1 = {
        side: _mean_std([m.top1 for m in metrics], 2)[0]
        for side, metrics in (
            (recipe.measured.label, [p.measured for p in pairs]),
            (recipe.reference.label, [p.reference for p in pairs]),
        )
    }
    parts = [
        f"Re-run by reproduce/: {recipe.measured.label} against {recipe.reference.label}, run side by side per seed.",
        f"Measured: {recipe.measured.reading.describe}; the reference took {reference_cost:g} s on average.",
        f"Share of the reference's cost per seed: {percents} %.",
        "Final top-1: " + "; ".join(f"{side} {value:.2f} %" for side, value in top1.items()) + ".",
    ]
    if quick_note is not None:
        return " ".join([*parts, quick_note])
    parts.append(recipe.cites(linked is not None))
    if recipe.deviations:
        parts.append(f"Deviations: {recipe.deviations}")
    return " ".join(parts)


def build_cost_claim(
    recipe: CostRecipe, pairs: Sequence[Pair], linked: str | None, quick_note: str | None = None
) -> CostClaim:
    """The reproduced cost claim of a recipe's pairs (one per seed); `quick_note` marks a quick variant's row."""
    quick = quick_note is not None
    from reproduce.methods import METHODS

    first = pairs[0].measured
    if first.dataset_id is None:
        raise RowError(f"{first.config.dataset} is not an atlas dataset, so it cannot make a row")
    atlas_method = METHODS.get(first.config.method.method).atlas_method
    value, std = _mean_std([p.costs(recipe)[0] for p in pairs], 3)
    percent, _ = _mean_std([p.percent(recipe) for p in pairs], 1)
    runs = [m for p in pairs for m in (p.measured, p.reference)]
    seeds = sorted(p.measured.seed for p in pairs)
    return CostClaim.model_validate(
        {
            "id": recipe.name + ("-quick" if quick else ""),
            "method": atlas_method,
            "method_label": recipe.measured.label,
            "architecture": first.architecture_id,
            "dataset": first.dataset_id,
            "cost": {
                "quantity": recipe.quantity,
                "scope": recipe.scope,
                "value": value,
                **({"std": std} if std is not None else {}),
                "unit": "s",
                "relative_to": recipe.relative_to,
                "relative_label": recipe.reference.label,
                "percent_of_reference": percent,
                "hardware": first.hardware,
            },
            "conditions": {"num_runs": len(pairs)},
            "source": {"locator": f"seeds {', '.join(map(str, seeds))}", "extraction": "rerun"},
            **({"reproduces": linked} if linked else {}),
            "provenance": provenance(
                runs,
                recipe.command + (" --quick" if quick else ""),
                sha256({"measured": first.group_hash, "reference": pairs[0].reference.group_hash}),
                seeds,
                {
                    "measured": {k: v for k, v in first.config_json().items() if k != "seed"},
                    "reference": {k: v for k, v in pairs[0].reference.config_json().items() if k != "seed"},
                },
            ),
            "notes": _notes(recipe, pairs, linked, quick_note),
        }
    )


def cost_paper_key(method: str, arch_id: str, dataset_id: str, year: int) -> str:
    return f"Rerun{year}{camel(method)}Cost{camel(arch_id)}{camel(dataset_id)}"


def write_cost_claim(claim: CostClaim, out_dir: Path | None = None) -> Path:
    """Write `claim` into its file (replacing a claim with the same id), validated, under the folder's lock."""
    out_dir = out_dir or paths.REPRODUCED
    year = dt.date.today().year
    path = out_dir / f"{cost_paper_key(claim.method, claim.architecture, claim.dataset, year)}.yaml"
    title = f"PruneAtlas re-run: training cost of {claim.method} on {claim.architecture} / {claim.dataset}"
    with folder_lock(out_dir):
        merge_into(path, title, year, cost_claims=[claim])
    return path
