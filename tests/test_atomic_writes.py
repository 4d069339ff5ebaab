"""Files are replaced whole or not at all, and a writer killed mid-write leaves nothing that outlives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pruneatlas import atomic
from pruneatlas.atomic import atomic_write_text, remove_orphaned_temps


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_failed_write_keeps_the_old_content_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "Paper2020Key.yaml"
    target.write_text("old\n", encoding="utf-8")

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_orphans_of_a_dead_writer_are_removed_but_a_live_writers_temp_is_kept(tmp_path: Path):
    checkpoints = tmp_path / "run" / "checkpoints"
    checkpoints.mkdir(parents=True)
    whole = checkpoints / "dense.pt"
    whole.write_bytes(b"finished checkpoint")
    orphan = checkpoints / f".dense.pt.{_dead_pid()}.k3x9q2.tmp"
    orphan.write_bytes(b"half")
    in_flight = checkpoints / f".dense.pt.{os.getpid()}.a8b7c6.tmp"
    in_flight.write_bytes(b"still being written")

    assert remove_orphaned_temps(tmp_path) == [orphan]
    assert sorted(checkpoints.iterdir()) == sorted([whole, in_flight])


def test_temp_files_name_their_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, destination: Path) -> None:
        seen.append(Path(source).name)
        real_replace(source, destination)

    monkeypatch.setattr(atomic.os, "replace", spy)
    atomic_write_text(tmp_path / "log.txt", "line\n")
    (name,) = seen
    assert name.startswith(f".log.txt.{os.getpid()}.") and name.endswith(".tmp")
