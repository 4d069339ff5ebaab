"""Write a set of files all together or not at all, so a failed import never leaves half of its papers
changed.

Every new text is first written and synced beside its target; only when all are on disk are they renamed into
place. If a rename fails, the files already replaced get their old bytes back and new ones are removed.
Temp names follow pruneatlas/atomic.py's (writer PID included), so orphans of a killed writer are cleaned.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pruneatlas.atomic import TEMP_SUFFIX


def _mode(path: Path) -> int:
    """The existing file's permissions, or what the umask gives a new file (mkstemp would make it 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _staged(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
        handle.flush()
        os.fchmod(handle.fileno(), _mode(path))
        os.fsync(handle.fileno())
    return Path(tmp)


def write_all(texts: Mapping[Path, str]) -> None:
    """Replace or create every file in `texts`, all of them or (on any failure) none."""
    staged: dict[Path, Path] = {}
    previous = {path: path.read_bytes() if path.exists() else None for path in texts}
    replaced: list[Path] = []
    try:
        for path, text in texts.items():
            staged[path] = _staged(path, text)
        for path, tmp in staged.items():
            os.replace(tmp, path)
            replaced.append(path)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        for path in replaced:
            old = previous[path]
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
        raise
