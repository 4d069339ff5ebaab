"""Add imported rows to paper files without touching anything a person wrote.

A new paper gets a new file. An existing file keeps every byte it had: new rows are appended as text at the
end of its `results` list, and rows already there are skipped, so re-running an import is safe. Nothing is
written here: the new texts are returned, so an import can check them all and write them together
(staging.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pruneatlas.safe_yaml import dump_yaml, load_yaml_file

_ITEM = re.compile(r"^(?P<indent>[ ]*)- ", re.MULTILINE)


class MergeError(RuntimeError):
    """An existing file whose layout does not allow a safe textual append; the message says what to change."""


def _indented(items: list[dict[str, Any]], indent: str) -> str:
    text = dump_yaml(items)
    return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def _by_id(row: dict[str, Any]) -> object:
    return row.get("id")


def appended(
    path: Path,
    header: dict[str, Any],
    results: list[dict[str, Any]],
    banner: str = "",
    key: Callable[[dict[str, Any]], object] = _by_id,
) -> tuple[str | None, list[dict[str, Any]]]:
    """The text `path` should have with `results` added, and the rows that are new; (None, []) when every row
    is already there. Rows count as already there when `key` (default: the id) matches a row of the file."""
    if not path.exists():
        return (banner + dump_yaml({**header, "results": results}) if results else None), results
    raw = load_yaml_file(path)
    if not isinstance(raw, dict) or list(raw)[-1:] != ["results"]:
        raise MergeError(f"{path}: `results` must be the last key of the file for rows to be appended")
    present = {key(r) for r in raw.get("results") or [] if isinstance(r, dict)}
    fresh = [r for r in results if key(r) not in present]
    if not fresh:
        return None, []
    text = path.read_text(encoding="utf-8")
    empty = re.search(r"^results:\s*\[\]\s*$", text, re.MULTILINE)
    if empty:
        text = text[: empty.start()] + "results:\n" + text[empty.end() :].lstrip("\n")
        indent = ""
    else:
        results_at = re.search(r"^results:\s*$", text, re.MULTILINE)
        if results_at is None:
            raise MergeError(f"{path}: write `results:` on a line of its own so rows can be appended")
        first = _ITEM.search(text, results_at.end())
        indent = first["indent"] if first else ""
    if not text.endswith("\n"):
        text += "\n"
    return text + _indented(fresh, indent), fresh
