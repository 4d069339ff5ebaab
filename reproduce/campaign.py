"""Campaigns: a set of recipes x seeds, run here one after another or through submitit (Slurm, or its local
executor), with the finished runs collected here.

Each job is one seed of one recipe: `experiment.execute` on that config, in the run folder its hash names, so a
campaign resumes like any run: finished seeds are read back from their folders and never submitted again, and
an interrupted one continues from its last epoch. The run folders must be on storage the jobs share with this
machine (a cluster's shared file system); the rows are written here, from the collected metrics, by the caller.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pruneatlas.safe_yaml import load_yaml_file
from reproduce.config import RunConfig
from reproduce.context import RunOptions
from reproduce.experiment import execute, execute_many, folder_name, run_dir_for
from reproduce.recipe_rows import AnyRecipe, seeded_configs
from reproduce.recipes import RECIPES
from reproduce.registry import UnregisteredName
from reproduce.run_result import RunResult, finished

Executor = Literal["local", "submitit-local", "slurm"]
CAMPAIGNS = Path(__file__).resolve().parent / "campaigns"  # the prepared campaigns, e.g. cifar10-gpu.yaml
SUBMITIT_LOG = "SUBMITIT_LOG_LEVEL"


class CampaignSpec(BaseModel):
    """A campaign file (YAML): which recipes, which seeds, and how to run them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recipes: list[str] | Literal["all"] = Field(description="Recipe names (`pruneatlas reproduce recipes`), or all")
    seeds: list[int] | None = Field(None, description="Seeds for every recipe (default: each recipe's own)")
    quick: bool = Field(False, description="The recipes' short smoke variants (their rows claim nothing)")
    executor: Executor = Field("local", description="local (here, in turn), submitit-local or slurm")
    resources: dict[str, Any] = Field(
        default_factory=dict,
        description="submitit parameters per job, e.g. timeout_min, cpus_per_task, gpus_per_node, mem_gb, "
        "slurm_partition, slurm_account",
    )

    def smoke(self) -> CampaignSpec:
        """The smoke version a CPU can run (`campaign run --quick`): the quick recipes, on the first of the
        campaign's seeds (seed 0 where the campaign leaves the seeds to its recipes)."""
        return self.model_copy(update={"quick": True, "seeds": (self.seeds or [0])[:1]})

    def chosen(self) -> list[AnyRecipe]:
        names = list(RECIPES) if self.recipes == "all" else self.recipes
        unknown = [name for name in names if name not in RECIPES]
        if unknown:
            raise UnregisteredName("recipe", unknown[0], sorted(RECIPES))
        return [RECIPES[name] for name in names]


@dataclass
class Job:
    """One seed of one recipe, and what became of it."""

    recipe: AnyRecipe
    config: RunConfig
    status: str = "pending"  # pending, finished earlier, finished, failed
    where: str = ""  # e.g. "here", "slurm job 4242", "local job 31337", "run folder"
    seconds: float = 0.0
    metrics: RunResult | None = None
    error: str = ""

    @property
    def label(self) -> str:
        return f"{self.recipe.name} seed {self.config.seed}"


def plan(spec: CampaignSpec) -> list[Job]:
    """Every recipe x seed as a job, in the campaign's order."""
    jobs = []
    for recipe in spec.chosen():
        jobs += [Job(recipe, config) for config in seeded_configs(recipe, spec.quick, spec.seeds or ())]
    return jobs


def load_spec(path: Path) -> CampaignSpec:
    """A campaign file (the prepared ones are in reproduce/campaigns/)."""
    return CampaignSpec.model_validate(load_yaml_file(path))


Progress = Callable[[Job, int, int], None]


def run(
    spec: CampaignSpec,
    options: RunOptions,
    logs: Path,
    progress: Progress = lambda job, done, total: None,
    poll_s: float = 1.0,
) -> list[Job]:
    """Run every job of the campaign that has not finished yet; `progress` hears of each job as it ends."""
    jobs = plan(spec)
    done = 0
    for job in jobs:
        job.metrics = finished(run_dir_for(job.config, options))
        if job.metrics is not None:
            job.status, job.where = "finished earlier", "run folder"
            done += 1
            progress(job, done, len(jobs))
    pending = [job for job in jobs if job.metrics is None]
    if spec.executor == "local" and options.parallel > 1:
        for seeds in _by_recipe(pending):
            _run_here_together(seeds, options)
            for job in seeds:
                done += 1
                progress(job, done, len(jobs))
    elif spec.executor == "local":
        for job in pending:
            _run_here(job, options)
            done += 1
            progress(job, done, len(jobs))
    elif pending:
        _run_submitit(spec, pending, replace(options, progress=False), logs, progress, done, len(jobs), poll_s)
    return jobs


def _by_recipe(jobs: list[Job]) -> list[list[Job]]:
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.recipe.name, []).append(job)
    return list(groups.values())


def _run_here_together(jobs: list[Job], options: RunOptions) -> None:
    """One recipe's pending seeds in one pass, `options.parallel` of them at once on this machine's device
    (--parallel-seeds: a GPU that one small network leaves mostly idle trains several seeds in the time of one)."""
    started = time.perf_counter()
    try:
        results = execute_many([job.config for job in jobs], options, jobs[0].recipe.command)
    except Exception as exc:  # one pass: its error is every seed's; the other recipes still run
        for job in jobs:
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
    else:
        for job, metrics in zip(jobs, results, strict=True):
            job.metrics, job.status = metrics, "finished"
    together = min(options.parallel, len(jobs))
    for job in jobs:
        job.where = f"here, {together} at once" if together > 1 else "here"
        job.seconds = time.perf_counter() - started


def _run_here(job: Job, options: RunOptions) -> None:
    started = time.perf_counter()
    try:
        job.metrics = execute(job.config, options, job.recipe.command)
        job.status = "finished"
    except Exception as exc:  # a failed seed is reported in the summary; the other jobs still run
        job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
    job.where, job.seconds = "here", time.perf_counter() - started


def import_submitit() -> ModuleType:
    """submitit, imported without its logging set-up: on first import it calls logging.config.dictConfig, which
    closes every logging handler this process already has (a notebook's, pytest's). Its jobs keep their logs:
    the variable is back to what it was before any job starts."""
    previous = os.environ.get(SUBMITIT_LOG)
    os.environ[SUBMITIT_LOG] = "NOCONFIG"
    try:
        import submitit
    finally:
        if previous is None:
            del os.environ[SUBMITIT_LOG]
        else:
            os.environ[SUBMITIT_LOG] = previous
    return submitit


def _run_submitit(
    spec: CampaignSpec,
    pending: list[Job],
    options: RunOptions,
    logs: Path,
    progress: Progress,
    done: int,
    total: int,
    poll_s: float,
) -> None:
    submitit = import_submitit()
    cluster = "local" if spec.executor == "submitit-local" else "slurm"
    executor = submitit.AutoExecutor(folder=logs, cluster=cluster)
    executor.update_parameters(name="pruneatlas-campaign", **spec.resources)
    started = time.perf_counter()
    with executor.batch():  # one array job on Slurm; `execute` is pickled by reference, the config by value
        submitted = [executor.submit(execute, job.config, options, job.recipe.command) for job in pending]
    waiting = list(zip(pending, submitted, strict=True))
    for job, handle in waiting:
        job.where = f"{cluster} job {handle.job_id}"
    while waiting:
        for job, handle in [(j, h) for j, h in waiting if h.done()]:
            waiting.remove((job, handle))
            job.seconds = time.perf_counter() - started
            try:
                job.metrics = handle.result()
                job.status = "finished"
            except Exception as exc:  # submitit re-raises the job's error, with its log file named
                job.status, job.error = "failed", str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
            done += 1
            progress(job, done, total)
        if waiting:
            time.sleep(poll_s)


@dataclass
class RecipeOutcome:
    """A recipe's seeds, once every one of them finished (else `missing` names the ones that did not)."""

    recipe: AnyRecipe
    results: list[RunResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def by_recipe(jobs: list[Job]) -> list[RecipeOutcome]:
    outcomes: dict[str, RecipeOutcome] = {}
    for job in jobs:
        outcome = outcomes.setdefault(job.recipe.name, RecipeOutcome(job.recipe))
        if job.metrics is not None:
            outcome.results.append(job.metrics)
        else:
            outcome.missing.append(f"seed {job.config.seed} ({job.error or job.status})")
    return list(outcomes.values())


def summary(jobs: list[Job]) -> list[str]:
    """One line per job: what ran where, how long, and the result or the error."""
    lines = []
    for job in jobs:
        line = f"{job.label:48s} {job.status:16s} {job.where:24s}"
        if job.metrics is not None:
            line += f" top1 {job.metrics.top1:.2f}  {folder_name(job.config)}"
            if job.status == "finished":
                line += f"  {job.seconds:.0f} s on {job.metrics.hardware}"
        else:
            line += f" {job.error}"
        lines.append(line.rstrip())
    return lines
