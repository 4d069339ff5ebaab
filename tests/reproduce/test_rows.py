"""Finished runs become atlas rows: seeds aggregated, written as YAML that `pruneatlas validate` accepts."""

from __future__ import annotations

import multiprocessing
import statistics
from pathlib import Path

import pytest

from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.config import make_config
from reproduce.context import RunOptions
from reproduce.experiment import execute
from reproduce.rerun_rows import RowError, validation_errors, write_rows
from reproduce.run_result import RunResult

FAST = {"epochs": 1, "batch_size": 128}


@pytest.fixture(scope="module")
def digits_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[RunResult]]:
    options = RunOptions(runs_dir=tmp_path_factory.mktemp("runs"), progress=False)
    out = {}
    for sparsity in (0.5, 0.8):
        out[str(sparsity)] = [
            execute(make_config("magnitude", "mlp", "digits", sparsity, training=FAST, seed=s), options, "pytest")
            for s in (0, 1)
        ]
    return out


def test_seeds_aggregate_into_one_valid_row(digits_runs, tmp_path: Path) -> None:
    runs = digits_runs["0.5"]
    [path] = write_rows([runs], tmp_path)
    assert validation_errors(path) == []
    paper = PaperFile.model_validate(load_yaml_file(path))
    assert paper.key == path.stem and paper.key.startswith("Rerun") and paper.authors == ["PruneAtlas reproduce"]
    [result] = paper.results
    top1 = [r.top1 for r in runs]
    assert result.conditions.num_runs == 2
    assert result.accuracy.pruned.value == pytest.approx(statistics.fmean(top1), abs=0.005)
    assert result.accuracy.pruned_std.value == pytest.approx(statistics.stdev(top1), abs=0.005)
    assert result.accuracy.baseline.value == pytest.approx(statistics.fmean(r.baseline_top1 for r in runs), abs=0.005)
    assert result.provenance.seeds == [0, 1]
    assert result.provenance.config_hash == runs[0].group_hash
    assert "seed" not in result.provenance.config
    assert result.source.extraction == "rerun"
    assert (result.params.baseline.value, result.flops.unit) == (50610, "MAC")
    assert result.params.pruned.value < result.params.baseline.value
    assert (result.method, result.architecture, result.dataset, result.scope) == (
        "magnitude",
        "mlp-64-300-100-10",
        "digits",
        "global",
    )


def test_a_sweep_fills_one_file_and_a_rerun_replaces_its_own_result(digits_runs, tmp_path: Path) -> None:
    write_rows([digits_runs["0.5"], digits_runs["0.8"]], tmp_path)
    [path] = list(tmp_path.glob("*.yaml"))
    assert len(PaperFile.model_validate(load_yaml_file(path)).results) == 2
    write_rows([digits_runs["0.8"][:1]], tmp_path)  # the same config again, one seed this time
    results = PaperFile.model_validate(load_yaml_file(path)).results
    assert len(results) == 2
    assert [r.conditions.num_runs for r in results] == [2, 1]
    assert validation_errors(path) == []


def test_runs_of_different_configs_cannot_share_a_row(digits_runs, tmp_path: Path) -> None:
    with pytest.raises(RowError, match="only their seeds may differ"):
        write_rows([[digits_runs["0.5"][0], digits_runs["0.8"][0]]], tmp_path)


def test_a_row_that_does_not_validate_is_not_left_behind(digits_runs, tmp_path: Path) -> None:
    broken = [r.model_copy(update={"architecture_id": "no-such-net"}) for r in digits_runs["0.5"]]
    with pytest.raises(RowError, match="unknown architecture"):
        write_rows([broken], tmp_path)
    assert list(tmp_path.glob("*.yaml")) == []


def test_synthetic_data_makes_no_row(run, toy_config, tmp_path: Path) -> None:
    with pytest.raises(RowError, match="not an atlas dataset"):
        write_rows([[run(toy_config("magnitude"))]], tmp_path)


def _write_variants(runs: list[RunResult], out: Path, worker: int, count: int) -> None:
    """One writer process: `count` rows of its own (distinct group hashes), each written on its own."""
    for n in range(count):
        variant = [r.model_copy(update={"group_hash": f"{worker:02d}{n:02d}" + r.group_hash[4:]}) for r in runs]
        write_rows([variant], out, validate=False)


def test_concurrent_writers_to_one_file_lose_no_row(digits_runs, tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=_write_variants, args=(digits_runs["0.5"], tmp_path, worker, 5)) for worker in range(4)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert [w.exitcode for w in writers] == [0, 0, 0, 0]
    [path] = list(tmp_path.glob("*.yaml"))
    assert len(PaperFile.model_validate(load_yaml_file(path)).results) == 20
