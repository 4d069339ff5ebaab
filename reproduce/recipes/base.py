"""What every recipe is: the atlas row it targets (and nothing else of the claim), the config that re-runs it,
its seeds, its quick variant and its deviations. The recipes themselves live one module per source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pruneatlas.targets import TargetClaim, target_claim
from reproduce.config import RunConfig


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
