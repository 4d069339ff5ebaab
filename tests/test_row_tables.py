"""Result rows cross from the build's workers as Arrow tables, built column-wise and typed as pyarrow infers
them."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pruneatlas import paths
from pruneatlas.loader import compile_file, known_keys_of
from pruneatlas.rows import rows_table
from pruneatlas.vocab import load_vocabularies


def _real_rows(count: int) -> list[dict]:
    files = sorted(paths.PAPERS.glob("*.yaml"))[:count]
    vocab, known = load_vocabularies(), known_keys_of(files)
    outcomes = [compile_file(path, True, vocab, known, False, True) for path in files]
    return [row for outcome in outcomes if outcome.ok for row in outcome.rows]


def test_rows_table_is_the_table_from_pylist_gives() -> None:
    rows = _real_rows(40)
    assert len(rows) > 100
    built = rows_table(rows)
    assert built.equals(pa.Table.from_pylist(rows)) and built.schema.equals(pa.Table.from_pylist(rows).schema)


def test_rows_table_refuses_rows_of_other_columns() -> None:
    rows = _real_rows(3)
    with pytest.raises(ValueError):
        rows_table([*rows, {"result_id": "X/r1"}])
