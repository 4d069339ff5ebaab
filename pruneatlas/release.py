"""`pruneatlas release`: the atlas as an open dataset in a folder.

results, papers, conflicts and reproductions as Parquet (byte-identical for the same atlas: fixed row order,
one row group, no timestamps), croissant.json, a datasheet (README.md), CHANGELOG.md against a previous
release, and the data NOTICE. Every file names the atlas version. Data with errors is never released: the
build refuses it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from pruneatlas import __version__, changelog, croissant, paths
from pruneatlas.safe_yaml import load_yaml_file

if TYPE_CHECKING:
    import duckdb

TABLES = {
    "results": ("result_id", "One row per operating point as one source document prints it."),
    "papers": ("paper_key", "One row per source document (and per file of PruneAtlas re-runs)."),
    "conflicts": ("result_a, result_b, field", "Pairs of rows whose sources give one operating point differently."),
    "reproductions": ("claim_id, rerun_id", "Published claims beside PruneAtlas re-runs of them, with the gap."),
}
DESCRIPTION = (
    "Published neural-network pruning results (method, architecture, dataset, accuracy before and after, "
    "parameters and FLOPs removed), each with its source document, locator and verbatim quote, validated, "
    "with PruneAtlas re-runs beside the claims they re-run."
)


@dataclass(frozen=True)
class Release:
    folder: Path
    rows: dict[str, int]
    changes: changelog.Changes | None


def column_descriptions() -> dict[str, dict[str, str]]:
    """schema/columns.yaml: what every column of every released table means."""
    return load_yaml_file(paths.SCHEMA / "columns.yaml")


def _table(con: duckdb.DuckDBPyConnection, name: str, order: str) -> pa.Table:
    """The table in a fixed order, all-null columns typed as text, the atlas version in its metadata."""
    table = con.sql(f"SELECT * FROM {name} ORDER BY {order}").to_arrow_table()
    schema = pa.schema([pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type) for f in table.schema])
    table = table.cast(schema).combine_chunks()
    return table.replace_schema_metadata({changelog.VERSION_KEY: __version__.encode(), b"pruneatlas_table": name})


def write_parquet(table: pa.Table, path: Path) -> str:
    """One row group, fixed options, so equal tables give equal bytes; returns the file's sha256."""
    pq.write_table(table, path, compression="zstd", row_group_size=max(len(table), 1), write_statistics=True)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _undescribed(tables: dict[str, pa.Table], columns: dict[str, dict[str, str]]) -> list[str]:
    return [f"{name}.{c}" for name, table in tables.items() for c in table.column_names if c not in columns[name]]


def _columns_markdown(tables: dict[str, pa.Table], columns: dict[str, dict[str, str]]) -> str:
    parts = []
    for name, table in tables.items():
        parts += ["", f"### {name}.parquet", "", "| column | type | meaning |", "|---|---|---|"]
        parts += [f"| `{f.name}` | {f.type} | {columns[name][f.name]} |" for f in table.schema]
    return "\n".join(parts)


def datasheet(tables: dict[str, pa.Table], hashes: dict[str, str], columns: dict[str, dict[str, str]]) -> str:
    """README.md of the release, from resource/release/datasheet.md."""
    results = tables["results"]
    kinds = results.group_by("source_kind").aggregate([("result_id", "count")]).to_pylist()
    collections = results.group_by("collection").aggregate([("result_id", "count")]).to_pylist()
    template = string.Template((paths.RESOURCE / "release" / "datasheet.md").read_text(encoding="utf-8"))
    return template.substitute(
        version=__version__,
        results_count=len(results),
        papers_count=len(tables["papers"]),
        kinds=", ".join(f"{k['source_kind']} {k['result_id_count']}" for k in sorted(kinds, key=str)),
        collections=", ".join(
            f"{c['collection']}: {c['result_id_count']} rows" for c in sorted(collections, key=str) if c["collection"]
        )
        or "none in this release",
        files="\n".join(
            f"| `{name}.parquet` | {len(table)} | {TABLES[name][1]} | `{hashes[name]}` |"
            for name, table in tables.items()
        ),
        notice=(paths.DATA / "NOTICE").read_text(encoding="utf-8").rstrip(),
        columns=_columns_markdown(tables, columns),
    )


def release(out: Path, previous: Path | None = None, roots: Sequence[Path] | None = None) -> Release:
    """Write the release into `out` (created if needed); `previous` is an earlier release folder or its
    results.parquet, for the changelog."""
    from pruneatlas.api import open_build
    from pruneatlas.build import build

    old = changelog.read_previous(previous) if previous is not None else None
    con = open_build(build(roots).path)
    tables = {name: _table(con, name, order) for name, (order, _) in TABLES.items()}
    columns = column_descriptions()
    missing = _undescribed(tables, columns)
    if missing:
        raise ValueError(f"schema/columns.yaml: no description for column(s) {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    hashes = {name: write_parquet(table, out / f"{name}.parquet") for name, table in tables.items()}
    about = {name: (tables[name].schema, hashes[name], TABLES[name][1]) for name in tables}
    document = croissant.metadata(__version__, DESCRIPTION, about, columns)
    (out / "croissant.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "README.md").write_text(datasheet(tables, hashes, columns), encoding="utf-8")
    changes = changelog.compare(old, tables["results"]) if old is not None else None
    (out / "CHANGELOG.md").write_text(changelog.markdown(__version__, len(tables["results"]), changes), "utf-8")
    notice = (paths.DATA / "NOTICE").read_text(encoding="utf-8")
    (out / "NOTICE").write_text(f"PruneAtlas {__version__}\n\n{notice}", encoding="utf-8")
    return Release(out, {name: len(table) for name, table in tables.items()}, changes)
