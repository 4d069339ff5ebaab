"""Named recipes: the settings that re-run one specific published result, and the atlas row it targets.

Every claim is quoted from a source on disk (../shared/seeds, ../shared/reference, or the paper text the
atlas row itself cites), with where. Settings the sources do not give, and every place where our set-up
departs from the paper's (epochs, schedule, model variant), are ours and listed in `deviations`, which go
into the row's notes. A recipe never invents the published number. `quick` is a shortened variant for a
smoke run: its row does not claim to reproduce anything.

One module per source: lenets.py (Han et al., SNIP, the lottery ticket), mikler.py (Mikler's MLP: the
rewinding ticket, its Table 3.1 controls, Training Optimal Masks), swd.py (Tessier et al.'s Tables 4 and 10),
incop.py (Gharatappeh & Sekeh's cost claims). Claims about training cost are `CostRecipe`s (cost.py): two runs
side by side, the row their cost ratio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reproduce.config import RunConfig

if TYPE_CHECKING:
    from reproduce.recipes.cost import CostRecipe


@dataclass(frozen=True)
class Recipe:
    name: str
    claim: str  # the published result, as the source states it
    source: str  # where on disk the claim is
    target: str | None  # "<PaperKey>/<result id>" of the atlas row re-run
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
