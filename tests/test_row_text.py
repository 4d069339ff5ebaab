"""`pruneatlas query` prints rows without pandas, byte for byte as pandas prints them, and its process loads
neither pandas nor pyarrow nor DuckDB (the child that runs the query does the DuckDB part)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paper_factory import WritePaper, paper, result

from pruneatlas import paths
from pruneatlas.build import build
from pruneatlas.row_text import FORMATS, frame_text, rows_text

ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "VARCHAR": pa.string()}
ARROW |= {"BOOLEAN": pa.bool_(), '"NULL"': pa.null()}


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, st.none())


VALUES = {
    "BIGINT": _maybe(st.integers(-(2**62), 2**62)),
    "INTEGER": st.integers(-(2**31), 2**31 - 1),
    "DOUBLE": _maybe(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(-1e8, 1e8),
            st.decimals(-10000, 10000, places=3).map(float),
        )
    ),
    "VARCHAR": _maybe(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)),
    "BOOLEAN": _maybe(st.booleans()),
    '"NULL"': st.none(),
}


@st.composite
def columns(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[Any]]]:
    width = draw(st.integers(1, 4))
    height = draw(st.integers(0, 6))
    names = draw(st.lists(st.text("abxyz_é1 ", min_size=1, max_size=8), min_size=width, max_size=width, unique=True))
    types = draw(st.lists(st.sampled_from(list(ARROW)), min_size=width, max_size=width))
    values = [draw(st.lists(VALUES[t], min_size=height, max_size=height)) for t in types]
    return names, types, values


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns(), st.sampled_from(FORMATS))
def test_plain_rows_print_as_pandas_prints_their_frame(data: tuple[list[str], list[str], list[list[Any]]], fmt: str):
    names, types, values = data
    table = pa.table([pa.array(v, type=ARROW[t]) for v, t in zip(values, types, strict=True)], names=names)
    con = duckdb.connect()
    con.register("t", table)
    relation = con.sql("SELECT * FROM t")
    assert [str(t) for t in relation.types] == types
    text = rows_text(names, types, relation.fetchall(), fmt)
    if text is not None:
        assert text == frame_text(con.sql("SELECT * FROM t").to_arrow_table().to_pandas(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_atlas_column_types_need_no_pandas(fmt: str):
    rows = [(1, 0.5, "ResNet-56", True, None), (None, 93.25, "a/b", False, None)]
    types = ["INTEGER", "DOUBLE" if fmt != "json" else "INTEGER", "VARCHAR", "BOOLEAN", '"NULL"']
    assert rows_text(["n", "x", "s", "b", "z"], types, rows if fmt != "json" else rows[:1], fmt) is not None


def test_what_plain_rows_cannot_print_is_left_to_pandas():
    assert rows_text(["d"], ["DECIMAL(2,1)"], [(2.5,)], "table") is None
    assert rows_text(["s"], ["VARCHAR"], [("two\nlines",)], "table") is None
    assert rows_text(["x"], ["DOUBLE"], [(0.1,)], "json") is None


@pytest.fixture
def built(write_paper: WritePaper) -> Path:
    write_paper(paper(results=[result()]))
    return build().path


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_query_command_loads_no_pandas_pyarrow_or_duckdb(built: Path, fmt: str):
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pruneatlas.cli import main\n"
        f"out = CliRunner().invoke(main, ['query', 'SELECT count(*) AS n FROM results', '--format', {fmt!r}])\n"
        "assert out.exit_code == 0, out.output\n"
        "print(repr(out.output))\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'duckdb', 'pydantic', 'yaml') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr
    output, loaded = done.stdout.strip().splitlines()[-2:]
    assert ast.literal_eval(loaded) == []
    expected = {"table": " n\n 1\n", "csv": "n\n1\n", "json": '[\n {\n  "n":1\n }\n]\n'}
    assert ast.literal_eval(output) == expected[fmt]
