"""Pruning at initialisation: score every weight of the untrained network, mask once (globally), then
train the sparse network for the whole schedule. The row's baseline is the same architecture trained
dense from the same initialisation.

- SNIP (Lee et al. 2019): s = |w * dL/dw| on a batch (Mikler's L209: "s = |w ⊙ g|").
- SynFlow (Tanaka et al. 2020): data-free; s = |w * dR/dw| with R the sum of the output of the network
  with all weights replaced by their absolute values, on an all-ones input; repeated over 100 rounds with
  an exponential sparsity schedule, re-scoring after each.
- GraSP (Wang et al. 2020): keep the gradient flow; s = w * (H g), the weights whose removal reduces the
  gradient norm least are pruned (the lowest w * Hg, i.e. the highest -w * Hg, as in the official code).
"""

from __future__ import annotations

import copy
import functools
import operator
from typing import TYPE_CHECKING, ClassVar, Literal

import torch
import torch.nn.functional as F
from pydantic import Field
from torch import nn

from reproduce.hparams import Phase
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import grad_of, mask_by

if TYPE_CHECKING:
    from reproduce.context import Context


def _named(model: nn.Module, names: list[str]) -> list[nn.Parameter]:
    params = dict(model.named_parameters())
    return [params[n] for n in names]


def snip_scores(
    model: nn.Module, names: list[str], batches: list[tuple[torch.Tensor, torch.Tensor]]
) -> dict[str, torch.Tensor]:
    """|w * g| with g the gradient of the cross-entropy summed over `batches`."""
    weights = _named(model, names)
    model.zero_grad(set_to_none=True)
    for x, y in batches:
        F.cross_entropy(model(x), y).backward()
    scores = {n: (w.detach() * grad_of(w)).abs() for n, w in zip(names, weights, strict=True)}
    model.zero_grad(set_to_none=True)
    return scores


def synflow_scores(
    model: nn.Module, names: list[str], input_shape: tuple[int, ...], net: nn.Module | None = None
) -> dict[str, torch.Tensor]:
    """|w * dR/dw| for R = 1^T (prod |W|) 1, in double precision on a copy whose state is |state| (pass that
    copy as `net` to reuse it across rounds; its weights are refreshed from `model`)."""
    if net is None:
        net = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        for value, source in zip(net.state_dict().values(), model.state_dict().values(), strict=True):
            if value.is_floating_point():
                value.copy_(source.abs())
    weights = _named(net, names)
    net.zero_grad(set_to_none=True)
    device = weights[0].device
    net(torch.ones(1, *input_shape, dtype=torch.float64, device=device)).sum().backward()
    return {n: (w.detach() * grad_of(w)).abs().float() for n, w in zip(names, weights, strict=True)}


def grasp_scores(
    model: nn.Module, names: list[str], batches: list[tuple[torch.Tensor, torch.Tensor]], temperature: float
) -> dict[str, torch.Tensor]:
    """w * Hg: g the gradient of the loss, Hg the Hessian-gradient product by double backward."""
    weights = _named(model, names)
    model.zero_grad(set_to_none=True)
    grads = [torch.zeros_like(w) for w in weights]
    for x, y in batches:
        g = torch.autograd.grad(F.cross_entropy(model(x) / temperature, y), weights)
        grads = [a + b.detach() for a, b in zip(grads, g, strict=True)]
    hg = [torch.zeros_like(w) for w in weights]
    for x, y in batches:
        g = torch.autograd.grad(F.cross_entropy(model(x) / temperature, y), weights, create_graph=True)
        z = functools.reduce(operator.add, ((a * b).sum() for a, b in zip(g, grads, strict=True)))
        hg = [a + b for a, b in zip(hg, torch.autograd.grad(z, weights), strict=True)]
    return {n: (w.detach() * h).float() for n, w, h in zip(names, weights, hg, strict=True)}


class _AtInit(Method):
    fixed_schedule: ClassVar[str] = "at_init"
    fixed_scope = "global"

    def prune(self, ctx: Context, sparsity: float) -> None:
        raise NotImplementedError

    def run(self, ctx: Context, sparsity: float) -> None:
        ctx.dense_baseline()
        initial = ctx.state()["model"]
        self.prune(ctx, sparsity)
        ctx.rewind(initial)  # scoring forward passes must not move BN statistics: train from the true init
        ctx.record("weight_sparsity_at_init", ctx.enable_masks().sparsity())
        ctx.train("train", Phase.full(ctx.training))


class SnipConfig(MethodConfig):
    method: Literal["snip"]
    batches: int = Field(1, ge=1, description="Batches the gradient is summed over")


class Snip(_AtInit):
    name = "snip"
    config_class = SnipConfig
    summary = "SNIP: connection sensitivity |w * grad| at initialisation, then training"
    atlas_method = "snip"

    def prune(self, ctx: Context, sparsity: float) -> None:
        masks = ctx.enable_masks()
        batches = ctx.sample_batches(self.config.batches, "snip")
        mask_by(ctx, snip_scores(ctx.model, masks.names, batches), sparsity, "global")


class SynFlowConfig(MethodConfig):
    method: Literal["synflow"]
    rounds: int = Field(100, ge=1, description="Scoring rounds; sparsity grows exponentially over them")


class SynFlow(_AtInit):
    name = "synflow"
    config_class = SynFlowConfig
    summary = "SynFlow: iterative data-free synaptic-flow scores at initialisation, then training"
    atlas_method = "synflow"

    def prune(self, ctx: Context, sparsity: float) -> None:
        masks = ctx.enable_masks()
        rounds = self.config.rounds
        net = copy.deepcopy(ctx.model).double().eval()
        for r in range(1, rounds + 1):
            target = 1 - (1 - sparsity) ** (r / rounds)
            mask_by(ctx, synflow_scores(ctx.model, masks.names, ctx.data.input_shape, net), target, "global")


class GraspConfig(MethodConfig):
    method: Literal["grasp"]
    batches: int = Field(1, ge=1)
    temperature: float = Field(200.0, gt=0, description="Softmax temperature of the official code")


class Grasp(_AtInit):
    name = "grasp"
    config_class = GraspConfig
    summary = "GraSP: keep the gradient flow (scores w * Hg) at initialisation, then training"
    atlas_method = "grasp"

    def prune(self, ctx: Context, sparsity: float) -> None:
        masks = ctx.enable_masks()
        batches = ctx.sample_batches(self.config.batches, "grasp")
        scores = grasp_scores(ctx.model, masks.names, batches, self.config.temperature)
        mask_by(ctx, scores, sparsity, "global")
