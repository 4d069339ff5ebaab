"""What every pruning method provides: a typed config, what its sparsity target counts, and `run(ctx)`.

Target kinds, so "sparsity 0.9" means one clear thing per method:
- "weights":  fraction of prunable weights (all conv and linear weights) set to zero;
- "channels": fraction of the output channels of the model's prunable layers removed (ModelSpec.roots);
- "params":   fraction of all of the network's parameters removed (SWD structured, as its paper defines).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Generic, Literal, TypeVar

from reproduce.hparams import Frozen

if TYPE_CHECKING:
    from reproduce.context import Context

TargetKind = Literal["weights", "channels", "params"]


class MethodConfig(Frozen):
    """Base of every method's hyper-parameters; subclasses narrow `method` to a Literal of their name."""

    method: str


C = TypeVar("C", bound=MethodConfig)


class Method(ABC, Generic[C]):
    name: ClassVar[str]
    config_class: ClassVar[type[MethodConfig]]
    summary: ClassVar[str]
    atlas_method: ClassVar[str]  # id in schema/methods.yaml
    granularity: ClassVar[str] = "weight"
    fixed_schedule: ClassVar[str] = "one_shot"
    target_kind: ClassVar[TargetKind] = "weights"
    fixed_scope: ClassVar[str | None] = None  # the scope of a method whose config has no `scope` field

    def __init__(self, config: C) -> None:
        self.config = config

    @property
    def schedule(self) -> str:
        """The atlas `schedule` of this method's rows (a method whose config decides it overrides this)."""
        return self.fixed_schedule

    @property
    def scope(self) -> str | None:
        return getattr(self.config, "scope", self.fixed_scope)

    def label(self) -> str:
        """The method as a row prints it, e.g. 'magnitude (global, one-shot, fine-tuned)'."""
        return self.summary

    @abstractmethod
    def run(self, ctx: Context, sparsity: float) -> None:
        """Train and prune `ctx.model` to `sparsity`; set `ctx.baseline` to the dense accuracy."""
