"""Audits: rows printed with what a reviewer needs to check them against their source.

A random audit is reproducible (the same seed picks the same rows from the same atlas); a change audit lists
the rows a change adds or edits, compared by result id with the paper files at a git revision, which is what CI
prints for a pull request.
"""

from __future__ import annotations

import json
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pruneatlas import paths
from pruneatlas.api import published_view
from pruneatlas.models import Result
from pruneatlas.plausibility import printed_numbers
from pruneatlas.safe_yaml import load_yaml_file, load_yaml_text
from pruneatlas.sql import load_sql, run_select


class AuditError(ValueError):
    """An audit that cannot be made (an unknown git revision); the message says why."""


@dataclass(frozen=True)
class AuditRow:
    result_id: str
    file: str
    address: str
    locator: str
    extraction: str
    quote: str | None
    numbers: list[tuple[str, str]]


def _address(row: dict) -> str:
    """The public address a reader opens: the row's own document, its collection row, or the paper's page."""
    if row["source_url"]:
        url, commit = row["source_url"], row["source_commit"]
        return url if not commit or commit in url else f"{url} (commit {commit})"
    if row["collection"]:
        return f"{row['collection']} collection, row {row['collection_row']}"
    if row["paper_url"]:
        return row["paper_url"]
    if row["doi"]:
        return f"https://doi.org/{row['doi']}"
    if row["arxiv"]:
        return f"https://arxiv.org/abs/{row['arxiv']}"
    return "(no address recorded)"


def _numbers(result_id: str, record: str) -> list[tuple[str, str]]:
    result = Result.model_validate({**json.loads(record), "id": result_id.split("/", 1)[1]})
    return [(name, str(value)) for name, value in printed_numbers(result)]


def audit_rows(con: duckdb.DuckDBPyConnection, result_ids: list[str]) -> list[AuditRow]:
    """The audit view of the given rows, in the order given."""
    relation = con.sql(load_sql("audit"))
    wanted = set(result_ids)
    by_id = {r[0]: dict(zip(relation.columns, r, strict=True)) for r in relation.fetchall() if r[0] in wanted}
    return [
        AuditRow(
            result_id=rid,
            file=row["file"],
            address=_address(row),
            locator=row["locator"],
            extraction=row["extraction"],
            quote=row["quote"],
            numbers=_numbers(rid, row["record"]),
        )
        for rid in result_ids
        if (row := by_id.get(rid)) is not None
    ]


def matching_ids(con: duckdb.DuckDBPyConnection, where: str | None) -> list[str]:
    """Result ids of the published rows matching a SQL condition on the results view, sorted."""
    sql = f"SELECT result_id FROM {published_view(include_sweep=True)}" + (f" WHERE ({where})" if where else "")
    frame, _ = run_select(con, sql, row_cap=10**9, timeout_s=60)
    return sorted(frame["result_id"])


def sample(ids: list[str], size: int, seed: int) -> list[str]:
    """`size` of the ids, the same ones for the same seed and ids, in sorted order."""
    ids = sorted(ids)
    return sorted(random.Random(seed).sample(ids, min(size, len(ids))))


def _git(args: list[str], root: Path) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AuditError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def changed_ids(revision: str, root: Path = paths.ROOT) -> list[str]:
    """Rows added or edited in the paper files since `revision` (committed or not), by result id."""
    _git(["rev-parse", "--verify", f"{revision}^{{commit}}"], root)
    names = _git(["diff", "--name-only", "--diff-filter=AMR", revision, "--", "data"], root).split()
    changed: list[str] = []
    for name in sorted(n for n in names if n.endswith(".yaml")):
        new = load_yaml_file(root / name)
        shown = subprocess.run(["git", "show", f"{revision}:{name}"], cwd=root, capture_output=True, text=True)
        old = load_yaml_text(shown.stdout, name) if shown.returncode == 0 else {}
        before = {r.get("id"): r for r in (old or {}).get("results") or [] if isinstance(r, dict)}
        for row in new.get("results") or []:
            if isinstance(row, dict) and before.get(row.get("id")) != row:
                changed.append(f"{new['key']}/{row['id']}")
    return sorted(changed)


def render(rows: list[AuditRow]) -> str:
    """Plain text, one block per row: what to open, where to look, and the numbers to find there."""
    blocks = []
    for index, row in enumerate(rows, 1):
        numbers = " | ".join(f"{name} {value}" for name, value in row.numbers) or "(no printed numbers: a claim)"
        blocks.append(
            f"[{index}/{len(rows)}] {row.result_id}  ({row.file})\n"
            f"  source:  {row.address}\n"
            f"  where:   {row.locator} ({row.extraction})\n"
            f"  quote:   {row.quote or '(none: ' + row.extraction + ')'}\n"
            f"  check:   {numbers}"
        )
    return "\n\n".join(blocks)
