"""Run folders: determinism, resuming after an interruption, no repeated work, divergence, atomic files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pruneatlas import paths
from reproduce.config import make_config
from reproduce.context import RunOptions
from reproduce.experiment import execute, run_dir_for
from reproduce.run_result import RunResult, finished
from reproduce.training import Diverged

COMPARED = ("top1", "baseline_top1", "achieved", "pruned", "dense", "method_metrics")


def same_result(a: RunResult, b: RunResult) -> None:
    for key in COMPARED:
        assert getattr(a, key) == getattr(b, key), key
    assert {k: v.top1 for k, v in a.phases.items()} == {k: v.top1 for k, v in b.phases.items()}


def test_same_config_and_seed_give_identical_metrics_on_cpu(toy_config, tmp_path: Path) -> None:
    config = toy_config("lottery-ticket", 0.6, method_params={"per_round": 0.5})
    first = execute(config, RunOptions(runs_dir=tmp_path / "a", progress=False))
    second = execute(config, RunOptions(runs_dir=tmp_path / "b", progress=False))
    same_result(first, second)


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("where", [("dense", 1, 6), ("round-2-to-0.6", 1, 7), ("round-1", 0, 2)])
def test_interrupted_mid_epoch_then_resumed_gives_the_uninterrupted_result(toy_config, tmp_path: Path, where) -> None:
    """Killed in the middle of an epoch (after earlier epochs were checkpointed), the rerun resumes and
    ends exactly where an uninterrupted run ends."""
    config = toy_config(
        "lottery-ticket", 0.6, method_params={"per_round": 0.5}, training={"epochs": 2, "batch_size": 64, "lr": 0.05}
    )
    reference = execute(config, RunOptions(runs_dir=tmp_path / "reference", progress=False))

    def fault(phase: str, epoch: int, step: int) -> None:
        if (phase, epoch, step) == where:
            raise Interrupt

    options = RunOptions(runs_dir=tmp_path / "interrupted", progress=False, fault=fault)
    with pytest.raises(Interrupt):
        execute(config, options)
    run_dir = run_dir_for(config, options)
    assert finished(run_dir) is None
    options.fault = None
    resumed = execute(config, options)
    same_result(resumed, reference)
    if where[1] > 0:
        assert "resuming at epoch 2/2" in (run_dir.path / "log.txt").read_text()


def test_a_killed_process_resumes_to_the_same_metrics(tmp_path: Path) -> None:
    """SIGKILL a real `run` once its first checkpoint exists; the rerun finishes with the same metrics."""
    args = [
        "--method",
        "magnitude",
        "--arch",
        "mlp",
        "--arch-option",
        "widths=[256,256]",
        "--dataset",
        "digits",
        "--sparsity",
        "0.8",
        "--epochs",
        "6",
        "--no-row",
        "-q",
    ]
    runs = tmp_path / "killed"
    command = [sys.executable, "-m", "reproduce.commands", "run", *args, "--runs-dir", str(runs)]
    process = subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = None
    deadline = time.monotonic() + 120
    while checkpoint is None and time.monotonic() < deadline and process.poll() is None:
        found = list(runs.glob("_dense/*/checkpoints/dense.pt"))
        checkpoint = found[0] if found else None
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert checkpoint is not None, "the run ended before a checkpoint appeared"
    assert not list(runs.glob("*/metrics.json")), "the run finished before it could be killed"
    # what a kill during a checkpoint write leaves (the kill above lands there only sometimes)
    (checkpoint.parent / f".dense.pt.{process.pid}.k1ll3d.tmp").write_bytes(b"half a checkpoint")
    config = make_config("magnitude", "mlp", "digits", 0.8, arch_options={"widths": [256, 256]}, training={"epochs": 6})
    resumed = execute(config, RunOptions(runs_dir=runs, progress=False))
    reference = execute(config, RunOptions(runs_dir=tmp_path / "reference", progress=False))
    same_result(resumed, reference)
    assert not list(runs.rglob("*.tmp")), "no half-written file is left behind"


def test_a_finished_run_is_not_repeated(toy_config, options: RunOptions, monkeypatch) -> None:
    config = toy_config("magnitude")
    first = execute(config, options)
    from reproduce.methods.magnitude import Magnitude

    monkeypatch.setattr(Magnitude, "run", lambda *_: pytest.fail("a finished run was run again"))
    assert execute(config, options) == first


def test_the_dense_training_is_shared_across_methods_and_sparsities(toy_config, options: RunOptions) -> None:
    a = execute(toy_config("magnitude", 0.5), options)
    b = execute(toy_config("l1-filter", 0.25), options)
    assert len(list((options.runs_dir / "_dense").iterdir())) == 1
    assert a.baseline_top1 == b.baseline_top1
    assert a.phases["dense"] == b.phases["dense"]  # loaded, not retrained (same recorded seconds)


def test_a_diverging_run_stops_with_a_clear_error_and_no_metrics(toy_config, options: RunOptions) -> None:
    config = toy_config("magnitude", training={"epochs": 2, "batch_size": 64, "lr": 1e12, "momentum": 0.9})
    with pytest.raises(Diverged, match=r"diverged.*no row is written"):
        execute(config, options)
    assert finished(run_dir_for(config, options)) is None


def test_every_file_of_a_run_is_complete_json_or_torch(toy_config, options: RunOptions) -> None:
    config = toy_config("magnitude")
    execute(config, options)
    folder = run_dir_for(config, options).path
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "final.pt", "log.txt", "metrics.json"]
    assert json.loads((folder / "config.json").read_text())["identity"]["method"] == {"method": "magnitude"}
    assert not list(options.runs_dir.rglob(".*.tmp"))
