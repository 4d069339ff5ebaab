"""`pruneatlas reproduce ...`: list, run, sweep and recipes. A thin layer over experiment.py and rerun_rows.py.

Registered lazily by pruneatlas/cli.py, so torch is imported only when a reproduce command runs.
Until then: `python -m reproduce.commands ...`.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from reproduce.run_result import RunResult


def _command_line() -> str:
    argv = sys.argv[1:]
    if "reproduce" in argv:
        argv = argv[argv.index("reproduce") + 1 :]
    return "pruneatlas reproduce " + shlex.join(argv)


def _options(where: dict[str, Any]):
    import torch

    from pruneatlas import paths
    from reproduce.context import RunOptions
    from reproduce.training import Speed

    if where["threads"]:
        torch.set_num_threads(where["threads"])
    return RunOptions(
        runs_dir=where["runs_dir"] or paths.runs_dir(),
        data_root=where["data_root"],
        download=not where["no_download"],
        device=where["device"],
        speed=Speed(amp=where["amp"], channels_last=where["channels_last"], compile=where["compile"]),
        parallel=where["parallel_seeds"],
        progress=not where["quiet"],
    )


def run_options(f):
    """Options shared by run, sweep and recipes run: where and how, never what (not in the hash)."""
    for option in reversed(
        [
            click.option(
                "--out", "out_dir", type=click.Path(path_type=Path), help="Where the row goes (default data/reproduced)"
            ),
            click.option("--runs-dir", type=click.Path(path_type=Path), help="Run folders (default <repo>/runs)"),
            click.option(
                "--data-root", type=click.Path(path_type=Path), help="Where datasets are, or are downloaded to"
            ),
            click.option("--no-download", is_flag=True, help="Never download a dataset"),
            click.option("--device", default="cpu", show_default=True, help="cpu, cuda, cuda:1 or auto"),
            click.option("--threads", type=int, help="torch CPU threads"),
            click.option("--amp", is_flag=True, help="bf16 autocast (GPU speed; not in the config hash)"),
            click.option("--channels-last", is_flag=True, help="NHWC images and conv weights (GPU speed)"),
            click.option("--compile", is_flag=True, help="torch.compile the forward (GPU speed)"),
            click.option("--parallel-seeds", type=click.IntRange(1), default=1, help="Runs at once, one process each"),
            click.option("--no-row", is_flag=True, help="Run, but write no atlas row"),
            click.option("-q", "--quiet", is_flag=True, help="No progress bars"),
        ]
    ):
        f = option(f)
    return f


def _execute_all(configs: list, opts, command: str) -> list[RunResult]:
    from tqdm.auto import tqdm

    from reproduce.experiment import execute_many
    from reproduce.training import Diverged

    results = []
    outer = tqdm(configs, desc="runs", unit="run", disable=opts.progress is False or len(configs) < 2, leave=False)
    for batch in [configs] if opts.parallel > 1 else ([c] for c in outer):  # in parallel, one call runs them all
        try:
            results.extend(execute_many(batch, opts, command))
        except Diverged as exc:
            raise click.ClickException(str(exc)) from None
        except (ValueError, FileNotFoundError, RuntimeError) as exc:
            config = batch[0]
            where = f"{config.method.method} on {config.arch}/{config.dataset}" if len(batch) == 1 else "a parallel run"
            raise click.ClickException(f"{where}: {exc}") from None
    return results


def _run(groups: list[list], where: dict[str, Any]) -> list[list[RunResult]]:
    """Run every group's configs under the shared `run_options` and report them; one result list per group."""
    opts = _options(where)
    flat = _execute_all([config for group in groups for config in group], opts, _command_line())
    _report(flat)
    out, start = [], 0
    for group in groups:
        out.append(flat[start : start + len(group)])
        start += len(group)
    return out


def _report(results: list[RunResult]) -> None:
    for m in results:
        click.echo(
            f"{m.run_folder}: seed {m.seed}  top1 {m.top1:.2f} (dense {m.baseline_top1:.2f})  "
            f"{m.target_kind} sparsity {m.achieved:.4f}  params {m.pruned.params_nonzero:,}/"
            f"{m.dense.params:,}  MACs {m.pruned.macs_sparse:,}/{m.dense.macs:,}  "
            f"{m.wall_time_s:.1f}s"
        )


def _write(
    groups: list[list[RunResult]],
    out_dir: Path | None,
    reproduces: dict[str, str] | None = None,
    note: str = "",
    command: str | None = None,
) -> None:
    from reproduce.rerun_rows import RowError, write_rows

    try:
        for path in write_rows(groups, out_dir, reproduces, note, command=command):
            click.echo(f"row written: {path} (validated)")
    except RowError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("reproduce")
def group() -> None:
    """Re-run pruning methods in PyTorch and write verified rows beside the published ones."""


@group.command("list")
@click.option("--archs", is_flag=True, help="List architectures instead")
@click.option("--datasets", is_flag=True, help="List datasets instead")
def list_command(archs: bool, datasets: bool) -> None:
    """Registered methods, one per line (or architectures / datasets)."""
    if archs:
        from reproduce.models import MODELS

        for name, model in MODELS.items():
            click.echo(f"{name:16s} {model.description}")
    elif datasets:
        from reproduce.datasets import DATASETS

        for name, dataset in DATASETS.items():
            click.echo(f"{name:16s} {dataset.description}")
    else:
        from reproduce.methods import METHODS

        for name, cls in METHODS.items():
            click.echo(f"{name:20s} {cls.target_kind:8s} {cls.summary}")


def _identity_options(f):
    for option in reversed(
        [
            click.option("--method", "-m", help="A method from `pruneatlas reproduce list`"),
            click.option("--arch", "-a", help="An architecture (`list --archs`)"),
            click.option("--dataset", "-d", default="digits", show_default=True, help="A dataset (`list --datasets`)"),
            click.option("--epochs", type=int, help="Training epochs (default 10)"),
            click.option(
                "--param", "-p", "params", multiple=True, help="Method hyper-parameter key=value (repeatable)"
            ),
            click.option("--train", "train", multiple=True, help="Training setting key=value, e.g. lr=0.05"),
            click.option("--arch-option", multiple=True, help="Architecture option key=value, e.g. widths=[400,400]"),
            click.option("--data-option", multiple=True, help="Data option key=value, e.g. train_subset=5000"),
        ]
    ):
        f = option(f)
    return f


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A config that cannot be built is a usage error (naming the option at fault, when one is)."""
    from reproduce.config_input import ConfigInputError

    try:
        yield
    except ConfigInputError as exc:
        if exc.option:
            raise click.BadParameter(str(exc), param_hint=exc.option) from None
        raise click.UsageError(str(exc)) from None


def _pairs(params: Any, train: Any, arch_option: Any, data_option: Any) -> dict[str, Any]:
    return {"--param": params, "--train": train, "--arch-option": arch_option, "--data-option": data_option}


@group.command("run")
@_identity_options
@click.option("--sparsity", "-s", type=float, help="Target sparsity in [0, 1)")
@click.option("--seed", "seeds", type=int, multiple=True, help="Seed (repeat for several; they make one row)")
@click.option("--config", "config_file", type=click.Path(exists=True, path_type=Path), help="A run config (YAML/JSON)")
@run_options
def run_command(
    method, arch, dataset, epochs, params, train, arch_option, data_option, sparsity, seeds, config_file, **where
):
    """Run one config (for one or more seeds) and write its row."""
    from reproduce.config_input import build_configs, configs_from_file

    with _usage_errors():
        if config_file is not None:
            configs = configs_from_file(config_file, seeds)
        else:
            if sparsity is None:
                raise click.UsageError("give --sparsity (or --config FILE)")
            pairs = _pairs(params, train, arch_option, data_option)
            configs = build_configs(method, arch, dataset, [sparsity], list(seeds) or [0], epochs, pairs)[0]
    groups = _run([configs], where)
    if not where["no_row"]:
        _write(groups, where["out_dir"])


@group.command("sweep")
@_identity_options
@click.option("--sparsity", "-s", "sparsities", type=float, multiple=True, required=True, help="Repeat per point")
@click.option("--seed", "seeds", type=int, multiple=True, help="Repeat per seed (default 0)")
@run_options
def sweep_command(method, arch, dataset, epochs, params, train, arch_option, data_option, sparsities, seeds, **where):
    """Run every sparsity x seed; each sparsity becomes one row (seeds aggregated) in one file."""
    from reproduce.config_input import build_configs

    with _usage_errors():
        pairs = _pairs(params, train, arch_option, data_option)
        grid = build_configs(method, arch, dataset, list(sparsities), list(seeds) or [0], epochs, pairs)
    groups = _run(grid, where)
    if not where["no_row"]:
        _write(groups, where["out_dir"])


@group.group("recipes", invoke_without_command=True)
@click.pass_context
def recipes_group(ctx: click.Context) -> None:
    """Named recipes that re-run a specific published result (list them; `recipes run NAME`)."""
    if ctx.invoked_subcommand is None:
        from reproduce.recipe_rows import in_atlas
        from reproduce.recipes import RECIPES

        for name, recipe in RECIPES.items():
            click.echo(
                f"{name}\n    claim:  {recipe.claim}\n    source: {recipe.source}\n"
                f"    target: {recipe.target or '-'}{'' if in_atlas(recipe.target) else ' (not in the atlas yet)'}\n"
                f"    seeds:  {', '.join(map(str, recipe.seeds))}"
            )


@recipes_group.command("run")
@click.argument("name")
@click.option("--quick", is_flag=True, help="A shortened smoke version (its row claims to reproduce nothing)")
@click.option("--seed", "seeds", type=int, multiple=True, help="Override the recipe's seeds")
@run_options
def recipes_run(name, quick, seeds, **where):
    """Run recipe NAME and write its row, linked to the published row it re-runs (a cost recipe runs the claimed
    method and its reference side by side for each seed)."""
    from reproduce.recipe_rows import seeded_configs
    from reproduce.recipes import RECIPES
    from reproduce.registry import UnregisteredName

    if name not in RECIPES:
        raise click.UsageError(str(UnregisteredName("recipe", name, sorted(RECIPES))))
    recipe = RECIPES[name]
    (results,) = _run([seeded_configs(recipe, quick, seeds)], where)
    if not where["no_row"]:
        _write_recipe_rows(recipe, quick, results, where)


def _write_recipe_rows(recipe, quick: bool, results: list[RunResult], where: dict[str, Any]) -> None:
    from reproduce.recipe_rows import write_recipe_rows
    from reproduce.rerun_rows import RowError

    try:
        for line in write_recipe_rows(recipe, quick, results, where["out_dir"], where["runs_dir"]):
            click.echo(line)
    except RowError as exc:
        raise click.ClickException(str(exc)) from None


@group.group("campaign")
def campaign_group() -> None:
    """Recipes x seeds in one go, here or on a cluster through submitit (`campaign run SPEC`)."""


@campaign_group.command("run")
@click.argument("spec_file", metavar="SPEC", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--executor", type=click.Choice(["local", "submitit-local", "slurm"]), help="Overrides the SPEC's")
@click.option("--logs", type=click.Path(path_type=Path), help="submitit's job folder (default <runs-dir>/_campaigns)")
@click.option("--quick", is_flag=True, help="Smoke run: the quick recipes, first seed only (rows claim nothing)")
@run_options
def campaign_run(spec_file: Path, executor: str | None, logs: Path | None, quick: bool, **where):
    """Run every recipe x seed of SPEC not finished yet, collect the metrics here and write one row per recipe
    whose seeds all finished. The prepared campaigns are in reproduce/campaigns/ (cifar10-gpu.yaml). Run
    locally with --parallel-seeds N, each recipe's seeds train N at once on the device."""
    from pydantic import ValidationError

    from reproduce import campaign
    from reproduce.registry import UnregisteredName

    try:
        spec = campaign.load_spec(spec_file)
        if quick:
            spec = spec.smoke()
        if executor:
            spec = spec.model_copy(update={"executor": executor})
        jobs = campaign.plan(spec)
    except (ValidationError, UnregisteredName) as exc:
        raise click.UsageError(f"{spec_file}: {exc}") from None
    opts = _options(where)
    click.echo(f"campaign {spec_file.name}: {len(jobs)} job(s), executor {spec.executor}")

    def progress(job: campaign.Job, done: int, total: int) -> None:
        click.echo(f"[{done}/{total}] {job.label}: {job.status} ({job.where}){f' {job.error}' if job.error else ''}")

    try:
        jobs = campaign.run(spec, opts, logs or opts.runs_dir / "_campaigns", progress)
    except (RuntimeError, ValueError) as exc:  # submitit: no Slurm here, or a resource it does not know
        raise click.ClickException(f"{spec_file}: {spec.executor}: {exc}") from None
    click.echo("\n".join(["summary:", *campaign.summary(jobs)]))
    outcomes = campaign.by_recipe(jobs)
    for outcome in outcomes:
        if outcome.missing:
            click.echo(
                f"{outcome.recipe.name}: no row, {len(outcome.missing)} seed(s) missing: {', '.join(outcome.missing)}"
            )
        elif not where["no_row"]:
            _write_recipe_rows(outcome.recipe, spec.quick, outcome.results, where)
    if any(outcome.missing for outcome in outcomes):
        raise click.ClickException("some jobs failed; run the campaign again to retry them (finished seeds are kept)")


if __name__ == "__main__":
    group()
