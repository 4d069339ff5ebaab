"""Helpers shared by the app tests (a plain module: conftest.py is not importable by name)."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT_S = 30
ATLAS = Path(__file__).parent / "atlas"
ROOTS = [ATLAS / "papers", ATLAS / "reproduced"]


def atlas_env(roots: list[Path], cache: Path) -> dict[str, str]:
    """The environment that points the app and the CLI at `roots`, building into `cache`."""
    return {"PRUNEATLAS_DATA": os.pathsep.join(str(r) for r in roots), "PRUNEATLAS_CACHE": str(cache)}


def page_app(module: str) -> AppTest:
    """An AppTest rendering one page module, as `st.navigation` would."""
    script = f"import streamlit as st\nfrom pruneatlas.app import {module}\n{module}.render()\n"
    return AppTest.from_string(script, default_timeout=TIMEOUT_S)


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
