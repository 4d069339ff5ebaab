"""Run one config to the end (or return it if it already finished) and write its metrics.json."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import torch

from pruneatlas.workers import plain_main
from reproduce.config import RunConfig, dense_hash, dense_identity, group_hash, run_hash
from reproduce.context import Context, RunOptions, derive_seed
from reproduce.counting import count
from reproduce.datasets import load_dataset, split_name
from reproduce.methods import make_method
from reproduce.models import MODELS
from reproduce.models.init import initialise
from reproduce.provenance import git_sha, hardware, versions
from reproduce.run_result import PhaseOutcome, RunResult, store
from reproduce.run_result import finished as stored_result
from reproduce.runs import RunDir, safe_name, save_torch
from reproduce.structured import out_channels


def folder_name(config: RunConfig) -> str:
    dataset = split_name(config.dataset)[0]
    return safe_name(f"{config.method.method}-{config.arch}-{dataset}-{run_hash(config)[:12]}")


def run_dir_for(config: RunConfig, options: RunOptions) -> RunDir:
    return RunDir(options.runs_dir / folder_name(config))


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def execute(config: RunConfig, options: RunOptions, command: str = "") -> RunResult:
    """Run `config`; a finished run is returned from its folder, an interrupted one resumes."""
    run_dir = run_dir_for(config, options)
    finished = stored_result(run_dir)
    if finished is not None:
        return finished
    sha = git_sha()  # the code this process loaded, read before the working tree can move on during the run
    options.device = resolve_device(options.device)
    if options.device.startswith("cuda"):  # CPU kernels are deterministic already (and this import costs seconds)
        torch.use_deterministic_algorithms(True, warn_only=True)
    run_dir.write_json(
        run_dir.config_file,
        {"config": config.model_dump(mode="json"), "hash": run_hash(config), "identity": config.identity()},
    )
    dense_dir = RunDir(options.runs_dir / "_dense" / dense_hash(config)[:16])
    if not dense_dir.config_file.exists():
        dense_dir.write_json(dense_dir.config_file, {"dense": dense_identity(config), "hash": dense_hash(config)})

    wall, cpu = time.perf_counter(), time.process_time()
    method = make_method(config.method)
    spec = MODELS.get(config.arch)
    data = load_dataset(config.dataset, config.data, options.data_root, options.download)
    torch.manual_seed(derive_seed(config.seed, "init"))
    model = spec.build(data.num_classes, data.input_shape, spec.parse_options(config.arch_options))
    if config.training.init != "default":
        initialise(model, config.training.init)
    device = torch.device(options.device)
    model.to(device)
    if device.type != "cpu":
        data.to(device)
    dense_counts = count(model, data.input_shape)
    roots = spec.roots(model)
    roots_before = sum(out_channels(m) for m in roots)
    granularity = method.granularity
    if granularity in ("filter", "channel") and roots and all(isinstance(m, torch.nn.Linear) for m in roots):
        granularity = "neuron"  # channels of a fully connected network are its neurons
    ctx = Context(
        training=config.training,
        seed=config.seed,
        data=data,
        model=model,
        roots=spec.roots,
        run_dir=run_dir,
        dense_dir=dense_dir,
        options=options,
        identity=config.identity(),
    )
    run_dir.log(f"start {folder_name(config)} on {options.device}")

    method.run(ctx, config.sparsity)

    top1 = ctx.evaluate()
    if ctx.baseline is None:
        raise RuntimeError(f"method {method.name} did not record the dense baseline accuracy")
    pruned_counts = count(model, data.input_shape)
    achieved = {
        "weights": pruned_counts.weight_sparsity,
        "params": 1 - pruned_counts.params / dense_counts.params,
        "channels": 1 - sum(out_channels(m) for m in spec.roots(model)) / max(roots_before, 1),
    }[method.target_kind]
    # Phases loaded finished (an earlier session of this run, or a dense phase another run trained) count
    # towards the cost too: wall and CPU time are what the result took, not what this process spent.
    earlier = sum(p.seconds for p in ctx.phases.values()) - ctx.session_seconds
    earlier_cpu = sum(p.cpu_seconds for p in ctx.phases.values()) - ctx.session_cpu_seconds
    metrics = RunResult(
        status="finished",
        config=config,
        run_hash=run_hash(config),
        run_folder=folder_name(config),
        group_hash=group_hash(config),
        seed=config.seed,
        method_label=method.label(),
        target_kind=method.target_kind,
        granularity=granularity,
        target=config.sparsity,
        achieved=achieved,
        baseline_top1=ctx.baseline,
        top1=top1,
        dense=dense_counts,
        pruned=pruned_counts,
        architecture_id=spec.atlas_id(spec.parse_options(config.arch_options), data.input_shape, data.num_classes),
        architecture_modified=spec.modification(data.input_shape, data.num_classes),
        dataset_id=data.atlas_id,
        dataset_note=data.note,
        phases={
            name: PhaseOutcome(
                epochs=p.epochs, top1=p.final_accuracy, seconds=round(p.seconds, 3), stopped_early=p.stopped_early
            )
            for name, p in ctx.phases.items()
        },
        method_metrics=ctx.metrics,
        wall_time_s=round(time.perf_counter() - wall + max(earlier, 0.0), 3),
        cpu_time_s=round(time.process_time() - cpu + max(earlier_cpu, 0.0), 3),
        git_sha=sha,
        versions=versions(),
        hardware=hardware(options.device),
        speed=options.speed,
        command=command,
    )
    save_torch(
        run_dir.path / "final.pt", {"model": model.cpu(), "masks": ctx.masks.state_dict() if ctx.masks else None}
    )
    for folder in ("checkpoints", "snapshots"):
        shutil.rmtree(run_dir.path / folder, ignore_errors=True)
    store(run_dir, metrics)
    run_dir.log(f"finished: top1 {top1:.2f} (dense {ctx.baseline:.2f}), {method.target_kind} sparsity {achieved:.4f}")
    return metrics


def execute_many(configs: Sequence[RunConfig], options: RunOptions, command: str = "") -> list[RunResult]:
    """Run `configs` (in order of the results) with `options.parallel` of them at once, each in a process of
    its own on the same device: a GPU that one small network leaves mostly idle trains several seeds in the
    time of one. Runs that share a dense phase go to the same process, one after the other, so no two
    processes ever train the same phase; every run is the run `execute` would make alone."""
    if options.parallel <= 1 or len(configs) <= 1:
        return [execute(config, options, command) for config in configs]
    lanes: dict[str, list[int]] = {}
    for i, config in enumerate(configs):
        lanes.setdefault(dense_hash(config), []).append(i)
    workers = min(options.parallel, len(lanes))
    quiet = dataclasses.replace(options, progress=False)  # several bars at once would garble the terminal
    threads = max(1, (os.cpu_count() or 1) // workers)
    results: list[RunResult | None] = [None] * len(configs)
    context = multiprocessing.get_context("spawn")  # CUDA cannot be used in a forked child
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=torch.set_num_threads, initargs=(threads,))
    with pool:
        with plain_main():  # every worker starts at a submit
            futures = {
                pool.submit(_execute_lane, [configs[i] for i in lane], quiet, command): lane for lane in lanes.values()
            }
        for future, lane in futures.items():
            for i, metrics in zip(lane, future.result(), strict=True):
                results[i] = metrics
    return [m for m in results if m is not None]


def _execute_lane(configs: list[RunConfig], options: RunOptions, command: str) -> list[RunResult]:
    return [execute(config, options, command) for config in configs]
