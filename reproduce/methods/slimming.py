"""Network slimming (Liu et al. 2017): train with an L1 penalty on the batch-norm scales, remove the
channels whose |gamma| is smallest under one global threshold, fine-tune.

The penalty is applied as its subgradient, lambda * sign(gamma), added to gamma's gradient (lambda = 1e-4
as the reference implementations use on CIFAR). The target is the fraction of all prunable channels
removed; a layer always keeps at least one channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import torch
from pydantic import Field

from reproduce.counting import weight_of
from reproduce.hparams import Phase
from reproduce.methods.base import Method
from reproduce.methods.common import FinetunedConfig, finetune, require_batchnorm
from reproduce.structured import out_channels

if TYPE_CHECKING:
    from reproduce.context import Context


def global_lowest_channels(gammas: list[torch.Tensor], fraction: float) -> list[list[int]]:
    """Per layer, the channels under one global |gamma| threshold that removes `fraction` of all channels,
    never a layer's last channel."""
    flat = torch.cat([g.abs().cpu() for g in gammas])
    layer_of = torch.cat([torch.full((len(g),), i) for i, g in enumerate(gammas)])
    order = torch.argsort(flat, stable=True)
    budget = round(fraction * len(flat))
    left = [len(g) for g in gammas]
    chosen: list[list[int]] = [[] for _ in gammas]
    offsets = [0]
    for g in gammas:
        offsets.append(offsets[-1] + len(g))
    for index in order.tolist():
        if budget == 0:
            break
        layer = int(layer_of[index])
        if left[layer] > 1:
            chosen[layer].append(index - offsets[layer])
            left[layer] -= 1
            budget -= 1
    return chosen


class SlimmingConfig(FinetunedConfig):
    method: Literal["network-slimming"]
    l1: float = Field(1e-4, ge=0, description="lambda of the L1 penalty on BN scales")


class NetworkSlimming(Method[SlimmingConfig]):
    name = "network-slimming"
    config_class = SlimmingConfig
    summary = "network slimming: L1 on BN scales during training, global |gamma| threshold, fine-tuned"
    atlas_method = "network-slimming"
    granularity: ClassVar[str] = "channel"
    target_kind = "channels"
    fixed_scope = "global"

    def run(self, ctx: Context, sparsity: float) -> None:
        pruner = require_batchnorm(ctx, self.name)
        ctx.dense_baseline()
        gammas = [weight_of(bn) for bn in pruner.root_batchnorms()]
        l1 = self.config.l1

        def penalty(_step: int) -> None:
            with torch.no_grad():
                for g in gammas:
                    if g.grad is not None:
                        g.grad.add_(torch.sign(g), alpha=l1)

        ctx.train("sparsity-training", Phase.full(ctx.training), after_backward=penalty)
        pruner = ctx.channel_pruner()
        gammas = [weight_of(bn).detach() for bn in pruner.root_batchnorms()]
        chosen = global_lowest_channels(gammas, sparsity)
        pruner.remove(dict(zip(pruner.roots, chosen, strict=True)))
        ctx.record("removed_channels", sum(map(len, chosen)))
        ctx.record("channels_per_layer", [out_channels(layer) for layer in pruner.roots])
        ctx.record("top1_before_finetune", ctx.evaluate())
        finetune(ctx, "finetune", self.config.finetune_epochs, self.config.finetune_lr)
