"""Filter pruning from the trained network, the same fraction of every prunable layer, then fine-tuning;
filters are removed for real (Torch-Pruning), so counted parameters and MACs fall.

- l1-filter (Li et al. 2017, "PF_EC"): remove the filters with the smallest sum of absolute kernel weights.
  Li et al. choose per-layer rates by sensitivity and skip sensitive layers; here every prunable layer
  gets the target rate (CIFAR ResNets: the first conv of each block only, as Li et al. do).
- fpgm (He et al. 2019): remove the filters nearest the geometric median of the layer's filters,
  approximated (as the paper does) by the filters whose summed Euclidean distance to all others is
  smallest: they are the most replaceable. Applied once after training and fine-tuned (the paper's soft
  pruning during training is not reproduced).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import torch
from torch import nn

from reproduce.methods.base import Method
from reproduce.methods.common import FinetunedConfig, finetune, remove_lowest_per_layer
from reproduce.structured import ChannelPruner, filter_matrix

if TYPE_CHECKING:
    from reproduce.context import Context


def l1_norms(layer: nn.Module, _pruner: ChannelPruner | None = None) -> torch.Tensor:
    return filter_matrix(layer).abs().sum(1)


def geometric_median_distance(layer: nn.Module, _pruner: ChannelPruner | None = None) -> torch.Tensor:
    """For each filter, the sum of its Euclidean distances to every other filter of the layer."""
    filters = filter_matrix(layer).double()
    return torch.cdist(filters, filters).sum(1)


class _FilterMethod(Method):
    granularity: ClassVar[str] = "filter"
    target_kind = "channels"
    fixed_scope = "layerwise"

    def score(self, layer: nn.Module, pruner: ChannelPruner) -> torch.Tensor:
        raise NotImplementedError

    def run(self, ctx: Context, sparsity: float) -> None:
        ctx.pretrain()
        ctx.record("removed_channels", remove_lowest_per_layer(ctx, sparsity, self.score)["removed_channels"])
        ctx.record("top1_before_finetune", ctx.evaluate())
        finetune(ctx, "finetune", self.config.finetune_epochs, self.config.finetune_lr)


class L1FilterConfig(FinetunedConfig):
    method: Literal["l1-filter"]


class L1Filter(_FilterMethod):
    name = "l1-filter"
    config_class = L1FilterConfig
    summary = "L1-norm filter pruning (Li et al. 2017, PF_EC), one-shot, then fine-tuned"
    atlas_method = "l1-filter"

    def score(self, layer: nn.Module, pruner: ChannelPruner) -> torch.Tensor:
        return l1_norms(layer)


class FPGMConfig(FinetunedConfig):
    method: Literal["fpgm"]


class FPGM(_FilterMethod):
    name = "fpgm"
    config_class = FPGMConfig
    summary = "FPGM: filters nearest the geometric median removed (He et al. 2019), then fine-tuned"
    atlas_method = "fpgm"

    def score(self, layer: nn.Module, pruner: ChannelPruner) -> torch.Tensor:
        return geometric_median_distance(layer)
