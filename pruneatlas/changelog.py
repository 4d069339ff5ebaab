"""What changed between two releases of the results table: rows added, changed and removed, by result id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

VERSION_KEY = b"pruneatlas_version"


@dataclass
class Changes:
    previous_version: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # result_id -> the columns whose value changed
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)


def previous_results(path: Path) -> Path:
    """The previous release's results.parquet: the file itself, or the release folder holding it."""
    target = path / "results.parquet" if path.is_dir() else path
    if not target.is_file():
        raise FileNotFoundError(f"{target}: no previous release's results.parquet there")
    return target


def _by_id(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {row["result_id"]: row for row in table.to_pylist()}


def compare(previous: pa.Table, current: pa.Table) -> Changes:
    """Rows are matched by result_id; a row changed when a column both releases have differs."""
    version = (previous.schema.metadata or {}).get(VERSION_KEY)
    changes = Changes(version.decode() if version else None)
    old, new = _by_id(previous), _by_id(current)
    shared = [name for name in current.column_names if name in previous.column_names]
    changes.columns_added = [name for name in current.column_names if name not in previous.column_names]
    changes.columns_removed = [name for name in previous.column_names if name not in current.column_names]
    changes.added = sorted(set(new) - set(old))
    changes.removed = sorted(set(old) - set(new))
    for result_id in sorted(set(new) & set(old)):
        differing = [name for name in shared if new[result_id][name] != old[result_id][name]]
        if differing:
            changes.changed[result_id] = differing
    return changes


def read_previous(path: Path) -> pa.Table:
    return pq.read_table(previous_results(path))


def markdown(version: str, rows: int, changes: Changes | None) -> str:
    """CHANGELOG.md of a release."""
    lines = [f"# PruneAtlas {version}: changes", ""]
    if changes is None:
        lines += [f"No previous release was given: all {rows} rows of results.parquet are new.", ""]
        return "\n".join(lines)
    since = changes.previous_version or "an unversioned release"
    lines += [
        f"Since {since}: {len(changes.added)} row(s) added, {len(changes.changed)} changed, "
        f"{len(changes.removed)} removed; {rows} rows in all.",
        "",
    ]
    if changes.columns_added or changes.columns_removed:
        lines += [
            f"Columns added: {', '.join(changes.columns_added) or 'none'}; "
            f"removed: {', '.join(changes.columns_removed) or 'none'}.",
            "",
        ]
    for title, ids in (("Added", changes.added), ("Removed", changes.removed)):
        lines += [f"## {title}", ""] + ([f"- `{i}`" for i in ids] or ["(none)"]) + [""]
    lines += ["## Changed", ""]
    lines += [f"- `{i}`: {', '.join(columns)}" for i, columns in changes.changed.items()] or ["(none)"]
    return "\n".join([*lines, ""])
