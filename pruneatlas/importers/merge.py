"""Add imported rows to paper files without touching anything a person wrote.

A new paper gets a new file. An existing file keeps every byte it had: new rows are appended as text at the
end of its `results` list, and rows already there (same id) are skipped, so re-running an import is safe.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pruneatlas.atomic import atomic_write_text
from pruneatlas.safe_yaml import dump_yaml, load_yaml_file

_ITEM = re.compile(r"^(?P<indent>[ ]*)- ", re.MULTILINE)


class MergeError(RuntimeError):
    """An existing file whose layout does not allow a safe textual append; the message says what to change."""


def _indented(items: list[dict[str, Any]], indent: str) -> str:
    text = dump_yaml(items)
    return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def merge_results(path: Path, header: dict[str, Any], results: list[dict[str, Any]], banner: str = "") -> int:
    """Write or extend the paper file at `path`; returns how many results were added."""
    if not path.exists():
        if results:
            atomic_write_text(path, banner + dump_yaml({**header, "results": results}))
        return len(results)
    raw = load_yaml_file(path)
    if not isinstance(raw, dict) or list(raw)[-1:] != ["results"]:
        raise MergeError(f"{path}: `results` must be the last key of the file for rows to be appended")
    present = {r.get("id") for r in raw.get("results") or [] if isinstance(r, dict)}
    fresh = [r for r in results if r["id"] not in present]
    if not fresh:
        return 0
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
    atomic_write_text(path, text + _indented(fresh, indent))
    return len(fresh)
