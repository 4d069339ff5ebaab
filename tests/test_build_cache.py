"""The build cache: keyed by every file that shapes a build and by atlas, cleaned of killed builders' leftovers,
and a disk that refuses a new build serves the last good one instead of crashing."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper

from pruneatlas import build as build_module
from pruneatlas import paths
from pruneatlas.build import BuildError, CacheUnwritable, build, code_files, current_or_last_good
from pruneatlas.cli import main

IMPORTED_BY_A_BUILD = """
import sys
sys.path.insert(0, {root!r})
from pruneatlas.build import build
build()
print("\\n".join(name for name, module in sys.modules.items() if name.startswith("pruneatlas")
      and getattr(module, "__file__", None)))
"""


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def one_paper(write_paper: WritePaper) -> Path:
    return write_paper(paper())


def test_every_module_a_build_runs_is_in_the_cache_key(one_paper: Path):
    script = IMPORTED_BY_A_BUILD.format(root=str(paths.ROOT))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    used = {paths.ROOT / (name.replace(".", "/") + ".py") for name in done.stdout.split()}
    hashed = set(code_files())
    assert paths.ROOT / "pruneatlas" / "rows.py" in hashed
    assert {p for p in used if p.exists()} <= hashed


def test_a_change_to_a_derivation_gives_a_new_build(one_paper: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    before = build().path
    changed = tmp_path / "rows.py"
    changed.write_bytes((paths.ROOT / "pruneatlas" / "rows.py").read_bytes() + b"\n# a changed derivation\n")
    monkeypatch.setattr(
        build_module, "code_files", lambda: [p if p.name != "rows.py" else changed for p in code_files()]
    )
    assert build().path != before


def test_the_last_good_build_of_another_atlas_is_never_served(one_paper: Path, tmp_path: Path, monkeypatch):
    build()  # this atlas's good build, in the shared cache
    other = tmp_path / "other"
    other.mkdir()
    (other / "Bad2020Paper.yaml").write_text("key: Bad2020Paper\ntitle: Bad\nauthors: [A]\nyear: 2020\nresult: []\n")
    monkeypatch.setenv("PRUNEATLAS_DATA", str(other))
    with pytest.raises(BuildError):
        current_or_last_good()


def test_killed_builders_leftovers_are_removed_and_a_live_builders_kept(one_paper: Path):
    cache = paths.cache_dir()
    dead = _dead_pid()
    leftovers = [cache / f".build.{dead}.1a2b3c4d.duckdb", cache / f".build.{dead}.1a2b3c4d.duckdb.wal"]
    in_flight = [cache / f".build.{os.getpid()}.5e6f7a8b.duckdb", cache / f".build.{os.getpid()}.5e6f7a8b.duckdb.wal"]
    for path in leftovers + in_flight:
        path.write_bytes(b"half a database")
    built = build()
    assert sorted(p for p in cache.iterdir()) == sorted([built.path, *in_flight])


@pytest.mark.parametrize(
    "refusal",
    [
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
        OSError(errno.EROFS, os.strerror(errno.EROFS)),
        OSError(errno.EACCES, os.strerror(errno.EACCES)),
        duckdb.IOException("Could not write file: No space left on device"),
    ],
)
def test_a_cache_that_refuses_a_build_serves_the_last_good_one_and_says_why(
    one_paper: Path, write_paper: WritePaper, monkeypatch: pytest.MonkeyPatch, refusal: Exception
):
    good = build().path

    def refuse(*_: object) -> None:
        raise refusal

    monkeypatch.setattr(build_module, "write_database", refuse)
    write_paper(paper(key="He2019Filter", title="FPGM", authors=["Yang He"], year=2019))
    served, why = current_or_last_good()
    assert served == good and isinstance(why, CacheUnwritable)

    outcome = CliRunner().invoke(main, ["query", "SELECT count(*) AS n FROM results", "--format", "csv"])
    assert outcome.exit_code == 0 and outcome.stdout == "n\n1\n"
    (warning,) = outcome.stderr.splitlines()
    assert warning.startswith(f"warning: cannot write a new build to {paths.cache_dir()}: ")
    assert warning.endswith(f"; reading the last good build {good.name}")


def test_a_cache_that_refuses_the_first_build_is_one_clear_error(one_paper: Path, monkeypatch: pytest.MonkeyPatch):
    def refuse(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_module, "write_database", refuse)
    outcome = CliRunner().invoke(main, ["query", "SELECT 1"])
    assert outcome.exit_code == 1
    assert outcome.output.splitlines() == [
        f"Error: cannot write a new build to {paths.cache_dir()}: No space left on device"
    ]


def test_an_atlas_compiles_on_one_worker_per_started_share_of_data_up_to_the_usable_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "A2020Small.yaml").write_text("key: A2020Small\n" + "#" * 84, encoding="utf-8")  # 100 bytes
    monkeypatch.setattr(build_module.os, "sched_getaffinity", lambda pid: set(range(12)), raising=False)
    assert build_module.compile_workers([tmp_path]) == 1
    monkeypatch.setattr(build_module, "BYTES_PER_WORKER", 30)
    assert build_module.compile_workers([tmp_path]) == 4
    monkeypatch.setattr(build_module, "BYTES_PER_WORKER", 5)
    assert build_module.compile_workers([tmp_path]) == 12
    assert build_module.compile_workers([tmp_path / "empty"]) == 1
