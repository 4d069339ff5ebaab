"""Files are replaced whole or not at all, a writer killed mid-write leaves nothing that outlives it, and a
write otherwise behaves like an ordinary one: umask, kept modes, symbolic links; special files are never replaced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
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


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path: Path, umask_022: None):
    atomic_write_text(tmp_path / "New2020Paper.yaml", "key: New2020Paper\n")
    assert stat.S_IMODE((tmp_path / "New2020Paper.yaml").stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None):
    target = tmp_path / "Old2020Paper.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o664)
    atomic_write_text(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664 and target.read_text(encoding="utf-8") == "new\n"


def test_a_symbolic_link_is_written_through(tmp_path: Path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "link to a device"])
def test_a_special_file_is_never_replaced(tmp_path: Path, kind: str):
    target = tmp_path / "out.csv"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to("/dev/null")
        if kind == "device":
            target = Path("/dev/null")
    before = os.lstat(target)
    with pytest.raises(atomic.NotARegularTarget, match="refusing to replace it"):
        atomic_write_text(target, "rows\n")
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_export_refuses_a_fifo_in_one_line(tmp_path: Path, write_paper):
    from click.testing import CliRunner
    from paper_factory import paper

    from pruneatlas.cli import main

    write_paper(paper())
    fifo = tmp_path / "atlas.csv"
    os.mkfifo(fifo)
    outcome = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(fifo)])
    assert outcome.exit_code == 1 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert outcome.output.splitlines() == [
        f"Error: {fifo} is not a regular file (a device, FIFO or socket); refusing to replace it with a file"
    ]
