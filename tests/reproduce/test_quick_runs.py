"""Quick runs stay out of the atlas: `recipes run NAME --quick` writes its row beside the run folders unless told
otherwise, and the row's notes say what ran, not what the full recipe would have run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pruneatlas import paths
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.commands import group
from reproduce.recipe_rows import quick_note, quick_rows_dir
from reproduce.recipes import RECIPES

CHECKED = "lee2019-snip-lenet-300-100-95"
needs_mnist = pytest.mark.skipif(
    not (paths.SHARED / "datasets" / "MNIST" / "raw").is_dir(), reason="the real MNIST is in ../shared/datasets"
)


def test_a_quick_note_says_what_ran_and_claims_nothing() -> None:
    recipe = RECIPES[CHECKED]
    note = quick_note(recipe)
    assert note.startswith(f"Quick variant of recipe {CHECKED}, a smoke run that re-runs no published claim.")
    assert "training.epochs 2 (recipe: 20)" in note and "data.train_subset 5000 (recipe: not set)" in note


def test_quick_rows_go_beside_the_run_folders(tmp_path: Path) -> None:
    assert quick_rows_dir(tmp_path / "runs") == tmp_path / "runs" / "quick-rows"
    assert paths.DATA not in quick_rows_dir(None).parents


@needs_mnist
def test_a_quick_recipe_run_writes_nothing_in_data(tmp_path: Path) -> None:
    before = sorted(paths.REPRODUCED.glob("*.yaml")) if paths.REPRODUCED.is_dir() else []
    runs = tmp_path / "runs"
    result = CliRunner().invoke(
        group, ["recipes", "run", CHECKED, "--quick", "--seed", "0", "--runs-dir", str(runs), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (sorted(paths.REPRODUCED.glob("*.yaml")) if paths.REPRODUCED.is_dir() else []) == before
    [path] = list((runs / "quick-rows").glob("*.yaml"))
    [row] = PaperFile.model_validate(load_yaml_file(path)).results
    assert row.reproduces is None and "Quick variant of recipe" in row.notes and "training.epochs 2" in row.notes
    assert "outside the atlas" in result.output
