"""Unstructured pruning masks: which conv/linear weights are kept, and choosing them from scores.

Masks are applied by multiplying the weights in place after every optimiser step (one fused `_foreach_mul_`),
not by a forward pre-hook as `torch.nn.utils.prune` does: the weights stay exactly zero, the forward pass is
the dense one, and the cost is one multiply per weight per step (bench/bench_training_loop.py measures it).
Masks only ever shrink: a pruned weight scores minus infinity when the next mask is chosen.
"""

from __future__ import annotations

import torch
from torch import nn

from reproduce.counting import prunable_weights


class Masks:
    """name of a prunable weight -> 0/1 tensor of its shape (same dtype, so it can multiply directly)."""

    def __init__(self, model: nn.Module) -> None:
        self.names = [name for name, _ in prunable_weights(model)]
        self.tensors = {
            name: torch.ones_like(w, memory_format=torch.contiguous_format) for name, w in prunable_weights(model)
        }
        self._bind(model)

    def _bind(self, model: nn.Module) -> None:
        params = dict(model.named_parameters())
        self._weights: list[torch.Tensor] = [params[n] for n in self.names]
        self._masks = [self.tensors[n] for n in self.names]

    @property
    def weights(self) -> list[torch.Tensor]:
        return list(self._weights)

    @torch.no_grad()
    def apply(self) -> None:
        torch._foreach_mul_(self._weights, self._masks)

    def update(self, new: dict[str, torch.Tensor]) -> None:
        for name, mask in new.items():
            self.tensors[name].copy_(mask.to(self.tensors[name].dtype))
        self.apply()

    def kept(self) -> int:
        return int(sum(m.sum().item() for m in self._masks))

    def total(self) -> int:
        return sum(m.numel() for m in self._masks)

    def sparsity(self) -> float:
        return 1.0 - self.kept() / self.total()

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {n: t.to(torch.bool) for n, t in self.tensors.items()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for name, mask in state.items():
            self.tensors[name].copy_(mask.to(self.tensors[name].dtype))
        self.apply()


def _exclude_pruned(scores: dict[str, torch.Tensor], masks: Masks | None) -> dict[str, torch.Tensor]:
    if masks is None:
        return {n: s.float() for n, s in scores.items()}
    return {n: torch.where(masks.tensors[n] > 0, s.float(), float("-inf")) for n, s in scores.items()}


def _keep_top(flat: torch.Tensor, n_prune: int) -> torch.Tensor:
    """A 0/1 vector that prunes exactly the `n_prune` lowest scores (ties broken by position)."""
    keep = torch.ones_like(flat)
    if n_prune > 0:
        order = torch.argsort(flat, stable=True)
        keep[order[:n_prune]] = 0
    return keep


def global_masks(
    scores: dict[str, torch.Tensor], sparsity: float, current: Masks | None = None
) -> dict[str, torch.Tensor]:
    """One threshold over all layers: prune the `sparsity` fraction of all prunable weights with the lowest
    scores. Layers may end up at very different sparsities (Mikler's "automatic" pruning)."""
    scores = _exclude_pruned(scores, current)
    names = list(scores)
    flat = torch.cat([scores[n].flatten().cpu() for n in names])
    keep = _keep_top(flat, round(sparsity * flat.numel()))
    out, start = {}, 0
    for name in names:
        size = scores[name].numel()
        out[name] = keep[start : start + size].view_as(scores[name]).to(scores[name].device)
        start += size
    return out


def layerwise_masks(
    scores: dict[str, torch.Tensor], sparsity: float | dict[str, float], current: Masks | None = None
) -> dict[str, torch.Tensor]:
    """Prune each layer to the same `sparsity` (or to its own, given a dict) by its own ranking."""
    scores = _exclude_pruned(scores, current)
    out = {}
    for name, score in scores.items():
        target = sparsity[name] if isinstance(sparsity, dict) else sparsity
        keep = _keep_top(score.flatten().cpu(), round(target * score.numel()))
        out[name] = keep.view_as(score).to(score.device)
    return out


def choose_masks(
    scores: dict[str, torch.Tensor], sparsity: float | dict[str, float], scope: str, current: Masks | None = None
) -> dict[str, torch.Tensor]:
    if isinstance(sparsity, dict) and scope != "layerwise":
        raise ValueError("per-layer sparsities need scope 'layerwise'")
    if scope == "global" and not isinstance(sparsity, dict):
        return global_masks(scores, sparsity, current)
    if scope == "layerwise":
        return layerwise_masks(scores, sparsity, current)
    raise ValueError(f"scope must be 'global' or 'layerwise', not {scope!r}")


def magnitude_scores(model: nn.Module, names: list[str]) -> dict[str, torch.Tensor]:
    params = dict(model.named_parameters())
    return {n: params[n].detach().abs() for n in names}


def density_schedule(target: float, per_round: float) -> list[float]:
    """Sparsities after each round when every round removes `per_round` of the remaining weights, the last
    round clamped to `target`: N = ceil(ln(1 - target) / ln(1 - per_round)) rounds (Mikler, Sec. b). A round
    that lands within 1e-6 below the target counts as reaching it, so a per-round rate rounded from
    1 - (1 - target) ** (1 / N) gives N rounds, not N plus a vanishing one."""
    if not 0 < per_round < 1:
        raise ValueError("per_round must be in (0, 1)")
    out: list[float] = []
    density = 1.0
    while (out[-1] if out else 0.0) < target:
        density *= 1.0 - per_round
        reached = 1.0 - density
        out.append(target if reached >= target - 1e-6 else reached)
    return out
