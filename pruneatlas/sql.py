"""SQL kept in resource/*.sql, loaded by name, and the locked-down read-only path every query goes through.

DuckDB is imported by the functions that use it: the command line reads the limits and errors below before it
knows whether it needs DuckDB in its own process (`pruneatlas query` runs DuckDB only in sandbox.py's child).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pruneatlas import paths

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
DEFAULT_ROW_CAP = 10_000
DEFAULT_TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 3600.0
# Functions and catalog views that describe the installation (paths, settings, the user it runs as), read
# DuckDB's own spill files (which the file-access switch leaves open), or run SQL given as a string (past this
# check): none of them concern the atlas.
HIDDEN_FUNCTIONS = frozenset(
    {"current_setting", "getenv", "glob", "read_blob", "read_text", "which_secret"}
    | {"query", "query_table", "json_execute_serialized_sql"}
)
HIDDEN_PREFIXES = ("duckdb_", "pragma_")


class QueryRefused(ValueError):
    """A query the read-only path does not run; the message says why and what is allowed."""


class QueryInvalid(QueryRefused):
    """A query DuckDB could not read or bind (a misspelt column, not SQL): the user's text is at fault."""


def load_sql(name: str) -> str:
    """The text of resource/<name>.sql."""
    path = paths.RESOURCE / f"{name}.sql"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in paths.RESOURCE.rglob("*.sql")))
        raise KeyError(f"no SQL named {name!r} in resource/; known: {known}")
    return path.read_text(encoding="utf-8")


def connect_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only, no file or network access, settings frozen: reading never writes."""
    import duckdb

    return duckdb.connect(str(db_path), read_only=True, config=dict(LOCKED_CONFIG))


def database_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The file behind a connection opened on a build (what a limited query process opens in its turn)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row is None or row[0] is None:
        raise ValueError("the connection is not on a database file")
    return Path(row[0])


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Apply the same restrictions to a connection that had to be opened writable (an in-memory one)."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def single_select(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """The statement, if it is exactly one SELECT; otherwise QueryRefused naming what it is. It is parsed with
    `con` when given (sandbox.py's child: a second DuckDB instance would take memory from the query's cap)."""
    import duckdb

    try:
        statements = (con or duckdb).extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {exc}") from None
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryRefused(f"only SELECT queries are allowed here; this is {kind.name}")
    refuse_internals(sql, con)
    return sql.strip().rstrip(";")


def refuse_internals(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """QueryRefused when the query names a function or view that shows DuckDB's settings, paths or files."""
    if con is None:
        import duckdb

        with duckdb.connect() as parser:
            return refuse_internals(sql, parser)
    [(serialised,)] = con.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
    tree = json.loads(serialised)
    for name in _names(tree):
        lowered = name.lower()
        if lowered in HIDDEN_FUNCTIONS or lowered.startswith(HIDDEN_PREFIXES):
            raise QueryRefused(f"{name} is not available here: it shows the server's settings or files, not the atlas")


def _names(node: object) -> Iterator[str]:
    """Every function and table name in a parsed statement (json_serialize_sql's tree), at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("function_name", "table_name") and isinstance(value, str):
                yield value
            else:
                yield from _names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _names(item)


def run_select(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_cap: int = DEFAULT_ROW_CAP,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[pd.DataFrame, bool]:
    """Rows of one SELECT, at most `row_cap` of them, interrupted after `timeout_s`.

    Returns the rows and whether the cap cut them short.
    """
    import duckdb

    statement = single_select(sql)
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        frame = con.sql(statement).limit(row_cap + 1).df()
    except duckdb.InterruptException:
        raise QueryRefused(f"stopped after the {timeout_s:g} s time limit") from None
    except duckdb.Error as exc:
        raise QueryRefused(str(exc).splitlines()[0]) from None
    finally:
        timer.cancel()
    return frame.head(row_cap), len(frame) > row_cap
