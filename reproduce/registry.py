"""One small mapping per extension point (models, datasets, methods), looked up by the name in a config.

Why a class and not a bare dict: an unknown name must fail with the list of valid ones (STYLE.md, 1), and
registering twice under one name is a bug we want to hear about at import time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class UnregisteredName(KeyError):
    """A name that is not registered; the message lists the valid names and the nearest ones."""

    def __init__(self, kind: str, name: str, valid: list[str]) -> None:
        close = difflib.get_close_matches(name, valid, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        super().__init__(f"unknown {kind} {name!r}{hint}; valid {kind}s: {', '.join(valid)}")
        self.kind, self.name, self.valid = kind, name, valid

    def __str__(self) -> str:  # KeyError quotes its argument; we want the plain sentence
        return str(self.args[0])


class Registry(Generic[T]):
    """Name -> entry. Entries are registered at import time by the modules that define them."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        if name in self._entries:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise UnregisteredName(self.kind, name, self.names()) from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def items(self) -> Iterator[tuple[str, T]]:
        for name in self.names():
            yield name, self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)
