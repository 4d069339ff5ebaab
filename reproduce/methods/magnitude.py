"""Magnitude pruning (Han et al. 2015): train, remove the smallest |w|, fine-tune.

`magnitude` prunes once (global or layer-wise). `magnitude-iterative` is Han et al.'s iterative
prune-and-retrain as Tessier et al. (2022, Sec. 4.2) run it as a baseline: n iterations, iteration i
pruning to i/n of the target, each followed by fine-tuning at a low constant lr, the masks holding pruned
weights at zero. Han et al. prune layer by layer, so that is the iterative variant's default scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from reproduce.masks import Masks
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import FinetunedConfig, FinetuneLr, finetune, mask_by_magnitude

if TYPE_CHECKING:
    from reproduce.context import Context


class MagnitudeConfig(FinetunedConfig):
    method: Literal["magnitude"]
    scope: Literal["global", "layerwise"] = "global"


class Magnitude(Method[MagnitudeConfig]):
    name = "magnitude"
    config_class = MagnitudeConfig
    summary = "magnitude, one-shot, then fine-tuned (Han et al. 2015)"
    atlas_method = "magnitude"

    def label(self) -> str:
        return f"magnitude ({self.config.scope}, one-shot, fine-tuned)"

    def run(self, ctx: Context, sparsity: float) -> None:
        ctx.pretrain()
        mask_by_magnitude(ctx, sparsity, self.config.scope)
        ctx.record("top1_before_finetune", ctx.evaluate())
        finetune(ctx, "finetune", self.config.finetune_epochs, self.config.finetune_lr)


class IterativeMagnitudeConfig(MethodConfig):
    method: Literal["magnitude-iterative"]
    scope: Literal["global", "layerwise"] = "layerwise"
    iterations: int = Field(5, ge=1, description="Prune-and-retrain iterations; iteration i reaches i/n of the target")
    finetune_epochs: int | None = Field(None, ge=0, description="Epochs after each iteration; default: training epochs")
    last_finetune_epochs: int | None = Field(
        None, ge=0, description="Epochs after the last one; default: as the others"
    )
    finetune_lr: float | None = FinetuneLr
    layer_sparsity: list[float] | None = Field(
        None,
        description="Layer-wise only: each prunable layer's own final sparsity, in model order (Han et al.'s "
        "per-layer thresholds, e.g. their Table 2); the run's sparsity must equal the overall they imply",
    )

    @model_validator(mode="after")
    def _per_layer_needs_layerwise(self) -> IterativeMagnitudeConfig:
        if self.layer_sparsity is not None:
            if self.scope != "layerwise":
                raise ValueError("layer_sparsity needs scope 'layerwise'")
            if not all(0 <= s < 1 for s in self.layer_sparsity):
                raise ValueError("every layer_sparsity must be in [0, 1)")
        return self


def per_layer_targets(masks: Masks, layer_sparsity: list[float], overall: float) -> dict[str, float]:
    """Name -> final sparsity of each prunable layer, checked against the run's overall target."""
    if len(layer_sparsity) != len(masks.names):
        raise ValueError(f"layer_sparsity has {len(layer_sparsity)} entries; the model has {len(masks.names)} layers")
    sizes = [masks.tensors[n].numel() for n in masks.names]
    implied = sum(s * n for s, n in zip(layer_sparsity, sizes, strict=True)) / sum(sizes)
    if abs(implied - overall) > 1e-3:
        raise ValueError(f"layer_sparsity implies an overall sparsity of {implied:.4f}, not the run's {overall:g}")
    return dict(zip(masks.names, layer_sparsity, strict=True))


class IterativeMagnitude(Method[IterativeMagnitudeConfig]):
    name = "magnitude-iterative"
    config_class = IterativeMagnitudeConfig
    summary = "Han et al.'s iterative prune-and-retrain (n steps to the target, fine-tuning after each)"
    atlas_method = "magnitude"
    fixed_schedule: ClassVar[str] = "iterative"

    def label(self) -> str:
        per_layer = ", per-layer targets" if self.config.layer_sparsity is not None else ""
        return f"magnitude ({self.config.scope}{per_layer}, iterative x{self.config.iterations}, retrained)"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        ctx.pretrain()
        layers = None
        if cfg.layer_sparsity is not None:
            layers = per_layer_targets(ctx.enable_masks(), cfg.layer_sparsity, sparsity)
        for i in range(1, cfg.iterations + 1):
            fraction = i / cfg.iterations
            target = sparsity * fraction if layers is None else {n: s * fraction for n, s in layers.items()}
            mask_by_magnitude(ctx, target, cfg.scope)
            last = i == cfg.iterations
            epochs = cfg.last_finetune_epochs if last and cfg.last_finetune_epochs is not None else cfg.finetune_epochs
            finetune(ctx, f"iteration-{i}", epochs, cfg.finetune_lr)
