"""The one counter for parameters and multiply-accumulates, dense and sparse-aware.

Conventions (anchors-and-metric-conventions.md, 4.1):
- MACs count convolution and linear layers only, one fused multiply-add = 1 MAC, with `groups` honoured;
  BN, activations, pooling, residual additions and biases are not counted (fvcore/ShrinkBench practice:
  torchvision ResNet-50 is 4.09 G MACs at 224x224, CIFAR ResNet-56 125 M).
- Parameters are all of `model.parameters()`, BN and biases included (ResNet-50: 25,557,032).
- Sparse-aware MACs scale each layer by the non-zero fraction of its weight: exact for masks, whose zeros
  are skipped at every output position. Structured pruning removes channels for real, so its dense count
  already falls; unstructured pruning lowers only the sparse-aware count, a theoretical figure that needs
  sparse kernels to become speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Counts:
    params: int  # all parameters
    params_nonzero: int
    prunable: int  # conv and linear weights: what unstructured sparsity is measured over
    prunable_nonzero: int
    macs: int  # dense multiply-accumulates for one input
    macs_sparse: int  # counting only non-zero weights

    @property
    def weight_sparsity(self) -> float:
        return 1.0 - self.prunable_nonzero / self.prunable if self.prunable else 0.0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def weight_of(layer: nn.Module, name: str = "weight") -> torch.Tensor:
    """A layer's parameter as a tensor: nn.Module's attribute lookup is typed `Tensor | Module`."""
    value = getattr(layer, name)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{type(layer).__name__}.{name} is not a tensor")
    return value


def prunable_weights(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The weights unstructured methods mask: every conv and linear weight, classifier included (the
    choice of Mikler's and open_lth's global pruning; biases and BN stay dense)."""
    out: list[tuple[str, nn.Parameter]] = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv1d | nn.Conv2d | nn.Conv3d | nn.Linear):
            out.append((f"{name}.weight" if name else "weight", module.get_parameter("weight")))
    return out


def _layer_macs(module: nn.Module, output: torch.Tensor) -> int:
    positions = output[0].numel() // output.shape[1] if output.dim() > 2 else output[0].numel() // output.shape[-1]
    if isinstance(module, nn.Linear):
        return positions * module.in_features * module.out_features
    assert isinstance(module, nn.Conv1d | nn.Conv2d | nn.Conv3d)
    kernel = module.weight[0].numel()  # in_channels / groups * prod(kernel_size)
    return positions * module.out_channels * kernel


def count(model: nn.Module, input_shape: Sequence[int], device: torch.device | str | None = None) -> Counts:
    """Count `model` for one input of `input_shape` (C, H, W). The model is run once in eval mode."""
    records: list[tuple[int, float]] = []

    def hook(module: nn.Module, _inputs: object, output: torch.Tensor) -> None:
        macs = _layer_macs(module, output)
        weight = weight_of(module)
        density = float(torch.count_nonzero(weight)) / weight.numel()
        records.append((macs, density))

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, nn.Conv1d | nn.Conv2d | nn.Conv3d | nn.Linear)
    ]
    was_training = model.training
    if device is None:
        first = next(model.parameters(), None)
        device = first.device if first is not None else "cpu"
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, *input_shape, device=device))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    params = list(model.parameters())
    weights = [w for _, w in prunable_weights(model)]
    return Counts(
        params=sum(p.numel() for p in params),
        params_nonzero=sum(int(torch.count_nonzero(p)) for p in params),
        prunable=sum(w.numel() for w in weights),
        prunable_nonzero=sum(int(torch.count_nonzero(w)) for w in weights),
        macs=sum(m for m, _ in records),
        macs_sparse=round(sum(m * d for m, d in records)),
    )
