"""Training Optimal Masks (TOM; Mikler 2021, Sec. 3.3.1; reference: gimp-mikler2021.md, "Training Optimal
Masks"): learn the mask instead of deriving it from magnitudes.

1. Pretrain the dense network for 10 % of its iterations (here: the first 10 % of the shared dense run,
   whose end also gives the row's baseline), then freeze every parameter.
2. Train one logit b_i per prunable weight: each step samples c_i ~ Bernoulli(sigmoid(b_i)), runs the
   network with theta * c, and moves b by the straight-through gradient dL/dc, clipped to [-0.1, 0.1]
   (L532-534); b is clipped to [-15, 15] (L536). The thesis only says that "L2 or L1 penalty is needed to
   see p decaying" (L541); ours is an L1 push on the logits, a constant `penalty` added to every logit's
   gradient, so logits the loss does not hold up drift down.
3. Keep exactly the top (1 - s) of all logits (one global threshold; L538-541 say "t % larger than x_t" and
   mix up density and sparsity), then train the weights "as usually, for the full training time" (L545):
   from the 10 % weights, the whole lr schedule restarted, the mask fixed.

Not in the thesis, chosen here (each a config field): the logit initialisation, the optimiser for b (SGD
with momentum), the number of mask-training epochs and the penalty's size.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import TYPE_CHECKING, ClassVar, Literal

import torch
import torch.nn.functional as F
from pydantic import Field
from torch.func import functional_call

from reproduce.context import PhaseResult
from reproduce.hparams import Phase
from reproduce.masks import global_masks
from reproduce.methods.base import Method, MethodConfig
from reproduce.runs import load_torch, save_torch

if TYPE_CHECKING:
    from reproduce.context import Context
    from reproduce.data import Split


class TOMConfig(MethodConfig):
    method: Literal["tom"]
    pretrain_fraction: float = Field(0.1, gt=0, lt=1, description="Dense training before the freeze (Mikler: 10 %)")
    mask_epochs: int = Field(4, ge=1, description="Epochs of mask training")
    mask_lr: float = Field(10.0, gt=0, description="SGD lr of the logits")
    mask_momentum: float = Field(0.9, ge=0, lt=1)
    logit_init: float = Field(3.0, ge=-15, le=15, description="Every logit's start (sigmoid(3) = 0.95 kept)")
    grad_clip: float = Field(0.1, gt=0, description="dL/dc is clipped to [-grad_clip, grad_clip] (L534)")
    logit_clip: float = Field(15.0, gt=0, description="b is clipped to [-logit_clip, logit_clip] (L536)")
    penalty: float = Field(
        3e-5,
        ge=0,
        description="L1 on the logits: added to every logit's gradient each step (3e-5 lets the mean keep-probability "
        "of Mikler's MLP decay to about 4 % over 4 epochs; 1e-4 and above collapse it within one)",
    )


def ste_mask(logits: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A Bernoulli(sigmoid(b)) sample in the forward pass whose gradient flows to b unchanged (straight through)."""
    probability = torch.sigmoid(logits.detach())
    sample = (torch.rand(probability.shape, generator=generator, device=logits.device) < probability).to(logits.dtype)
    return sample + logits - logits.detach()


@torch.no_grad()
def mask_step(logits: list[torch.Tensor], optimizer: torch.optim.Optimizer, cfg: TOMConfig) -> None:
    """b <- b - lr * (clip(dL/dc) + penalty), then b clipped: one update of the logits after backward()."""
    for b in logits:
        assert b.grad is not None
        b.grad.clamp_(-cfg.grad_clip, cfg.grad_clip).add_(cfg.penalty)
    optimizer.step()
    for b in logits:
        b.clamp_(-cfg.logit_clip, cfg.logit_clip)


def final_masks(logits: dict[str, torch.Tensor], sparsity: float) -> dict[str, torch.Tensor]:
    """Exactly the top (1 - sparsity) of all logits kept, one threshold over every layer."""
    return global_masks(logits, sparsity)


class TOM(Method[TOMConfig]):
    name = "tom"
    config_class = TOMConfig
    summary = "Training Optimal Masks (Mikler 2021): learn Bernoulli mask logits on frozen 10 % weights, then train"
    atlas_method = "tom"
    fixed_schedule: ClassVar[str] = "one_shot"
    fixed_scope = "global"

    def label(self) -> str:
        cfg = self.config
        return f"Training Optimal Masks ({cfg.mask_epochs} mask epochs, lr {cfg.mask_lr:g}, L1 {cfg.penalty:g})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        steps = ctx.training.epochs * ctx.data.train.num_batches(ctx.training.batch_size)
        point = round(cfg.pretrain_fraction * steps)
        ctx.pretrain(snapshot_steps=[point])
        pretrained = ctx.dense_snapshot(point)
        ctx.rewind(pretrained)
        masks = ctx.enable_masks()
        logits = self._train_logits(ctx, sparsity)
        masks.update(final_masks(logits, sparsity))  # on the frozen 10 % weights, which training starts from
        ctx.record("top1_mask_only", ctx.evaluate())
        ctx.record("pretrain_step", point)
        ctx.train("train", Phase.full(ctx.training))

    def _train_logits(self, ctx: Context, sparsity: float) -> dict[str, torch.Tensor]:
        """The mask-training phase, or its saved result (it is short, so it is redone whole if interrupted)."""
        path = ctx.run_dir.checkpoint("mask-training")
        if path.exists():
            saved = load_torch(path)
            ctx.phases["mask-training"] = PhaseResult(**saved["result"])
            return saved["logits"]
        cfg = self.config
        masks = ctx.enable_masks()
        theta = {n: w.detach().clone() for n, w in ctx.model.named_parameters() if n in masks.tensors}
        logits = {n: torch.full_like(w, cfg.logit_init, requires_grad=True) for n, w in theta.items()}
        optimizer = torch.optim.SGD(list(logits.values()), lr=cfg.mask_lr, momentum=cfg.mask_momentum)
        sampler = torch.Generator(device=ctx.device).manual_seed(ctx.generator("mask-sampling").initial_seed())
        result = PhaseResult("mask-training")
        frozen = [p for p in ctx.model.parameters() if p.requires_grad]
        for p in frozen:
            p.requires_grad_(False)
        try:
            for epoch in range(cfg.mask_epochs):
                wall, cpu = time.perf_counter(), time.process_time()
                ctx.model.train()
                total, count = torch.zeros((), device=ctx.device), 0
                split: Split = ctx.data.train
                for xb, yb in split.batches(ctx.training.batch_size, ctx.generator("mask-training", epoch), ctx.device):
                    sampled = {n: theta[n] * ste_mask(b, sampler) for n, b in logits.items()}
                    loss = F.cross_entropy(functional_call(ctx.model, sampled, (xb,)), yb)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    mask_step(list(logits.values()), optimizer, cfg)
                    total += loss.detach()
                    count += 1
                accuracy = self._evaluate_mask(ctx, theta, logits, sparsity)
                kept = sum(torch.sigmoid(b.detach()).sum() for b in logits.values()) / masks.total()
                result.accuracies.append(accuracy)
                result.losses.append(float(total) / max(count, 1))
                result.monitor.append(float(kept))
                result.steps += count
                result.seconds += time.perf_counter() - wall
                result.cpu_seconds += time.process_time() - cpu
                ctx.log(
                    f"mask-training: epoch {epoch + 1}/{cfg.mask_epochs} loss {result.losses[-1]:.4f} "
                    f"top1 with the top-{1 - sparsity:.1%} mask {accuracy:.2f}, mean keep-probability {kept:.3f}"
                )
        finally:
            for p in frozen:
                p.requires_grad_(True)
        out = {n: b.detach() for n, b in logits.items()}
        save_torch(path, {"logits": out, "result": asdict(result)})
        ctx.phases["mask-training"] = result
        ctx.session_seconds += result.seconds
        ctx.session_cpu_seconds += result.cpu_seconds
        ctx.record("mean_keep_probability", result.monitor[-1])
        return out

    @staticmethod
    def _evaluate_mask(
        ctx: Context, theta: dict[str, torch.Tensor], logits: dict[str, torch.Tensor], sparsity: float
    ) -> float:
        """Test top-1 of the frozen weights under the mask that would be kept now."""
        keep = final_masks({n: b.detach() for n, b in logits.items()}, sparsity)
        masked = {n: theta[n] * keep[n] for n in theta}
        saved = {n: p.detach().clone() for n, p in ctx.model.named_parameters() if n in masked}
        with torch.no_grad():
            for n, p in ctx.model.named_parameters():
                if n in masked:
                    p.copy_(masked[n])
        try:
            return ctx.evaluate()
        finally:
            with torch.no_grad():
                for n, p in ctx.model.named_parameters():
                    if n in saved:
                        p.copy_(saved[n])
