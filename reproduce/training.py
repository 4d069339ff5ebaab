"""The training loop: one epoch of SGD/Adam over seeded batches, masks re-applied after every step.

Kept deliberately thin (bench/bench_training_loop.py holds it within a few percent of a bare PyTorch loop):
the lr is set per epoch from the phase's schedule (no scheduler state to save), the loss is summed on the
device and checked for NaN every few steps, and the progress bar is advanced in chunks.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from reproduce.data import Batch, Split
from reproduce.hparams import TrainingConfig
from reproduce.masks import Masks

CHECK_EVERY = 16  # steps between NaN checks (a sum is NaN as soon as one term is)


class Diverged(RuntimeError):
    """The loss became NaN or infinite: the run stops, and no row is written."""


StepHook = Callable[[int], None]


@dataclass(frozen=True)
class Speed:
    """How the loop uses an accelerator: bf16 autocast, channels-last images, torch.compile. None of it
    changes what is trained, so it lives in RunOptions, never in the config hash; a run is deterministic
    per seed under one and the same Speed."""

    amp: bool = False  # bf16 autocast of forward and loss (the weights and optimiser stay fp32)
    channels_last: bool = False  # NHWC images and conv weights: Tensor Cores' native layout
    compile: bool = False  # torch.compile the forward (first epochs pay the compilation)

    def autocast(self, device: torch.device) -> contextlib.AbstractContextManager[object]:
        if not self.amp:
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=torch.bfloat16)

    def prepare(self, model: nn.Module) -> nn.Module:
        """The module to call: `model` itself (in NHWC if asked), or its compiled wrapper sharing its
        parameters; the caller keeps `model` for state dicts, masks and structural pruning."""
        if self.channels_last:
            model.to(memory_format=torch.channels_last)
        # torch.compile's stub returns a bare callable; given a module it returns an OptimizedModule (a Module)
        return torch.compile(model) if self.compile else model  # type: ignore[return-value]

    def inputs(self, batches: Iterator[Batch]) -> Iterator[Batch]:
        for xb, yb in batches:
            if self.channels_last and xb.dim() == 4:
                xb = xb.contiguous(memory_format=torch.channels_last)
            yield xb, yb


@dataclass
class EpochStats:
    loss: float
    steps: int


def make_optimizer(model: nn.Module, training: TrainingConfig, lr: float) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    if training.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=training.weight_decay)
    return torch.optim.SGD(
        params,
        lr=lr,
        momentum=training.momentum,
        nesterov=training.nesterov and training.momentum > 0,
        weight_decay=training.weight_decay,
    )


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


@dataclass(frozen=True)
class EpochOptions:
    """How one epoch runs, beyond the model, data and optimizer: its batches, the hooks a method adds, where it
    stops. `first_step` numbers the steps within the phase (for step-indexed schedules such as SWD's
    coefficient); `max_steps` stops early (to recompute a rewinding snapshot); `forward` is what computes the
    outputs (a compiled wrapper of the model; default the model itself)."""

    batch_size: int
    generator: torch.Generator
    device: torch.device
    masks: Masks | None = None
    extra_loss: Callable[[nn.Module], torch.Tensor] | None = None
    after_backward: StepHook | None = None
    first_step: int = 0
    max_steps: int | None = None
    on_step: StepHook | None = None
    progress: Callable[[int], None] | None = None
    where: str = ""
    speed: Speed = field(default_factory=Speed)
    forward: nn.Module | None = None


def train_epoch(model: nn.Module, split: Split, optimizer: torch.optim.Optimizer, how: EpochOptions) -> EpochStats:
    """One pass over `split`."""
    model.train()
    forward = model if how.forward is None else how.forward
    total = torch.zeros((), device=how.device)
    steps = 0
    pending = 0
    for xb, yb in how.speed.inputs(split.batches(how.batch_size, how.generator, how.device)):
        if how.max_steps is not None and steps >= how.max_steps:
            break
        with how.speed.autocast(how.device):
            loss = F.cross_entropy(forward(xb), yb)
        if how.extra_loss is not None:
            loss = loss + how.extra_loss(model)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if how.after_backward is not None:
            how.after_backward(how.first_step + steps)
        optimizer.step()
        if how.masks is not None:
            how.masks.apply()
        total += loss.detach()
        steps += 1
        pending += 1
        if steps % CHECK_EVERY == 0:
            _check(total, how.where, how.first_step + steps)
        if how.on_step is not None:
            how.on_step(how.first_step + steps)
        if how.progress is not None and pending >= 8:
            how.progress(pending)
            pending = 0
    if how.progress is not None and pending:
        how.progress(pending)
    value = _check(total, how.where, how.first_step + steps)
    return EpochStats(loss=value / max(steps, 1), steps=steps)


def _check(total: torch.Tensor, where: str, step: int) -> float:
    value = float(total)
    if not math.isfinite(value):
        raise Diverged(
            f"training diverged ({where}, by step {step}): the loss is {value}. "
            "Lower the learning rate or check the data; no row is written."
        )
    return value


@torch.no_grad()
def evaluate(
    model: nn.Module,
    split: Split,
    batch_size: int,
    device: torch.device,
    speed: Speed = Speed(),
    forward: nn.Module | None = None,
) -> float:
    """Top-1 accuracy in percent."""
    model.eval()
    forward = model if forward is None else forward
    correct = torch.zeros((), dtype=torch.long, device=device)
    seen = 0
    for xb, yb in speed.inputs(split.batches(batch_size, None, device)):
        with speed.autocast(device):
            logits = forward(xb)
        correct += (logits.argmax(1) == yb).sum()
        seen += len(yb)
    return 100.0 * float(correct) / max(seen, 1)
