"""Finished runs -> one atlas row per config (seeds aggregated: mean, std, num_runs) -> YAML that
`pruneatlas validate` accepts, written under data/reproduced/ (or --out).

A file holds one method on one architecture and dataset in one year (key Rerun<Year><Method><Arch><Data>);
each distinct config (sparsity, hyper-parameters) is one result in it, identified by its group hash, so
re-running a config replaces its result and a sweep fills the file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pruneatlas import paths
from pruneatlas.models import CostClaim, PaperFile, Result
from pruneatlas.safe_yaml import load_yaml_file, write_yaml_file
from pruneatlas.targets import paper_file
from pruneatlas.vocab import load_vocabularies

if TYPE_CHECKING:
    from reproduce.run_result import RunResult

Entry = TypeVar("Entry", Result, CostClaim)
HEADER = "# Written by `pruneatlas reproduce` from finished runs; re-run rather than edit by hand.\n"


class RowError(ValueError):
    """The runs cannot become an atlas row (mixed configs, no atlas dataset, or the row does not validate)."""


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def rerun_paper_key(method: str, arch_id: str, dataset_id: str, year: int) -> str:
    """The key of the file our re-runs of one method on one network and data set go to (not a paper's own key:
    pruneatlas.keys.paper_key names published papers)."""
    return f"Rerun{year}{camel(method)}{camel(arch_id)}{camel(dataset_id)}"


def result_id(runs: Sequence[RunResult]) -> str:
    first = runs[0]
    pct = f"{100 * first.target:.4g}".replace(".", "p")
    raw = f"{first.config.method.method}-{first.architecture_id}-{first.dataset_id}-s{pct}-{first.group_hash[:8]}"
    return re.sub(r"[^a-z0-9._+-]", "-", raw.lower())[:120]


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def _mean(values: list[float]) -> float:
    return statistics.fmean(values)


def _std(values: list[float]) -> float | None:
    return round(statistics.stdev(values), 2) if len(values) > 1 else None


def _notes(first: RunResult, runs: Sequence[RunResult]) -> str:
    achieved = _mean([r.achieved for r in runs])
    what = {
        "weights": "of conv and linear weights zeroed",
        "channels": "of prunable channels removed",
        "params": "of all parameters removed",
    }[first.target_kind]
    parts = [
        f"Re-run by reproduce/: {first.method_label}.",
        f"Target {first.target:g} {what}; achieved {achieved:.4f}.",
        "Baseline: the same architecture trained dense with the same data, schedule and seed(s).",
        "params: all parameters, non-zero after pruning; flops: conv and linear multiply-accumulates counting "
        "only non-zero weights (for masks a theoretical figure that needs sparse kernels).",
    ]
    if first.dataset_note:
        parts.append(f"Data: {first.dataset_note}.")
    return " ".join(parts)


def build_result(
    runs: Sequence[RunResult], reproduces: str | None = None, extra_note: str = "", command: str | None = None
) -> Result:
    """One Result from the finished runs of one config (one per seed). `command` replaces the command line the
    first seed was run with (a recipe's one documented command, whichever invocation trained its seeds)."""
    from reproduce.methods import METHODS

    first = runs[0]
    if len({r.group_hash for r in runs}) != 1:
        raise RowError("runs of different configs cannot share a row; only their seeds may differ")
    if first.dataset_id is None:
        raise RowError(f"{first.config.dataset} is not an atlas dataset, so it cannot make a row")
    method = METHODS.get(first.config.method.method)(first.config.method)
    seeds = sorted(r.seed for r in runs)
    config = _drop_none({k: v for k, v in first.config_json().items() if k != "seed"})
    top1 = [r.top1 for r in runs]
    base = [r.baseline_top1 for r in runs]
    # The proposing paper (schema/methods.yaml), linked as `method_paper` when the atlas has a file for it.
    known = load_vocabularies().methods.by_id.get(method.atlas_method)
    paper_of_method = known.paper if known else None
    finetune = sum(p.epochs for name, p in first.phases.items() if name.startswith(("finetune", "iteration")))
    conditions: dict[str, Any] = {"num_runs": len(runs)}
    if finetune:
        conditions["finetune_epochs"] = finetune
    if first.architecture_modified:
        conditions["architecture_modified"] = first.architecture_modified
    locator = (
        f"runs/{first.run_folder}"
        if len(runs) == 1
        else f"config {first.group_hash[:16]}, seeds {', '.join(map(str, seeds))}"
    )
    return Result.model_validate(
        {
            "id": result_id(runs),
            "method": method.atlas_method,
            "method_label": first.method_label,
            **(
                {"method_paper": paper_of_method} if paper_of_method and paper_file(paper_of_method) is not None else {}
            ),
            "architecture": first.architecture_id,
            "dataset": first.dataset_id,
            "granularity": first.granularity,
            "scope": method.scope,
            "schedule": method.schedule,
            "accuracy": {
                "metric": "top1",
                "baseline": round(_mean(base), 2),
                "pruned": round(_mean(top1), 2),
                **({"baseline_std": _std(base)} if _std(base) is not None else {}),
                **({"pruned_std": _std(top1)} if _std(top1) is not None else {}),
            },
            "params": {
                "baseline": first.dense.params,
                "pruned": round(_mean([r.pruned.params_nonzero for r in runs])),
            },
            "flops": {
                "baseline": first.dense.macs,
                "pruned": round(_mean([r.pruned.macs_sparse for r in runs])),
                "unit": "MAC",
            },
            "conditions": conditions,
            "source": {"locator": locator, "extraction": "rerun"},
            **({"reproduces": reproduces} if reproduces else {}),
            "provenance": provenance(
                runs,
                command or first.command or "python -m reproduce.commands run",
                first.group_hash,
                seeds,
                config,
            ),
            "notes": (_notes(first, runs) + (" " + extra_note if extra_note else "")).strip(),
        }
    )


def provenance(
    runs: Sequence[RunResult], command: str, config_hash: str, seeds: list[int], config: dict[str, Any]
) -> dict[str, Any]:
    """A re-run row's provenance: how to run it again, where it ran, and the time all its runs took together."""
    first = runs[0]
    return {
        "command": command,
        "config_hash": config_hash,
        "git_sha": first.git_sha,
        "versions": first.versions,
        "hardware": first.hardware,
        "seeds": seeds,
        "wall_time_s": round(sum(r.wall_time_s for r in runs), 1),
        "cpu_time_s": round(sum(r.cpu_time_s for r in runs), 1),
        "config": config,
    }


def write_rows(
    groups: Sequence[Sequence[RunResult]],
    out_dir: Path | None = None,
    reproduces: dict[str, str] | None = None,
    extra_note: str = "",
    validate: bool = True,
    command: str | None = None,
) -> list[Path]:
    """Write one result per group (each a list of per-seed metrics) into its method/arch/dataset file,
    replacing a result with the same id; validate every written file and undo it if it does not pass."""
    out_dir = out_dir or paths.REPRODUCED
    year = dt.date.today().year
    by_file: dict[Path, tuple[RunResult, list[Result]]] = {}
    for runs in groups:
        first = runs[0]
        target = (reproduces or {}).get(first.group_hash)
        result = build_result(runs, target, extra_note, command)
        key = rerun_paper_key(first.config.method.method, result.architecture, result.dataset, year)
        path = out_dir / f"{key}.yaml"
        by_file.setdefault(path, (first, []))[1].append(result)
    written = []
    with folder_lock(out_dir):
        for path, (first, new) in by_file.items():
            title = f"PruneAtlas re-run: {first.method_label} on {first.architecture_id} / {first.dataset_id}"
            merge_into(path, title, year, results=new, validate=validate)
            written.append(path)
    return written


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` while a file in it is read, merged and rewritten: parallel re-runs
    writing to the same file would otherwise each merge into what they read and the last rename would drop
    the others' rows. The lock is on the folder itself, so no lock file is left among the paper files."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _merged(old: Sequence[Entry], new: Sequence[Entry]) -> list[Entry]:
    """`old` with the entries of `new` that share an id replaced in place, and the rest of `new` appended."""
    fresh = {e.id: e for e in new}
    return [fresh.pop(e.id, e) for e in old] + list(fresh.values())


def merge_into(
    path: Path,
    title: str,
    year: int,
    results: Sequence[Result] = (),
    cost_claims: Sequence[CostClaim] = (),
    validate: bool = True,
) -> None:
    """Replace or add results and cost claims in the re-run file at `path` (hold `folder_lock` around it);
    validate the file and restore the old bytes if it does not pass."""
    previous = path.read_bytes() if path.exists() else None
    existing = PaperFile.model_validate(load_yaml_file(path)) if previous is not None else None
    paper = PaperFile(
        key=path.stem,
        title=title,
        authors=["PruneAtlas reproduce"],
        year=year,
        results=_merged(existing.results if existing else [], results),
        cost_claims=_merged(existing.cost_claims if existing else [], cost_claims),
    )
    write_yaml_file(path, paper.model_dump(mode="json", exclude_none=True, exclude_defaults=True), HEADER)
    if validate:
        problems = validation_errors(path)
        if problems:
            if previous is None:
                path.unlink()
            else:
                from pruneatlas.atomic import atomic_write_bytes

                atomic_write_bytes(path, previous)
            raise RowError("the row does not validate:\n  " + "\n  ".join(problems))


def validation_errors(path: Path) -> list[str]:
    """What `pruneatlas validate` says is wrong with `path` (errors only)."""
    from pruneatlas.loader import load_atlas

    return [str(p) for p in load_atlas([path]).errors]
