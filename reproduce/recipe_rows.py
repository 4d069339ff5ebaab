"""A recipe's runs and its row, whatever kind the recipe is: an accuracy re-run (one config, seeds aggregated)
or a cost claim (the claimed method and its reference side by side per seed). One place for both, so
`recipes run` and `campaign run` run the same configs and write the same rows.

A quick variant is a smoke run: its row goes beside the run folders (never into data/ unless `out_dir` says
so), links to no published row, and its notes say where what ran differs from the recipe.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pruneatlas import paths
from pruneatlas.targets import UnknownTarget, target_claim
from reproduce.config import RunConfig, group_hash
from reproduce.recipes.base import Recipe
from reproduce.recipes.cost import CostRecipe

if TYPE_CHECKING:
    from reproduce.run_result import RunResult

AnyRecipe = Recipe | CostRecipe


def in_atlas(target: str | None) -> bool:
    """Whether `target` ("<PaperKey>/<id>") names a published result or cost claim in the atlas."""
    if not target:
        return False
    try:
        target_claim(target)
    except UnknownTarget:
        return False
    return True


def seeded_configs(recipe: AnyRecipe, quick: bool, seeds: Sequence[int] = ()) -> list[RunConfig]:
    """Every run of the recipe, seed by seed (for a cost recipe: claimed method, then reference)."""
    return [c.model_copy(update={"seed": s}) for s in (seeds or recipe.seeds) for c in recipe.run_configs(quick)]


def quick_rows_dir(runs_dir: Path | None) -> Path:
    """Where a quick run's row goes unless told otherwise: beside the run folders, never in data/."""
    return (runs_dir or paths.runs_dir()) / "quick-rows"


def _leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        out |= _leaves(value, f"{name}.") if isinstance(value, dict) else {name: value}
    return out


def quick_note(recipe: AnyRecipe) -> str:
    """The notes of a quick run's row: what ran, in the settings where it differs from the recipe, and that it is
    a smoke run, not a re-run of the published claim."""
    full = _leaves(recipe.config if isinstance(recipe, Recipe) else recipe.measured.config)
    changes = "; ".join(
        f"{key} {value} (recipe: {full.get(key, 'not set')})" for key, value in _leaves(recipe.quick).items()
    )
    note = f"Quick variant of recipe {recipe.name}, a smoke run that re-runs no published claim. What ran differs "
    note += f"from the recipe in: {changes}." if changes else "from the recipe in nothing."
    note += f" The recipe itself re-runs {recipe.target}." if recipe.target else ""
    if recipe.deviations:
        note += f" The recipe's own deviations from the paper: {recipe.deviations}"
    return note


def _accuracy_note(recipe: Recipe, linked: str | None, only: list[int] | None) -> str:
    note = recipe.cites(linked is not None)
    if only is not None:
        note += (
            f" Seeds run: {_listed(only)} only (the recipe runs {_listed(sorted(recipe.seeds))}; the deviations below"
            " describe the whole recipe)."
        )
    if recipe.deviations:
        note += f" Deviations: {recipe.deviations}"
    return note


def _listed(seeds: list[int]) -> str:
    return ", ".join(map(str, seeds))


def _some_seeds(recipe: AnyRecipe, results: Sequence[RunResult]) -> list[int] | None:
    """The seeds behind a row when they are not all of the recipe's (`--seed` chose them), else None."""
    seeds = sorted({result.seed for result in results})
    return None if seeds == sorted(recipe.seeds) else seeds


def write_recipe_rows(
    recipe: AnyRecipe, quick: bool, results: list[RunResult], out_dir: Path | None, runs_dir: Path | None
) -> list[str]:
    """Write the recipe's row from its finished runs (in `seeded_configs` order); returns what to tell the user.
    Raises reproduce.rerun_rows.RowError when the row does not validate (nothing is kept then)."""
    from reproduce.rerun_rows import write_rows

    told = []
    if quick and out_dir is None:
        out_dir = quick_rows_dir(runs_dir)
        told.append(f"quick variant: its row goes to {out_dir}, outside the atlas (--out data/reproduced to add it)")
    linked = recipe.target if not quick and in_atlas(recipe.target) else None
    only = _some_seeds(recipe, results)
    # the documented command, whatever ran the seeds; with --seed where only some of the recipe's seeds ran
    command = recipe.command + (" --quick" if quick else "") + "".join(f" --seed {seed}" for seed in only or ())
    if isinstance(recipe, CostRecipe):
        from reproduce.cost_rows import Pair, build_cost_claim, write_cost_claim

        pairs = [Pair(m, r) for m, r in zip(results[::2], results[1::2], strict=True)]
        told += [f"seed {p.measured.seed}: {p.percent(recipe):.1f} % of the reference's cost" for p in pairs]
        claim = build_cost_claim(recipe, pairs, linked, quick_note(recipe) if quick else None)
        told.append(f"cost claim written: {write_cost_claim(claim, out_dir)} (validated)")
        return told
    note = quick_note(recipe) if quick else _accuracy_note(recipe, linked, only)
    base = recipe.run_config(quick)
    links = {group_hash(base): linked} if linked else None
    written = write_rows([results], out_dir, links, note, command=command)
    return told + [f"row written: {path} (validated)" for path in written]
