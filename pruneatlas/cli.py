"""The `pruneatlas` command: a thin layer over the library, one subcommand per job."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import click
import duckdb
import pandas as pd

from pruneatlas import analyses, export, paths
from pruneatlas.build import BuildError, build, open_readonly
from pruneatlas.safe_yaml import YamlError
from pruneatlas.sql import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, QueryRefused, load_sql, run_select
from pruneatlas.vocab import VocabularyError

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 40)
pd.set_option("display.max_colwidth", 60)


class LazyGroup(click.Group):
    """Subcommands whose imports are heavy (torch) load only when asked for."""

    lazy: ClassVar[dict[str, str]] = {"reproduce": "reproduce.cli:group", "import": "pruneatlas.importers.cli:group"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            module_name, attribute = self.lazy[name].split(":")
            try:
                module = __import__(module_name, fromlist=[attribute])
            except ModuleNotFoundError as exc:
                hint = ' (install it with: pip install -e ".[reproduce]")' if name == "reproduce" else ""
                raise click.ClickException(f"`pruneatlas {name}` needs {exc.name}{hint}") from None
            return getattr(module, attribute)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (VocabularyError, YamlError) as exc:
            raise click.ClickException(f"the vocabularies in schema/ are broken:\n{exc}") from None


@click.group(cls=LazyGroup)
@click.version_option(package_name="pruneatlas")
def main() -> None:
    """PruneAtlas: published pruning results, checked, queryable and re-runnable."""


def _fail_on_build_error(exc: BuildError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{exc} (run `pruneatlas validate` for details)")


def _open() -> object:
    try:
        return open_readonly()
    except BuildError as exc:
        _fail_on_build_error(exc)
        raise


@main.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="Print errors only, not conflict warnings.")
def validate(targets: tuple[Path, ...], quiet: bool) -> None:
    """Check paper files (default: all of data/): schema, vocabulary, consistency, duplicates, conflicts.

    Prints every problem as `file: result: field: message` and exits 1 if there is any error.
    """
    from pruneatlas.loader import load_atlas

    try:
        atlas = load_atlas(list(targets) or None)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in sorted(atlas.errors):
        click.echo(str(problem))
    if not quiet:
        for problem in sorted(atlas.warnings):
            click.echo(str(problem))
    results = sum(len(lp.paper.results) for lp in atlas.papers)
    click.echo(
        f"{len(atlas.papers)} valid file(s), {results} result(s); "
        f"{len(atlas.errors)} error(s), {len(atlas.conflicts)} conflict warning(s)",
        err=True,
    )
    if atlas.errors:
        sys.exit(1)


@main.command(name="build")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs are unchanged.")
def build_command(force: bool) -> None:
    """Build the DuckDB database from data/, schema/ and resource/ (cached by their hash)."""
    try:
        result = build(force=force)
    except BuildError as exc:
        _fail_on_build_error(exc)
        return
    if result.cached:
        click.echo(f"up to date: {result.path} ({result.seconds * 1000:.0f} ms)")
    else:
        detail = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
        click.echo(f"built {result.path} in {result.seconds:.2f} s ({detail})")


def _echo_frame(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    elif fmt == "json":
        click.echo(frame.to_json(orient="records", indent=1, force_ascii=False))
    else:
        click.echo(frame.to_string(index=False) if len(frame) else "(no rows)")


@main.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--max-rows", default=DEFAULT_ROW_CAP, show_default=True)
@click.option("--timeout", default=DEFAULT_TIMEOUT_S, show_default=True, help="Seconds before the query is stopped.")
def query(sql: str, fmt: str, max_rows: int, timeout: float) -> None:
    """Run one read-only SELECT over the atlas (views: results, papers, conflicts, reproductions)."""
    con = _open()
    try:
        frame, truncated = run_select(con, sql, row_cap=max_rows, timeout_s=timeout)  # type: ignore[arg-type]
    except QueryRefused as exc:
        raise click.ClickException(str(exc)) from None
    _echo_frame(frame, fmt)
    if truncated:
        click.echo(f"(showing the first {max_rows} rows; raise --max-rows for more)", err=True)


@main.command()
@click.option("--rows", default="architecture", show_default=True, help="Column for the rows.")
@click.option("--cols", default="dataset", show_default=True, help="Column for the columns.")
@click.option("--value", default="count", show_default=True, help="count, or min/max/mean/median/sum(column).")
@click.option("--where", default=None, help='SQL condition on the results view, e.g. "NOT sweep".')
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "latex"]), default="table")
@click.option("--sort-total", is_flag=True, help="Rows and columns by their total, largest first.")
@click.option("--top", type=int, default=None, help="Only the first N rows (after --sort-total).")
@click.option("--hide-empty", is_flag=True, help="Leave out rows and columns without a value.")
@click.option("--every-source", is_flag=True, help="Count every source's row, not each published operating point once.")
def pivot(
    rows: str, cols: str, value: str, where: str | None, fmt: str, sort_total: bool, top: int | None,
    hide_empty: bool, every_source: bool,
) -> None:  # fmt: skip
    """A pivot table with totals (default: Vadera & Ameen's Appendix D, architecture x dataset counts)."""
    con = _open()
    condition = " AND ".join([*([f"({where})"] if where else []), *([] if every_source else ["op_primary"])])
    try:
        wide = analyses.pivot(con, rows, cols, value, condition or None, source="results_points")  # type: ignore[arg-type]
    except (analyses.AnalysisError, QueryRefused) as exc:
        raise click.ClickException(str(exc)) from None
    except duckdb.Error as exc:  # a --where naming a column that does not exist, or not SQL at all
        raise click.ClickException(f"--where {where!r}: {str(exc).splitlines()[0]}") from None
    wide = analyses.arrange_pivot(wide, by_total=sort_total, top=top, hide_empty=hide_empty)
    if fmt == "latex":
        click.echo(export.pivot_latex(wide, f"{value} by {rows} and {cols}" + (f" where {where}." if where else ".")))
        return
    shown = wide.reset_index() if fmt != "table" else wide
    if fmt == "table":
        click.echo(shown.to_string(na_rep="") if len(shown) else "(no rows)")
    else:
        _echo_frame(shown, fmt)


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--where", default=None, help="SQL condition on the table, e.g. \"architecture = 'resnet56'\".")
@click.option("--table", type=click.Choice(["results", "papers", "conflicts", "reproductions"]), default="results")
@click.option("--sort", "sort", multiple=True, help="Column to sort by, '-column' for descending; repeatable.")
@click.option(
    "--points/--every-source", "points", default=None,
    help="One row per published operating point (the default for latex and bibtex), or every source's row (the "
    "default for csv, parquet and json, so an export imports back without loss; `op_primary` marks the points).",
)  # fmt: skip
def export_command(
    fmt: str, output: Path, where: str | None, table: str, sort: tuple[str, ...], points: bool | None
) -> None:
    """Write rows as CSV, Parquet, JSON, or a LaTeX table (with its .bib) / BibTeX for the cited papers.

    LaTeX prints one row per published operating point (quotes of one number merged, citing every quoting
    paper), accuracy as higher-is-better, grouped by architecture, dataset and metric, in --sort order.
    """
    con = _open()
    one_per_point = table == "results" and (points if points is not None else fmt in ("latex", "bibtex"))
    conditions = [f"({where})"] if where else []
    if one_per_point:  # a join: ordered by id, where every row comes in the stored order
        conditions.append("op_primary")
    sql = f"SELECT * FROM {'results_points' if one_per_point else table}"
    sql += f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql += " ORDER BY result_id" if one_per_point else ""
    try:
        frame, _ = run_select(con, sql, row_cap=10**9, timeout_s=120)  # type: ignore[arg-type]
        papers = con.sql("SELECT * FROM papers").df()  # type: ignore[attr-defined]
        version = con.execute(load_sql("analyses/version")).fetchall()[0][0]  # type: ignore[attr-defined]
        frame = export.sort_frame(frame, sort)
    except (QueryRefused, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    written = export.write(frame, fmt, output, papers, filters=where, version=version)
    click.echo(f"wrote {len(frame)} row(s) to {', '.join(str(p) for p in written)}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def stats(fmt: str) -> None:
    """Coverage: published operating points, papers, post-2019 share, Figure-4 panels, re-runs, conflicts."""
    _echo_frame(_open().execute(load_sql("analyses/coverage")).df(), fmt)  # type: ignore[attr-defined]


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def conflicts(fmt: str) -> None:
    """Results that different sources give differently for the same paper, method and setting."""
    con = _open()
    frame = con.sql(  # type: ignore[attr-defined]
        "SELECT field, result_a, locator_a, value_a, result_b, locator_b, value_b FROM conflicts ORDER BY result_a"
    ).df()
    _echo_frame(frame, fmt)
    click.echo(f"{len(frame)} conflict(s)", err=True)


@main.command()
@click.option("--author", "first_author", required=True, help="First author, e.g. 'Song Han'.")
@click.option("--year", type=int, required=True)
@click.option("--title", required=True)
@click.option("--venue", default=None)
@click.option("--url", default=None)
def new(first_author: str, year: int, title: str, venue: str | None, url: str | None) -> None:
    """Start a paper file: data/papers/<Author><Year><Word>.yaml, valid, with the result fields explained."""
    from pruneatlas.loader import display_path
    from pruneatlas.scaffold import write_skeleton

    try:
        target = write_skeleton(first_author, year, title, venue, url)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    relative = display_path(target)
    click.echo(f"wrote {relative}; fill in its results, then run `pruneatlas validate {relative}`")


@main.command()
@click.option("--check", is_flag=True, help="Exit 1 if schema/results.schema.json is out of date.")
def schema(check: bool) -> None:
    """Regenerate schema/results.schema.json from the pydantic models."""
    from pruneatlas import schema_file

    if check:
        if not schema_file.is_current():
            raise click.ClickException("schema/results.schema.json is out of date: run `pruneatlas schema`")
        click.echo("schema/results.schema.json is current")
        return
    schema_file.write()
    click.echo(f"wrote {schema_file.SCHEMA_PATH.relative_to(paths.ROOT)}")


if __name__ == "__main__":
    main()
