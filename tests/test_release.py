"""`pruneatlas release`: Parquet that loads everywhere and is byte-identical for the same atlas, valid Croissant,
a datasheet, and a changelog by result id."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas import __version__, release
from pruneatlas.cli import main

FILES = ["results.parquet", "papers.parquet", "conflicts.parquet", "reproductions.parquet", "croissant.json",
         "README.md", "CHANGELOG.md", "NOTICE"]  # fmt: skip


def _release(out: Path, *extra: str) -> str:
    outcome = CliRunner().invoke(main, ["release", "--out", str(out), *extra])
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def test_release_writes_every_file_with_the_atlas_version(two_paper_atlas: Path, tmp_path: Path):
    out = tmp_path / "release"
    assert "results 3, papers 2, conflicts 0, reproductions 0 rows" in _release(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name in FILES:
        if name.endswith(".parquet"):
            assert pq.read_schema(out / name).metadata[b"pruneatlas_version"] == __version__.encode()
        else:
            assert __version__ in (out / name).read_text(encoding="utf-8"), name
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in readme and "MIT License" in readme  # data/NOTICE, in full
    assert "| `acc_drop` | double | Baseline minus pruned" in readme


def test_the_same_atlas_gives_byte_identical_files(two_paper_atlas: Path, tmp_path: Path, monkeypatch):
    _release(tmp_path / "first")
    monkeypatch.setenv("PRUNEATLAS_CACHE", str(tmp_path / "another-cache"))  # a fresh build of the same data
    _release(tmp_path / "second")
    for name in FILES:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def test_released_parquet_loads_with_datasets_and_duckdb(two_paper_atlas: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    out = tmp_path / "release"
    _release(out)
    rows = datasets.load_dataset(
        "parquet", data_files=str(out / "results.parquet"), split="train", cache_dir=str(tmp_path / "hf")
    )
    assert rows.num_rows == 3
    assert sorted(rows["result_id"]) == ["Li2017Pruning/t1-resnet56-a", "Li2017Pruning/t1-vgg16", "Lin2020Hrank/t1-r56"]
    assert duckdb.sql(f"SELECT count(*) FROM '{out / 'papers.parquet'}'").fetchall() == [(2,)]


def test_croissant_metadata_is_valid_and_reads_the_records(two_paper_atlas: Path, tmp_path: Path):
    pytest.importorskip("mlcroissant")
    out = tmp_path / "release"
    _release(out)
    # In a child process: mlcroissant brings absl, which adds its handler to the importing process's root logger.
    code = (
        "import json, sys, mlcroissant as mlc; d = mlc.Dataset(sys.argv[1]); rs = list(d.records('results')); "
        "print(json.dumps([sorted(map(str, d.metadata.ctx.issues.errors)), "
        "d.metadata.version, len(rs), sorted({r['results/architecture'].decode() for r in rs})]))"
    )
    checked = subprocess.run([sys.executable, "-c", code, str(out / "croissant.json")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    errors, version, records, architectures = json.loads(checked.stdout.strip().splitlines()[-1])
    assert not errors and version == __version__
    assert records == 3 and architectures == ["resnet56", "vgg16-cifar"]
    document = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    described = {f["name"] for rs in document["recordSet"] if rs["name"] == "results" for f in rs["field"]}
    assert described == set(pq.read_schema(out / "results.parquet").names)


def test_changelog_lists_rows_added_changed_and_removed_by_id(two_paper_atlas: Path, tmp_path: Path, write_paper):
    _release(tmp_path / "v1")
    write_paper(
        paper(results=[
            result(accuracy={"metric": "top1_err", "baseline": 6.96, "pruned": 6.91}),  # changed
            result(id="t2-resnet110", architecture="resnet110", method_label="ResNet-110-pruned-A"),  # added
        ])  # t1-vgg16 removed
    )  # fmt: skip
    output = _release(tmp_path / "v2", "--previous", str(tmp_path / "v1"))
    assert "1 added, 1 changed, 1 removed" in output
    text = (tmp_path / "v2" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Since {__version__}: 1 row(s) added, 1 changed, 1 removed; 3 rows in all." in text
    added, rest = text.split("## Added", 1)[1].split("## Removed", 1)
    removed, changed = rest.split("## Changed", 1)
    assert "`Li2017Pruning/t2-resnet110`" in added
    assert "`Li2017Pruning/t1-vgg16`" in removed
    assert "- `Li2017Pruning/t1-resnet56-a`: pruned_acc, acc_drop," in changed
    shutil.copy(tmp_path / "v1" / "results.parquet", tmp_path / "old.parquet")  # a released file alone works too
    assert "1 added, 1 changed, 1 removed" in _release(tmp_path / "v3", "--previous", str(tmp_path / "old.parquet"))


def test_a_missing_previous_release_is_one_clear_line(two_paper_atlas: Path, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    outcome = CliRunner().invoke(main, ["release", "--out", str(tmp_path / "r"), "--previous", str(tmp_path / "empty")])
    assert outcome.exit_code == 1
    assert "empty/results.parquet: no previous release's results.parquet there" in outcome.output


def test_a_column_without_a_description_stops_the_release(two_paper_atlas: Path, tmp_path: Path, monkeypatch):
    described = release.column_descriptions()
    del described["results"]["notes"]
    monkeypatch.setattr(release, "column_descriptions", lambda: described)
    with pytest.raises(ValueError, match=r"schema/columns.yaml: no description for column\(s\) results.notes"):
        release.release(tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_data_with_errors_is_never_released(two_paper_atlas: Path, tmp_path: Path, write_paper: WritePaper):
    write_paper(paper(key="Bad2020Paper", title="Bad", results=[result(architecture="resnet-57")]))
    outcome = CliRunner().invoke(main, ["release", "--out", str(tmp_path / "r")])
    assert outcome.exit_code == 1
    assert "Bad2020Paper.yaml: t1-resnet56-a: architecture: unknown architecture 'resnet-57'" in outcome.output
    assert not (tmp_path / "r").exists()


def test_changelog_names_columns_added_and_removed_and_a_release_without_a_version():
    import pyarrow as pa

    from pruneatlas import changelog

    old = pa.table({"result_id": ["a/1", "a/2"], "acc_drop": [1.0, 2.0], "gone": ["x", "y"]})
    new = pa.table({"result_id": ["a/1", "a/2"], "acc_drop": [1.0, 2.5], "fresh": [True, False]})
    changes = changelog.compare(old, new)
    assert (changes.added, changes.removed, changes.changed) == ([], [], {"a/2": ["acc_drop"]})
    text = changelog.markdown("9.9", 2, changes)
    assert "Since an unversioned release: 0 row(s) added, 1 changed, 0 removed; 2 rows in all." in text
    assert "Columns added: fresh; removed: gone." in text
    assert "- `a/2`: acc_drop" in text
