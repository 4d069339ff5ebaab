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

from reproduce.recipes import cifar, incop, lenets, mikler, swd
from reproduce.recipes.base import Recipe, Targets, merge
from reproduce.recipes.cost import CostRecipe


def _collect() -> dict[str, Recipe | CostRecipe]:
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


__all__ = ["RECIPES", "CostRecipe", "Recipe", "Targets", "merge"]
