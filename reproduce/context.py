"""What a method sees while it runs: the model, the data, masks, and `train()` phases that checkpoint
after every epoch and resume.

Resuming works by replay. A method's `run()` is plain imperative code (train, prune, rewind, train...);
after an interruption it runs again from the top. Each `train(phase)` whose checkpoint says "done" just
loads that phase's end state instead of training; the unfinished one continues from its last epoch; the
code between phases (pruning, rewinding) re-executes on exactly the same state and so gives the same
masks and the same structure. Every epoch draws its batch order from a generator seeded by (seed, phase,
epoch), so a replayed epoch is the epoch that was interrupted.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from pruneatlas import paths
from pruneatlas.atomic import remove_orphaned_temps
from reproduce.data import Batch, DataBundle
from reproduce.hparams import Phase, TrainingConfig
from reproduce.identity import sha256, shared
from reproduce.masks import Masks
from reproduce.runs import RunDir, load_torch, save_torch
from reproduce.structured import ChannelPruner
from reproduce.training import EpochOptions, EpochStats, Speed, StepHook, evaluate, make_optimizer, set_lr, train_epoch

Fault = Callable[[str, int, int], None]


def derive_seed(seed: int, *names: object) -> int:
    """A 62-bit seed for one purpose ("init", a phase and epoch...): independent streams, stable forever."""
    text = "/".join(map(str, (seed, *names)))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 2


@dataclass
class RunOptions:
    """How and where to run: none of it changes the result, so none of it is in the config hash."""

    runs_dir: Path = field(default_factory=paths.runs_dir)
    data_root: Path | None = None
    download: bool = True
    device: str = "cpu"
    speed: Speed = field(default_factory=Speed)  # bf16 autocast, channels-last, torch.compile
    parallel: int = 1  # runs (e.g. seeds) trained at once in separate processes on the device
    progress: bool = True
    fault: Fault | None = None  # tests: called as (phase, epoch, step) after every step


@dataclass
class PhaseResult:
    name: str
    accuracies: list[float] = field(default_factory=list)  # test top-1 after each epoch
    losses: list[float] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    monitor: list[float] = field(default_factory=list)  # what a stopping rule measured after each epoch
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.accuracies)

    @property
    def final_accuracy(self) -> float | None:
        return self.accuracies[-1] if self.accuracies else None


class Context:
    def __init__(
        self,
        *,
        training: TrainingConfig,
        seed: int,
        data: DataBundle,
        model: nn.Module,
        roots: Callable[[nn.Module], list[nn.Module]],
        run_dir: RunDir,
        dense_dir: RunDir,
        options: RunOptions,
        identity: dict[str, Any] | None = None,
    ) -> None:
        self.training, self.seed, self.data, self.model = training, seed, data, model
        self.identity = identity or {}  # the run config's identity (RunConfig.identity), for shared_dir
        self.roots = roots
        self.run_dir, self.dense_dir, self.options = run_dir, dense_dir, options
        self.device = torch.device(options.device)
        self.forward = options.speed.prepare(model)  # what computes outputs in training and evaluation
        self.masks: Masks | None = None
        self.baseline: float | None = None
        self.metrics: dict[str, Any] = {}
        self.phases: dict[str, PhaseResult] = {}
        self.session_seconds = 0.0  # training time spent in this process (the rest came from checkpoints)
        self.session_cpu_seconds = 0.0  # likewise in CPU seconds

    # ---- small services -------------------------------------------------------------------------------
    def generator(self, *names: object) -> torch.Generator:
        return torch.Generator().manual_seed(derive_seed(self.seed, *names))

    def record(self, key: str, value: Any) -> None:
        self.metrics[key] = value

    def log(self, message: str) -> None:
        self.run_dir.log(message)

    def evaluate(self) -> float:
        return evaluate(
            self.model, self.data.test, self.training.test_batch_size, self.device, self.options.speed, self.forward
        )

    def example_input(self) -> torch.Tensor:
        return torch.randn(2, *self.data.input_shape, generator=self.generator("example")).to(self.device)

    def sample_batches(self, n: int, name: str, batch_size: int | None = None) -> list[Batch]:
        """The first `n` training batches in an order seeded by `name` (SNIP, GraSP, flow statistics)."""
        out: list[Batch] = []
        for batch in self.data.train.batches(batch_size or self.training.batch_size, self.generator(name), self.device):
            out.append(batch)
            if len(out) == n:
                break
        return out

    def enable_masks(self) -> Masks:
        if self.masks is None:
            self.masks = Masks(self.model)
        return self.masks

    def shared_dir(self, purpose: str, drop: Sequence[str]) -> RunDir:
        """A folder shared by every run whose config differs from this one only in the `drop` keys (dotted,
        e.g. "method.ticket_control"): work they have in common, such as the pruning rounds that find one
        ticket for several controls, is done once and then loaded, as the dense phase is."""
        return RunDir(self.options.runs_dir / f"_{purpose}" / sha256(shared(self.identity, drop))[:16])

    def channel_pruner(self) -> ChannelPruner:
        return ChannelPruner(self.model, self.roots(self.model), self.example_input())

    def state(self) -> dict[str, Any]:
        return {
            "model": copy.deepcopy(self.model.state_dict()),
            "masks": self.masks.state_dict() if self.masks is not None else None,
        }

    def load_state(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        if state.get("masks") is not None:
            self.enable_masks().load_state_dict(state["masks"])

    def rewind(self, weights: dict[str, torch.Tensor]) -> None:
        """Load earlier weights (and BN statistics) but keep the current masks."""
        self.model.load_state_dict(weights)
        if self.masks is not None:
            self.masks.apply()

    # ---- training phases ------------------------------------------------------------------------------
    def train(
        self,
        phase: str,
        schedule: Phase,
        *,
        extra_loss: Callable[[nn.Module], torch.Tensor] | None = None,
        after_backward: StepHook | None = None,
        monitor: Callable[[int, float], tuple[float, bool]] | None = None,
        snapshot_steps: Sequence[int] = (),
        store: RunDir | None = None,
    ) -> PhaseResult:
        """Train `self.model` for one phase, or load the phase's end state if it already finished.

        `monitor(epoch, top1)` runs after each epoch and returns (a value to keep, whether to stop now).
        """
        store = store or self.run_dir
        remove_orphaned_temps(store.path)  # left by a process killed mid-write; the files they shadow are whole
        path = store.checkpoint(phase)
        start = self.state() if snapshot_steps else None
        optimizer = make_optimizer(self.model, self.training, schedule.lr)
        result = PhaseResult(phase)
        first_epoch = 0
        if path.exists():
            ckpt = load_torch(path)
            self.load_state(ckpt)
            result = PhaseResult(**ckpt["result"])
            if ckpt["done"]:
                self._ensure_snapshots(store, phase, schedule, start, snapshot_steps, extra_loss, after_backward)
                self.phases[phase] = result
                return result
            optimizer.load_state_dict(ckpt["optimizer"])
            first_epoch = ckpt["epoch"]
            self.log(f"{phase}: resuming at epoch {first_epoch + 1}/{schedule.epochs}")
        if start is not None and 0 in snapshot_steps and not store.snapshot(phase, 0).exists():
            save_torch(store.snapshot(phase, 0), start)  # the state this phase started from
        per_epoch = self.data.train.num_batches(self.training.batch_size)
        done = schedule.epochs == 0
        bar = tqdm(
            total=schedule.epochs * per_epoch,
            initial=first_epoch * per_epoch,
            desc=phase,
            unit="batch",
            leave=False,
            disable=not self.options.progress,
            dynamic_ncols=True,
        )
        try:
            for epoch in range(first_epoch, schedule.epochs):
                wall, cpu = time.perf_counter(), time.process_time()
                stats = self._epoch(
                    phase,
                    epoch,
                    optimizer,
                    schedule,
                    extra_loss,
                    after_backward,
                    on_step=self._step_hook(store, phase, epoch, set(snapshot_steps) - {0}),
                    progress=bar.update,
                    where=f"{phase}, epoch {epoch + 1}",
                )
                accuracy = self.evaluate()
                result.accuracies.append(accuracy)
                result.losses.append(stats.loss)
                result.steps += stats.steps
                result.seconds += time.perf_counter() - wall
                self.session_seconds += time.perf_counter() - wall
                result.cpu_seconds += time.process_time() - cpu
                self.session_cpu_seconds += time.process_time() - cpu
                stopped = False
                if monitor is not None:
                    value, wants_stop = monitor(epoch, accuracy)
                    result.monitor.append(value)
                    stopped = wants_stop and epoch + 1 < schedule.epochs
                result.stopped_early = stopped
                done = stopped or epoch + 1 == schedule.epochs
                bar.set_postfix(loss=f"{stats.loss:.3f}", top1=f"{accuracy:.2f}")
                self._save(path, optimizer, epoch + 1, done, result)
                self.log(
                    f"{phase}: epoch {epoch + 1}/{schedule.epochs} loss {stats.loss:.4f} top1 {accuracy:.2f}"
                    + (" (stopping rule met)" if stopped else "")
                )
                if done:
                    break
        finally:
            bar.close()
        if schedule.epochs == 0:
            self._save(path, optimizer, 0, True, result)
        self._ensure_snapshots(store, phase, schedule, start, snapshot_steps, extra_loss, after_backward)
        self.phases[phase] = result
        return result

    def pretrain(self, snapshot_steps: Sequence[int] = ()) -> PhaseResult:
        """Train the dense network for the full schedule (shared across methods and sparsities) and take
        its accuracy as the row's baseline."""
        result = self.train("dense", Phase.full(self.training), snapshot_steps=snapshot_steps, store=self.dense_dir)
        self.baseline = result.final_accuracy
        return result

    def dense_baseline(self) -> float | None:
        """The dense accuracy for methods that train differently from the start (slimming, SWD, pruning at
        initialisation): the shared dense phase on a copy, leaving the current model as it was."""
        saved = self.state()
        self.pretrain()
        self.load_state(saved)
        return self.baseline

    def snapshot(self, phase: str, step: int, store: RunDir | None = None) -> dict[str, torch.Tensor]:
        """Weights saved at `step` of `phase` (requested with train(..., snapshot_steps=[step]))."""
        return load_torch((store or self.run_dir).snapshot(phase, step))["model"]

    def dense_snapshot(self, step: int) -> dict[str, torch.Tensor]:
        return self.snapshot("dense", step, self.dense_dir)

    # ---- internals ------------------------------------------------------------------------------------
    def _step_hook(self, store: RunDir, phase: str, epoch: int, snapshot_steps: set[int]) -> StepHook | None:
        fault = self.options.fault
        if not snapshot_steps and fault is None:
            return None

        def hook(step: int) -> None:
            if step in snapshot_steps:
                save_torch(store.snapshot(phase, step), self.state())
            if fault is not None:
                fault(phase, epoch, step)

        return hook

    def _epoch(
        self,
        phase: str,
        epoch: int,
        optimizer: torch.optim.Optimizer,
        schedule: Phase,
        extra_loss: Callable[[nn.Module], torch.Tensor] | None,
        after_backward: StepHook | None,
        **how: Any,
    ) -> EpochStats:
        """One epoch of `phase` with its lr and seeds: training and replaying must draw the same batches."""
        set_lr(optimizer, schedule.lr_at(epoch))
        torch.manual_seed(derive_seed(self.seed, phase, epoch, "torch"))
        options = EpochOptions(
            batch_size=self.training.batch_size,
            generator=self.generator(phase, epoch),
            device=self.device,
            masks=self.masks,
            extra_loss=extra_loss,
            after_backward=after_backward,
            first_step=epoch * self.data.train.num_batches(self.training.batch_size),
            speed=self.options.speed,
            forward=self.forward,
            **how,
        )
        return train_epoch(self.model, self.data.train, optimizer, options)

    def _save(self, path: Path, optimizer: torch.optim.Optimizer, epoch: int, done: bool, result: PhaseResult) -> None:
        save_torch(
            path,
            {
                **self.state(),
                "epoch": epoch,
                "done": done,
                "result": asdict(result),
                "optimizer": None if done else optimizer.state_dict(),
            },
        )

    def _ensure_snapshots(
        self,
        store: RunDir,
        phase: str,
        schedule: Phase,
        start: dict[str, Any] | None,
        steps: Sequence[int],
        extra_loss: Callable[[nn.Module], torch.Tensor] | None,
        after_backward: StepHook | None,
    ) -> None:
        """A finished phase (e.g. the shared dense one) may lack a snapshot this method needs: replay the
        phase from its start up to that step, which the seeded batches make exact, then restore."""
        missing = sorted(s for s in steps if not store.snapshot(phase, s).exists())
        if not missing or start is None:
            return
        end = self.state()
        self.load_state(start)
        if 0 in missing:
            save_torch(store.snapshot(phase, 0), self.state())
        optimizer = make_optimizer(self.model, self.training, schedule.lr)
        per_epoch = self.data.train.num_batches(self.training.batch_size)
        last = max(missing)
        for epoch in range(schedule.epochs):
            if epoch * per_epoch >= last:
                break
            self._epoch(
                phase,
                epoch,
                optimizer,
                schedule,
                extra_loss,
                after_backward,
                max_steps=last - epoch * per_epoch,
                on_step=self._step_hook(store, phase, epoch, set(missing)),
                where=f"{phase} (replaying to step {last})",
            )
        self.load_state(end)
