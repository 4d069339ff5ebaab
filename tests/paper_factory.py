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

# Cost claims (training time or epochs): one compared with another method, one timed against dense training.
PUBLISHED_COST_CLAIM: dict[str, Any] = {
    "id": "conclusion-incop-vs-sap",
    "method": "InCoP",
    "method_label": "InCoP-IF (p,q) = (0.5, 1)",
    "architecture": "resnet18",
    "dataset": "fashion-mnist",
    "cost": {
        "quantity": "time",
        "scope": "one whole pruning experiment",
        "relative_to": "SAP",
        "relative_label": "SAP",
        "percent_of_reference": 13,
    },
    "accuracy_claim": "comparable",
    "source": {"locator": "Sec. 4", "extraction": "text", "quote": "with only 13% of execution time"},
}
TIMED_COST_CLAIM: dict[str, Any] = {
    "id": "t10-swd-unstructured",
    "method": "swd",
    "method_label": "SWD (unstructured)",
    "architecture": "resnet20",
    "dataset": "cifar10",
    "cost": {
        "quantity": "time",
        "scope": "one epoch",
        "value": 1.5,
        "std": 0.25,
        "unit": "min",
        "relative_to": "dense",
        "increase_pct": 40,
    },
    "source": {"locator": "Table 10", "extraction": "table", "quote": "Seconds per epoch 55 77 78"},
}
RERUN_PROVENANCE = {
    "command": "pruneatlas reproduce recipes run incop-vs-sap",
    "config_hash": "abc123",
    "git_sha": "0000000",
    "versions": {"torch": "2.3"},
    "hardware": "cpu",
    "seeds": [0, 1, 2],
    "wall_time_s": 60.0,
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
