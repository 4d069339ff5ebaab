"""PruneAtlas: a checked atlas of published neural-network pruning results.

`import pruneatlas` stays light (no pandas, DuckDB, torch or Streamlit): the API functions below load their
modules on first use, from pruneatlas/api.py. No API name may be a submodule's name: an imported submodule
would shadow it.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

API = ("connect", "results", "published", "papers", "conflicts_table", "reproductions", "pivot", "figure4", "pareto")
__all__ = ["__version__", *API]


def __getattr__(name: str) -> Any:
    if name in API:
        from pruneatlas import api

        return getattr(api, name)
    raise AttributeError(f"module 'pruneatlas' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
