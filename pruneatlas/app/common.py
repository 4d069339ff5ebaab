"""What every page shares: the cached build, its frames, and the one download widget.

Caches are keyed on the build's path, which carries the hash of every input (data, vocabularies, SQL, code),
so editing a paper file gives a new path and fresh data on the next rerun, while an unchanged atlas is
served from memory. The connection is opened read-only and locked down (`pruneatlas.api.open_build`), once per
build; each query runs on a cursor of its own.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from pruneatlas import api, export, paths
from pruneatlas.build import BuildError, CacheUnwritable, build, database_path, last_good_build
from pruneatlas.paths import SetupError
from pruneatlas.problems import Problem

# The columns a results table shows first; the rest are one click away.
TABLE_COLUMNS = [
    "paper_key", "year", "method_label", "method", "category", "granularity", "architecture", "dataset",
    "norm_metric", "direction", "baseline_norm", "pruned_norm", "acc_drop", "params_reduction_pct",
    "flops_reduction_pct", "compression_ratio", "speedup", "source_kind", "op_sources", "op_quoted_by", "locator",
    "conflict", "result_id",
]  # fmt: skip

COLUMN_CONFIG = {
    "paper_key": st.column_config.TextColumn("Paper"),
    "result_id": st.column_config.TextColumn("Result id"),
    "method": st.column_config.TextColumn("Method"),
    "category": st.column_config.TextColumn("Category"),
    "granularity": st.column_config.TextColumn("Granularity"),
    "architecture": st.column_config.TextColumn("Architecture"),
    "dataset": st.column_config.TextColumn("Dataset"),
    "locator": st.column_config.TextColumn("Where"),
    "year": st.column_config.NumberColumn("Year", format="%d"),
    "method_label": st.column_config.TextColumn("Label (as printed)"),
    "norm_metric": st.column_config.TextColumn("Metric", help="Error rates are read as accuracies (top1_err: top1)"),
    "direction": st.column_config.TextColumn("Direction", help="Of Baseline and Pruned; printed values: More columns"),
    "baseline_norm": st.column_config.NumberColumn(
        "Baseline", format="%.2f", help="In the metric's own terms: top-1 error 7.05 shows as top-1 accuracy 92.95"
    ),
    "pruned_norm": st.column_config.NumberColumn("Pruned", format="%.2f", help="As Baseline"),
    "baseline_acc": st.column_config.NumberColumn("Baseline as printed", format="%.2f"),
    "pruned_acc": st.column_config.NumberColumn("Pruned as printed", format="%.2f"),
    "op_sources": st.column_config.NumberColumn("Quoted by", format="%d", help="Sources printing this same number"),
    "op_quoted_by": st.column_config.TextColumn("Sources", help="Every paper that prints this operating point"),
    "acc_drop": st.column_config.NumberColumn("Drop (pp)", format="%.2f", help="baseline - pruned; positive = lost"),
    "params_reduction_pct": st.column_config.NumberColumn("Params removed (%)", format="%.1f"),
    "flops_reduction_pct": st.column_config.NumberColumn("FLOPs removed (%)", format="%.1f"),
    "compression_ratio": st.column_config.NumberColumn("Compression (x)", format="%.2f"),
    "speedup": st.column_config.NumberColumn("FLOP speed-up (x)", format="%.2f"),
    "source_kind": st.column_config.TextColumn("Source"),
    "conflict": st.column_config.CheckboxColumn("Conflict", help="Another source gives a different number"),
    "paper_url": st.column_config.LinkColumn("Paper link"),
}


@st.cache_resource(show_spinner=False, max_entries=8)
def _build_for(name: str) -> tuple[Path | None, list[Problem]]:
    """The build named `name` (its file name carries the input hash), or the problems that stopped it (cached
    too, so a broken file in the data costs one validation, not one per rerun). A cache that cannot take the
    build raises, uncached, so the next rerun tries again."""
    try:
        return build().path, []
    except BuildError as exc:
        return None, exc.problems
    except ValueError as exc:  # VocabularyError, YamlError: a file in schema/ is broken, nothing can be checked
        return None, [Problem("schema/", "-", "(file)", str(exc))]


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame([[p.file, p.result, p.field, p.message] for p in problems],
                        columns=["file", "result", "field", "message"])  # fmt: skip


def database() -> Path:
    """The build for the current inputs, made on first start or after a data change.

    When the data has errors or the cache cannot take a new build, nothing is rebuilt (build.py never replaces
    a good build with a broken one): the page says why and shows this atlas's last good build.
    """
    try:
        roots = paths.data_roots()
        current = database_path(roots)
        if current.exists():  # the usual case: hashing the inputs once tells that they are built
            return current
        with st.spinner("Building the atlas from data/ ..."):
            try:
                path, problems = _build_for(current.name)
                why = f"The data has {len(problems)} error(s), so the atlas was not rebuilt. Fix them with "
                why += "`pruneatlas validate`."
            except CacheUnwritable as exc:
                path, problems, why = None, [], f"The atlas could not be rebuilt: {exc}."
        if path is not None:
            return path
        fallback = last_good_build(roots)
    except SetupError as exc:
        st.error(f"The atlas cannot be opened: {exc}.")
        st.stop()
    if fallback is None:
        st.error(why)
        if problems:
            st.dataframe(_problem_frame(problems), hide_index=True)
        st.stop()
    built = datetime.datetime.fromtimestamp(fallback.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    st.warning(f"{why} Showing the last good build ({built}).")
    if problems:
        with st.expander("The errors"):
            st.dataframe(_problem_frame(problems), hide_index=True)
    return fallback


# A condition on the build's rows: those whose result_id is in the parameter $ids. The pages filter the rows they
# have in memory (filters.apply_filters) and run their analysis SQL on the build for exactly those rows.
AMONG_IDS = "result_id IN (SELECT unnest($ids))"


def ids_key(ids: list[str]) -> str:
    """A cache key naming a selection of rows: the sha256 of their ids. A cached analysis takes it, and the ids
    themselves as an argument whose name starts with "_", which st.cache_data does not hash: hashing the 10,000
    ids of every row one by one took 0.13 s of each render of the Pivot page."""
    return hashlib.sha256("\0".join(ids).encode("utf-8")).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=4)
def _database(path: str) -> duckdb.DuckDBPyConnection:
    """The build's read-only, locked-down connection, opened once (30 ms of CPU each time) and never queried
    itself: every query takes a cursor of it."""
    return api.open_build(Path(path))


@contextlib.contextmanager
def connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of one's own on the build's connection, closed after use: a cursor is DuckDB's way to query one
    database from several threads, as script threads do (a page still running while the next one starts), where
    one connection used from two threads at once can crash the server. It shares the connection's locks."""
    con = _database(str(path)).cursor()
    try:
        yield con
    finally:
        con.close()


def _read(path: Path, sql: str) -> pd.DataFrame:
    """A query run when a download button makes its file, outside the page's run: Streamlit's caches and the
    shared connection are left alone there, so it opens a connection of its own."""
    con = api.open_build(path)
    try:
        return fetch(con, sql)
    finally:
        con.close()


# Streamlit runs each page in a script thread, where pyarrow's default allocator (mimalloc) is slow to start: the
# first filter of the results frame (pandas' text columns are Arrow arrays) took 0.1-0.5 s of CPU there, 0.02 s
# with the system's malloc, which this process-wide setting makes the allocator of every later Arrow buffer.
pa.set_memory_pool(pa.system_memory_pool())

# Arrow integer and boolean types -> pandas' nullable dtypes, which DuckDB's own `.df()` gives columns with nulls.
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}  # fmt: skip


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> pd.DataFrame:
    """A query's rows as DuckDB's `.df()` gives them, through Arrow: `.df()` builds each text column from Python
    strings (about a second for the 8,000 rows of the results view), Arrow hands them over in columns. Integer
    and boolean columns with nulls keep pandas' nullable dtypes, as `.df()` gives them. `params` are the values
    of the query's `$parameters`."""
    table = con.sql(sql, params=params).to_arrow_table()
    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        if column.null_count and column.type in _NULLABLE:
            frame[name] = column.to_pandas(types_mapper=_NULLABLE.get)
    return frame


@st.cache_data(show_spinner=False, max_entries=16)
def _query(path: str, sql: str) -> pd.DataFrame:
    with connection(Path(path)) as con:
        return fetch(con, sql)


def query(path: Path, sql: str) -> pd.DataFrame:
    """Rows of a fixed query of the app's own (never user text: that goes through the SQL page), cached per build."""
    return _query(str(path), sql)


def results(path: Path, view: str = "results_points") -> pd.DataFrame:
    """Every row of the `results_points` view (without the JSON record): each row with its operating point
    (`op_primary`, `op_sources`, `op_quoted_by`), a `conflict` flag, and the `direction` of its shown accuracy.
    `view` names another view of such rows instead (`api.published_view`). The caller's own copy."""
    return _results(str(path), _view_name(view)).copy()


def _view_name(view: str) -> str:
    """`view`, refused unless it can only be a view's name (it is written into the query)."""
    if not re.fullmatch(r"[a-z_]+", view):
        raise ValueError(f"not a view name: {view!r}")
    return view


def _view_rows(path: str, view: str, where: str = "TRUE", params: dict[str, object] | None = None) -> pd.DataFrame:
    """The rows of a results view that `where` keeps, without the JSON record, with the columns a table shows
    beside them (`flagged`): what `results`, `results_among` and `pair_results` keep."""
    sql = f"SELECT * EXCLUDE (record) FROM {view} WHERE {where} ORDER BY result_id"
    with connection(Path(path)) as con:
        return flagged(fetch(con, sql, params))


@st.cache_resource(show_spinner=False, max_entries=8)
def _results(path: str, view: str) -> pd.DataFrame:
    """The rows, kept as one object per build and view: through st.cache_data this 12 MB frame was pickled in
    and out on every render (about 100 ms); a copy costs a few."""
    return _view_rows(path, view)


def results_among(path: Path, ids: list[str]) -> pd.DataFrame:
    """The rows of `results` whose result_id is in `ids`, fetched alone: a page that needs a few rows (those its
    downloads cite) need not load all 10,000 of them (0.2 s of its first render). The caller's own copy."""
    return _results_among(str(path), ids_key(ids), ids).copy()


@st.cache_resource(show_spinner=False, max_entries=16)
def _results_among(path: str, key: str, _ids: list[str]) -> pd.DataFrame:
    """`results_among`, kept per build and selection (`key`: ids_key of `_ids`), as `_results` is."""
    return _view_rows(path, "results_points", AMONG_IDS, {"ids": _ids})


def pair_results(path: Path, view: str, pair: tuple[str, str]) -> pd.DataFrame:
    """The rows of `results(path, view)` of one architecture and dataset, fetched alone: a page about one pair
    need not load all 10,000 rows of the view (0.2 s of its first render). The caller's own copy."""
    return _pair_results(str(path), _view_name(view), *pair).copy()


@st.cache_resource(show_spinner=False, max_entries=16)
def _pair_results(path: str, view: str, architecture: str, dataset: str) -> pd.DataFrame:
    """`pair_results`, kept per build, view and pair, as `_results` is."""
    return _view_rows(path, view, "architecture = $arch AND dataset = $data", {"arch": architecture, "data": dataset})


def flagged(frame: pd.DataFrame) -> pd.DataFrame:
    """The two columns a table shows beside rows of the results view, added in place (the frame is a query's
    own copy): `conflict` (another source gives a different number) and the `direction` of the accuracy shown
    (error rates are read as accuracies)."""
    frame["conflict"] = frame["conflicts_with"].notna()
    higher = frame["higher_is_better"].fillna(True).astype(bool) | (frame["metric"] != frame["norm_metric"])
    frame["direction"] = higher.map({True: "higher is better", False: "lower is better"})
    return frame


PAPERS_SQL = "SELECT * FROM papers ORDER BY paper_key"


def papers(path: Path) -> pd.DataFrame:
    return _query(str(path), PAPERS_SQL)


def view(path: Path, name: str) -> pd.DataFrame:
    """A whole view of the build, e.g. `conflicts` or `reproductions`."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"not a view name: {name!r}")
    return _query(str(path), f"SELECT * FROM {name}")


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes] | None  # None: not available for this table (say why in `why_not`)
    why_not: str | None = None


def _latex(rows: pd.DataFrame, caption: str, filters: str | None, version: Callable[[], str] | None) -> bytes:
    cited = version() if version else None
    return export.to_latex(rows, caption=caption, filters=filters, version=cited).encode("utf-8")


def atlas_version(path: Path) -> str:
    """The version a LaTeX caption cites: the code's and the build's input hash (read when the file is made)."""
    from pruneatlas.sql import load_sql

    return str(_read(path, load_sql("analyses/version")).iloc[0, 0])


def _bib(rows: pd.DataFrame, paper_frame: Callable[[], pd.DataFrame]) -> bytes:
    return export.to_bibtex(export.cited_keys(rows), paper_frame()).encode("utf-8")


def download_files(
    frame: pd.DataFrame, name: str, paper_frame: Callable[[], pd.DataFrame], rows: pd.DataFrame | None = None,
    caption: str | None = None, latex: Callable[[], bytes] | None = None, filters: str | None = None,
    version: Callable[[], str] | None = None,
) -> list[Download]:  # fmt: skip
    """CSV and Parquet of `frame`; a LaTeX table citing each row's paper and the matching .bib for `rows`.

    `rows` are result rows (with `paper_key`); they default to `frame` when it has that column. Each file is a
    callable, made only when its button is clicked, so a page with thousands of rows renders as fast as one
    with ten; the papers (`paper_frame`) and the atlas `version` are read then too. `latex` replaces the LaTeX
    of the rows by a table of the page's own (a pivot).
    """
    rows = frame if rows is None and "paper_key" in frame.columns else rows
    plain = frame.drop(columns=["conflict"], errors="ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "rows"
    citable = rows is not None and len(rows) > 0 and "paper_key" in rows.columns
    why_not = None if citable else "LaTeX needs result rows with a paper_key column"
    caption = caption or f"Published pruning results: {name} (PruneAtlas)."
    cited = rows if citable else None
    latex_file = latex or (functools.partial(_latex, cited, caption, filters, version) if cited is not None else None)
    bib_file = functools.partial(_bib, cited, paper_frame) if cited is not None else None
    return [
        Download("CSV", f"{slug}.csv", "text/csv", functools.partial(export.to_bytes, plain, "csv")),
        Download("Parquet", f"{slug}.parquet", "application/vnd.apache.parquet",
                 functools.partial(export.to_bytes, plain, "parquet")),
        Download("LaTeX table", f"{slug}.tex", "application/x-tex",
                 latex_file, why_not),
        Download("BibTeX (.bib)", f"{slug}.bib", "application/x-bibtex",
                 bib_file, why_not),
    ]  # fmt: skip


def downloads(
    path: Path, frame: pd.DataFrame, name: str, rows: pd.DataFrame | None = None, caption: str | None = None,
    latex: Callable[[], bytes] | None = None, filters: str | None = None,
) -> None:  # fmt: skip
    """The shared download row under every table: CSV, Parquet, LaTeX (\\cite{} keys, its caption naming
    `filters` and the atlas version) and its .bib."""
    paper_frame, version = functools.partial(_read, path, PAPERS_SQL), functools.partial(atlas_version, path)
    files = download_files(frame, name, paper_frame, rows, caption, latex, filters, version)
    for column, file in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            file.label, file.make or b"", file.file_name, file.mime, key=f"dl-{file.file_name}", on_click="ignore",
            disabled=file.make is None, help=file.why_not, icon=":material/download:",
        )  # fmt: skip


@dataclass(frozen=True)
class PairNames:
    """The short vocabulary names of the architectures and datasets in some rows, looked up once: a choice of
    300 pairs labelled by searching the rows took two seconds."""

    architectures: dict[str, str]
    datasets: dict[str, str]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> PairNames:
        def names(column: str) -> dict[str, str]:
            known = frame[[column, f"{column}_name"]].dropna().drop_duplicates(column)
            pairs = zip(known[column], known[f"{column}_name"], strict=True)
            return {ident: export.short_name(name) for ident, name in pairs}

        return cls(names("architecture"), names("dataset"))

    def label(self, architecture: str, dataset: str) -> str:
        """'ResNet-56 on CIFAR-10' (ids when the rows carry no name)."""
        return f"{self.architectures.get(architecture, architecture)} on {self.datasets.get(dataset, dataset)}"

    def option(self, pair: tuple[str, str]) -> str:
        """A pair as a choice: its label and its ids, since short names can coincide (ResNet-18 CIFAR/ImageNet)."""
        return f"{self.label(*pair)} · {pair[0]} / {pair[1]}"
