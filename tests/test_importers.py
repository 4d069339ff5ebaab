"""Imports account for every row, keep notes and their meaning, and never touch hand edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pruneatlas import paths
from pruneatlas.importers.csv_input import InputError
from pruneatlas.importers.shrinkbench import import_shrinkbench
from pruneatlas.importers.state_of_sparsity import import_state_of_sparsity
from pruneatlas.loader import load_atlas
from pruneatlas.safe_yaml import load_yaml_file

SHRINKBENCH = paths.SHARED / "external" / "shrinkbench"
STATE_OF_SPARSITY = paths.SHARED / "external" / "state-of-sparsity"
needs_shared = pytest.mark.skipif(not SHRINKBENCH.exists(), reason="../shared/external is not beside the project")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("papers")
    return folder, import_shrinkbench(SHRINKBENCH, folder)


def _row(folder: Path, row_id: str) -> dict:
    for path in folder.glob("*.yaml"):
        for entry in load_yaml_file(path)["results"]:
            if entry["id"] == row_id:
                return entry
    raise KeyError(row_id)


@needs_shared
def test_every_shrinkbench_row_is_accounted_for(imported):
    folder, report = imported
    skipped = sum(len(rows) for rows in report.skipped.values())
    assert report.total == 551 and report.imported + skipped == 551
    assert report.imported == sum(len(load_yaml_file(p)["results"]) for p in folder.glob("*.yaml"))
    assert "no accuracy or cost value in the row" in report.skipped
    assert any("row" in line for line in report.lines()[1:])


@needs_shared
def test_imported_files_validate(imported):
    folder, _ = imported
    assert load_atlas([folder], context=[folder]).errors == []


@needs_shared
def test_notes_survive_and_act_on_the_values(imported):
    folder, _ = imported
    amc = _row(folder, "sb-328")
    assert "fraction saved" in amc["notes"] and amc["params"] == {"removed_pct": "60.00"}
    figure_read = _row(folder, "sb-402")
    assert (
        figure_read["accuracy"]["metric"] == "top5"
        and figure_read["accuracy"]["change"].startswith("~")
        and "approximate" in figure_read["notes"]
    )
    quantised = _row(folder, "sb-263")
    assert quantised["conditions"]["quantized"] is True
    assert _row(folder, "sb-50")["source"]["collection_row"] == "50"


@needs_shared
def test_shrinkbench_inconsistencies_are_kept_and_flagged(imported):
    folder, _ = imported
    flagged = _row(folder, "sb-525")
    disagreeing = {d["field"] for d in flagged["discrepancies"] if d["note"].startswith("ShrinkBench's own cells")}
    assert disagreeing == {"accuracy.change", "secondary.change"}


@needs_shared
def test_an_accuracy_computed_from_a_printed_error_says_so(imported):
    folder, _ = imported
    computed = {d["field"]: d["note"] for d in _row(folder, "sb-525")["discrepancies"] if d["field"].endswith("pruned")}
    assert computed == {
        "accuracy.pruned": "Computed, not printed: pruned Top1 = 100 - printed Err1 27.25",
        "secondary.pruned": "Computed, not printed: pruned Top5 = 100 - printed Err5 8.87",
    }


@needs_shared
def test_reimporting_adds_nothing_and_keeps_hand_edits(imported):
    folder, _ = imported
    path = folder / "He2018Amc.yaml"
    edited = path.read_text() + (
        "- id: t2-hand-entered\n  method: amc\n  method_label: AMC (hand)\n  architecture: resnet56\n"
        "  dataset: cifar10\n  accuracy: {metric: top1, pruned: 91.9}\n"
        "  source: {locator: Table 2, extraction: table, quote: '91.9'}\n  # a curator's comment\n"
    )
    path.write_text(edited)
    again = import_shrinkbench(SHRINKBENCH, folder)
    assert again.added == 0 and again.imported == 271
    assert path.read_text() == edited


@needs_shared
def test_new_rows_join_an_existing_hand_written_file(tmp_path: Path):
    hand = tmp_path / "Li2017Pruning.yaml"
    hand.write_text(
        "# curated by hand\nkey: Li2017Pruning\ntitle: Pruning filters for efficient convnets\nauthors: [Hao Li]\n"
        "year: 2017\nresults:\n  - id: t1-vgg16\n    method: l1-filter\n    method_label: VGG-16-pruned-A\n"
        "    architecture: vgg16-cifar\n    dataset: cifar10\n    accuracy: {metric: top1_err, pruned: 6.60}\n"
        "    source: {locator: Table 1, extraction: table, quote: 'VGG-16-pruned-A 6.60'}\n"
    )
    import_shrinkbench(SHRINKBENCH, tmp_path)
    text = hand.read_text()
    assert text.startswith("# curated by hand\n") and "  - id: sb-" in text
    assert load_atlas([hand], context=[tmp_path]).errors == []


@needs_shared
def test_state_of_sparsity_runs_become_sweep_rows(tmp_path: Path):
    total, added = import_state_of_sparsity(STATE_OF_SPARSITY, tmp_path)
    assert total == added == 1008
    rows = load_yaml_file(tmp_path / "Gale2019State.yaml")["results"]
    assert all(r["conditions"] == {"sweep": True} for r in rows)
    first = rows[0]
    assert first["accuracy"]["pruned"] == "75.5599975586" and first["params"]["removed_pct"] == "50"
    assert import_state_of_sparsity(STATE_OF_SPARSITY, tmp_path) == (1008, 0)


def _copy(source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


MAGNITUDE = "rn50_magnitude_pruning.csv"


@needs_shared
@pytest.mark.parametrize("bad", ["NaN", "-3.5", "7", "inf", ""])
def test_a_bad_accuracy_is_one_line_and_nothing_is_written(bad: str, tmp_path: Path) -> None:
    source = _copy(STATE_OF_SPARSITY, tmp_path)
    csv_path = source / MAGNITUDE
    lines = csv_path.read_text().splitlines(keepends=True)
    lines[3] = lines[3].rsplit(",", 1)[0] + f",{bad}\n"
    csv_path.write_text("".join(lines))
    papers = tmp_path / "papers"
    papers.mkdir()
    with pytest.raises(InputError) as caught:
        import_state_of_sparsity(source, papers)
    assert str(caught.value) == f"{csv_path}: line 4: accuracy: {bad!r} is not a fraction between 0 and 1"
    assert list(papers.iterdir()) == []


@needs_shared
def test_an_inserted_line_adds_one_run_and_moves_no_other(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    import_state_of_sparsity(STATE_OF_SPARSITY, papers)
    source = _copy(STATE_OF_SPARSITY, tmp_path)
    lines = (source / MAGNITUDE).read_text().splitlines(keepends=True)
    lines.insert(2, "0.55,20000,76000,2000,0,0.75\n")
    (source / MAGNITUDE).write_text("".join(lines))
    assert import_state_of_sparsity(source, papers) == (1009, 1)
    rows = load_yaml_file(papers / "Gale2019State.yaml")["results"]
    assert len(rows) == len({r["id"] for r in rows}) == len({r["source"]["quote"] for r in rows}) == 1009
    assert load_atlas([papers], context=[papers]).errors == []


@needs_shared
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[:-5], "the file ends without a newline and is not the released file, so its last value"),
        (lambda b: b.decode().replace("Sparsity,", "Sparsity;", 1).encode(), "line 1: missing column(s) Sparsity"),
        (lambda b: b.decode().replace("0.5,", "0.5\u00e9,", 1).encode("latin-1"), "line 2: not UTF-8 text"),
        (lambda b: b.decode().encode("utf-16"), "UTF-16 text; save it as UTF-8"),
        (
            lambda b: b.replace(b"\n0.5,20000,76000,2000,0,", b"\n0.5,20000,", 1),
            "line 2: 3 field(s) where the header has 6",
        ),
        (lambda b: b"", "the file is empty"),
    ],
    ids=["truncated", "wrong-columns", "latin-1", "utf-16", "short-row", "empty"],
)
def test_malformed_inputs_are_one_line_naming_file_and_line(damage, message: str, tmp_path: Path) -> None:
    source = _copy(STATE_OF_SPARSITY, tmp_path)
    csv_path = source / MAGNITUDE
    csv_path.write_bytes(damage(csv_path.read_bytes()))
    papers = tmp_path / "papers"
    papers.mkdir()
    with pytest.raises(InputError) as caught:
        import_state_of_sparsity(source, papers)
    assert str(caught.value).startswith(f"{csv_path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value) and list(papers.iterdir()) == []


@needs_shared
def test_a_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    source = _copy(STATE_OF_SPARSITY, tmp_path)
    csv_path = source / MAGNITUDE
    csv_path.write_bytes(b"\xef\xbb\xbf" + csv_path.read_bytes())
    assert import_state_of_sparsity(source, tmp_path) == (1008, 1008)


@needs_shared
def test_a_shrinkbench_import_that_fails_late_writes_nothing(tmp_path: Path) -> None:
    papers = tmp_path / "papers"
    papers.mkdir()
    import_shrinkbench(SHRINKBENCH, papers)
    before = _snapshot(papers)
    (papers / "He2018Amc.yaml").unlink()  # the first paper would be written again...
    source = _copy(SHRINKBENCH, tmp_path)
    text = (source / "Papers.csv").read_text(encoding="utf-8-sig")
    late = "google-state-of-sparsity"  # sorts after amc-automl-han (He2018Amc)
    (source / "Papers.csv").write_text(text.replace(f"\n{late},2019-2,", f"\n{late},someday,", 1) + "\n")
    with pytest.raises(InputError, match=rf"Papers.csv: line \d+ \(paper {late}\): Date: 'someday' gives no year"):
        import_shrinkbench(source, papers)
    assert "He2018Amc.yaml" not in _snapshot(papers)  # ...but the later paper's error stopped every write
    assert _snapshot(papers) == {k: v for k, v in before.items() if k != "He2018Amc.yaml"}


@needs_shared
@pytest.mark.parametrize(("cell", "kind"), [("inf", "a whole number of trials"), ("2.5", "a whole number of trials")])
def test_shrinkbench_counts_must_be_whole(cell: str, kind: str, tmp_path: Path) -> None:
    source = _copy(SHRINKBENCH, tmp_path)
    frame = pd.read_csv(source / "Results.csv", dtype=str, encoding="utf-8-sig")
    frame.loc[frame["Name"] == "50", "NumTrials"] = cell
    frame.to_csv(source / "Results.csv", index=False)
    with pytest.raises(InputError, match=rf"Results.csv: line \d+ \(row 50\): NumTrials: '{cell}' is not {kind}"):
        import_shrinkbench(source, tmp_path)
    assert list(tmp_path.glob("*.yaml")) == []
