"""Magnitude pruning (Han et al. 2015): train, remove the smallest |w|, fine-tune.

`magnitude` prunes once (global or layer-wise). `magnitude-iterative` is Han et al.'s iterative
prune-and-retrain as Tessier et al. (2022, Sec. 4.2) run it as a baseline: n iterations, iteration i
pruning to i/n of the target, each followed by fine-tuning at a low constant lr, the masks holding pruned
weights at zero. Han et al. prune layer by layer, so that is the iterative variant's default scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import FinetuneEpochs, FinetuneLr, finetune, mask_by_magnitude

if TYPE_CHECKING:
    from reproduce.context import Context


class MagnitudeConfig(MethodConfig):
    method: Literal["magnitude"]
    scope: Literal["global", "layerwise"] = "global"
    finetune_epochs: int | None = FinetuneEpochs
    finetune_lr: float | None = FinetuneLr


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


class IterativeMagnitude(Method[IterativeMagnitudeConfig]):
    name = "magnitude-iterative"
    config_class = IterativeMagnitudeConfig
    summary = "Han et al.'s iterative prune-and-retrain (n steps to the target, fine-tuning after each)"
    atlas_method = "magnitude"
    schedule: ClassVar[str] = "iterative"

    def label(self) -> str:
        return f"magnitude ({self.config.scope}, iterative x{self.config.iterations}, retrained)"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        ctx.pretrain()
        for i in range(1, cfg.iterations + 1):
            mask_by_magnitude(ctx, sparsity * i / cfg.iterations, cfg.scope)
            last = i == cfg.iterations
            epochs = cfg.last_finetune_epochs if last and cfg.last_finetune_epochs is not None else cfg.finetune_epochs
            finetune(ctx, f"iteration-{i}", epochs, cfg.finetune_lr)
