"""Every registered method prunes the toy model to its target (generated from the registry: registering a
method adds it here), and structured methods lower the counted parameters and MACs for real."""

from __future__ import annotations

from typing import Any

import pytest

from reproduce.context import RunOptions
from reproduce.experiment import execute
from reproduce.methods import METHODS

TARGET = 0.5
_cache: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory, toy_config):  # type: ignore[no-untyped-def]
    def get(name: str) -> dict[str, Any]:
        if name not in _cache:
            options = RunOptions(runs_dir=tmp_path_factory.mktemp(name), progress=False)
            _cache[name] = execute(toy_config(name, TARGET), options)
        return _cache[name]

    return get


@pytest.mark.parametrize("name", METHODS.names())
def test_method_prunes_the_toy_model_to_its_target(name: str, results) -> None:  # type: ignore[no-untyped-def]
    metrics = results(name)
    assert metrics.status == "finished"
    assert 0.0 <= metrics.top1 <= 100.0 and 0.0 <= metrics.baseline_top1 <= 100.0
    kind = METHODS.get(name).target_kind
    if kind == "weights":  # exact up to one weight
        assert metrics.achieved == pytest.approx(TARGET, abs=1 / metrics.dense.prunable)
        assert metrics.pruned.macs_sparse < metrics.dense.macs
    elif kind == "channels":  # 8 + 8 prunable channels: half of them exactly
        assert metrics.achieved == pytest.approx(TARGET)
    else:  # params: at least the target, overshooting by less than one channel's worth
        assert TARGET <= metrics.achieved < TARGET + 0.1


STRUCTURED = [n for n, cls in METHODS.items() if cls.target_kind != "weights"]


@pytest.mark.parametrize("name", STRUCTURED)
def test_structured_methods_reduce_counted_macs_and_parameters(name: str, results) -> None:  # type: ignore[no-untyped-def]
    metrics = results(name)
    dense, pruned = metrics.dense, metrics.pruned
    assert pruned.params < dense.params  # channels removed, not masked
    assert pruned.macs < dense.macs  # the dense count itself falls
    assert pruned.macs <= 0.75 * dense.macs
