"""Which entries of a data folder are paper files, and reading them without ever opening a special file.

A data folder is a working folder: editors leave lock files (`.#X.yaml`, a dangling symbolic link), people
leave folders named like files, links to devices or FIFOs. Each is skipped with the reason, found by looking
at the entry (stat), never by opening it: opening a FIFO blocks until a writer comes, reading /dev/zero
never ends.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SUFFIX = ".yaml"


class NotARegularFile(ValueError):
    """An entry that is not a regular file (or no longer one when it was opened)."""


@dataclass(frozen=True)
class Skipped:
    """An entry named like a data file that is not one, and why."""

    path: Path
    reason: str


def entry_problem(path: Path) -> str | None:
    """Why `path` is not a regular file that may be read (None when it is one); looks, never opens."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else "no such file"
    except OSError as exc:
        return f"cannot be inspected ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most `limit` + 1 of them), refusing anything else before opening it.

    The open is non-blocking and checked again on the open file, so an entry swapped for a FIFO in between
    cannot hang the reader either.
    """
    problem = entry_problem(path)
    if problem is not None:
        raise NotARegularFile(problem)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotARegularFile("not a regular file")
        return handle.read() if limit is None else handle.read(limit + 1)


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith(".#"):
        return "an editor's lock file (the paper is open in an editor)"
    if path.name.startswith("."):
        return "a hidden file"
    return entry_problem(path)


def find_yaml_files(targets: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The data files named directly or found under the folders named, and the entries skipped there.

    Symbolic links to folders are not followed (no loops, no wandering out of the atlas); a file named
    directly is returned as it is, for the reader to refuse if it must.
    """
    found: list[Path] = []
    skipped: list[Skipped] = []
    for target in targets:
        if not target.is_dir():
            if not os.path.lexists(target):
                raise FileNotFoundError(f"{target}: no such file or folder")
            found.append(target)
            continue
        here: list[Path] = []
        for folder, dirnames, filenames in os.walk(target):
            dirnames.sort()
            for name in [*filenames, *dirnames]:
                if not name.endswith(SUFFIX):
                    continue
                path = Path(folder) / name
                reason = _skip_reason(path)
                if reason is None:
                    here.append(path)
                else:
                    skipped.append(Skipped(path, reason))
        found.extend(sorted(here))
    return found, sorted(skipped, key=lambda s: s.path)
