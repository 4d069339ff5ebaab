"""Gale, Elsen and Hooker's ResNet-50 runs ("The State of Sparsity in Deep Neural Networks", 2019).

Every trained configuration becomes a result of that paper flagged `sweep`, so comparisons can include or
leave out a hyper-parameter sweep. Accuracies are fractions in the CSVs and become percentages by moving the
decimal point (no rounding); the hyper-parameters of each run go into its notes.

A run is known by its content (its file and the values on its line), not by its line number, so a line added
to a CSV adds one run and moves no other. Every value is checked before anything is written, and the import
writes its file or nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pruneatlas import paths
from pruneatlas.importers.csv_input import InputError, read_rows
from pruneatlas.importers.merge import appended
from pruneatlas.importers.shrinkbench import existing_files_by_title
from pruneatlas.importers.staging import write_all
from pruneatlas.models import Result

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
# Top-1 chance on ImageNet's 1000 classes; a few L0 runs collapsed below it and are kept as printed.
CHANCE_PCT = Decimal("0.1")
COLLAPSED = (
    "Below chance (0.1 % for 1000 classes) as the collection's CSV prints it: a collapsed run of the sweep; "
    "kept as printed."
)
BANNER = "# Paper file extended by `pruneatlas import state-of-sparsity`; hand-entered rows may be added too.\n"


@dataclass(frozen=True)
class RunFile:
    name: str
    method: str
    label: str
    sparsity_column: str
    accuracy_column: str
    released_sha256: str  # the file as the authors released it (the one that may end without a newline)


RUN_FILES = (
    RunFile(
        "rn50_magnitude_pruning.csv", "gradual-magnitude", "Magnitude pruning", "Sparsity", "accuracy",
        "a6d1b3724e3423c482398fd7140d91b8005af49851cc2a0481cac512a7251056",
    ),
    RunFile(
        "rn50_random_pruning.csv", "random", "Random pruning", "Target Sparsity", "accuracy",
        "497cb4b2a739a9a36554b520f845b4f8f60f8d29e67f5010e3270a3c23231e86",
    ),
    RunFile(
        "rn50_l0_regularization.csv", "l0-regularization", "L0 regularization", "global_sparsity", "accuracy",
        "d91ccf29b38f5eab10ee2f4c41b5d564da2b172cc34473c5e843476884f4cdc5",
    ),
    RunFile(
        "rn50_variational_dropout.csv", "variational-dropout", "Variational dropout", "global sparsity", "Accuracy",
        "68dc6aea2ef14077df909d2644c4aa567256230e68f65801d4c29da2759a60e7",
    ),
)  # fmt: skip


def _percent(path: Path, line: int, column: str, cell: str) -> str:
    """'0.755599975586' -> '75.5599975586': the decimal point moved, every printed digit kept; a cell that is
    not a fraction between 0 and 1 (NaN, -3.5, 7, inf, empty) is an InputError naming it."""
    try:
        fraction = Decimal(cell.strip())
    except InvalidOperation:
        fraction = None
    if fraction is None or not fraction.is_finite() or not 0 <= fraction <= 1:
        raise InputError(f"{path}: line {line}: {column}: {cell!r} is not a fraction between 0 and 1")
    return format(fraction.scaleb(2).normalize(), "f")


def content_key(row: dict[str, Any]) -> tuple[str, str]:
    """A run's identity: its file and the values on its line (what `source.quote` holds)."""
    source = row.get("source") or {}
    return str(source.get("collection_row", "")).split(":")[0], str(source.get("quote", ""))


def run_results(folder: Path, run: RunFile) -> list[dict[str, Any]]:
    path = folder / run.name
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    slug = run.name.removeprefix("rn50_").removesuffix(".csv").replace("_", "-")
    records = read_rows(path, [run.sparsity_column, run.accuracy_column], run.released_sha256)
    for line, record in records:
        quote = ",".join(record.values())
        if quote in seen:
            raise InputError(f"{path}: line {line}: repeats line {seen[quote]} (one run imported twice?)")
        seen[quote] = line
        settings = ", ".join(
            f"{k}={v}" for k, v in record.items() if k not in (run.sparsity_column, run.accuracy_column)
        )
        result: dict[str, Any] = {
            "id": f"sos-{slug}-{hashlib.sha256(quote.encode()).hexdigest()[:10]}",
            "method": run.method,
            "method_label": run.label,
            "architecture": "resnet50",
            "dataset": "imagenet",
            "granularity": "weight",
            "accuracy": {
                "metric": "top1",
                "pruned": _percent(path, line, run.accuracy_column, record[run.accuracy_column]),
            },
            "params": {"removed_pct": _percent(path, line, run.sparsity_column, record[run.sparsity_column])},
            "conditions": {"sweep": True},
            "source": {
                "locator": f"{run.name}, line {line}",
                "extraction": "collection",
                "quote": quote,
                "collection": "state-of-sparsity",
                "collection_row": f"{run.name}:{line}",
            },
            "notes": f"Hyper-parameters: {settings}. Column {run.sparsity_column!r} gives the fraction of "
            "weights removed; the dense baselines of this sweep (rn50_baselines.csv) are not tied to runs.",
        }
        if Decimal(result["accuracy"]["pruned"]) < CHANCE_PCT:
            result["discrepancies"] = [{"field": "accuracy.pruned", "note": COLLAPSED}]
        try:
            Result.model_validate(result)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(map(str, first["loc"]))
            raise InputError(f"{path}: line {line}: {field}: {first['msg']}") from None
        rows.append(result)
    return rows


def import_state_of_sparsity(folder: Path, target: Path | None = None) -> tuple[int, int]:
    """Returns (results in the CSVs, results added this run); InputError, with nothing written, when any
    file or value is wrong."""
    target = target or paths.PAPERS
    rows = [row for run in RUN_FILES for row in run_results(folder, run)]
    titles = existing_files_by_title(target)
    path = titles.get("thestateofsparsityindeepneuralnetworks", target / f"{HEADER['key']}.yaml")
    text, added = appended(path, HEADER, rows, BANNER, key=content_key)
    if text is not None:
        write_all({path: text})
    return len(rows), len(added)
