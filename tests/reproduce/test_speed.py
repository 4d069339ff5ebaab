"""GPU speed options (bf16 autocast, channels-last, torch.compile, several runs at once) are how a run is
trained, never what: they leave config hashes alone, stay deterministic per seed, and parallel runs give
exactly the runs a serial loop gives. Exercised on the CPU (the CUDA paths are the same calls)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch

from reproduce.config import make_config, run_hash
from reproduce.context import RunOptions
from reproduce.experiment import execute, execute_many, run_dir_for
from reproduce.recipes import RECIPES
from reproduce.runs import load_torch
from reproduce.training import Speed

# Hashes of existing recipes, as released before the speed options existed: they must never move.
PINNED = {
    "tessier2022-lenet5-swd-t99-amax1e4": "2cdca550b8bca439d298acd6c14b68232ea13cfa954280ef42e6a308b749faf7",
    "mikler2021-mlp-tom-96": "77af53f7d38f90dfb831b4cf8aede2ada3bfd18ce67f40361c3e243153479c2a",
    "han2015-lenet-300-100-iterative": "66721ba105dadcae9da2c75ab231527ccbc94fc9b84e84dcc67c8044fa78b350",
}


def test_speed_options_leave_config_hashes_unchanged() -> None:
    for name, expected in PINNED.items():
        assert run_hash(RECIPES[name].run_config()) == expected, name


def _final_weights(options: RunOptions, config) -> dict[str, torch.Tensor]:  # type: ignore[no-untyped-def]
    return load_torch(run_dir_for(config, options).path / "final.pt")["model"].state_dict()


def test_amp_and_channels_last_train_deterministically_per_seed(toy_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = toy_config("magnitude", 0.5)
    speed = Speed(amp=True, channels_last=True)
    first = execute(config, RunOptions(runs_dir=tmp_path / "a", progress=False, speed=speed))
    again = execute(config, RunOptions(runs_dir=tmp_path / "b", progress=False, speed=speed))
    plain = execute(config, RunOptions(runs_dir=tmp_path / "c", progress=False))
    assert first.top1 == again.top1 and first.baseline_top1 == again.baseline_top1
    a = _final_weights(RunOptions(runs_dir=tmp_path / "a"), config)
    b = _final_weights(RunOptions(runs_dir=tmp_path / "b"), config)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert dataclasses.asdict(first.speed) == {"amp": True, "channels_last": True, "compile": False}
    assert dataclasses.asdict(plain.speed) == {"amp": False, "channels_last": False, "compile": False}
    assert first.run_folder == plain.run_folder  # same run, same folder name: speed is not identity
    assert a["conv1.weight"].is_contiguous(memory_format=torch.channels_last)


def test_autocast_runs_the_forward_in_bf16() -> None:
    layer = torch.nn.Linear(4, 2)
    with Speed(amp=True).autocast(torch.device("cpu")):
        assert layer(torch.randn(3, 4)).dtype == torch.bfloat16
    with Speed().autocast(torch.device("cpu")):
        assert layer(torch.randn(3, 4)).dtype == torch.float32


def test_parallel_runs_equal_serial_runs(tmp_path: Path) -> None:
    # A registered architecture: the worker processes are spawned and do not see the tests' toy model.
    configs = [
        make_config(
            "magnitude",
            "mlp",
            "synthetic",
            0.5,
            seed=seed,
            arch_options={"widths": [16]},
            training={"epochs": 1, "batch_size": 64, "lr": 0.05},
            data={"train_subset": 256, "test_subset": 128},
        )
        for seed in (0, 1)
    ]
    serial = RunOptions(runs_dir=tmp_path / "serial", progress=False)
    parallel = dataclasses.replace(serial, runs_dir=tmp_path / "parallel", parallel=2)
    one = [execute(c, serial) for c in configs]
    both = execute_many(configs, parallel)
    assert [m.seed for m in both] == [0, 1]
    for s, p, config in zip(one, both, configs, strict=True):
        assert (s.top1, s.baseline_top1, s.run_folder) == (p.top1, p.baseline_top1, p.run_folder)
        ws, wp = _final_weights(serial, config), _final_weights(parallel, config)
        assert all(torch.equal(ws[k], wp[k]) for k in ws)


@pytest.mark.slow
def test_compiled_forward_trains_the_same_parameters(toy_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = toy_config("magnitude", 0.5)
    compiled = execute(config, RunOptions(runs_dir=tmp_path / "c", progress=False, speed=Speed(compile=True)))
    assert compiled.speed.compile is True
    weights = _final_weights(RunOptions(runs_dir=tmp_path / "c"), config)
    assert not any(k.startswith("_orig_mod") for k in weights)  # the state dict is the plain model's
    assert compiled.achieved == pytest.approx(0.5, abs=0.02)


def test_gpu_benchmark_measures_both_loops_on_the_cpu() -> None:
    from bench.bench_gpu_training import WORKLOADS, bare_crop_flip, measure

    x = torch.arange(2 * 3 * 32 * 32, dtype=torch.float32).view(2, 3, 32, 32)
    assert bare_crop_flip(x).shape == x.shape
    figures = measure("lenet300-mnist", WORKLOADS["lenet300-mnist"], 256, torch.device("cpu"), Speed(), rounds=1)
    assert figures["bare img/s"] > 0 and figures["ours img/s"] > 0
    assert figures["ratio"] == pytest.approx(figures["ours img/s"] / figures["bare img/s"])
    assert figures["ours CPU-s/epoch (full)"] > 0


def test_run_command_takes_the_speed_options_and_parallel_seeds(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reproduce.commands import group

    args = ["run", "-m", "magnitude", "-a", "mlp", "-d", "digits", "-s", "0.9", "--epochs", "1", "--seed", "0",
            "--seed", "1", "--amp", "--channels-last", "--parallel-seeds", "2", "--no-row",
            "--runs-dir", str(tmp_path / "runs"), "-q"]  # fmt: skip
    result = CliRunner().invoke(group, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [line.split(": seed ")[1][0] for line in result.output.splitlines() if ": seed " in line] == ["0", "1"]
    speeds = [json.loads(f.read_text())["speed"] for f in (tmp_path / "runs").glob("*/metrics.json")]
    assert speeds == [{"amp": True, "channels_last": True, "compile": False}] * 2
