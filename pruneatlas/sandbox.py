"""A reader's query in a process of its own, under limits the operating system enforces.

DuckDB checks `interrupt()` between chunks, so one call of a slow function cannot be stopped from inside
(`jaro_winkler_similarity` over two 4 MB strings runs 70 s), and values built by one call (`repeat`, `range`,
`damerau_levenshtein`'s matrix) escape its `memory_limit`. A child process can be killed when its time is up
and is capped with RLIMIT_AS, so a query that outgrows its limits fails alone, and the app or the CLI answers
with the reason instead of hanging or being killed itself.

Run as `python -m pruneatlas.sandbox`, it reads one JSON request on stdin, checks that it is one SELECT, and
writes the rows as an Arrow IPC stream on stdout, or, when the request names a format, the text the command line
prints (row_text.py: without pandas or pyarrow for the usual column types, so `pruneatlas query` starts fast); or
the reason, as one JSON string on the last line of stderr, and exit status 3 when the query is refused. DuckDB and
pyarrow are imported where they are used: the parent needs neither to start the child.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pruneatlas.sql import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, LOCKED_CONFIG, QueryInvalid, QueryRefused, single_select

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

MEMORY_MB = 3072
RESULT_MB = 32.0
# Time the parent allows beyond the limit for the child to start and answer before it is killed.
STARTUP_GRACE_S = 3.0
REFUSED = 3
INVALID = 4  # the child's status when DuckDB could not read or bind the query
# Queries running at once in one server; more wait for a slot (within their own time limit).
PARALLEL = max(1, (os.cpu_count() or 2) // 2)
_SLOTS = threading.BoundedSemaphore(PARALLEL)
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one query may use: rows and bytes it returns, seconds, and memory of its process."""

    row_cap: int = DEFAULT_ROW_CAP
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = MEMORY_MB
    result_mb: float = RESULT_MB


def run_limited(db_path: Path, sql: str, limits: Limits | None = None) -> tuple[pd.DataFrame, bool]:
    """Rows of one SELECT over the database at `db_path` and whether the row cap cut them; QueryRefused (with
    the reason) for anything refused, failed or over a limit."""
    import pyarrow as pa

    limits = limits or Limits()
    stream = _in_child(db_path, sql, limits)
    try:
        frame = pa.ipc.open_stream(stream).read_all().to_pandas()
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise QueryRefused(f"the rows cannot be shown ({type(exc).__name__}: {exc})") from None
    return frame.head(limits.row_cap), len(frame) > limits.row_cap


def run_as_text(db_path: Path, sql: str, fmt: str, limits: Limits | None = None) -> tuple[str, bool]:
    """What the command line prints for the rows of one SELECT (row_text.py's table, CSV or JSON) and whether the
    row cap cut them; refused as `run_limited` refuses."""
    answer = json.loads(_in_child(db_path, sql, limits or Limits(), fmt))
    return answer["text"], answer["truncated"]


def _in_child(db_path: Path, sql: str, limits: Limits, fmt: str | None = None) -> bytes:
    """The child's answer on stdout, or the QueryRefused (or QueryInvalid) it gave."""
    request = json.dumps({"db": str(db_path), "sql": sql, "format": fmt, **asdict(limits)}).encode("utf-8")
    # The child runs with -S, without site's start-up work (.pth files, an editable install's import hook: tens of
    # milliseconds of `pruneatlas query`), and imports from this process's own path instead.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_PACKAGE_PARENT, *filter(None, sys.path)])}
    if not _SLOTS.acquire(timeout=limits.timeout_s):
        raise QueryRefused(f"{PARALLEL} other queries kept the server busy for {limits.timeout_s:g} s; try again")
    try:
        done = subprocess.run(
            [sys.executable, "-S", "-m", "pruneatlas.sandbox"],
            input=request,
            capture_output=True,
            timeout=limits.timeout_s + STARTUP_GRACE_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise QueryRefused(_time_limit(limits)) from None
    finally:
        _SLOTS.release()
    if done.returncode == 0:
        return done.stdout
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode in (REFUSED, INVALID) and said:
        reason = json.loads(said[-1])
        raise (QueryInvalid if done.returncode == INVALID else QueryRefused)(reason)
    how = f"signal {signal.Signals(-done.returncode).name}" if done.returncode < 0 else f"status {done.returncode}"
    raise QueryRefused(
        f"the query's process stopped ({how}), most likely at its {limits.memory_mb} MiB memory limit; "
        "ask for less (fewer rows, shorter strings)"
    )


def _time_limit(limits: Limits) -> str:
    return f"stopped after the {limits.timeout_s:g} s time limit"


class Query:
    """The child's query: the build opened read-only and locked down, the statement (checked to be one SELECT)
    bound, so its column types are known before any row is read and before the memory cap is set."""

    def __init__(self, request: dict[str, Any], limits: Limits) -> None:
        import duckdb

        config: dict[str, str | bool | int | float | list[str]] = {
            **LOCKED_CONFIG,
            "memory_limit": f"{limits.memory_mb // 3}MiB",
            "threads": 1,
            "temp_directory": "",
        }
        self.limits = limits
        self.con = duckdb.connect(request["db"], read_only=True, config=config)
        statement = single_select(request["sql"], self.con)
        try:
            self.relation = self.con.sql(statement).limit(limits.row_cap + 1)
        except duckdb.Error as exc:
            raise QueryInvalid(str(exc).splitlines()[0]) from None
        self.types = [str(t) for t in self.relation.types]

    def fetch(self, how: Callable[[duckdb.DuckDBPyRelation], T]) -> T:
        """The rows, fetched `how` under the time and memory limits."""
        import duckdb

        timer = threading.Timer(self.limits.timeout_s, self.con.interrupt)
        timer.start()
        try:
            return how(self.relation)
        except duckdb.InterruptException:
            raise QueryRefused(_time_limit(self.limits)) from None
        except (duckdb.OutOfMemoryException, MemoryError):
            raise QueryRefused(f"the query needs more than its {self.limits.memory_mb} MiB memory limit") from None
        except duckdb.Error as exc:
            raise QueryInvalid(str(exc).splitlines()[0]) from None
        finally:
            timer.cancel()

    def arrow(self) -> pa.Table:
        """The rows as an Arrow table, at most the result size."""
        table = self.fetch(lambda relation: relation.to_arrow_table())
        _check_size(table.nbytes, self.limits)
        return table

    def text(self, fmt: str) -> dict[str, Any]:
        """The rows as the command line prints them: from plain rows where row_text writes them, else through
        Arrow and pandas (the query runs again for a value that plain rows cannot print as pandas does)."""
        from pruneatlas import row_text

        cap = self.limits.row_cap
        if row_text.covers(self.types, fmt):
            rows = self.fetch(lambda relation: relation.fetchall())
            _check_size(_plain_bytes(rows), self.limits)
            text = row_text.rows_text(list(self.relation.columns), self.types, rows[:cap], fmt)
            if text is not None:
                return {"text": text, "truncated": len(rows) > cap}
        table = self.arrow()
        return {"text": row_text.frame_text(table.slice(0, cap).to_pandas(), fmt), "truncated": table.num_rows > cap}


def _plain_bytes(rows: list[tuple[Any, ...]]) -> int:
    """About what the rows take as Arrow columns: 8 bytes a number, a string's UTF-8 bytes and its offset."""
    return sum(len(v.encode("utf-8")) + 4 if isinstance(v, str) else 8 for row in rows for v in row)


def _check_size(nbytes: int, limits: Limits) -> None:
    size_mb = nbytes / 2**20
    if size_mb > limits.result_mb:
        raise QueryRefused(
            f"the result is {size_mb:.0f} MB, more than the {limits.result_mb:g} MB a query may return; "
            "select fewer rows or columns, or shorter values"
        )


def _cap_memory(megabytes: int) -> None:
    """RLIMIT_AS for this process, never above a hard limit it already has."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 2**20 if hard == resource.RLIM_INFINITY else min(megabytes * 2**20, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _refuse(reason: str, status: int) -> NoReturn:
    """The reason as one JSON string on the last line of stderr (it may span lines), and the status."""
    print(json.dumps(reason), file=sys.stderr)
    sys.exit(status)


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**{k: request[k] for k in asdict(Limits())})
    fmt = request["format"]
    try:
        query = Query(request, limits)
        _load_before_cap(fmt, query.types)
        _cap_memory(limits.memory_mb)
        if fmt is not None:
            sys.stdout.buffer.write(json.dumps(query.text(fmt), ensure_ascii=False).encode("utf-8"))
        else:
            _write_arrow(query.arrow())
    except QueryRefused as exc:
        _refuse(str(exc), INVALID if isinstance(exc, QueryInvalid) else REFUSED)
    except MemoryError:
        _refuse(f"the query needs more than its {limits.memory_mb} MiB memory limit", REFUSED)
    except Exception as exc:  # whatever else fails, the parent gets one line
        first = (str(exc).splitlines() or [""])[0]
        _refuse(f"the query failed ({type(exc).__name__}: {first})", REFUSED)


def _load_before_cap(fmt: str | None, types: list[str]) -> None:
    """pyarrow (and pandas for text) loaded before the memory cap, as DuckDB is, when the rows go through them:
    a library's own size never counts against the query."""
    from pruneatlas.row_text import covers

    if fmt is None or not covers(types, fmt):
        import pyarrow  # noqa: F401

        if fmt is not None:
            import pandas  # noqa: F401


def _write_arrow(table: pa.Table) -> None:
    import pyarrow as pa

    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)


if __name__ == "__main__":
    main()
