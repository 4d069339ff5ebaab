"""The published selection: one definition (the `published` views of resource/published.sql), read by
Compare, Frontier, `stats`, the audit and the API alike."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

import pruneatlas
from pruneatlas import paths
from pruneatlas.sql import load_sql


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return {row[0] for row in con.execute(sql).fetchall()}


def test_published_leaves_out_reruns_and_with_sweeps_keeps_the_grid(con: duckdb.DuckDBPyConnection) -> None:
    published = _ids(con, "SELECT result_id FROM published")
    with_sweeps = _ids(con, "SELECT result_id FROM published_with_sweeps")
    reruns = _ids(con, "SELECT result_id FROM results WHERE paper_key = 'Rerun2024Fixture'")
    sweeps = _ids(con, "SELECT result_id FROM results WHERE sweep")
    assert reruns and sweeps  # the fixture atlas has both
    assert published == _ids(con, "SELECT result_id FROM results") - reruns - sweeps
    assert with_sweeps == published | sweeps
    stats = dict(con.execute(load_sql("analyses/coverage")).fetchall())
    assert stats["published source rows (each quote counted)"] == len(published)


def test_the_api_reads_the_same_selection(atlas_path: Path, con: duckdb.DuckDBPyConnection) -> None:
    assert set(pruneatlas.published(con=con)["result_id"]) == _ids(con, "SELECT result_id FROM published")
    assert set(pruneatlas.published(include_sweep=True, architecture="resnet50", con=con)["result_id"]) == _ids(
        con, "SELECT result_id FROM published_with_sweeps WHERE architecture = 'resnet50'"
    )


def test_the_selection_is_written_once() -> None:
    """No other query or page spells "published" out again (the cost claims of the Costs page are another table)."""
    spelled = re.compile(r"source_kind\"?\]?\s*(<>|!=)\s*['\"]reproduced|IN \('reported', 'secondary'")
    allowed = {paths.RESOURCE / "published.sql", paths.PACKAGE / "app" / "costs.py"}
    files = [*paths.RESOURCE.rglob("*.sql"), *paths.PACKAGE.rglob("*.py")]
    again = [str(f.relative_to(paths.ROOT)) for f in files if f not in allowed and spelled.search(f.read_text())]
    assert again == []
