"""A build keeps the cyclic garbage collector off while the atlas's objects are all alive: each collection would
scan every one of them (for 100,000 rows, seconds of a build) and find nothing to free."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from pruneatlas import build as build_module
from pruneatlas import loader


def test_cross_file_checks_and_the_database_write_run_without_the_cyclic_collector(
    two_paper_atlas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collector_on: dict[str, bool] = {}
    find_conflicts, write_database = loader.find_conflicts, build_module.write_database

    def spy_conflicts(*args, **kwargs):
        collector_on["cross_file"] = gc.isenabled()
        return find_conflicts(*args, **kwargs)

    def spy_write(*args, **kwargs):
        collector_on["write"] = gc.isenabled()
        return write_database(*args, **kwargs)

    monkeypatch.setattr(loader, "find_conflicts", spy_conflicts)
    monkeypatch.setattr(build_module, "write_database", spy_write)
    assert gc.isenabled()
    build_module.build(force=True)
    assert collector_on == {"cross_file": False, "write": False}
    assert gc.isenabled()
