"""Random pruning, the control every criterion must beat: random weights (each layer to the target) or
random channels (the same fraction of every prunable layer), from the trained network, then fine-tuned."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import torch

from reproduce.methods.base import Method
from reproduce.methods.common import FinetunedConfig, finetune, mask_by, remove_lowest_per_layer
from reproduce.structured import out_channels

if TYPE_CHECKING:
    from reproduce.context import Context


class RandomConfig(FinetunedConfig):
    method: Literal["random"]


class RandomWeights(Method[RandomConfig]):
    name = "random"
    config_class = RandomConfig
    summary = "random weights, each layer to the target, then fine-tuned"
    atlas_method = "random"
    fixed_scope = "layerwise"

    def run(self, ctx: Context, sparsity: float) -> None:
        ctx.pretrain()
        g = ctx.generator("random-scores")
        masks = ctx.enable_masks()
        scores = {
            n: torch.rand(w.shape, generator=g).to(w.device) for n, w in zip(masks.names, masks.weights, strict=True)
        }
        mask_by(ctx, scores, sparsity, "layerwise")
        finetune(ctx, "finetune", self.config.finetune_epochs, self.config.finetune_lr)


class RandomFilterConfig(FinetunedConfig):
    method: Literal["random-filter"]


class RandomFilters(Method[RandomFilterConfig]):
    name = "random-filter"
    config_class = RandomFilterConfig
    summary = "random channels, the same fraction of every prunable layer, removed, then fine-tuned"
    atlas_method = "random"
    granularity: ClassVar[str] = "filter"
    target_kind = "channels"
    fixed_scope = "layerwise"

    def run(self, ctx: Context, sparsity: float) -> None:
        ctx.pretrain()
        g = ctx.generator("random-channels")
        removed = remove_lowest_per_layer(ctx, sparsity, lambda layer, _p: torch.rand(out_channels(layer), generator=g))
        ctx.record("removed_channels", removed["removed_channels"])
        finetune(ctx, "finetune", self.config.finetune_epochs, self.config.finetune_lr)
