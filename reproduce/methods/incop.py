"""InCoP (Gharatappeh & Sekeh 2025): iterative magnitude pruning whose retraining after each pruning step
stops as soon as the network's flow is back within epsilon of the dense optimum's, instead of always
running E epochs (reference: survey-li2022-and-incop.md, b.4-b.8; the "clean" versions of b.8).

    train dense -> w*, Phi* = flow(w*)
    for t = 1..T:  prune (per-round rate, or SAP's PQ-index count), rewind survivors to w*,
                   train up to E epochs, stopping after the first epoch with ||Phi_e - Phi*||_2 <= eps

Flows, computed in eval mode on a fixed set of training batches:
- gradient flow ("gf"): per prunable layer, the L2 norm of its masked gradient, averaged over the batches;
- information flow ("if"): hooks on every conv/linear output (spatial mean per channel), z-scored per
  unit; per pair of consecutive layers the mean of their Pearson correlation matrix. A NaN never stops.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, ClassVar, Literal

import torch
import torch.nn.functional as F
from pydantic import Field
from torch import nn

from reproduce.hparams import Phase
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import grad_of, mask_by_magnitude

if TYPE_CHECKING:
    from reproduce.context import Context
    from reproduce.data import Batch


def gradient_flow(
    model: nn.Module, weights: list[torch.Tensor], masks: list[torch.Tensor] | None, batches: list[Batch]
) -> torch.Tensor:
    was = model.training
    model.eval()
    norms = torch.zeros(len(weights), dtype=torch.float64)
    for x, y in batches:
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        for i, w in enumerate(weights):
            g = grad_of(w) if masks is None else grad_of(w) * masks[i]
            norms[i] += float(g.norm())
    model.zero_grad(set_to_none=True)
    model.train(was)
    return norms / len(batches)


@torch.no_grad()
def information_flow(model: nn.Module, batches: list[Batch]) -> torch.Tensor:
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    outputs: dict[int, list[torch.Tensor]] = {i: [] for i in range(len(layers))}
    hooks = [
        layer.register_forward_hook(
            lambda _m, _i, out, i=i: outputs[i].append(out.flatten(2).mean(2) if out.dim() > 2 else out)
        )
        for i, layer in enumerate(layers)
    ]
    was = model.training
    model.eval()
    try:
        for x, _ in batches:
            model(x)
    finally:
        for h in hooks:
            h.remove()
        model.train(was)
    z = []
    for i in range(len(layers)):
        a = torch.cat(outputs[i]).double()
        z.append((a - a.mean(0)) / a.std(0).clamp_min(1e-6))
    n = z[0].shape[0]
    return torch.stack([(z[i].T @ z[i + 1] / n).mean() for i in range(len(z) - 1)])


def pq_index(weights: torch.Tensor, p: float, q: float) -> float:
    """I_{p,q}(w) = 1 - d^(1/q - 1/p) ||w||_p / ||w||_q (SAP, Diao et al. 2023), in its mean form."""
    w = weights.abs().double()
    return float(1 - (w.pow(p).mean() ** (1 / p)) / (w.pow(q).mean() ** (1 / q)))


def sap_prune_count(alive: torch.Tensor, p: float, q: float, eta: float, gamma: float, beta: float) -> int:
    """c_t = floor(d * min(gamma * (1 - r/d), beta)), r = ceil(d (1+eta)^(-q/(q-p)) (1-I)^(qp/(q-p)))."""
    d = alive.numel()
    retain = math.ceil(d * (1 + eta) ** (-q / (q - p)) * (1 - pq_index(alive, p, q)) ** (q * p / (q - p)))
    return math.floor(d * min(gamma * (1 - retain / d), beta))


class InCoPConfig(MethodConfig):
    method: Literal["incop"]
    flow: Literal["gf", "if", "none"] = Field(
        "gf", description="The stopping rule's flow; none = always E epochs (SAP with rule=sap, LTH with rule=rate)"
    )
    epsilon: float = Field(0.1, ge=0, description="Stop retraining when ||Phi_e - Phi*||_2 <= epsilon")
    rule: Literal["rate", "sap"] = Field("rate", description="Per-round rate (LTH) or SAP's PQ-index count")
    rate: float = Field(0.2, gt=0, lt=1, description="rule=rate: fraction of the remaining weights per round")
    p: float = Field(0.5, gt=0, le=1)
    q: float = Field(1.0, ge=1)
    eta: float = Field(0.0, ge=0)
    gamma: float = Field(1.0, gt=0)
    beta: float = Field(0.9, gt=0, le=1)
    max_iterations: int = Field(15, ge=1, description="T: pruning iterations at most")
    max_epochs: int | None = Field(None, ge=1, description="E: retraining epochs at most; default: training epochs")
    flow_batches: int = Field(4, ge=1, description="Training batches the flow is measured on")
    rewind: Literal["dense", "none"] = Field("dense", description="Rewind survivors to w* (the authors' code)")
    stop_on_accuracy: bool = Field(False, description="Also stop once top-1 >= Acc* (the code's extra rule)")
    scope: Literal["global", "layerwise"] = "global"


class InCoP(Method[InCoPConfig]):
    name = "incop"
    config_class = InCoPConfig
    summary = "InCoP: IMP whose retraining stops once the gradient or information flow is back near the dense one"
    atlas_method = "incop"
    fixed_schedule: ClassVar[str] = "iterative"

    def label(self) -> str:
        c = self.config
        rule = f"{c.rate:.0%}/round" if c.rule == "rate" else f"SAP ({c.p:g},{c.q:g})"
        if c.flow == "none":
            return f"{'LTH' if c.rule == 'rate' else 'SAP'} ({rule}, full retraining)"
        return f"InCoP-{c.flow.upper()} (eps {c.epsilon:g}, {rule})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        dense = ctx.pretrain()
        w_star = ctx.state()["model"]
        masks = ctx.enable_masks()
        batches = ctx.sample_batches(cfg.flow_batches, "incop-flow")

        flow_seconds: list[float] = []  # what computing the flow costs (the paper times IF against GF)

        def flow() -> torch.Tensor:
            started = time.perf_counter()
            if cfg.flow == "gf":
                phi = gradient_flow(ctx.model, masks.weights, [masks.tensors[n] for n in masks.names], batches)
            else:
                phi = information_flow(ctx.model, batches)
            flow_seconds.append(time.perf_counter() - started)
            return phi

        acc_star = max(dense.accuracies) if dense.accuracies else 0.0
        phi_star = flow() if cfg.flow != "none" else torch.empty(0)

        def monitor(_epoch: int, top1: float) -> tuple[float, bool]:
            distance = float(torch.linalg.vector_norm(flow() - phi_star))
            close = math.isfinite(distance) and distance <= cfg.epsilon
            return distance, close or (cfg.stop_on_accuracy and top1 >= acc_star)

        epochs_used, current = [], 0.0
        for t in range(1, cfg.max_iterations + 1):
            current = self._next_sparsity(ctx, current, sparsity)
            mask_by_magnitude(ctx, current, cfg.scope)
            if cfg.rewind == "dense":
                ctx.rewind(w_star)
            schedule = Phase.full(ctx.training, cfg.max_epochs)
            result = ctx.train(f"iteration-{t}", schedule, monitor=monitor if cfg.flow != "none" else None)
            epochs_used.append(result.epochs)
            if current >= sparsity - 1e-12:
                break
        ctx.record("epochs_per_iteration", epochs_used)
        ctx.record("iterations", len(epochs_used))
        if cfg.flow != "none":
            ctx.record("flow_dense", phi_star.tolist())
            ctx.record("flow_seconds", round(sum(flow_seconds), 4))
            ctx.record("flow_calls", len(flow_seconds))

    def _next_sparsity(self, ctx: Context, current: float, target: float) -> float:
        cfg = self.config
        if cfg.rule == "rate":
            return min(1 - (1 - current) * (1 - cfg.rate), target)
        masks = ctx.enable_masks()
        alive = torch.cat(
            [
                w.detach()[m > 0].flatten()
                for w, m in zip(masks.weights, (masks.tensors[n] for n in masks.names), strict=True)
            ]
        )
        pruned_now = sap_prune_count(alive, cfg.p, cfg.q, cfg.eta, cfg.gamma, cfg.beta)
        total = masks.total()
        return min(1 - (alive.numel() - pruned_now) / total, target)
