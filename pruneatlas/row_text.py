"""Query rows as the command line prints them (a table, CSV or JSON), byte for byte as pandas writes them.

`frame_text` is pandas itself. `rows_text` writes the same text from plain Python rows for the column types the
atlas's views hold (integers, doubles, text, booleans, NULL), so `pruneatlas query` answers without importing
pandas and pyarrow, which take longer to load than the query takes to run (bench/bench_cli_startup.py). Any other
column type, a control character or a double in JSON (pandas' own number printer) returns None: the caller then
builds the DataFrame and asks `frame_text`. tests/test_row_text.py holds the two to the same output.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("table", "csv", "json")
NO_ROWS = "(no rows)"
INTEGERS = frozenset(
    {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
)  # fmt: skip
# pandas' display.precision: the digits of a double in a table, before equal trailing zeros are trimmed.
KNOWN = INTEGERS | {"DOUBLE", "BOOLEAN", '"NULL"', "VARCHAR"}
DIGITS = 6
_DECIMAL = re.compile(r"^\s*[+-]?[0-9]+\.[0-9]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def frame_text(frame: pd.DataFrame, fmt: str) -> str:
    """What the command line prints for a DataFrame (a trailing newline included)."""
    if fmt == "csv":
        return str(frame.to_csv(index=False))
    if fmt == "json":
        return str(frame.to_json(orient="records", indent=1, force_ascii=False)) + "\n"
    return (frame.to_string(index=False) if len(frame) else NO_ROWS) + "\n"


def covers(types: Sequence[str], fmt: str) -> bool:
    """Whether `rows_text` may print columns of these DuckDB types (it can still refuse one value)."""
    return fmt in FORMATS and set(types) <= KNOWN and not (fmt == "json" and "DOUBLE" in types)


def rows_text(names: Sequence[str], types: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str | None:
    """`frame_text` of the DataFrame these DuckDB rows make, or None where only pandas writes it exactly."""
    if not covers(types, fmt) or any(_CONTROL.search(name) for name in names):
        return None
    columns = [[row[i] for row in rows] for i in range(len(names))]
    kinds = [_kind(type_, values) for type_, values in zip(types, columns, strict=True)]
    if None in kinds or any(_CONTROL.search(v) for values in columns for v in values if isinstance(v, str)):
        return None
    if fmt == "table":
        return _table(names, kinds, columns) if rows else NO_ROWS + "\n"
    if fmt == "csv":
        return _csv(names, kinds, rows)
    if "float" in kinds:
        return None
    return _json(names, rows)


def _kind(type_: str, values: list[Any]) -> str | None:
    """The dtype pandas gives the column after Arrow: int (int64 without NULL), float (a double, or integers with
    a NULL), bool (no NULL), object (booleans with a NULL, the NULL type), str; None for any other type."""
    has_null = any(v is None for v in values)
    if type_ in INTEGERS:
        return "float" if has_null else "int"
    if type_ == "BOOLEAN":
        return "object" if has_null else "bool"
    return {"DOUBLE": "float", '"NULL"': "object", "VARCHAR": "str"}.get(type_)


def _table(names: Sequence[str], kinds: list[str | None], columns: list[list[Any]]) -> str:
    """DataFrame.to_string(index=False): each column right-aligned to its widest cell, one space between; the
    header of a numeric column is given one leading space."""
    strcols = []
    for name, kind, values in zip(_labels(names), kinds, columns, strict=True):
        cells = _floats(values) if kind == "float" else [_cell(v, kind) for v in values]
        header = " " + name if kind in ("int", "float", "bool") else name
        width = max(len(header), *(len(c) for c in cells))
        strcols.append([header.rjust(width), *(c.rjust(width) for c in cells)])
    return "\n".join(" ".join(line) for line in zip(*strcols, strict=True)) + "\n"


def _labels(names: Sequence[str]) -> list[str]:
    """The column names less the leading whitespace they all share (pandas' trim_front)."""
    shared = min(len(name) - len(name.lstrip()) for name in names)
    return [name[shared:] for name in names]


def _cell(value: Any, kind: str | None) -> str:
    if value is None:
        return "NaN" if kind == "str" else "None"
    return str(value)


def _floats(values: list[Any]) -> list[str]:
    """pandas' FloatArrayFormatter: six decimals with the trailing zeros all numbers share trimmed, or the
    exponent form for all when one value is below 1e-6 or the column is long and holds one above 1e6."""
    numbers = [None if v is None or math.isnan(v) else float(v) for v in values]
    fixed = _trimmed([f"{v:.{DIGITS}f}" if v is not None else "NaN" for v in numbers])
    too_long = max(len(c) for c in fixed) > DIGITS + 6
    large = any(v is not None and abs(v) > 1e6 for v in numbers)
    small = any(v is not None and 0 < abs(v) < 10**-DIGITS for v in numbers)
    if small or (too_long and large):
        return _trimmed([f"{v:.{DIGITS}e}" if v is not None else "NaN" for v in numbers])
    return fixed


def _trimmed(cells: list[str]) -> list[str]:
    """The trailing zeros every fixed-point number has, trimmed alike, one kept after the point."""
    is_number = [_DECIMAL.match(c) is not None for c in cells]
    if not any(is_number):
        return cells
    while all(c.endswith("0") for c, number in zip(cells, is_number, strict=True) if number):
        cells = [c[:-1] if number else c for c, number in zip(cells, is_number, strict=True)]
    return [c + "0" if number and c.endswith(".") else c for c, number in zip(cells, is_number, strict=True)]


def _csv(names: Sequence[str], kinds: list[str | None], rows: Sequence[Sequence[Any]]) -> str:
    """DataFrame.to_csv(index=False): Python's csv writer, NULL as an empty field, integers with a NULL as
    doubles."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(v, kind) for v, kind in zip(row, kinds, strict=True)])
    return out.getvalue()


def _csv_cell(value: Any, kind: str | None) -> str:
    if value is None or (kind == "float" and math.isnan(value)):
        return ""
    return repr(float(value)) if kind == "float" else str(value)


def _json(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """DataFrame.to_json(orient="records", indent=1, force_ascii=False): no space after a colon, "/" escaped."""
    if not rows:
        return "[\n\n]\n"
    records = []
    for row in rows:
        fields = [f"  {_json_value(name)}:{_json_value(v)}" for name, v in zip(names, row, strict=True)]
        records.append(" {\n" + ",\n".join(fields) + "\n }")
    return "[\n" + ",\n".join(records) + "\n]\n"


def _json_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("/", "\\/")
    return json.dumps(value)
