"""Worker processes that start clean, whoever the parent is.

Spawned workers import the parent's `__main__` before they run anything. Under Streamlit (and its AppTest) the
parent's `__main__` is the app script, so every worker would render the app and build the atlas again, and start
workers of its own, which Python refuses ("start a new process before ... bootstrapping"): the pool breaks. Our
workers need only our modules, so they are started while `__main__` is an empty module.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def plain_main() -> Iterator[None]:
    """Processes started inside this block import no script of the parent's as their `__main__`."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved
