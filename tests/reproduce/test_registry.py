"""Each extension point is a registry; an unknown name fails with the list of valid names."""

from __future__ import annotations

import pytest

from reproduce.datasets import DATASETS, load_dataset
from reproduce.methods import METHODS
from reproduce.models import MODELS, build_model
from reproduce.registry import Registry, UnregisteredName

REQUIRED_METHODS = {
    "random",
    "random-filter",
    "magnitude",
    "magnitude-iterative",
    "lottery-ticket",
    "lr-rewinding",
    "sgimp",
    "snip",
    "synflow",
    "grasp",
    "l1-filter",
    "network-slimming",
    "fpgm",
    "swd",
    "swd-structured",
    "incop",
}
REQUIRED_MODELS = {
    "lenet-300-100",
    "lenet5-caffe",
    "conv2",
    "conv4",
    "conv6",
    "mlp",
    "resnet20",
    "resnet32",
    "resnet56",
    "resnet110",
    "vgg16-cifar",
    "vgg19-cifar",
    "resnet18",
    "resnet50",
    "mobilenet-v2",
}
REQUIRED_DATASETS = {"mnist", "fashion-mnist", "cifar10", "cifar100", "imagefolder", "digits"}


def test_every_required_name_is_registered() -> None:
    assert set(METHODS.names()) >= REQUIRED_METHODS
    assert set(MODELS.names()) >= REQUIRED_MODELS
    assert set(DATASETS.names()) >= REQUIRED_DATASETS


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        (lambda: METHODS.get("magnitud"), "method"),
        (lambda: build_model("resnet57", 10, (3, 32, 32)), "architecture"),
        (lambda: load_dataset("mnits"), "dataset"),
    ],
)
def test_unknown_name_lists_the_valid_ones(call, kind) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnregisteredName) as info:
        call()
    message = str(info.value)
    assert f"unknown {kind}" in message
    assert "valid" in message
    assert "did you mean" in message


def test_registering_a_name_twice_is_an_error() -> None:
    registry: Registry[int] = Registry("thing")
    registry.register("a", 1)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("a", 2)


def test_every_method_declares_what_a_row_needs() -> None:
    for name, cls in METHODS.items():
        assert cls.name == name
        assert cls.config_class.model_fields["method"].annotation.__args__ == (name,)  # Literal[name]
        assert cls.target_kind in ("weights", "channels", "params")
        assert cls.atlas_method and cls.summary
