"""Cost recipes: re-runs of a published claim about training cost (time or epochs) against a reference method.

A claim such as "13 % of SAP's execution time" or "+48 % seconds per epoch over plain training" is tested by
running the claimed method and its reference side by side, seed by seed, and reading the same cost from both
runs; the row reports the measured cost and its share of the reference's. Absolute times depend on the machine;
the share is what a re-run elsewhere can test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from reproduce.config import RunConfig
from reproduce.recipes.base import Targets, merge

if TYPE_CHECKING:
    from reproduce.run_result import RunResult


@dataclass(frozen=True)
class Reading:
    """How a cost is read from a finished run's metrics, and what the row says it is."""

    describe: str
    read: Callable[[RunResult], float]


def run_seconds() -> Reading:
    return Reading("wall-clock seconds of the whole run (dense training included)", lambda m: m.wall_time_s)


def flow_seconds_per_call() -> Reading:
    def read(m: RunResult) -> float:
        metrics = m.method_metrics
        return float(metrics["flow_seconds"] / metrics["flow_calls"])

    return Reading("seconds per computation of the stopping rule's flow (mean over the run)", read)


def epoch_seconds(phase: str) -> Reading:
    def read(m: RunResult) -> float:
        p = m.phases[phase]
        return p.seconds / p.epochs

    return Reading(f"seconds per epoch of the '{phase}' phase, testing included", read)


@dataclass(frozen=True)
class Side:
    """One of the two runs compared: what the row calls it, its config and the cost read from it."""

    label: str
    config: dict[str, Any]
    reading: Reading


@dataclass(frozen=True)
class CostRecipe(Targets):
    name: str
    target: str | None  # "<PaperKey>/<cost claim id>" re-run
    quantity: Literal["time", "epochs"]
    scope: str  # what the row says was measured
    measured: Side
    reference: Side
    relative_to: str  # method id of the reference, or "dense"
    seeds: tuple[int, ...] = (0, 1, 2)
    quick: dict[str, Any] = field(default_factory=dict)  # deep-merged into both sides' configs
    deviations: str = ""

    def run_configs(self, quick: bool = False) -> list[RunConfig]:
        """The configs one seed runs: the claimed method's, then its reference's."""
        return [
            RunConfig.model_validate(merge(side.config, self.quick) if quick else side.config)
            for side in (self.measured, self.reference)
        ]

    @property
    def command(self) -> str:
        return f"pruneatlas reproduce recipes run {self.name}"
