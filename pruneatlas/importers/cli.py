"""`pruneatlas import <collection> DIR`: collections become paper files; re-running adds only new rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pruneatlas import paths

T = TypeVar("T")
SOURCE = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group(name="import")
def group() -> None:
    """Import a curated collection into data/papers/."""


@group.command()
@click.argument("source", type=SOURCE, default=paths.SHARED / "external" / "shrinkbench")
def shrinkbench(source: Path) -> None:
    """ShrinkBench's meta-analysis (Results.csv, Papers.csv): prints what became results and why not."""
    from pruneatlas.importers.shrinkbench import import_shrinkbench

    report = _or_fail(import_shrinkbench, source)
    for line in report.lines():
        click.echo(line)


@group.command(name="state-of-sparsity")
@click.argument("source", type=SOURCE, default=paths.SHARED / "external" / "state-of-sparsity")
def state_of_sparsity(source: Path) -> None:
    """Gale et al.'s ResNet-50 runs as sweep rows of their paper."""
    from pruneatlas.importers.state_of_sparsity import import_state_of_sparsity

    total, added = _or_fail(import_state_of_sparsity, source)
    click.echo(f"State of Sparsity: {total} runs; {added} added this run (the rest were already imported)")


@group.command(name="table")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("papers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the files.")
@click.option("--write", is_flag=True, help="Write the files. Without it (or with --dry-run) only the plan is shown.")
@click.option("--dry-run", is_flag=True, help="Show what would change and write nothing (the default).")
def table(results: Path, papers: Path, out: Path, write: bool, dry_run: bool) -> None:
    """Paper files from an exported results table and papers table (csv, parquet or json), merged into --out:
    new papers get files, new results are appended, nothing already there is removed or rewritten."""
    from pruneatlas.importers.staging import write_all
    from pruneatlas.importers.table_merge import plan_table_import

    if write and dry_run:
        raise click.UsageError("--write and --dry-run cannot be given together")
    plan = _or_fail(plan_table_import, results, papers, out)
    for line in plan.lines():
        click.echo(line)
    if not write:
        click.echo("dry run: nothing written; run again with --write to write these files")
        return
    _or_fail(write_all, plan.texts)
    click.echo(f"wrote {len(plan.texts)} file(s) to {out}")


def _or_fail(action: Callable[..., T], *args: Any) -> T:
    """The action's result; an input or merge problem is one line and exit status 1, with nothing written."""
    from pruneatlas.importers.csv_input import InputError
    from pruneatlas.importers.merge import MergeError

    try:
        return action(*args)
    except (InputError, MergeError, OSError) as exc:
        raise click.ClickException(f"{exc}; nothing was written") from None
