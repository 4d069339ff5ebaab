"""Removing channels for real with Torch-Pruning, so parameter and MAC counts fall.

Our methods choose *which* channels to remove (L1 norm, geometric median, BN scale, random); Torch-Pruning's
dependency graph removes them together with everything coupled to them: the BN after the layer, the next
layer's input slice, a depthwise partner. Only a model's "roots" (ModelSpec.roots) are shrunk, so no
residual addition is ever asked to lose channels on one branch only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
import torch_pruning as tp
from torch import nn

from reproduce.counting import weight_of


def out_channels(layer: nn.Module) -> int:
    if isinstance(layer, nn.Conv2d):
        return layer.out_channels
    if isinstance(layer, nn.Linear):
        return layer.out_features
    raise TypeError(f"{type(layer).__name__} has no output channels to prune")


def filter_matrix(layer: nn.Module) -> torch.Tensor:
    """One row per output channel: the flattened filter (conv) or weight row (linear)."""
    return weight_of(layer).detach().flatten(1)


class ChannelPruner:
    """The coupled channel groups of a model, keyed by their root layer."""

    def __init__(self, model: nn.Module, roots: Sequence[nn.Module], example: torch.Tensor) -> None:
        self.model = model
        self.roots = list(roots)
        self.graph = tp.DependencyGraph().build_dependency(model, example_inputs=example, verbose=False)

    def _group(self, layer: nn.Module, idxs: Sequence[int]) -> tp.Group:
        fn = tp.prune_conv_out_channels if isinstance(layer, nn.Conv2d) else tp.prune_linear_out_channels
        return self.graph.get_pruning_group(layer, fn, idxs=list(idxs))

    def batchnorm_of(self, layer: nn.Module) -> nn.BatchNorm2d | nn.BatchNorm1d | None:
        """The batch norm whose channels are this layer's outputs (what slimming and SWD score)."""
        for dep, _ in self._group(layer, [0]):
            module = dep.target.module
            if isinstance(module, nn.BatchNorm2d | nn.BatchNorm1d) and dep.handler == tp.prune_batchnorm_out_channels:
                return module
        return None

    def root_batchnorms(self) -> list[nn.BatchNorm2d | nn.BatchNorm1d]:
        """The batch norm of every root, in order (slimming and SWD score their gammas)."""
        found = [self.batchnorm_of(layer) for layer in self.roots]
        missing = [layer for layer, bn in zip(self.roots, found, strict=True) if bn is None]
        if missing:
            raise ValueError(f"no batch norm follows {missing[0]}")
        return [bn for bn in found if bn is not None]

    def params_removed(self, layer: nn.Module, idx: int) -> int:
        """Parameters that disappear with one channel of `layer` alone (filter, BN, next layer's inputs)."""
        total = 0
        for dep, idxs in self._group(layer, [idx]):
            module = dep.target.module
            if dep.handler in (tp.prune_conv_out_channels, tp.prune_linear_out_channels):
                total += module.weight[0].numel() + (1 if module.bias is not None else 0)
            elif dep.handler in (tp.prune_conv_in_channels, tp.prune_linear_in_channels):
                per_input = module.weight.shape[0] * module.weight[0, 0].numel() if module.weight.dim() > 1 else 0
                total += per_input * len(idxs)
            elif dep.handler in (tp.prune_batchnorm_out_channels,):
                total += 2 if module.affine else 0
            elif dep.handler == tp.prune_depthwise_conv_out_channels:
                total += module.weight[0].numel() + (1 if module.bias is not None else 0)
        return total

    def remove(self, plan: Mapping[nn.Module, Sequence[int]]) -> None:
        """Remove the given output channels of each root layer (at least one channel always stays)."""
        for layer, idxs in plan.items():
            idxs = sorted(set(int(i) for i in idxs))
            if not idxs:
                continue
            if len(idxs) >= out_channels(layer):
                raise ValueError(f"cannot remove all {out_channels(layer)} channels of {layer}")
            group = self._group(layer, idxs)
            if not self.graph.check_pruning_group(group):
                raise ValueError(f"Torch-Pruning refused to prune {layer}")
            group.prune()


def lowest(scores: torch.Tensor, n: int) -> list[int]:
    """Indices of the `n` lowest scores, ties broken by position (deterministic)."""
    return torch.argsort(scores.detach().cpu().float(), stable=True)[:n].tolist()


def per_layer_count(channels: int, fraction: float) -> int:
    """How many of a layer's channels a uniform `fraction` removes, keeping at least one."""
    return min(round(fraction * channels), channels - 1)
