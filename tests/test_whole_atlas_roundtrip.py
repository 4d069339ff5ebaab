"""The whole atlas survives YAML -> DuckDB -> export -> import: identical rows, and files that validate.

CSV, the format that keeps the least of a value's type, runs by default; Parquet and JSON take a minute each on
the whole atlas and run with `pytest -m slow`. Their short version is tests/test_roundtrip.py, which makes the
same trip through all three formats with random paper files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pruneatlas import paths
from pruneatlas.cli import main
from pruneatlas.loader import load_atlas
from pruneatlas.rows import paper_yaml


@pytest.mark.parametrize(
    "fmt", [pytest.param("parquet", marks=pytest.mark.slow), pytest.param("json", marks=pytest.mark.slow), "csv"]
)
def test_export_then_import_gives_back_every_paper_file(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRUNEATLAS_CACHE", str(tmp_path / "cache"))
    roots = paths.data_roots()
    original = load_atlas(roots, context=roots)
    assert original.errors == []
    runner = CliRunner()
    for table in ("results", "papers"):
        outcome = runner.invoke(
            main, ["export", "--format", fmt, "--table", table, "-o", str(tmp_path / f"{table}.{fmt}")]
        )
        assert outcome.exit_code == 0, outcome.output
    outcome = runner.invoke(
        main,
        [
            "import",
            "table",
            str(tmp_path / f"results.{fmt}"),
            str(tmp_path / f"papers.{fmt}"),
            "--out",
            str(tmp_path / "out"),
            "--write",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    rebuilt = load_atlas([tmp_path / "out"], context=[tmp_path / "out"])
    assert {lp.paper.key: paper_yaml(lp.paper) for lp in rebuilt.papers} == {
        lp.paper.key: paper_yaml(lp.paper) for lp in original.papers
    }
