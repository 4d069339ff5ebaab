"""Fixtures for the reproduce tests: a toy CNN with batch norm (so every method, structured or not, can run
on it), tiny generated data, and isolated run folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from reproduce.config import RunConfig, make_config
from reproduce.context import RunOptions
from reproduce.experiment import execute
from reproduce.models import MODELS, ModelSpec
from reproduce.run_result import RunResult

TOY = "toy-cnn"
# metrics.json as `execute` wrote it before run results were typed (magnitude, LeNet-300-100 on digits, one epoch).
STORED_METRICS = Path(__file__).parent / "fixtures" / "metrics_magnitude_digits.json"


class ToyCNN(nn.Module):
    """conv 8 - BN - conv 8 - BN - pool - linear: small enough to train in milliseconds."""

    def __init__(self, classes: int, shape: tuple[int, int, int]) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(shape[0], 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * (shape[1] // 2) * (shape[2] // 2), classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.bn1(self.conv1(x)))
        x = torch.relu(self.bn2(self.conv2(x)))
        return self.fc(nn.functional.max_pool2d(x, 2).flatten(1))


if TOY not in MODELS:
    MODELS.register(
        TOY,
        ModelSpec(
            name=TOY,
            description="test-only toy CNN with batch norm",
            family="test",
            build=lambda c, s, _o: ToyCNN(c, s),
            native_input=(1, 8, 8),
            native_classes=4,
            atlas="toy-cnn",
        ),
    )

FAST_TRAINING = {"epochs": 1, "batch_size": 64, "lr": 0.05}


def make_toy_config(method: str, sparsity: float = 0.5, **fields: Any) -> RunConfig:
    """The method on the toy CNN and 256 generated images, one epoch of 4 batches per phase."""
    fields.setdefault("training", FAST_TRAINING)
    fields.setdefault("data", {"train_subset": 256, "test_subset": 128})
    return make_config(method, TOY, "synthetic", sparsity, **fields)


@pytest.fixture(scope="session")
def toy_config() -> Callable[..., RunConfig]:
    return make_toy_config


@pytest.fixture
def options(tmp_path: Path) -> RunOptions:
    return RunOptions(runs_dir=tmp_path / "runs", progress=False)


@pytest.fixture
def run(options: RunOptions) -> Callable[..., RunResult]:
    def go(config: RunConfig, **changes: Any) -> RunResult:
        for key, value in changes.items():
            setattr(options, key, value)
        return execute(config, options, command="pytest")

    return go


@pytest.fixture
def stored_metrics() -> Path:
    return STORED_METRICS
