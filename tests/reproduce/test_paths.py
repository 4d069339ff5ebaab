"""reproduce/ builds no paths of its own: datasets, run folders and paper files come from pruneatlas/paths.py and
the atlas folders PRUNEATLAS_DATA names; the proposing paper of a method comes from schema/methods.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from pruneatlas import paths
from pruneatlas.targets import paper_file
from pruneatlas.vocab import load_vocabularies
from reproduce.config import make_config
from reproduce.context import RunOptions
from reproduce.experiment import execute
from reproduce.rerun_rows import build_result


def test_downloads_go_where_pruneatlas_data_root_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRUNEATLAS_DATA_ROOT", str(tmp_path))
    assert paths.datasets_dir() == tmp_path
    monkeypatch.delenv("PRUNEATLAS_DATA_ROOT")
    assert paths.datasets_dir() == paths.cache_dir() / "datasets"


def test_run_folders_default_to_the_projects_runs_dir() -> None:
    assert RunOptions().runs_dir == paths.runs_dir()


def test_paper_files_are_looked_up_in_the_atlas_pruneatlas_data_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert paper_file("Han2015Learning") == paths.PAPERS / "Han2015Learning.yaml"
    monkeypatch.setenv("PRUNEATLAS_DATA", str(tmp_path))
    assert paper_file("Han2015Learning") is None


def test_a_rows_method_paper_is_the_schemas(tmp_path: Path) -> None:
    options = RunOptions(runs_dir=tmp_path, progress=False)
    config = make_config("tom", "mlp", "digits", 0.5, training={"epochs": 1}, method_params={"mask_epochs": 1})
    result = build_result([execute(config, options, "pytest")])
    assert load_vocabularies().methods.by_id["tom"].paper == result.method_paper == "Mikler2021Pruning"
