"""Selective Weight Decay (Tessier et al. 2022; reference: swd-tessier2022.md, section a).

Train from scratch with an extra decay a * mu * w on the weights the pruning criterion would remove *at
the current step* (w*), where a grows exponentially over the iterations,

    a(s) = a_min * (a_max / a_min) ** (s / s_final),    s = mini-batch index, s_final = epochs * batches,

then remove w* once at the end, with no fine-tuning. The term is added to the gradient (the gradient of
0.5 * a * mu * w^2, as the authors' code does), on top of the optimiser's ordinary weight decay.

- `swd`: w* = the fraction T of prunable weights with the smallest |w|, one global threshold, recomputed
  every step (the authors also include biases and BN; we select over the conv and linear weights).
- `swd-structured`: the structures are channels scored by their BN |gamma|; w* = (gamma, beta) of the
  lowest-|gamma| channels, as many as remove a fraction T of the *whole network's* parameters counting what
  goes with each channel (filter, BN, next layer's inputs). Per step that count is additive per channel;
  the final removal finds the exact number by bisection on real removals. Channels are removed for real.
  The authors add a BN after every residual addition to prune block outputs too; here only the layers
  inside blocks are pruned (ModelSpec.roots).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, ClassVar, Literal

import torch
from pydantic import Field

from reproduce.counting import count, prunable_weights, weight_of
from reproduce.hparams import Phase
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import mask_by_magnitude, require_batchnorm
from reproduce.structured import ChannelPruner

if TYPE_CHECKING:
    from reproduce.context import Context


def coefficient(step: int, total: int, a_min: float, a_max: float) -> float:
    """a(s) = a_min * (a_max / a_min) ** (s / s_final): a_min at the first step, a_max at s_final."""
    return a_min * (a_max / a_min) ** (step / max(total, 1))


@torch.no_grad()
def add_selective_decay(weights: list[torch.nn.Parameter], k: int, coeff: float) -> None:
    """grad += coeff * w for the k weights of smallest magnitude across all `weights` (one global threshold):
    the gradient of 0.5 * coeff * ||w*||^2."""
    if k == 0:
        return
    threshold = torch.kthvalue(torch.cat([w.detach().abs().flatten() for w in weights]), k).values
    for w in weights:
        if w.grad is not None:
            w.grad.add_(w * (w.abs() <= threshold), alpha=coeff)


class SWDConfig(MethodConfig):
    method: Literal["swd"]
    a_min: float = Field(0.1, gt=0)
    a_max: float = Field(1e5, gt=0)
    mu: float = Field(5e-4, ge=0, description="Weight of the selective decay (mu in Eq. 2)")


class SWD(Method[SWDConfig]):
    name = "swd"
    config_class = SWDConfig
    summary = "selective weight decay on the weights that would be pruned, growing a_min -> a_max; no fine-tuning"
    atlas_method = "swd"
    fixed_schedule: ClassVar[str] = "during_training"
    fixed_scope = "global"

    def label(self) -> str:
        return f"SWD (unstructured, a {self.config.a_min:g} -> {self.config.a_max:g})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        ctx.dense_baseline()
        weights = [w for _, w in prunable_weights(ctx.model)]  # nothing is masked while training
        total = ctx.training.epochs * ctx.data.train.num_batches(ctx.training.batch_size)
        k = round(sparsity * sum(w.numel() for w in weights))
        used: list[float] = []

        def selective_decay(step: int) -> None:
            a = coefficient(step, total, cfg.a_min, cfg.a_max)
            used.append(a)
            add_selective_decay(weights, k, a * cfg.mu)

        ctx.train("swd", Phase.full(ctx.training), after_backward=selective_decay)
        if used:
            ctx.record("a_first_step", used[0])
            ctx.record("a_last_step", used[-1])
        ctx.record("top1_before_removal", ctx.evaluate())
        mask_by_magnitude(ctx, sparsity, "global")


class SWDStructuredConfig(MethodConfig):
    method: Literal["swd-structured"]
    a_min: float = Field(100.0, gt=0)
    a_max: float = Field(1e6, gt=0)
    mu: float = Field(5e-4, ge=0)


def lowest_gamma_order(bns: list[torch.nn.Module]) -> list[tuple[int, int]]:
    """All (layer, channel) pairs by ascending |gamma|, never a layer's last channel."""
    gammas = [weight_of(bn).detach().abs().cpu() for bn in bns]
    flat = torch.cat(gammas)
    owner = torch.cat([torch.full((len(g),), i) for i, g in enumerate(gammas)])
    local = torch.cat([torch.arange(len(g)) for g in gammas])
    left = [len(g) for g in gammas]
    order: list[tuple[int, int]] = []
    for index in torch.argsort(flat, stable=True).tolist():
        layer = int(owner[index])
        if left[layer] > 1:
            order.append((layer, int(local[index])))
            left[layer] -= 1
    return order


class SWDStructured(Method[SWDStructuredConfig]):
    name = "swd-structured"
    config_class = SWDStructuredConfig
    summary = (
        "structured SWD: selective decay on the BN (gamma, beta) of the channels that would go; removed at the end"
    )
    atlas_method = "swd"
    granularity: ClassVar[str] = "channel"
    fixed_schedule: ClassVar[str] = "during_training"
    target_kind = "params"
    fixed_scope = "global"

    def label(self) -> str:
        return f"SWD (structured, a {self.config.a_min:g} -> {self.config.a_max:g})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        pruner = require_batchnorm(ctx, self.name)
        ctx.dense_baseline()
        bns: list[torch.nn.Module] = list(pruner.root_batchnorms())
        budget = sparsity * count(ctx.model, ctx.data.input_shape).params
        costs = [pruner.params_removed(layer, 0) for layer in pruner.roots]
        total = ctx.training.epochs * ctx.data.train.num_batches(ctx.training.batch_size)

        def selective_decay(step: int) -> None:
            a = coefficient(step, total, cfg.a_min, cfg.a_max)
            spent = 0.0
            picked: list[list[int]] = [[] for _ in bns]
            for layer, channel in lowest_gamma_order(bns):
                if spent >= budget:
                    break
                picked[layer].append(channel)
                spent += costs[layer]
            with torch.no_grad():
                for bn, chans in zip(bns, picked, strict=True):
                    weight, bias = weight_of(bn), weight_of(bn, "bias")
                    if chans and weight.grad is not None and bias.grad is not None:
                        idx = torch.tensor(chans, device=weight.device)
                        weight.grad[idx] += a * cfg.mu * weight[idx]
                        bias.grad[idx] += a * cfg.mu * bias[idx]

        ctx.train("swd", Phase.full(ctx.training), after_backward=selective_decay)
        ctx.record("top1_before_removal", ctx.evaluate())
        self._remove(ctx, sparsity)

    def _remove(self, ctx: Context, sparsity: float) -> None:
        """Remove the k lowest-|gamma| channels, k the smallest that removes `sparsity` of all parameters."""
        dense = count(ctx.model, ctx.data.input_shape).params
        pruner = ctx.channel_pruner()
        order = lowest_gamma_order(list(pruner.root_batchnorms()))

        def removed_fraction(k: int) -> float:
            trial = copy.deepcopy(ctx.model)
            _apply(ctx, trial, order[:k])
            return 1 - count(trial, ctx.data.input_shape).params / dense

        lo, hi = 0, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            if removed_fraction(mid) >= sparsity - 1e-9:
                hi = mid
            else:
                lo = mid + 1
        _apply(ctx, ctx.model, order[:lo])
        ctx.record("removed_channels", lo)


def _apply(ctx: Context, model: torch.nn.Module, channels: list[tuple[int, int]]) -> None:
    pruner = ChannelPruner(model, ctx.roots(model), ctx.example_input())
    plan: dict[torch.nn.Module, list[int]] = {layer: [] for layer in pruner.roots}
    for layer, channel in channels:
        plan[pruner.roots[layer]].append(channel)
    pruner.remove(plan)
