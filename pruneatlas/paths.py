"""Every path the project uses, resolved from the repository root, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PAPERS = DATA / "papers"
REPRODUCED = DATA / "reproduced"
SCHEMA = ROOT / "schema"
RESOURCE = ROOT / "resource"
SHARED = ROOT.parent / "shared"


def cache_dir() -> Path:
    """Where built databases live; PRUNEATLAS_CACHE overrides so tests and CI can isolate builds."""
    override = os.environ.get("PRUNEATLAS_CACHE")
    path = Path(override) if override else ROOT / ".cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_roots() -> list[Path]:
    """The folders whose YAML files make up the atlas.

    PRUNEATLAS_DATA (folders separated by the OS path separator) overrides, so tests and demos can point the
    app and the CLI at a small atlas of their own.
    """
    override = os.environ.get("PRUNEATLAS_DATA")
    if override:
        return [Path(part).resolve() for part in override.split(os.pathsep) if part]
    # git keeps no empty folder, so a fresh clone has no data/reproduced/ until a re-run writes one.
    return [folder for folder in (PAPERS, REPRODUCED) if folder.is_dir()]
