"""A run's metrics.json is a typed RunResult: a folder written by the untyped code loads, and writes back the same
bytes; a key that is not a result's is an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pydantic
import pytest

from reproduce.run_result import RunResult, finished, store
from reproduce.runs import RunDir


def test_a_folder_written_before_loads_and_writes_back_the_same_file(stored_metrics: Path, tmp_path: Path) -> None:
    run_dir = RunDir(tmp_path / "magnitude-lenet-300-100-digits-04dcef78f882")
    run_dir.path.mkdir()
    shutil.copy(stored_metrics, run_dir.metrics_file)
    result = finished(run_dir)
    assert isinstance(result, RunResult)
    assert result.config.method.method == "magnitude" and result.dense.params == 50610
    assert result.phases["finetune"].epochs == 1 and result.speed.amp is False
    store(run_dir, result)
    assert run_dir.metrics_file.read_text() == stored_metrics.read_text()


def test_a_misspelt_or_missing_key_is_an_error(stored_metrics: Path) -> None:
    data = json.loads(stored_metrics.read_text())
    with pytest.raises(pydantic.ValidationError, match="top_1"):
        RunResult.model_validate({**data, "top_1": data["top1"]})
    del data["baseline_top1"]
    with pytest.raises(pydantic.ValidationError, match="baseline_top1"):
        RunResult.model_validate(data)


def test_an_unfinished_run_has_no_result(tmp_path: Path) -> None:
    run_dir = RunDir(tmp_path)
    assert finished(run_dir) is None
    run_dir.metrics_file.write_text(json.dumps({"status": "running"}))
    assert finished(run_dir) is None
