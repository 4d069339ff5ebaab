"""Fully connected networks: LeNet-300-100 (LeCun et al. 1998, the pruning papers' MNIST MLP) and an MLP
of any widths, e.g. Mikler's 784-400-400-400-10."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from reproduce.models.spec import ModelSpec, Shape


class MLP(nn.Module):
    """Flatten, then Linear+ReLU for each hidden width, then a linear classifier."""

    def __init__(self, in_features: int, widths: list[int], num_classes: int) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        previous = in_features
        for width in widths:
            layers += [nn.Linear(previous, width), nn.ReLU(inplace=True)]
            previous = width
        layers.append(nn.Linear(previous, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class MLPOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    widths: list[int] = Field(default=[300, 100], min_length=1, description="Hidden layer widths")


def _mlp_id(options: MLPOptions, shape: Shape, classes: int) -> str:
    widths = [math.prod(shape), *options.widths, classes]
    name = "mlp-" + "-".join(map(str, widths))
    return "lenet-300-100" if name == "mlp-784-300-100-10" else name


MLP_SPECS = [
    ModelSpec(
        name="lenet-300-100",
        description="LeNet-300-100: 784-300-100-10 fully connected, ReLU",
        family="mlp",
        build=lambda classes, shape, _o: MLP(math.prod(shape), [300, 100], classes),
        native_input=(1, 28, 28),
        native_classes=10,
        atlas="lenet-300-100",
        definition="reproduce.models.mlp.MLP(784, [300, 100], 10)",
    ),
    ModelSpec(
        name="mlp",
        description="MLP of configurable hidden widths (option widths, default [300, 100]); id mlp-<in>-...-<classes>",
        family="mlp",
        build=lambda classes, shape, o: MLP(math.prod(shape), list(o.widths), classes),
        native_input=(1, 28, 28),
        native_classes=10,
        atlas=_mlp_id,
        options=MLPOptions,
        id_encodes_shape=True,
        definition="reproduce.models.mlp.MLP(in, widths, classes)",
    ),
]
