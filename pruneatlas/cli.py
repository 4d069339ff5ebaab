"""The `pruneatlas` command: a thin layer over the library, one subcommand per job.

Each command imports what it needs when it runs (pandas, the analyses, the exports, pydantic's models), so a
command starts as fast as its own work allows (bench/bench_cli_startup.py measures `pruneatlas query`).
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from pruneatlas import __version__, api, paths
from pruneatlas.paths import SetupError
from pruneatlas.sql import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S, QueryInvalid, QueryRefused

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from pruneatlas.build import BuildError
    from pruneatlas.loader import Atlas


class Later(click.Choice):
    """A choice whose values are a constant of a heavy module, read when click first needs them (parsing or the
    help of its command), not when the command line starts."""

    def __init__(self, module: str, name: str) -> None:
        self.case_sensitive = True
        self._where = (module, name)

    @functools.cached_property
    def choices(self) -> Sequence[str]:  # type: ignore[override]  # click keeps an attribute here
        module, name = self._where
        return tuple(getattr(importlib.import_module(module), name))


class Year(click.IntRange):
    """The years a paper file may give (models.FIRST_YEAR to LAST_YEAR), read when `new` is used or its help
    shown: they live with pydantic's models, which no other command loads."""

    def __init__(self) -> None:
        self.min_open = self.max_open = self.clamp = False

    @functools.cached_property
    def min(self) -> int:  # type: ignore[override]  # click keeps an attribute here
        from pruneatlas.models import FIRST_YEAR

        return FIRST_YEAR

    @functools.cached_property
    def max(self) -> int:  # type: ignore[override]  # click keeps an attribute here
        from pruneatlas.models import LAST_YEAR

        return LAST_YEAR


class LazyGroup(click.Group):
    """Subcommands whose imports are heavy (torch) load only when asked for."""

    lazy: ClassVar[dict[str, str]] = {
        "reproduce": "reproduce.commands:group",
        "import": "pruneatlas.importers.cli:group",
    }

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
        """Every command ends in one clear line and a non-zero exit on bad input or environment; the traceback
        only with --debug (or PRUNEATLAS_DEBUG=1)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if _schema_broken(exc):
                raise click.ClickException(f"the vocabularies in schema/ are broken:\n{exc}") from None
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(_one_line(exc)) from None


def _schema_broken(exc: Exception) -> bool:
    """A vocabulary or YAML file in schema/ that cannot be read (the modules that say so load only then)."""
    from pruneatlas.safe_yaml import YamlError
    from pruneatlas.vocab import VocabularyError

    return isinstance(exc, VocabularyError | YamlError)


def _one_line(exc: Exception) -> str:
    """What went wrong, in one line: the message of an error we raise ourselves, the kind of any other."""
    from pruneatlas.build import CacheUnwritable

    message = " ".join(str(exc).split())
    if isinstance(exc, SetupError | CacheUnwritable | OSError):
        return message or type(exc).__name__
    return f"{type(exc).__name__}: {message} (run `pruneatlas --debug ...` for the traceback)"


@click.group(cls=LazyGroup)
@click.option("--debug", is_flag=True, envvar="PRUNEATLAS_DEBUG", help="Show the traceback of an unexpected error.")
@click.version_option(package_name="pruneatlas")
def main(debug: bool) -> None:
    """PruneAtlas: published pruning results, checked, queryable and re-runnable."""


def _fail_on_build_error(exc: BuildError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{exc} (run `pruneatlas validate` for details)")


def _open() -> duckdb.DuckDBPyConnection:
    from pruneatlas.build import BuildError

    try:
        return api.connect()
    except BuildError as exc:
        _fail_on_build_error(exc)
        raise


def _build_path() -> Path:
    """The build `_open` would open, without loading DuckDB here."""
    from pruneatlas.build import BuildError

    try:
        return api.build_path()
    except BuildError as exc:
        _fail_on_build_error(exc)
        raise


@main.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="Print errors only, not conflict warnings.")
@click.option(
    "--plausibility",
    is_flag=True,
    help="Also print how many rows (of the files that load) each plausibility check flags.",
)
def validate(targets: tuple[Path, ...], quiet: bool, plausibility: bool) -> None:
    """Check paper files (default: all of data/): schema, vocabulary, consistency, duplicates, conflicts.

    Prints every problem as `file: result: field: message` and exits 1 if there is any error.
    """
    try:
        atlas = api.load(targets)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in sorted(atlas.errors):
        click.echo(str(problem))
    if not quiet:
        for problem in sorted(atlas.warnings):
            click.echo(str(problem))
    if plausibility:
        _echo_check_counts(atlas)
    results = sum(len(lp.paper.results) for lp in atlas.papers)
    costs = sum(len(lp.paper.cost_claims) for lp in atlas.papers)
    click.echo(
        f"{len(atlas.papers)} valid file(s), {results} result(s), {costs} cost claim(s); "
        f"{len(atlas.errors)} error(s), {len(atlas.conflicts)} conflict warning(s)",
        err=True,
    )
    if atlas.errors:
        sys.exit(1)


def _echo_check_counts(atlas: Atlas) -> None:
    from pruneatlas.plausibility import check_counts
    from pruneatlas.vocab import load_vocabularies

    rows = [(f"{lp.paper.key}/{r.id}", r) for lp in atlas.papers if not lp.reproduced for r in lp.paper.results]
    for count in check_counts(rows, atlas.facts, load_vocabularies()):
        click.echo(
            f"{count.check}: {count.flagged} row(s) flagged; {count.waived} waived by a discrepancies entry, "
            f"{count.listed} listed in data/quote_gaps.csv, {count.open} open"
        )


@main.command(name="build")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs are unchanged.")
def build_command(force: bool) -> None:
    """Build the DuckDB database from data/, schema/ and resource/ (cached by their hash)."""
    from pruneatlas.build import BuildError, build

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
    from pruneatlas.row_text import frame_text

    click.echo(frame_text(frame, fmt), nl=False)


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A time limit that holds: a finite number of seconds above zero (not inf or nan)."""
    if not 0 < value <= MAX_TIMEOUT_S:
        raise click.BadParameter(f"give seconds above 0 and at most {MAX_TIMEOUT_S:g}, not {value}")
    return value


@main.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--max-rows", default=DEFAULT_ROW_CAP, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--timeout", default=DEFAULT_TIMEOUT_S, show_default=True, callback=_seconds, help="Seconds before it is stopped."
)
def query(sql: str, fmt: str, max_rows: int, timeout: float) -> None:
    """Run one read-only SELECT over the atlas (views: results, papers, conflicts, reproductions)."""
    from pruneatlas.sandbox import Limits, run_as_text

    try:
        text, truncated = run_as_text(_build_path(), sql, fmt, Limits(row_cap=max_rows, timeout_s=timeout))
    except QueryRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(text, nl=False)
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
@click.option(
    "--timeout", default=DEFAULT_TIMEOUT_S, show_default=True, callback=_seconds, help="Seconds before it is stopped."
)
def pivot(
    rows: str, cols: str, value: str, where: str | None, fmt: str, sort_total: bool, top: int | None,
    hide_empty: bool, every_source: bool, timeout: float,
) -> None:  # fmt: skip
    """A pivot table with totals (default: Vadera & Ameen's Appendix D, architecture x dataset counts)."""
    import duckdb

    from pruneatlas import analyses, export
    from pruneatlas.sandbox import Limits, run_limited
    from pruneatlas.sql import database_path

    con = _open()
    condition = " AND ".join([*([f"({where})"] if where else []), *([] if every_source else ["op_primary"])])
    try:
        limits = Limits(row_cap=10**6, timeout_s=timeout)
        limited = functools.partial(run_limited, database_path(con), limits=limits)
        run = lambda sql: limited(sql)[0]  # noqa: E731
        wide = analyses.pivot(con, rows, cols, value, condition or None, source="results_points", run=run)
    except (QueryInvalid, duckdb.Error) as exc:  # a --where naming a column that does not exist, or not SQL at all
        first = str(exc).splitlines()[0]
        raise click.ClickException(f"--where {where!r}: {first}" if where else first) from None
    except (analyses.AnalysisError, QueryRefused) as exc:
        raise click.ClickException(str(exc)) from None
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
@click.option("--format", "fmt", type=Later("pruneatlas.export", "FORMATS"), required=True)
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
    from pruneatlas import export
    from pruneatlas.sql import load_sql, run_select

    con = _open()
    one_per_point = table == "results" and (points if points is not None else fmt in ("latex", "bibtex"))
    conditions = [f"({where})"] if where else []
    if one_per_point:  # a join: ordered by id, where every row comes in the stored order
        conditions.append("op_primary")
    sql = f"SELECT * FROM {'results_points' if one_per_point else table}"
    sql += f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql += " ORDER BY result_id" if one_per_point else ""
    try:
        frame, _ = run_select(con, sql, row_cap=10**9, timeout_s=120)
        papers = con.sql("SELECT * FROM papers").df()
        version = con.execute(load_sql("analyses/version")).fetchall()[0][0]
        frame = export.sort_frame(frame, sort)
    except (QueryRefused, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    written = export.write(frame, fmt, output, papers, filters=where, version=version)
    click.echo(f"wrote {len(frame)} row(s) to {', '.join(str(p) for p in written)}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def stats(fmt: str) -> None:
    """Coverage: published operating points, papers, post-2019 share, Figure-4 panels, re-runs, conflicts."""
    from pruneatlas.sql import load_sql

    _echo_frame(_open().execute(load_sql("analyses/coverage")).df(), fmt)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def conflicts(fmt: str) -> None:
    """Results that different sources give differently for the same operating point, and which is likely right."""
    con = _open()
    frame = con.sql(
        "SELECT field, result_a, locator_a, value_a, result_b, locator_b, value_b, likely_right FROM conflicts "
        "ORDER BY result_a"
    ).df()
    _echo_frame(frame, fmt)
    click.echo(f"{len(frame)} conflict(s)", err=True)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("streamlit_args", nargs=-1, type=click.UNPROCESSED)
def explore(streamlit_args: tuple[str, ...]) -> None:
    """Open the explorer (`streamlit run app.py`), from a checkout or an installed package; further arguments go
    to Streamlit, e.g. `pruneatlas explore --server.port 8502`."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("streamlit") is None:
        raise click.ClickException('`pruneatlas explore` needs Streamlit: pip install "pruneatlas[app]"')
    command = [sys.executable, "-m", "streamlit", "run", str(paths.ROOT / "app.py"), *streamlit_args]
    sys.exit(subprocess.call(command))


@main.command()
@click.option("--sample", "size", type=int, default=None, help="How many rows (default 10; all changed rows).")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed picks the same rows.")
@click.option("--where", default=None, help='SQL condition on the results view, e.g. "year >= 2020".')
@click.option("--changed-since", "revision", default=None, help="Only rows added or edited since this git revision.")
def audit(size: int | None, seed: int, where: str | None, revision: str | None) -> None:
    """Rows with their source address, locator, quote and the numbers to find there: what a reviewer checks."""
    from pruneatlas import audit as auditing

    con = _open()
    try:
        ids = auditing.matching_ids(con, where)
        if revision is not None:
            ids = sorted(set(ids) & set(auditing.changed_ids(revision)))
        chosen = auditing.sample(ids, size if size is not None else 10 if revision is None else len(ids), seed)
    except (QueryRefused, auditing.AuditError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(auditing.render(auditing.audit_rows(con, chosen)))
    click.echo(f"{len(chosen)} of {len(ids)} row(s)", err=True)


@main.command()
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Release folder.")
@click.option(
    "--previous", type=click.Path(path_type=Path, exists=True), help="The previous release (folder or results.parquet)."
)
def release(out: Path, previous: Path | None) -> None:
    """Write the atlas as an open dataset: Parquet tables, croissant.json, a datasheet and a changelog."""
    from pruneatlas.build import BuildError
    from pruneatlas.release import release as write_release

    try:
        done = write_release(out, previous)
    except BuildError as exc:
        _fail_on_build_error(exc)
        return
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    counts = ", ".join(f"{name} {rows}" for name, rows in done.rows.items())
    click.echo(f"wrote release {__version__} to {out} ({counts} rows)")
    if done.changes is not None:
        c = done.changes
        click.echo(
            f"since {c.previous_version}: {len(c.added)} added, {len(c.changed)} changed, {len(c.removed)} removed"
        )


def _not_blank(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("must not be empty")
    return value.strip()


@main.command()
@click.option("--author", "first_author", required=True, callback=_not_blank, help="First author, e.g. 'Song Han'.")
@click.option("--year", type=Year(), required=True)
@click.option("--title", required=True, callback=_not_blank)
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


@main.command()
@click.option("--check", is_flag=True, help="Exit 1 if docs/cli.md is out of date.")
def docs(check: bool) -> None:
    """Regenerate docs/cli.md, the reference of every command, from their --help."""
    from pruneatlas import cli_reference

    target = cli_reference.REFERENCE.relative_to(paths.ROOT)
    if check:
        if not cli_reference.is_current(main):
            raise click.ClickException(f"{target} is out of date: run `pruneatlas docs`")
        click.echo(f"{target} is current")
        return
    cli_reference.write(main)
    click.echo(f"wrote {target}")


if __name__ == "__main__":
    main()
