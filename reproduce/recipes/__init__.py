"""Named recipes: the settings that re-run one specific published result, and the atlas row it targets.

A recipe names the atlas row it targets and nothing else of the claim: the claim, its locator and quote are
read from that row (pruneatlas.targets), so the paper YAML is the one place they live. Settings the sources do
not give, and every place where our set-up departs from the paper's (epochs, schedule, model variant), are ours
and listed in `deviations`, which go into the row's notes. A recipe never invents the published number.
`quick` is a shortened variant for a smoke run: its row does not claim to reproduce anything.

One module per source: lenets.py (Han et al., SNIP, the lottery ticket), mikler.py (Mikler's MLP: the
rewinding ticket, its Table 3.1 controls, Training Optimal Masks), swd.py (Tessier et al.'s Tables 4 and 10),
incop.py (Gharatappeh & Sekeh's cost claims). Claims about training cost are `CostRecipe`s (cost.py): two runs
side by side, the row their cost ratio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pruneatlas.targets import TargetClaim, target_claim
from reproduce.config import RunConfig

if TYPE_CHECKING:
    from reproduce.recipes.cost import CostRecipe


class Targets:
    """What a recipe knows of the published claim: the row it targets, and whatever the atlas says of it."""

    name: str
    target: str | None  # "<PaperKey>/<result id>" of the atlas row re-run (None only in tests' recipes)

    @property
    def published(self) -> TargetClaim | None:
        return target_claim(self.target) if self.target else None

    @property
    def claim(self) -> str:
        """The published claim in its source's words, read from the target row."""
        return self.published.claim if self.published else "no published target"

    @property
    def source(self) -> str:
        return self.published.source if self.published else "-"

    def cites(self, linked: bool) -> str:
        """How a row written by this recipe names the claim it re-runs: by the target's id, never retyped."""
        if not self.target:
            return f"Recipe {self.name}."
        return f"Recipe {self.name}: re-runs {self.target}" + ("." if linked else " (not in the atlas yet).")


@dataclass(frozen=True)
class Recipe(Targets):
    name: str
    target: str | None
    config: dict[str, Any]
    seeds: tuple[int, ...] = (0, 1, 2)
    quick: dict[str, Any] = field(default_factory=dict)  # deep-merged into config for a short smoke run
    deviations: str = ""

    def run_config(self, quick: bool = False) -> RunConfig:
        raw = merge(self.config, self.quick) if quick else self.config
        return RunConfig.model_validate(raw)

    def run_configs(self, quick: bool = False) -> list[RunConfig]:
        """The configs one seed runs (one here; a cost recipe runs two side by side)."""
        return [self.run_config(quick)]

    @property
    def command(self) -> str:
        return f"pruneatlas reproduce recipes run {self.name}"


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` deep-merged into a copy of `base` (dicts merge, anything else replaces)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _collect() -> dict[str, Recipe | CostRecipe]:
    from reproduce.recipes import cifar, incop, lenets, mikler, swd

    out: dict[str, Recipe | CostRecipe] = {}
    every: list[Recipe | CostRecipe] = [
        *lenets.RECIPES,
        *mikler.RECIPES,
        *swd.RECIPES,
        *swd.COST_RECIPES,
        *incop.RECIPES,
        *cifar.RECIPES,
    ]
    for recipe in every:
        if recipe.name in out:
            raise ValueError(f"recipe {recipe.name!r} is defined twice")
        out[recipe.name] = recipe
    return out


RECIPES = _collect()
