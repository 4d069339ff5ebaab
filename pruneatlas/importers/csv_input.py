"""A collection's CSV file read strictly: UTF-8 (a BOM allowed), the columns an importer needs, and no sign of a
cut-off download, each problem one line naming the file, the line and the field.

A file that stops without a final newline may have been cut mid-value ('0.7555' of '0.755599975586' still reads
as a number), so it is accepted only when it is byte for byte the released file the importer was written for.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path


class InputError(ValueError):
    """A source file that cannot be imported as it is; the message names the file, line and field."""


def decoded(path: Path, data: bytes) -> str:
    """The file's text; a UTF-8 BOM is dropped (it would otherwise become part of the first column's name)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None


def read_rows(
    path: Path, required: Sequence[str], released_sha256: str | None = None, ragged: bool = False
) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every record of the CSV at `path`, after the checks above. With `ragged`, rows
    may stop early (ShrinkBench leaves trailing empty cells out); otherwise every row has every column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    text = decoded(path, data)
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    if not text.endswith("\n") and hashlib.sha256(data).hexdigest() != released_sha256:
        last = text.count("\n") + 1
        raise InputError(
            f"{path}: line {last}: the file ends without a newline and is not the released file, so its last "
            "value may be cut off; download it again (or end it with a newline if it is complete)"
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    if any(not name.strip() for name in header) and not ragged:
        raise InputError(f"{path}: line 1: a column without a name")
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(f"{path}: line 1: missing column(s) {', '.join(missing)}; the header is {', '.join(header)}")
    rows = []
    for record in reader:
        line = reader.line_num
        if not record:
            continue
        if len(record) > len(header) or (len(record) < len(header) and not ragged):
            raise InputError(
                f"{path}: line {line}: {len(record)} field(s) where the header has {len(header)} (cut off or shifted?)"
            )
        rows.append((line, dict(zip(header, record, strict=False))))
    if not rows:
        raise InputError(f"{path}: no rows under the header")
    return rows
