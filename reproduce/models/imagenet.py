"""torchvision's ImageNet networks (ResNet-18/50, MobileNetV2), randomly initialised.

On other data the classifier gets the dataset's classes and a stem for its channels; the row then says so
in `conditions.architecture_modified` (InCoP, for instance, re-heads torchvision ResNet-18 for MNIST).
"""

from __future__ import annotations

from torch import nn

from reproduce.models.spec import ModelSpec, Shape


def _resnet(name: str, classes: int, shape: Shape) -> nn.Module:
    import torchvision

    model = getattr(torchvision.models, name)(weights=None, num_classes=classes)
    if shape[0] != 3:
        model.conv1 = nn.Conv2d(shape[0], 64, 7, 2, 3, bias=False)
    return model


def _mobilenet(classes: int, shape: Shape) -> nn.Module:
    import torchvision

    model = torchvision.models.mobilenet_v2(weights=None, num_classes=classes)
    if shape[0] != 3:
        model.features[0][0] = nn.Conv2d(shape[0], 32, 3, 2, 1, bias=False)
    return model


def _resnet_roots(model: nn.Module) -> list[nn.Module]:
    """Convs inside residual blocks except the last one, whose output meets the shortcut."""
    import torchvision.models.resnet as tv

    roots: list[nn.Module] = []
    for block in model.modules():
        if isinstance(block, tv.BasicBlock):
            roots.append(block.conv1)
        elif isinstance(block, tv.Bottleneck):
            roots += [block.conv1, block.conv2]
    return roots


def _mobilenet_roots(model: nn.Module) -> list[nn.Module]:
    """The expansion convs (their depthwise partner follows), never a projection that meets a shortcut."""
    from torchvision.models.mobilenetv2 import InvertedResidual

    roots: list[nn.Module] = []
    for block in model.modules():
        if isinstance(block, InvertedResidual) and len(block.conv) == 4:  # expand, depthwise, project, bn
            roots.append(block.conv[0][0])
    return roots


IMAGENET_SPECS = [
    ModelSpec(
        name="resnet18",
        description="torchvision ResNet-18 (ImageNet, 11,689,512 params)",
        family="resnet",
        build=lambda c, s, _o: _resnet("resnet18", c, s),
        native_input=(3, 224, 224),
        native_classes=1000,
        atlas="resnet18",
        roots=_resnet_roots,
        definition="torchvision.models.resnet18",
    ),
    ModelSpec(
        name="resnet50",
        description="torchvision ResNet-50 (ImageNet, 25,557,032 params)",
        family="resnet",
        build=lambda c, s, _o: _resnet("resnet50", c, s),
        native_input=(3, 224, 224),
        native_classes=1000,
        atlas="resnet50",
        roots=_resnet_roots,
        definition="torchvision.models.resnet50",
    ),
    ModelSpec(
        name="mobilenet-v2",
        description="torchvision MobileNetV2 (ImageNet, 3,504,872 params)",
        family="mobilenet",
        build=lambda c, s, _o: _mobilenet(c, s),
        native_input=(3, 224, 224),
        native_classes=1000,
        atlas="mobilenet-v2",
        roots=_mobilenet_roots,
        definition="torchvision.models.mobilenet_v2",
    ),
]
