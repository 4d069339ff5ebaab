"""What a finished run measured: its metrics.json, typed as its config is.

`experiment.execute` makes one, `store` writes it and `finished` reads it back (the JSON on disk is the model's
JSON dump, the same keys and values the untyped dict had, so a folder written before still loads), and every
reader (the atlas rows, the cost rows and recipes, the campaign, the command line) reads its fields by name: a
misspelt key is an error where it is written, not a KeyError after a run of hours.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from reproduce.config import RunConfig
from reproduce.counting import Counts
from reproduce.runs import RunDir
from reproduce.training import Speed


class PhaseOutcome(BaseModel):
    """One training phase of the run (dense, fine-tuning, an iteration)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    epochs: int
    top1: float | None  # test top-1 after its last epoch; None when it trained no epoch
    seconds: float
    stopped_early: bool


class RunResult(BaseModel):
    """metrics.json of a finished run: its config and identities, accuracies, counts, cost and provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Literal["finished"]
    config: RunConfig
    run_hash: str
    run_folder: str
    group_hash: str
    seed: int
    method_label: str
    target_kind: str  # what `target` and `achieved` are the sparsity of: weights, params or channels
    granularity: str
    target: float
    achieved: float
    baseline_top1: float  # the dense network's test top-1
    top1: float  # the pruned network's test top-1
    dense: Counts
    pruned: Counts
    architecture_id: str
    architecture_modified: str | None
    dataset_id: str | None  # None: not an atlas dataset (synthetic data), so no row can be made of it
    dataset_note: str | None
    phases: dict[str, PhaseOutcome]
    method_metrics: dict[str, Any]  # what the method itself measured (e.g. the stopping rule's flow seconds)
    wall_time_s: float
    cpu_time_s: float
    git_sha: str
    versions: dict[str, str]
    hardware: str
    speed: Speed
    command: str

    def config_json(self) -> dict[str, Any]:
        """The config as metrics.json holds it."""
        return self.config.model_dump(mode="json")


def finished(run_dir: RunDir) -> RunResult | None:
    """The run's result if it completed, else None."""
    data = run_dir.finished_json()
    return None if data is None else RunResult.model_validate(data)


def store(run_dir: RunDir, result: RunResult) -> None:
    """metrics.json, written last: the run is finished once it is there."""
    run_dir.write_json(run_dir.metrics_file, result.model_dump(mode="json"))
