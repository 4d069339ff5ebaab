"""Write a set of files all together or not at all, so a failed import never leaves half of its papers
changed.

Every new text is first written and synced beside its target; only when all are on disk are they renamed into
place. If a rename fails, the files already replaced get their old bytes back and new ones are removed.
Each file is staged by pruneatlas/atomic.py (its mode, symbolic links and temp names), so orphans of a killed
writer are cleaned.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pruneatlas.atomic import stage


def write_all(texts: Mapping[Path, str]) -> None:
    """Replace or create every file in `texts`, all of them or (on any failure) none."""
    staged: dict[Path, Path] = {}  # the real target (links followed) -> its staged text
    previous: dict[Path, bytes | None] = {}
    replaced: list[Path] = []
    try:
        for path, text in texts.items():
            target, tmp = stage(path, text.encode("utf-8"))
            staged[target] = tmp
            previous[target] = target.read_bytes() if target.exists() else None
        for target, tmp in staged.items():
            os.replace(tmp, target)
            replaced.append(target)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        for target in replaced:
            old = previous[target]
            if old is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(old)
        raise
