"""Write files so a crash leaves either the old content or the new, never half of one.

A writer killed outright (SIGKILL, power loss) cannot remove its temp file; the temp name carries the
writer's PID so that a later process can tell an orphan from a file another live process is still writing.

A write behaves like an ordinary one otherwise: a new file gets the mode the umask allows, a replaced file
keeps its mode, a symbolic link is written through (the link stays, its target changes), and a device,
FIFO or folder is never replaced by a regular file.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".tmp"


class NotARegularTarget(OSError):
    """The path names a device, FIFO, socket or folder: writing a file there would destroy it."""


def temp_name(stem: str, suffix: str = TEMP_SUFFIX) -> str:
    """`.{stem}.{pid}.{random}{suffix}`: hidden, unique, and naming its writer."""
    return f".{stem}.{os.getpid()}.{secrets.token_hex(4)}{suffix}"


def write_target(path: Path) -> tuple[Path, int | None]:
    """Where a write to `path` really goes (through symbolic links) and the mode to keep (None: a new file)."""
    real = Path(os.path.realpath(path))
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return real, None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, FIFO or socket)"
        shown = f"{path} (-> {real})" if real != Path(os.path.abspath(path)) else str(path)
        raise NotARegularTarget(f"{shown} is {kind}; refusing to replace it with a file")
    return real, stat.S_IMODE(info.st_mode)


def stage(path: Path, data: bytes) -> tuple[Path, Path]:
    """Write `data` to a synced temp file beside the real target of `path`, with the mode the target will have;
    returns (target, temp). Renaming the temp onto the target is the caller's atomic step."""
    target, mode = write_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / temp_name(target.name)
    # 0o666 lets the umask decide a new file's mode, as open() does; a replaced file keeps its own.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target, tmp


def atomic_write_bytes(path: Path, data: bytes) -> None:
    target, tmp = stage(path, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_orphans(candidates: Iterable[Path], suffix: str = TEMP_SUFFIX) -> list[Path]:
    """Delete the temp files among `candidates` whose writer is no longer running; returns what it removed."""
    removed = []
    for tmp in candidates:
        pid = _writer_pid(tmp.name, suffix)
        if pid is not None and not _running(pid):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def remove_orphaned_temps(folder: Path) -> list[Path]:
    """Delete the temp files under `folder` whose writer is no longer running; returns what it removed."""
    return remove_orphans(folder.rglob(f".*{TEMP_SUFFIX}"))


def _writer_pid(name: str, suffix: str) -> int | None:
    if not name.endswith(suffix):
        return None
    parts = name.removesuffix(suffix).split(".")
    return int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
