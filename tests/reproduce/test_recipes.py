"""Recipes re-run published results: every one builds, names a published row that exists, and is documented;
one runs end to end on the real MNIST (a short version here, the full one behind `-m slow`)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import pytest

from pruneatlas import paths
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.context import RunOptions
from reproduce.experiment import execute
from reproduce.recipe_rows import in_atlas, write_recipe_rows
from reproduce.recipes import RECIPES, Recipe
from reproduce.rerun_rows import write_rows

CHECKED = "lee2019-snip-lenet-300-100-95"  # the cheapest full recipe: about 3 CPU-minutes for its 3 seeds
needs_mnist = pytest.mark.skipif(
    not (paths.SHARED / "datasets" / "MNIST" / "raw").is_dir(), reason="the real MNIST is in ../shared/datasets"
)


@pytest.mark.parametrize("name", sorted(n for n, r in RECIPES.items() if isinstance(r, Recipe)))
def test_recipe_targets_a_published_row_with_three_seeds(name: str) -> None:
    recipe = RECIPES[name]
    assert recipe.target is not None and in_atlas(recipe.target), f"{recipe.target} is not in data/papers"
    assert len(recipe.seeds) >= 3
    assert recipe.run_config().dataset in ("mnist", "cifar10-jpeg")  # never cifar10: the copy is lossy
    recipe.run_config(quick=True)


def _stored_row(target: str) -> tuple[Path, dict]:
    for path in sorted(paths.REPRODUCED.glob("*.yaml")):
        for result in PaperFile.model_validate(load_yaml_file(path)).results:
            if result.reproduces == target:
                return path, result
    pytest.skip(f"no stored re-run of {target} in data/reproduced")


@needs_mnist
def test_short_recipe_run_writes_a_valid_row_linked_to_the_published_one(tmp_path: Path) -> None:
    """The CI version: one seed of the quick variant (1 epoch on 3,000 images), in a few seconds."""
    recipe = RECIPES[CHECKED]
    config = recipe.run_config(quick=True)
    metrics = execute(config, RunOptions(runs_dir=tmp_path / "runs", progress=False), recipe.command + " --quick")
    [path] = write_rows([[metrics]], tmp_path / "rows", {metrics.group_hash: recipe.target})  # validated
    [row] = PaperFile.model_validate(load_yaml_file(path)).results
    assert row.reproduces == recipe.target
    assert row.provenance.cpu_time_s > 0 and row.provenance.command.startswith("pruneatlas reproduce recipes run")
    assert metrics.achieved == pytest.approx(0.95, abs=1e-5)
    assert metrics.top1 > 80.0  # a coarse bound: even 1 epoch on 3,000 images learns MNIST at 95 % sparsity


@needs_mnist
def test_a_row_from_some_of_the_recipes_seeds_says_which_ran(tmp_path: Path) -> None:
    """`--seed 0` on a 3-seed recipe: the row's command re-runs just that seed and its notes say so."""
    recipe = RECIPES[CHECKED]
    options = RunOptions(runs_dir=tmp_path / "runs", progress=False)
    metrics = execute(recipe.run_config(quick=True).model_copy(update={"seed": 2}), options)
    told = write_recipe_rows(recipe, False, [metrics], tmp_path / "rows", tmp_path / "runs")
    [row] = PaperFile.model_validate(load_yaml_file(next((tmp_path / "rows").glob("*.yaml")))).results
    assert row.provenance.command == f"{recipe.command} --seed 2" and row.provenance.seeds == [2]
    assert "Seeds run: 2 only (the recipe runs 0, 1, 2;" in row.notes and told[-1].startswith("row written")


@pytest.mark.slow
@needs_mnist
def test_full_recipe_reproduces_its_stored_row(tmp_path: Path) -> None:
    """Re-run the whole recipe (3 seeds, fresh run folders) and compare with the row in data/reproduced.

    Tolerance: on the machine that wrote the row, CPU runs repeat bit for bit (test_runs.py), so the mean is
    equal. Elsewhere (another BLAS, CPU or thread count) rounding differs from the first step and each run
    behaves like a fresh draw of the same seed distribution, so the 3-seed mean may move by its standard error
    sigma / sqrt(3); we allow three standard errors (sqrt(3) * sigma), and at least 0.1 pp.
    """
    recipe = RECIPES[CHECKED]
    _, stored = _stored_row(recipe.target)
    options = RunOptions(runs_dir=tmp_path / "runs", progress=False)
    runs = [execute(recipe.run_config().model_copy(update={"seed": s}), options) for s in recipe.seeds]
    mean = statistics.fmean(r.top1 for r in runs)
    sigma = stored.accuracy.pruned_std.value if stored.accuracy.pruned_std else 0.0
    tolerance = max(0.1, math.sqrt(3) * sigma)
    assert abs(mean - stored.accuracy.pruned.value) <= tolerance, (mean, stored.accuracy.pruned.value, tolerance)
    assert stored.conditions.num_runs == len(recipe.seeds)
