"""What a careless or hostile data folder holds never crashes, hangs or silently shortens the atlas: numbers too
large for a float, NUL bytes, editor lock files, folders and links named like paper files, devices and FIFOs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas import paths
from pruneatlas.build import build, current_or_last_good
from pruneatlas.cli import main
from pruneatlas.loader import load_atlas
from pruneatlas.safe_yaml import dump_yaml

HUGE = int("9" * 310)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("accuracy.baseline", HUGE),
        ("accuracy.pruned_std", HUGE),
        ("params.baseline", HUGE),
        ("flops.ratio", HUGE),
        ("conditions.runtime_speedup", HUGE),
        ("conditions.num_runs", HUGE),
        ("conditions.finetune_epochs", HUGE),
        ("accuracy.pruned", 1e400),
    ],
)
def test_a_number_too_large_for_a_float_is_a_located_error(write_paper: WritePaper, field: str, value: float):
    write_paper(paper(key="He2019Filter", title="FPGM", authors=["Yang He"], year=2019))
    good = build().path
    group, name = field.split(".")
    bad = result()
    bad[group] = {**(bad.get(group) or {}), name: value}
    path = write_paper(paper(results=[bad]))

    (error,) = load_atlas([path]).errors
    assert str(error).startswith(f"{path}: t1-resnet56-a: {field}: ")
    served, why = current_or_last_good()  # build, query and app read the last good build meanwhile
    assert served == good and why is not None


def test_a_number_of_thousands_of_digits_is_refused_with_its_line(write_paper: WritePaper, atlas_dir: Path):
    path = atlas_dir / "papers" / "Li2017Pruning.yaml"
    path.write_text(dump_yaml(paper()).replace("year: 2017", "year: " + "9" * 5000), encoding="utf-8")
    (error,) = load_atlas([path]).errors
    assert "a number of 5000 digits is too long to read (line 5)" in str(error)


def test_a_nul_byte_refuses_the_file_instead_of_truncating_it(write_paper: WritePaper):
    results = [result(id=f"r{i}", method_label=f"ResNet-56-pruned-{i}", params={"removed_pct": i}) for i in range(4)]
    path = write_paper(paper(results=results))
    text = path.read_bytes()
    cut = text.index(b"- id: r2")
    path.write_bytes(text[:cut] + b"\0" + text[cut:])

    atlas = load_atlas([path])
    assert atlas.papers == [] and len(atlas.errors) == 1
    assert f"a NUL byte at byte offset {cut} " in str(atlas.errors[0])


@pytest.fixture
def odd_entries(write_paper: WritePaper, atlas_dir: Path) -> list[Path]:
    """A valid paper beside every kind of entry named like a paper file that is not one."""
    write_paper(paper())
    folder = atlas_dir / "papers"
    odd = [
        folder / "Gone2020Paper.yaml",
        folder / ".#Li2017Pruning.yaml",
        folder / "Folder2020Paper.yaml",
        folder / "Zero2020Paper.yaml",
        folder / "Fifo2020Paper.yaml",
    ]
    odd[0].symlink_to(folder / "missing.yaml")
    odd[1].symlink_to("curator@host.4242:1700000000")  # how Emacs marks a file it has open
    odd[2].mkdir()
    odd[3].symlink_to("/dev/zero")
    os.mkfifo(odd[4])  # opening it for reading blocks until a writer comes
    return odd


def test_odd_entries_are_skipped_with_a_warning_naming_each(odd_entries: list[Path]):
    atlas = load_atlas()
    assert [lp.paper.key for lp in atlas.papers] == ["Li2017Pruning"] and atlas.errors == []
    warned = {w.file: w.message for w in atlas.warnings}
    assert set(warned) >= {str(p) for p in odd_entries}
    assert "broken symbolic link" in warned[str(odd_entries[0])]
    assert "lock file" in warned[str(odd_entries[1])]
    assert "folder" in warned[str(odd_entries[2])]
    assert "device" in warned[str(odd_entries[3])]
    assert "FIFO" in warned[str(odd_entries[4])]


def test_odd_entries_never_hang_or_crash_validate_build_or_query(odd_entries: list[Path]):
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    for command in (["validate"], ["build"], ["query", "SELECT count(*) AS n FROM results"]):
        done = subprocess.run(
            [sys.executable, "-m", "pruneatlas.cli", *command], capture_output=True, text=True, timeout=120, env=env
        )
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr
    assert (
        "FIFO (named pipe), not a file; skipped"
        in subprocess.run(
            [sys.executable, "-m", "pruneatlas.cli", "validate"], capture_output=True, text=True, timeout=120, env=env
        ).stdout
    )
    assert (
        CliRunner().invoke(main, ["query", "SELECT count(*) AS n FROM results", "--format", "csv"]).output == "n\n1\n"
    )
