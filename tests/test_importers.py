"""Imports account for every row, keep notes and their meaning, and never touch hand edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from pruneatlas import paths
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
