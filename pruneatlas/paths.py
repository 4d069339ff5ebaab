"""Every path the project uses, resolved from the repository root, never the working directory.

In a checkout the atlas is the checkout's data/, schema/ and resource/. An installed wheel carries the atlas as
released inside the package (pruneatlas/_atlas/, copied there by setup.py at build time), and its build cache
lives in the user's cache directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "_atlas"


def _root() -> Path:
    """The checkout when the package runs from one (its pyproject.toml beside schema/), else the shipped atlas."""
    checkout = PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "schema").is_dir():
        return checkout
    return SHIPPED


ROOT = _root()
IN_CHECKOUT = ROOT != SHIPPED
DATA = ROOT / "data"
PAPERS = DATA / "papers"
REPRODUCED = DATA / "reproduced"
QUOTE_GAPS = DATA / "quote_gaps.csv"
SCHEMA = ROOT / "schema"
RESOURCE = ROOT / "resource"
SHARED = ROOT.parent / "shared"


class SetupError(RuntimeError):
    """PRUNEATLAS_DATA or PRUNEATLAS_CACHE names something that cannot be used; the message says which and why."""


def cache_dir() -> Path:
    """Where built databases live; PRUNEATLAS_CACHE overrides so tests and CI can isolate builds."""
    override = os.environ.get("PRUNEATLAS_CACHE")
    path = Path(override) if override else _default_cache()
    named = f"PRUNEATLAS_CACHE={override}" if override else f"the build cache {path}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SetupError(f"{named} is not a folder; point PRUNEATLAS_CACHE at a folder for the builds") from None
    except OSError as exc:
        raise SetupError(f"{named}: the folder cannot be created ({exc.strerror})") from None
    return path


def _default_cache() -> Path:
    """The checkout's .cache/, or for an installed package the platform's user cache folder (XDG on Linux)."""
    if IN_CHECKOUT:
        return ROOT / ".cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("pruneatlas"))


def runs_dir() -> Path:
    """Where re-runs keep their folders: the checkout's runs/, or for an installed package the user's data folder
    (never inside site-packages, which an upgrade replaces)."""
    if IN_CHECKOUT:
        return ROOT / "runs"
    from platformdirs import user_data_dir

    return Path(user_data_dir("pruneatlas")) / "runs"


def data_roots() -> list[Path]:
    """The folders whose YAML files make up the atlas.

    PRUNEATLAS_DATA (folders separated by the OS path separator) overrides, so tests and demos can point the
    app and the CLI at a small atlas of their own. Each must be an existing folder, named once and not inside
    another (its files would be read twice).
    """
    override = os.environ.get("PRUNEATLAS_DATA")
    if not override:
        # git keeps no empty folder, so a fresh clone has no data/reproduced/ until a re-run writes one.
        return [folder for folder in (PAPERS, REPRODUCED) if folder.is_dir()]
    parts = [part for part in override.split(os.pathsep) if part]
    if not parts:
        raise SetupError(f"PRUNEATLAS_DATA={override!r} names no folder (separate folders with {os.pathsep!r})")
    roots: list[Path] = []
    for part in parts:
        root = Path(part).resolve()
        if not root.is_dir():
            reason = "is not a folder" if root.exists() else "does not exist"
            raise SetupError(f"PRUNEATLAS_DATA: {part} {reason}")
        for other in roots:
            if root == other:
                raise SetupError(f"PRUNEATLAS_DATA names {part} twice")
            if root.is_relative_to(other) or other.is_relative_to(root):
                inner, outer = (root, other) if root.is_relative_to(other) else (other, root)
                raise SetupError(f"PRUNEATLAS_DATA names {inner} inside {outer}; its files would be read twice")
        roots.append(root)
    return roots


SHARED_DATASETS = SHARED / "datasets"  # datasets already on disk beside the checkout (reproduce/ reads them first)


def datasets_dir() -> Path:
    """Where reproduce/ downloads datasets: PRUNEATLAS_DATA_ROOT when set, else the build cache's datasets/."""
    override = os.environ.get("PRUNEATLAS_DATA_ROOT")
    return Path(override) if override else cache_dir() / "datasets"
