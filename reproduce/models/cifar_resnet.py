"""CIFAR ResNets of He et al. 2016 (Sec. 4.2): 3 stages of n basic blocks, 16-32-64 maps, option-A shortcuts
(stride-2 subsampling plus zero-padded channels, no parameters). ResNet-56 has 853,018 parameters.

`width` scales the stages (16 -> 64 gives the 4x wider "ResNet-20 with 64 feature maps", a different
atlas architecture: CURATION.md, 5).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from reproduce.models.spec import Builder, ModelSpec, Shape


class ShortcutA(nn.Module):
    """Identity when shapes match; otherwise subsample by 2 and zero-pad the new channels."""

    def __init__(self, in_planes: int, planes: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.pad = planes - in_planes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 1 and self.pad == 0:
            return x
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))


class BasicBlock(nn.Module):
    def __init__(self, in_planes: int, planes: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = ShortcutA(in_planes, planes, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth: int, num_classes: int, shape: Shape, width: int = 16) -> None:
        super().__init__()
        if (depth - 2) % 6:
            raise ValueError(f"CIFAR ResNet depth must be 6n+2, got {depth}")
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(shape[0], width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        blocks: list[nn.Module] = []
        in_planes = width
        for stage, planes in enumerate((width, 2 * width, 4 * width)):
            for i in range(n):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(in_planes, planes, stride))
                in_planes = planes
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_planes, num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.kaiming_normal_(module.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.pool(self.blocks(out)).flatten(1)
        return self.fc(out)


def _inner_convs(model: nn.Module) -> list[nn.Module]:
    """Only the first conv of each block: its output never meets a shortcut (Li et al. 2017's choice)."""
    return [m.conv1 for m in model.modules() if isinstance(m, BasicBlock)]


class ResNetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    width: int = Field(16, ge=1, description="Maps in the first stage (16 standard; 64 = 4x wider)")


def _resnet_id(depth: int):
    def atlas(options: ResNetOptions, _shape: Shape, _classes: int) -> str:
        return f"resnet{depth}" if options.width == 16 else f"resnet{depth}-w{options.width}"

    return atlas


def _builder(depth: int) -> Builder:
    return lambda c, s, o: CifarResNet(depth, c, s, o.width)


CIFAR_RESNET_SPECS = [
    ModelSpec(
        name=f"resnet{depth}",
        description=f"CIFAR ResNet-{depth} (3 stages, 16-32-64 maps, option-A shortcuts; option width)",
        family="resnet-cifar",
        build=_builder(depth),
        native_input=(3, 32, 32),
        native_classes=10,
        atlas=_resnet_id(depth),
        options=ResNetOptions,
        roots=_inner_convs,
        definition=f"reproduce.models.cifar_resnet.CifarResNet({depth})",
    )
    for depth in (20, 32, 44, 56, 110)
]
