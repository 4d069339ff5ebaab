"""One counter for parameters and MACs, checked against known figures and against torch's own FLOP counter."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from reproduce.counting import count
from reproduce.masks import Masks, global_masks, magnitude_scores
from reproduce.models import build_model
from reproduce.structured import ChannelPruner


def test_torchvision_resnet50_has_25_557_032_parameters_and_about_4_1_g_macs() -> None:
    counts = count(build_model("resnet50", 1000, (3, 224, 224)), (3, 224, 224))
    assert counts.params == 25_557_032
    assert 4.05e9 < counts.macs < 4.15e9


def test_cifar_resnet56_has_about_0_85_m_parameters_and_125_m_macs() -> None:
    counts = count(build_model("resnet56", 10, (3, 32, 32)), (3, 32, 32))
    assert counts.params == 853_018
    assert 124e6 < counts.macs < 127e6


def test_lenet_300_100_has_266_610_parameters() -> None:
    counts = count(build_model("lenet-300-100", 10, (1, 28, 28)), (1, 28, 28))
    assert counts.params == 266_610
    assert counts.macs == 784 * 300 + 300 * 100 + 100 * 10


@pytest.mark.parametrize(
    ("arch", "shape"),
    [
        ("lenet5-caffe", (1, 28, 28)),
        ("resnet20", (3, 32, 32)),
        ("vgg16-cifar", (3, 32, 32)),
        ("mobilenet-v2", (3, 64, 64)),
        ("lenet5-swd", (1, 32, 32)),
    ],
)
def test_macs_are_half_of_torch_flop_counter(arch: str, shape: tuple[int, int, int]) -> None:
    """FlopCounterMode counts 2 FLOPs per multiply-accumulate of conv and matmul, groups included."""
    model = build_model(arch, 10, shape).eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, *shape))
    assert count(model, shape).macs * 2 == counter.get_total_flops()


def test_sparse_macs_count_only_nonzero_weights() -> None:
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.Flatten(), nn.Linear(4 * 5 * 5, 3))
    masks = Masks(model)
    masks.update(global_masks(magnitude_scores(model, masks.names), 0.75))
    counts = count(model, (2, 5, 5))
    conv, linear = model[0].weight, model[2].weight
    expected = 25 * int(torch.count_nonzero(conv)) + int(torch.count_nonzero(linear))
    assert counts.macs == 25 * conv.numel() + linear.numel()
    assert counts.macs_sparse == expected
    assert counts.weight_sparsity == pytest.approx(0.75, abs=1 / conv.numel())
    assert counts.params_nonzero == counts.params - (conv.numel() + linear.numel() - counts.prunable_nonzero)


def test_removing_channels_lowers_dense_parameters_and_macs() -> None:
    model = build_model("resnet20", 10, (3, 32, 32))
    before = count(model, (3, 32, 32))
    pruner = ChannelPruner(model, [model.blocks[0].conv1], torch.randn(1, 3, 32, 32))
    pruner.remove({model.blocks[0].conv1: [0, 1, 2, 3]})
    after = count(model, (3, 32, 32))
    # conv1 loses 4 of 16 filters (4*3*3*16 weights), bn1 8 parameters, conv2 4 input slices (16*3*3*4).
    assert before.params - after.params == 4 * 144 + 8 + 4 * 144
    assert before.macs - after.macs == 32 * 32 * (4 * 144 + 4 * 144)
