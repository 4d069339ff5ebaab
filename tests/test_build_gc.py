"""A build keeps the cyclic garbage collector off while the atlas's objects are all alive: each collection would
scan every one of them (for 100,000 rows, seconds of a build) and find nothing to free."""

from __future__ import annotations

import concurrent.futures
import gc
from pathlib import Path

import pytest

from pruneatlas import build as build_module
from pruneatlas import loader, paths
from pruneatlas.vocab import load_vocabularies


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


def test_build_workers_run_without_the_cyclic_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    started_with: list[object] = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            started_with.append(kwargs.get("initializer"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    files = sorted(paths.PAPERS.glob("*.yaml"))[:8]
    outcomes, tables = loader.compile_files(
        [(p, True) for p in files], load_vocabularies(), loader.known_keys_of(files), False, True, workers=2
    )
    assert started_with == [gc.disable]
    assert len(outcomes) == len(files) and sum(t.num_rows for t in tables) > 0
