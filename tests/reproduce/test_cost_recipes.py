"""Cost recipes re-run a published claim about training cost: each targets a published cost claim; the row is
the measured cost and its share of the reference's, per seed and on average; a short run on the real MNIST
writes a valid row linked to nothing (a quick run claims nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pruneatlas import paths
from pruneatlas.cli import main
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.config import make_config
from reproduce.cost_rows import Pair, build_cost_claim, write_cost_claim
from reproduce.recipe_rows import in_atlas
from reproduce.recipes import RECIPES
from reproduce.recipes.cost import CostRecipe
from reproduce.run_result import RunResult

COST_RECIPES = sorted(name for name, recipe in RECIPES.items() if isinstance(recipe, CostRecipe))


@pytest.mark.parametrize("name", COST_RECIPES)
def test_cost_recipe_targets_a_published_cost_claim_with_three_seeds(name: str) -> None:
    recipe = RECIPES[name]
    assert isinstance(recipe, CostRecipe)
    assert recipe.target is not None and in_atlas(recipe.target), f"{recipe.target} is not in data/papers"
    assert len(recipe.seeds) >= 3
    for quick in (False, True):
        measured, reference = recipe.run_configs(quick)
        assert measured.arch == reference.arch and measured.dataset == reference.dataset  # side by side


def _metrics(stored: Path, seed: int, seconds: float, top1: float, **extra: Any) -> RunResult:
    """A finished run's result (a stored one) with the seed, cost and accuracy of the case."""
    return RunResult.model_validate_json(stored.read_text()).model_copy(
        update={
            "seed": seed,
            "wall_time_s": seconds,
            "cpu_time_s": seconds,
            "top1": top1,
            "group_hash": f"group-{extra.get('side', 'm')}",
            "config": make_config("incop", "lenet-300-100", "mnist", 0.5, seed=seed),
            "architecture_id": "lenet-300-100",
            "dataset_id": "mnist",
            "git_sha": "0000000",
            "versions": {"torch": "2"},
            "hardware": "CPU: test",
        }
    )


def test_the_row_is_the_mean_cost_and_the_mean_share_of_the_references(stored_metrics: Path, tmp_path: Path) -> None:
    recipe = RECIPES["gharatappeh2025-incop-if-vs-sap-time"]
    assert isinstance(recipe, CostRecipe)
    pairs = [
        Pair(_metrics(stored_metrics, 0, 20.0, 97.0), _metrics(stored_metrics, 0, 100.0, 97.5, side="r")),
        Pair(_metrics(stored_metrics, 1, 30.0, 96.0), _metrics(stored_metrics, 1, 50.0, 97.1, side="r")),
    ]
    claim = build_cost_claim(recipe, pairs, linked=recipe.target)
    assert claim.cost.value.value == 25.0 and claim.cost.unit == "s"
    assert claim.cost.percent_of_reference.value == pytest.approx((20.0 + 60.0) / 2)  # per seed, then averaged
    assert claim.cost.relative_to == "sap" and claim.reproduces == recipe.target
    assert claim.conditions.num_runs == 2 and claim.provenance.seeds == [0, 1]
    assert "20.0, 60.0 %" in claim.notes and "Deviations:" in claim.notes
    path = write_cost_claim(claim, tmp_path)  # validated against the whole atlas, or undone
    [stored] = PaperFile.model_validate(load_yaml_file(path)).cost_claims
    assert stored.id == recipe.name and stored.reproduces == recipe.target


@pytest.mark.skipif(not (paths.SHARED / "datasets" / "MNIST" / "raw").is_dir(), reason="needs ../shared/datasets")
def test_a_quick_cost_recipe_runs_both_sides_and_keeps_its_row_out_of_the_atlas(tmp_path: Path) -> None:
    name = "gharatappeh2025-incop-if-vs-sap-time"
    runs = tmp_path / "runs"
    args = ["reproduce", "recipes", "run", name, "--quick", "--seed", "0", "-q", "--runs-dir", str(runs)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "% of the reference's cost" in result.output and "outside the atlas" in result.output
    [path] = (runs / "quick-rows").glob("*.yaml")
    [claim] = PaperFile.model_validate(load_yaml_file(path)).cost_claims
    assert claim.id == f"{name}-quick" and claim.reproduces is None  # a smoke run is linked to nothing
    assert claim.cost.percent_of_reference is not None
    assert "Quick variant of recipe" in claim.notes and "method.max_iterations 2 (recipe: 15)" in claim.notes
