"""Validated papers as two flat tables (results, papers), and back again.

The results table carries the contract columns (see README) computed by `derive.py`, context columns for
filtering, and `record`: the result's canonical JSON, so an exported table can be turned back into paper
files without losing anything (`papers_from_tables`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
import pyarrow as pa

from pruneatlas.conflicts import Conflict
from pruneatlas.loader import LoadedPaper, display_path
from pruneatlas.models import PaperFile
from pruneatlas.rows import CONTEXT_COLUMNS, CONTRACT_COLUMNS, result_row, rows_table
from pruneatlas.vocab import Vocabularies


def results_frame(
    papers: Iterable[LoadedPaper], vocab: Vocabularies, conflicts: Iterable[Conflict] = ()
) -> pd.DataFrame:
    rows = [
        result_row(loaded.paper, display_path(loaded.path), loaded.reproduced, result, vocab)
        for loaded in papers
        for result in loaded.paper.results
    ]
    return frame_from_rows(rows, conflicts)


def results_arrow(tables: list[pa.Table], conflicts: Iterable[Conflict] = ()) -> pa.Table:
    """The results table from its per-file parts, with each row's conflict partners (Arrow: what DuckDB loads
    fastest; a column that is empty in one file takes its type from the others)."""
    partners: dict[str, set[str]] = {}
    for conflict in conflicts:
        partners.setdefault(conflict.first.result_id, set()).add(conflict.second.result_id)
        partners.setdefault(conflict.second.result_id, set()).add(conflict.first.result_id)
    if not tables:
        columns = [*CONTRACT_COLUMNS, *CONTEXT_COLUMNS, "record", "conflicts_with"]
        return pa.table({name: pa.nulls(0) for name in columns})
    table = pa.concat_tables(tables, promote_options="permissive")
    if not partners:
        return table.append_column("conflicts_with", pa.nulls(len(table), pa.string()))
    ids = table.column("result_id").to_pylist()
    with_partners = [", ".join(sorted(found)) if (found := partners.get(rid)) else None for rid in ids]
    return table.append_column("conflicts_with", pa.array(with_partners, pa.string()))


def frame_from_rows(rows: list[dict[str, Any]], conflicts: Iterable[Conflict] = ()) -> pd.DataFrame:
    return results_arrow([rows_table(rows)] if rows else [], conflicts).to_pandas()


def papers_from_tables(results: pd.DataFrame, papers: pd.DataFrame) -> list[PaperFile]:
    """Rebuild paper files from exported tables (the results table and the papers table of a build)."""
    by_paper: dict[str, list[dict[str, Any]]] = {}
    for result_id, record in zip(results["result_id"], results["record"], strict=True):
        paper_key, result_key = result_id.split("/", 1)
        by_paper.setdefault(paper_key, []).append({"id": result_key, **json.loads(record)})
    rebuilt = []
    for paper_key, record in zip(papers["paper_key"], papers["record"], strict=True):
        rebuilt.append(PaperFile.model_validate({**json.loads(record), "results": by_paper.get(paper_key, [])}))
    return rebuilt
