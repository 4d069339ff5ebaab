"""Gale, Elsen and Hooker's ResNet-50 runs ("The State of Sparsity in Deep Neural Networks", 2019).

Every trained configuration becomes a result of that paper flagged `sweep`, so comparisons can include or
leave out a hyper-parameter sweep. Accuracies are fractions in the CSVs and become percentages by moving the
decimal point (no rounding); the hyper-parameters of each run go into its notes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pruneatlas import paths
from pruneatlas.importers.merge import merge_results
from pruneatlas.importers.shrinkbench import existing_files_by_title

HEADER = {
    "key": "Gale2019State",
    "title": "The State of Sparsity in Deep Neural Networks",
    "authors": ["Trevor Gale", "Erich Elsen", "Sara Hooker"],
    "year": 2019,
    "venue": "arXiv preprint arXiv:1902.09574",
    "url": "https://arxiv.org/abs/1902.09574",
    "arxiv": "1902.09574",
    "license_note": "Rows with source.collection state-of-sparsity come from the paper's released ResNet-50 "
    "results (Apache License 2.0); see data/NOTICE.",
}
BANNER = "# Paper file extended by `pruneatlas import state-of-sparsity`; hand-entered rows may be added too.\n"


@dataclass(frozen=True)
class RunFile:
    name: str
    method: str
    label: str
    sparsity_column: str
    accuracy_column: str


RUN_FILES = (
    RunFile("rn50_magnitude_pruning.csv", "gradual-magnitude", "Magnitude pruning", "Sparsity", "accuracy"),
    RunFile("rn50_random_pruning.csv", "random", "Random pruning", "Target Sparsity", "accuracy"),
    RunFile("rn50_l0_regularization.csv", "l0-regularization", "L0 regularization", "global_sparsity", "accuracy"),
    RunFile(
        "rn50_variational_dropout.csv", "variational-dropout", "Variational dropout", "global sparsity", "Accuracy"
    ),
)


def _percent(fraction: str) -> str:
    """'0.755599975586' -> '75.5599975586': the decimal point moved, every printed digit kept."""
    return format(Decimal(fraction.strip()).scaleb(2).normalize(), "f")


def run_results(folder: Path, run: RunFile) -> list[dict[str, Any]]:
    rows = []
    with (folder / run.name).open(newline="", encoding="utf-8") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            settings = ", ".join(
                f"{k}={v}" for k, v in record.items() if k not in (run.sparsity_column, run.accuracy_column)
            )
            rows.append(
                {
                    "id": f"sos-{run.name.removeprefix('rn50_').removesuffix('.csv').replace('_', '-')}-{line}",
                    "method": run.method,
                    "method_label": run.label,
                    "architecture": "resnet50",
                    "dataset": "imagenet",
                    "granularity": "weight",
                    "accuracy": {"metric": "top1", "pruned": _percent(record[run.accuracy_column])},
                    "params": {"removed_pct": _percent(record[run.sparsity_column])},
                    "conditions": {"sweep": True},
                    "source": {
                        "locator": f"{run.name}, line {line}",
                        "extraction": "collection",
                        "quote": ",".join(record.values()),
                        "collection": "state-of-sparsity",
                        "collection_row": f"{run.name}:{line}",
                    },
                    "notes": f"Hyper-parameters: {settings}. Column {run.sparsity_column!r} gives the fraction of "
                    "weights removed; the dense baselines of this sweep (rn50_baselines.csv) are not tied to runs.",
                }
            )
    return rows


def import_state_of_sparsity(folder: Path, target: Path | None = None) -> tuple[int, int]:
    """Returns (results in the CSVs, results added this run)."""
    target = target or paths.PAPERS
    rows = [row for run in RUN_FILES for row in run_results(folder, run)]
    titles = existing_files_by_title(target)
    path = titles.get("thestateofsparsityindeepneuralnetworks", target / f"{HEADER['key']}.yaml")
    return len(rows), merge_results(path, HEADER, rows, BANNER)
