"""Steps several methods share: fine-tuning, masking by scores, removing channels by per-layer scores."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
from pydantic import Field
from torch import nn

from reproduce.hparams import Phase
from reproduce.masks import choose_masks, magnitude_scores
from reproduce.methods.base import MethodConfig
from reproduce.structured import ChannelPruner, lowest, out_channels, per_layer_count

if TYPE_CHECKING:
    from reproduce.context import Context, PhaseResult

FinetuneLr = Field(None, gt=0, description="Constant fine-tuning lr; default: a tenth of the training lr (Han et al.)")


class FinetunedConfig(MethodConfig):
    """Settings of the methods that prune a trained network once, then fine-tune it."""

    finetune_epochs: int | None = Field(None, ge=0, description="Fine-tuning epochs; default: the training epochs")
    finetune_lr: float | None = FinetuneLr


def grad_of(weight: torch.Tensor) -> torch.Tensor:
    """The gradient a backward pass just left on `weight` (every scored weight takes part in the loss)."""
    if weight.grad is None:
        raise ValueError("a scored weight received no gradient")
    return weight.grad


def finetune(ctx: Context, phase: str, epochs: int | None, lr: float | None) -> PhaseResult:
    training = ctx.training
    return ctx.train(phase, Phase.constant(training.epochs if epochs is None else epochs, lr or training.lr / 10))


def mask_by(ctx: Context, scores: dict[str, torch.Tensor], sparsity: float | dict[str, float], scope: str) -> None:
    """Prune the lowest-scoring prunable weights to `sparsity` (already pruned ones stay pruned); a dict gives
    each layer its own (layer-wise scope)."""
    masks = ctx.enable_masks()
    masks.update(choose_masks(scores, sparsity, scope, masks))


def mask_by_magnitude(ctx: Context, sparsity: float | dict[str, float], scope: str) -> None:
    masks = ctx.enable_masks()
    mask_by(ctx, magnitude_scores(ctx.model, masks.names), sparsity, scope)


def remove_lowest_per_layer(
    ctx: Context, fraction: float, score: Callable[[nn.Module, ChannelPruner], torch.Tensor]
) -> dict[str, int]:
    """Remove the same fraction of output channels from every prunable layer, those scoring lowest."""
    pruner = ctx.channel_pruner()
    plan = {}
    for layer in pruner.roots:
        n = per_layer_count(out_channels(layer), fraction)
        plan[layer] = lowest(score(layer, pruner), n)
    pruner.remove(plan)
    return {"removed_channels": sum(len(v) for v in plan.values())}


def require_batchnorm(ctx: Context, method: str) -> ChannelPruner:
    pruner = ctx.channel_pruner()
    missing = [layer for layer in pruner.roots if pruner.batchnorm_of(layer) is None]
    if missing or not pruner.roots:
        raise ValueError(
            f"{method} scores channels by their batch-norm scale, but {len(missing) or 'all'} prunable layers "
            "of this architecture have no batch norm after them; use an architecture with BN "
            "(resnet*, vgg*-cifar, mobilenet-v2, resnet18/50)"
        )
    return pruner
