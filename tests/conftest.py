"""Shared fixtures: a small atlas of our own in a temporary folder, isolated from data/ and the build cache."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pruneatlas.safe_yaml import dump_yaml

VALID_RESULT: dict[str, Any] = {
    "id": "t1-resnet56-a",
    "method": "l1-filter",
    "method_label": "ResNet-56-pruned-A",
    "architecture": "resnet56",
    "dataset": "cifar10",
    "accuracy": {"metric": "top1_err", "baseline": 6.96, "pruned": 6.90},
    "params": {"removed_pct": 9.4},
    "flops": {"removed_pct": 10.4},
    "source": {"locator": "Table 1", "extraction": "table", "quote": "ResNet-56-pruned-A 6.90 ... 9.4% ... 10.4%"},
}
VALID_PAPER: dict[str, Any] = {
    "key": "Li2017Pruning",
    "title": "Pruning Filters for Efficient ConvNets",
    "authors": ["Hao Li"],
    "year": 2017,
    "venue": "ICLR",
    "results": [VALID_RESULT],
}

WritePaper = Callable[..., Path]


def paper(**changes: Any) -> dict[str, Any]:
    """A valid paper file as a dict, with top-level fields replaced."""
    return {**copy.deepcopy(VALID_PAPER), **changes}


def result(**changes: Any) -> dict[str, Any]:
    """A valid result as a dict, with fields replaced."""
    return {**copy.deepcopy(VALID_RESULT), **changes}


@pytest.fixture
def atlas_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty atlas (papers/ and reproduced/) that the CLI, builds and app use instead of data/."""
    root = tmp_path / "atlas"
    (root / "papers").mkdir(parents=True)
    (root / "reproduced").mkdir()
    monkeypatch.setenv("PRUNEATLAS_DATA", f"{root / 'papers'}:{root / 'reproduced'}")
    monkeypatch.setenv("PRUNEATLAS_CACHE", str(tmp_path / "cache"))
    return root


@pytest.fixture
def write_paper(atlas_dir: Path) -> WritePaper:
    """Write a paper dict as YAML into the temporary atlas; the file is named after its key unless told."""

    def write(data: dict[str, Any], name: str | None = None, folder: str = "papers") -> Path:
        path = atlas_dir / folder / f"{name or data['key']}.yaml"
        path.write_text(dump_yaml(data), encoding="utf-8")
        return path

    return write
