"""`pruneatlas import <collection> DIR`: collections become paper files; re-running adds only new rows."""

from __future__ import annotations

from pathlib import Path

import click

from pruneatlas import paths

SOURCE = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group(name="import")
def group() -> None:
    """Import a curated collection into data/papers/."""


@group.command()
@click.argument("source", type=SOURCE, default=paths.SHARED / "external" / "shrinkbench")
def shrinkbench(source: Path) -> None:
    """ShrinkBench's meta-analysis (Results.csv, Papers.csv): prints what became results and why not."""
    from pruneatlas.importers.shrinkbench import import_shrinkbench

    report = import_shrinkbench(source)
    for line in report.lines():
        click.echo(line)


@group.command(name="state-of-sparsity")
@click.argument("source", type=SOURCE, default=paths.SHARED / "external" / "state-of-sparsity")
def state_of_sparsity(source: Path) -> None:
    """Gale et al.'s ResNet-50 runs as sweep rows of their paper."""
    from pruneatlas.importers.state_of_sparsity import import_state_of_sparsity

    total, added = import_state_of_sparsity(source)
    click.echo(f"State of Sparsity: {total} runs; {added} added this run (the rest were already imported)")


@group.command(name="table")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("papers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the files.")
def table(results: Path, papers: Path, out: Path) -> None:
    """Paper files back from an exported results table and papers table (csv, parquet or json)."""
    from pruneatlas.export import read_table
    from pruneatlas.rows import paper_yaml
    from pruneatlas.safe_yaml import write_yaml_file
    from pruneatlas.table import papers_from_tables

    out.mkdir(parents=True, exist_ok=True)
    rebuilt = papers_from_tables(read_table(results), read_table(papers))
    for paper in rebuilt:
        write_yaml_file(out / f"{paper.key}.yaml", paper_yaml(paper))
    click.echo(f"wrote {len(rebuilt)} paper file(s), {sum(len(p.results) for p in rebuilt)} result(s) to {out}")
