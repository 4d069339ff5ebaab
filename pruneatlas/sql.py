"""SQL kept in resource/*.sql, loaded by name, and the locked-down read-only path every query goes through."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd

from pruneatlas import paths

LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
DEFAULT_ROW_CAP = 10_000
DEFAULT_TIMEOUT_S = 10.0


class QueryRefused(ValueError):
    """A query the read-only path does not run; the message says why and what is allowed."""


def load_sql(name: str) -> str:
    """The text of resource/<name>.sql."""
    path = paths.RESOURCE / f"{name}.sql"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in paths.RESOURCE.rglob("*.sql")))
        raise KeyError(f"no SQL named {name!r} in resource/; known: {known}")
    return path.read_text(encoding="utf-8")


def connect_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only, no file or network access, settings frozen: reading never writes."""
    return duckdb.connect(str(db_path), read_only=True, config=dict(LOCKED_CONFIG))


def lock(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Apply the same restrictions to a connection that had to be opened writable (an in-memory one)."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def single_select(sql: str) -> str:
    """The statement, if it is exactly one SELECT; otherwise QueryRefused naming what it is."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {exc}") from None
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryRefused(f"only SELECT queries are allowed here; this is {kind.name}")
    return sql.strip().rstrip(";")


def run_select(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_cap: int = DEFAULT_ROW_CAP,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[pd.DataFrame, bool]:
    """Rows of one SELECT, at most `row_cap` of them, interrupted after `timeout_s`.

    Returns the rows and whether the cap cut them short.
    """
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
