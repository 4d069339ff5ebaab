"""Write files so a crash leaves either the old content or the new, never half of one.

A writer killed outright (SIGKILL, power loss) cannot remove its temp file; the temp name carries the
writer's PID so that a later process can tell an orphan from a file another live process is still writing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_orphaned_temps(folder: Path) -> list[Path]:
    """Delete the temp files under `folder` whose writer is no longer running; returns what it removed."""
    removed = []
    for tmp in folder.rglob(f".*{TEMP_SUFFIX}"):
        pid = _writer_pid(tmp.name)
        if pid is not None and not _running(pid):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _writer_pid(name: str) -> int | None:
    parts = name.removesuffix(TEMP_SUFFIX).split(".")
    return int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
