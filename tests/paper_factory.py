"""Valid paper files as dicts, to change one field at a time in tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

VALID_RESULT: dict[str, Any] = {
    "id": "t1-resnet56-a",
    "method": "l1-filter",
    "method_label": "ResNet-56-pruned-A",
    "architecture": "resnet56",
    "dataset": "cifar10",
    "accuracy": {"metric": "top1_err", "baseline": 6.96, "pruned": 6.90},
    "params": {"removed_pct": 9.4},
    "flops": {"removed_pct": 10.4},
    "source": {
        "locator": "Table 1",
        "extraction": "table",
        "quote": "ResNet-56 6.96 ... ResNet-56-pruned-A 6.90 9.4% 10.4%",
    },
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


NUMBER_BLOCKS = ("accuracy", "secondary", "params", "flops")


def result(**changes: Any) -> dict[str, Any]:
    """A valid result as a dict, with fields replaced; unless a source is given, its quote carries the numbers."""
    row = {**copy.deepcopy(VALID_RESULT), **changes}
    if "source" not in changes:
        numbers = [
            str(v)
            for block in NUMBER_BLOCKS
            for k, v in (row.get(block) or {}).items()
            if k not in ("metric", "change_sign", "claim", "unit")
        ]
        row["source"]["quote"] = " ".join([row["method_label"], *numbers])
    return row
