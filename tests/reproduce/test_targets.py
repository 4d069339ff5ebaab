"""Recipes name their target row and nothing else of the claim: the claim is read from the atlas
(pruneatlas.targets), PRUNEATLAS_DATA honoured, and the notes of rows written from now on cite the target id."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from pruneatlas import paths
from pruneatlas.targets import UnknownTarget, target_claim
from reproduce.recipe_rows import in_atlas
from reproduce.recipes import RECIPES, Recipe
from reproduce.recipes.cost import CostRecipe

TARGET = "Tessier2022Rethinking/t4-lenet5-t99-amin1e-2-amax1e4"


def test_a_target_claim_is_the_rows_locator_quote_and_printed_values() -> None:
    claim = target_claim(TARGET)
    assert (claim.paper, claim.result, claim.kind) == (
        "Tessier2022Rethinking",
        "t4-lenet5-t99-amin1e-2-amax1e4",
        "result",
    )
    assert claim.locator.startswith("Table 4") and claim.quote and "93.52" in claim.quote
    assert claim.values["accuracy"]["pruned"] == "93.52" and claim.target == TARGET
    assert claim.address == "https://hal.science/hal-03675138v1"


def test_a_cost_claim_target_reads_its_cost() -> None:
    claim = target_claim("Gharatappeh2025Information/s3-2-if-computation-time")
    assert claim.kind == "cost_claim" and claim.values["cost"]["value"] == 122.0 and "122.0" in (claim.quote or "")


def test_targets_read_the_folders_pruneatlas_data_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(paths.PAPERS / "Tessier2022Rethinking.yaml", tmp_path / "Tessier2022Rethinking.yaml")
    monkeypatch.setenv("PRUNEATLAS_DATA", str(tmp_path))
    assert target_claim(TARGET).paper == "Tessier2022Rethinking"
    with pytest.raises(UnknownTarget, match=r"Han2015Learning\.yaml"):
        target_claim("Han2015Learning/b-t1-lenet300-pruned")  # in data/, not in the atlas named
    assert not in_atlas("Han2015Learning/b-t1-lenet300-pruned")


def test_unknown_targets_say_what_is_missing() -> None:
    with pytest.raises(UnknownTarget, match="no result or cost claim with id 'nope'"):
        target_claim("Tessier2022Rethinking/nope")
    with pytest.raises(UnknownTarget, match="is not '<PaperKey>/<result id>'"):
        target_claim("Tessier2022Rethinking")


def test_recipes_hold_no_claim_of_their_own_and_read_it_from_their_target() -> None:
    for cls in (Recipe, CostRecipe):
        assert {"claim", "source"}.isdisjoint(f.name for f in dataclasses.fields(cls))
    recipe = next(r for r in RECIPES.values() if r.target == TARGET)
    assert "93.52" in recipe.claim and recipe.source.startswith("Tessier2022Rethinking")


def test_a_written_rows_note_cites_the_target_id() -> None:
    recipe = next(r for r in RECIPES.values() if r.target == TARGET)
    assert recipe.cites(linked=True) == f"Recipe {recipe.name}: re-runs {TARGET}."
    assert recipe.cites(linked=False).endswith("(not in the atlas yet).")
