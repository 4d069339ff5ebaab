"""VGG-16/19 for CIFAR with batch norm: 3x3 convs without bias, each followed by BN and ReLU, max-pool after
each stage, then one linear classifier on the 512 pooled maps (the CIFAR head; 14,724,042 and 20,035,018
parameters, the counts Mikler 2021 Table 1.1 prints for VGG16/VGG19 with BN)."""

from __future__ import annotations

import torch
from torch import nn

from reproduce.models.spec import Builder, ModelSpec, Shape

CONFIGS: dict[int, list[int | str]] = {
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


class CifarVGG(nn.Module):
    def __init__(self, depth: int, num_classes: int, shape: Shape) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = shape[0]
        for item in CONFIGS[depth]:
            if isinstance(item, str):  # "M"
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(channels, item, 3, padding=1, bias=False), nn.BatchNorm2d(item)]
                layers.append(nn.ReLU(inplace=True))
                channels = item
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(x)).flatten(1))


def _builder(depth: int) -> Builder:
    return lambda c, s, _o: CifarVGG(depth, c, s)


VGG_SPECS = [
    ModelSpec(
        name=f"vgg{depth}-cifar",
        description=f"VGG-{depth} with batch norm and a CIFAR head (one linear layer on 512 maps)",
        family="vgg",
        build=_builder(depth),
        native_input=(3, 32, 32),
        native_classes=10,
        atlas=f"vgg{depth}-cifar",
        definition=f"reproduce.models.vgg.CifarVGG({depth})",
    )
    for depth in (16, 19)
]
