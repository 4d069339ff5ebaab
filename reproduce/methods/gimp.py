"""Iterative magnitude pruning with rewinding, as the settings of one loop: Mikler's (2021) Generalised
IMP (reference: gimp-mikler2021.md, "Shared loop: GIMP").

    train the dense network (schedule position 0 -> T)
    for each round k (every round removes `per_round` of the remaining weights; the last is clamped):
        mask <- global (or layer-wise) magnitude of the current weights, pruned weights staying pruned
        weights <- the rewind point (below); the mask is kept
        train T again with the lr schedule restarted and a fresh optimiser

The rewind point is what tells the methods apart:
- lottery-ticket: the dense run's weights at `rewind_step` (0 = the initialisation, Frankle & Carbin 2019;
  a few hundred steps = "late resetting", Frankle et al. 2019). Its rounds live in a folder shared by every
  target and every Table 3.1 control of one chain (`ticket_control`, methods/tickets.py, modifies only the
  last round's ticket); `last_layer_per_round` gives the output layer its own, layer-wise rate;
- lr-rewinding: no weight rewind, only the lr schedule restarts (Renda et al. 2020); one-shot with
  per_round unset, as Tessier et al. ran it;
- sgimp: the latest cycle's weights at (100 - X) % of its steps, X = 75 by default (Mikler 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from reproduce.context import derive_seed
from reproduce.hparams import Phase
from reproduce.masks import density_schedule
from reproduce.methods.base import Method, MethodConfig
from reproduce.methods.common import mask_by_magnitude
from reproduce.methods.tickets import LABELS, TicketControl, modify_ticket

if TYPE_CHECKING:
    from reproduce.context import Context

Scope = Literal["global", "layerwise"]


def rounds(target: float, per_round: float | None) -> list[float]:
    return [target] if per_round is None else density_schedule(target, per_round)


class LotteryTicketConfig(MethodConfig):
    method: Literal["lottery-ticket"]
    per_round: float = Field(0.2, gt=0, lt=1, description="Fraction of the remaining weights pruned per round")
    rewind_step: int = Field(0, ge=0, description="Rewind to the dense run's weights after this many steps (0 = init)")
    scope: Scope = "global"
    last_layer_per_round: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="Layer-wise only: the output layer's own rate per round (Frankle & Carbin: half the others'); "
        "rounds then run until the overall sparsity reaches the target, with no clamped last round",
    )
    ticket_control: TicketControl = Field(
        "none", description="Mikler's Table 3.1: modify the final ticket before it is trained (methods/tickets.py)"
    )

    @model_validator(mode="after")
    def _output_rate_needs_layerwise(self) -> LotteryTicketConfig:
        if self.last_layer_per_round is not None and self.scope != "layerwise":
            raise ValueError("last_layer_per_round needs scope 'layerwise'")
        return self


def ticket_rounds(
    cfg: LotteryTicketConfig, target: float, sizes: dict[str, int]
) -> list[tuple[str, float | dict[str, float]]]:
    """(phase name, sparsity) for each round. A round's name says what it reached, so runs that differ only in
    their target share the rounds they have in common: "round-k" when it removed exactly per_round of the
    remaining weights, "round-k-to-<target>" when it was clamped to the target."""
    if cfg.last_layer_per_round is None:
        plan = rounds(target, cfg.per_round)
        return [
            (f"round-{k}" if abs(s - (1 - (1 - cfg.per_round) ** k)) < 1e-12 else f"round-{k}-to-{s:g}", s)
            for k, s in enumerate(plan, start=1)
        ]
    names, total = list(sizes), sum(sizes.values())
    rates = {n: cfg.last_layer_per_round if n == names[-1] else cfg.per_round for n in names}
    out: list[tuple[str, float | dict[str, float]]] = []
    overall = 0.0
    while overall < target - 5e-4:  # a round within 0.05 pp of the target reaches it
        k = len(out) + 1
        layers = {n: 1 - (1 - rates[n]) ** k for n in names}
        overall = sum(layers[n] * sizes[n] for n in names) / total
        out.append((f"round-{k}", layers))
    return out


class LotteryTicket(Method[LotteryTicketConfig]):
    name = "lottery-ticket"
    config_class = LotteryTicketConfig
    summary = "iterative magnitude pruning with weight rewinding (to init or an early step), full retraining"
    atlas_method = "lottery-ticket"
    fixed_schedule: ClassVar[str] = "iterative"

    def label(self) -> str:
        cfg = self.config
        point = "init" if cfg.rewind_step == 0 else f"step {cfg.rewind_step}"
        rate = f"{cfg.per_round:.0%}/round" + (
            f", output layer {cfg.last_layer_per_round:.0%}" if cfg.last_layer_per_round is not None else ""
        )
        control = f"; ticket modified: {LABELS[cfg.ticket_control]}" if cfg.ticket_control != "none" else ""
        return f"IMP, weight rewinding to {point} ({rate}, {cfg.scope}){control}"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        steps = ctx.training.epochs * ctx.data.train.num_batches(ctx.training.batch_size)
        if cfg.rewind_step > steps:
            raise ValueError(f"rewind_step {cfg.rewind_step} is beyond the dense run's {steps} steps")
        ctx.pretrain(snapshot_steps=[cfg.rewind_step])
        rewind_to = ctx.dense_snapshot(cfg.rewind_step)
        masks = ctx.enable_masks()
        plan = ticket_rounds(cfg, sparsity, {n: masks.tensors[n].numel() for n in masks.names})
        # The unmodified rounds are shared by every target and every control on this chain.
        chain = ctx.shared_dir("tickets", drop=("sparsity", "method.ticket_control"))
        for k, (phase, target) in enumerate(plan, start=1):
            mask_by_magnitude(ctx, target, cfg.scope)
            ctx.rewind(rewind_to)
            if k == len(plan) and cfg.ticket_control != "none":
                seed = derive_seed(ctx.seed, "ticket-control", cfg.ticket_control)
                modify_ticket(ctx.model, masks, cfg.ticket_control, seed, ctx.training.init)
                ctx.train(f"{phase}-{cfg.ticket_control}", Phase.full(ctx.training))
            else:
                ctx.train(phase, Phase.full(ctx.training), store=chain)
        ctx.record("rounds", len(plan))


class LRRewindingConfig(MethodConfig):
    method: Literal["lr-rewinding"]
    per_round: float | None = Field(None, gt=0, lt=1, description="Unset: one-shot; else pruned per round")
    scope: Scope = "global"


class LRRewinding(Method[LRRewindingConfig]):
    name = "lr-rewinding"
    config_class = LRRewindingConfig
    summary = "learning-rate rewinding: keep the trained weights, retrain with the whole lr schedule"
    atlas_method = "lr-rewinding"

    @property
    def schedule(self) -> str:
        return "one_shot" if self.config.per_round is None else "iterative"

    def label(self) -> str:
        how = "one-shot" if self.config.per_round is None else f"{self.config.per_round:.0%}/round"
        return f"learning-rate rewinding ({how}, {self.config.scope})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        ctx.pretrain()
        for k, target in enumerate(rounds(sparsity, cfg.per_round), start=1):
            mask_by_magnitude(ctx, target, cfg.scope)
            ctx.train(f"round-{k}", Phase.full(ctx.training))
        ctx.record("rounds", k)


class SGimpConfig(MethodConfig):
    method: Literal["sgimp"]
    rewind_percent: float = Field(75.0, ge=0, le=100, description="X: rewind the weights by X % of a cycle")
    per_round: float = Field(0.3, gt=0, lt=1, description="Pruned per round (Mikler: 30 %, K = 0.7)")
    scope: Scope = "global"


class SGimp(Method[SGimpConfig]):
    name = "sgimp"
    config_class = SGimpConfig
    summary = "stable generalised IMP (Mikler 2021): rewind weights by X % of the last cycle, restart the lr"
    atlas_method = "sgimp"
    fixed_schedule: ClassVar[str] = "iterative"

    def label(self) -> str:
        return f"sGIMP (rewind {self.config.rewind_percent:g}%, {self.config.per_round:.0%}/round, {self.config.scope})"

    def run(self, ctx: Context, sparsity: float) -> None:
        cfg = self.config
        steps = ctx.training.epochs * ctx.data.train.num_batches(ctx.training.batch_size)
        point = round((1 - cfg.rewind_percent / 100) * steps)
        ctx.pretrain(snapshot_steps=[point])
        rewind_to = ctx.dense_snapshot(point)
        for k, target in enumerate(rounds(sparsity, cfg.per_round), start=1):
            mask_by_magnitude(ctx, target, cfg.scope)
            ctx.rewind(rewind_to)
            ctx.train(f"round-{k}", Phase.full(ctx.training), snapshot_steps=[point])
            rewind_to = ctx.snapshot(f"round-{k}", point)
        ctx.record("rounds", k)
        ctx.record("rewind_step", point)
