"""`import table` merges exported tables into paper files: a plan first, nothing removed or rewritten, comments
kept, every file written or none."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas.cli import main
from pruneatlas.importers.staging import write_all
from pruneatlas.loader import load_atlas

COMMENT = "# Checked against Table 1 of the arXiv v3 PDF.\n"


@pytest.fixture
def atlas(write_paper: WritePaper, atlas_dir: Path) -> Path:
    """Two papers (2017 and 2020), each file opening with a curator's comment."""
    for data in (
        paper(results=[result(), result(id="t1-resnet56-b", method_label="ResNet-56-pruned-B")]),
        paper(key="Lin2020Hrank", title="HRank", authors=["Mingbao Lin"], year=2020,
              results=[result(id="t1-r56", method="hrank", method_label="HRank")]),
    ):  # fmt: skip
        path = write_paper(data)
        path.write_text(COMMENT + path.read_text())
    return atlas_dir / "papers"


def _export(tmp_path: Path, where: str) -> tuple[Path, Path]:
    results, papers = tmp_path / "r.parquet", tmp_path / "p.parquet"
    for table, target in (("results", results), ("papers", papers)):
        outcome = CliRunner().invoke(
            main, ["export", "--format", "parquet", "--table", table, "-o", str(target), "--where", where]
        )
        assert outcome.exit_code == 0, outcome.output
    return results, papers


def _import(results: Path, papers: Path, out: Path, *flags: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["import", "table", str(results), str(papers), "--out", str(out), *flags])


def _files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.glob("*.yaml"))}


def test_an_exported_subset_changes_nothing_and_removes_nothing(atlas: Path, tmp_path: Path) -> None:
    results, papers = _export(tmp_path, "year >= 2020")
    before = _files(atlas)
    planned = _import(results, papers, atlas)
    assert planned.exit_code == 0 and "dry run: nothing written" in planned.output
    assert "1 result(s) already there; 1 file(s) in" in planned.output
    written = _import(results, papers, atlas, "--write")
    assert written.exit_code == 0 and "wrote 0 file(s)" in written.output
    assert _files(atlas) == before


def test_new_results_are_appended_and_differences_reported_not_applied(atlas: Path, tmp_path: Path) -> None:
    results, papers = _export(tmp_path, "TRUE")
    frame = pd.read_parquet(results)
    changed = frame["result_id"] == "Li2017Pruning/t1-resnet56-a"
    extra = frame[changed].copy()
    extra["result_id"] = "Li2017Pruning/t2-new"
    new = json.loads(extra["record"].iloc[0])
    extra["record"] = json.dumps({**new, "id": "t2-new", "method_label": "ResNet-56-pruned-C"})
    record = json.loads(frame.loc[changed, "record"].iloc[0])
    record["accuracy"]["pruned"] = 7.5
    frame.loc[changed, "record"] = json.dumps(record)
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.to_parquet(results)
    before = _files(atlas)

    planned = _import(results, papers, atlas, "--dry-run")
    assert planned.exit_code == 0 and _files(atlas) == before
    lines = planned.output.splitlines()
    assert "+ Li2017Pruning.yaml: t2-new" in lines
    assert "~ Li2017Pruning.yaml: t1-resnet56-a: accuracy.pruned: 6.9 in the file, 7.5 in the table (kept)" in lines

    assert _import(results, papers, atlas, "--write").exit_code == 0
    text = (atlas / "Li2017Pruning.yaml").read_text()
    assert text.startswith(before["Li2017Pruning.yaml"]) and "- id: t2-new" in text
    assert (atlas / "Lin2020Hrank.yaml").read_text() == before["Lin2020Hrank.yaml"]
    assert load_atlas([atlas], context=[atlas]).errors == []
    rows = {r.id: r for lp in load_atlas([atlas], context=[atlas]).papers for r in lp.paper.results}
    assert rows["t1-resnet56-a"].accuracy.pruned.value == 6.9 and rows["t2-new"].method_label == "ResNet-56-pruned-C"


def test_a_paper_new_to_the_folder_gets_a_file(atlas: Path, tmp_path: Path) -> None:
    results, papers = _export(tmp_path, "TRUE")
    fresh = tmp_path / "fresh"
    assert _import(results, papers, fresh, "--write").exit_code == 0
    assert sorted(_files(fresh)) == ["Li2017Pruning.yaml", "Lin2020Hrank.yaml"]
    assert load_atlas([fresh], context=[fresh]).errors == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-40]), "cannot be read as an exported table"),
        (lambda p: pd.read_parquet(p).drop(columns=["record"]).to_parquet(p), "missing column(s) record"),
    ],
    ids=["truncated", "no-record-column"],
)
def test_a_damaged_table_is_one_line_and_nothing_is_written(atlas: Path, tmp_path: Path, damage, message) -> None:
    results, papers = _export(tmp_path, "TRUE")
    damage(results)
    before = _files(atlas)
    outcome = _import(results, papers, atlas, "--write")
    assert outcome.exit_code == 1 and message in outcome.output and outcome.output.count("\n") == 1
    assert outcome.output.startswith(f"Error: {results}: ") and _files(atlas) == before


def test_writing_is_all_files_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("old a\n")
    real_replace, calls = os.replace, []

    def failing_second(src, dst):  # type: ignore[no-untyped-def]
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_second)
    with pytest.raises(OSError):
        write_all({first: "new a\n", second: "new b\n"})
    assert first.read_text() == "old a\n" and not second.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temp file left behind


def test_results_of_a_paper_missing_from_the_papers_table_are_an_error(atlas: Path, tmp_path: Path) -> None:
    results, _ = _export(tmp_path, "TRUE")
    _, papers = _export(tmp_path / "later", "year >= 2020")
    outcome = _import(results, papers, atlas)
    assert outcome.exit_code == 1 and "result_id: paper Li2017Pruning is not in" in outcome.output
