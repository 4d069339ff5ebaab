"""The models registry: architecture name -> ModelSpec, and `build_model` to make one for a dataset."""

from __future__ import annotations

from typing import Any

from torch import nn

from reproduce.models.cifar_resnet import CIFAR_RESNET_SPECS
from reproduce.models.imagenet import IMAGENET_SPECS
from reproduce.models.lenet import LENET_SPECS
from reproduce.models.mlp import MLP_SPECS
from reproduce.models.spec import ModelSpec, Shape
from reproduce.models.vgg import VGG_SPECS
from reproduce.registry import Registry

MODELS: Registry[ModelSpec] = Registry("architecture")
for _spec in [*MLP_SPECS, *LENET_SPECS, *CIFAR_RESNET_SPECS, *VGG_SPECS, *IMAGENET_SPECS]:
    MODELS.register(_spec.name, _spec)


def build_model(name: str, num_classes: int, input_shape: Shape, options: dict[str, Any] | None = None) -> nn.Module:
    spec = MODELS.get(name)
    channels, height, width = input_shape
    return spec.build(num_classes, (channels, height, width), spec.parse_options(options))


__all__ = ["MODELS", "ModelSpec", "Shape", "build_model"]
