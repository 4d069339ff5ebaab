"""The LeNet-5 family as pruning papers use it, and the lottery-ticket Conv-2/4/6.

Three different "LeNet-5"s circulate (CURATION.md, 5): the Caffe variant 20-50-500 most pruning papers mean,
the classic 6-16-120-84, and the variant in Tessier et al.'s SWD repository (two parallel 6->16 branches,
summed). Each is its own atlas architecture.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from reproduce.models.spec import Builder, ModelSpec, Shape


def _flat(features: nn.Module, shape: Shape) -> int:
    with torch.no_grad():
        return math.prod(features(torch.zeros(1, *shape)).shape[1:])


class LeNet5Caffe(nn.Module):
    """conv 20 (5x5) - pool - conv 50 (5x5) - pool - fc 500 - fc classes (431,080 parameters on MNIST)."""

    def __init__(self, num_classes: int, shape: Shape) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(shape[0], 20, 5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(_flat(self.features, shape), 500),
            nn.ReLU(inplace=True),
            nn.Linear(500, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class LeNet5(nn.Module):
    """Classic LeNet-5: conv 6 (5x5, padded on 28x28) - pool - conv 16 - pool - fc 120 - fc 84 - fc classes."""

    def __init__(self, num_classes: int, shape: Shape) -> None:
        super().__init__()
        pad = 2 if shape[1] == 28 else 0
        self.features = nn.Sequential(
            nn.Conv2d(shape[0], 6, 5, padding=pad),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(_flat(self.features, shape), 120),
            nn.ReLU(inplace=True),
            nn.Linear(120, 84),
            nn.ReLU(inplace=True),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class LeNet5SWD(nn.Module):
    """The LeNet-5 of HugoTessier-lab/SWD utils/lenet5.py as the reference note describes it (64,122
    parameters on 32x32 MNIST): conv 6, two parallel conv 6->16 branches summed, conv 120, fc 84, fc 10,
    log-softmax (cross-entropy on top is unchanged, since log-softmax is idempotent)."""

    def __init__(self, num_classes: int, shape: Shape) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(shape[0], 6, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.branch_a = nn.Sequential(nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.branch_b = nn.Sequential(nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2))
        self.conv3 = nn.Sequential(nn.Conv2d(16, 120, 5), nn.ReLU(inplace=True), nn.Flatten())
        with torch.no_grad():
            flat = self._trunk(torch.zeros(1, *shape)).shape[1]
        self.classifier = nn.Sequential(
            nn.Linear(flat, 84), nn.ReLU(inplace=True), nn.Linear(84, num_classes), nn.LogSoftmax(dim=1)
        )

    def _trunk(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        return self.conv3(self.branch_a(x) + self.branch_b(x))

    def forward(self, x):
        return self.classifier(self._trunk(x))


def _swd_roots(model: nn.Module) -> list[nn.Module]:
    # The two branches are summed, so their output channels are coupled; shrink the stem, conv3 and fc1.
    assert isinstance(model, LeNet5SWD)
    return [model.stem[0], model.conv3[0], model.classifier[0]]


class ConvN(nn.Module):
    """Frankle & Carbin's Conv-2/4/6: pairs of 3x3 convs (64, 128, 256) each followed by max-pool, then
    fc 256 - fc 256 - fc classes."""

    def __init__(self, depth: int, num_classes: int, shape: Shape) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = shape[0]
        for width in (64, 128, 256)[: depth // 2]:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(inplace=True)]
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(_flat(self.features, shape), 256),
            nn.ReLU(inplace=True),
            nn.Linear(256, 256),
            nn.ReLU(inplace=True),
            nn.Linear(256, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def _conv_builder(depth: int) -> Builder:
    return lambda c, s, _o: ConvN(depth, c, s)


LENET_SPECS = [
    ModelSpec(
        name="lenet5-caffe",
        description="LeNet-5 as in Caffe and most pruning papers: conv20-conv50-fc500 (431,080 params on MNIST)",
        family="lenet",
        build=lambda c, s, _o: LeNet5Caffe(c, s),
        native_input=(1, 28, 28),
        native_classes=10,
        atlas="lenet5-caffe",
        definition="reproduce.models.lenet.LeNet5Caffe",
    ),
    ModelSpec(
        name="lenet5",
        description="Classic LeNet-5: conv6-conv16-fc120-fc84 (61,706 params; 28x28 input is padded to 32x32)",
        family="lenet",
        build=lambda c, s, _o: LeNet5(c, s),
        native_input=(1, 32, 32),
        accepts=((1, 28, 28),),
        native_classes=10,
        atlas="lenet5",
        definition="reproduce.models.lenet.LeNet5",
    ),
    ModelSpec(
        name="lenet5-swd",
        description="LeNet-5 of Tessier et al.'s SWD repository, 32x32 input, two summed branches (64,122 params)",
        family="lenet",
        build=lambda c, s, _o: LeNet5SWD(c, s),
        native_input=(1, 32, 32),
        native_classes=10,
        atlas="lenet5-swd",
        roots=_swd_roots,
        definition="reproduce.models.lenet.LeNet5SWD",
    ),
] + [
    ModelSpec(
        name=f"conv{depth}",
        description=f"Conv-{depth} of the lottery-ticket paper (CIFAR-10, 3x32x32)",
        family="conv",
        build=_conv_builder(depth),
        native_input=(3, 32, 32),
        native_classes=10,
        atlas=f"conv{depth}",
        definition=f"reproduce.models.lenet.ConvN({depth})",
    )
    for depth in (2, 4, 6)
]
