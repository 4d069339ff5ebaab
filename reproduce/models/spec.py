"""What the models registry holds: how to build a network and what the atlas calls it.

A spec also says which layers a structured method may shrink (its "roots"): removing output channels of a
layer whose output feeds a residual addition would need the addition's other branch pruned identically, so
models with residuals list only the layers inside their blocks (as Li et al. 2017 do for CIFAR ResNets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from torch import nn

Shape = tuple[int, int, int]
Builder = Callable[[int, Shape, Any], nn.Module]  # (num_classes, input_shape, options) -> a fresh network


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def default_roots(model: nn.Module) -> list[nn.Module]:
    """Every dense conv and linear layer except the classifier (the last linear layer)."""
    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    linears = [m for m in layers if isinstance(m, nn.Linear)]
    last = linears[-1] if linears else None
    return [m for m in layers if m is not last and not (isinstance(m, nn.Conv2d) and m.groups != 1)]


@dataclass(frozen=True)
class ModelSpec:
    """A registered architecture. `build(num_classes, input_shape, options)` returns a fresh nn.Module."""

    name: str
    description: str
    family: str
    build: Builder
    native_input: Shape
    native_classes: int
    atlas: Callable[[Any, Shape, int], str] | str
    options: type[BaseModel] = NoOptions
    roots: Callable[[nn.Module], list[nn.Module]] = default_roots
    definition: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    accepts: tuple[Shape, ...] = ()  # other inputs that compute the same network (LeNet-5: 28x28 padded by 2)
    id_encodes_shape: bool = False  # the atlas id already names the input and class count (e.g. mlp-64-300-100-10)

    def parse_options(self, raw: dict[str, Any] | None) -> BaseModel:
        return self.options.model_validate(raw or {})

    def atlas_id(self, options: BaseModel, input_shape: Shape, num_classes: int) -> str:
        """The id in schema/architectures.yaml this exact network is recorded under."""
        return self.atlas if isinstance(self.atlas, str) else self.atlas(options, input_shape, num_classes)

    def modification(self, input_shape: Shape, num_classes: int) -> str | None:
        """How this instance differs from the architecture as published (input or classifier), if it does."""
        if self.id_encodes_shape:
            return None
        changes = []
        if tuple(input_shape) != tuple(self.native_input) and tuple(input_shape) not in self.accepts:
            shape = "x".join(map(str, input_shape))
            changes.append(f"input {shape} instead of {'x'.join(map(str, self.native_input))}")
        if num_classes != self.native_classes:
            changes.append(f"{num_classes}-class classifier instead of {self.native_classes}")
        return "; ".join(changes) or None
