"""A reader's query in a process of its own, under limits the operating system enforces.

DuckDB checks `interrupt()` between chunks, so one call of a slow function cannot be stopped from inside
(`jaro_winkler_similarity` over two 4 MB strings runs 70 s), and values built by one call (`repeat`, `range`,
`damerau_levenshtein`'s matrix) escape its `memory_limit`. A child process can be killed when its time is up
and is capped with RLIMIT_AS, so a query that outgrows its limits fails alone, and the app or the CLI answers
with the reason instead of hanging or being killed itself.

Run as `python -m pruneatlas.sandbox`, it reads one JSON request on stdin and writes the rows as an Arrow IPC
stream on stdout, or one line on stderr and exit status 3 when the query is refused.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from pruneatlas.sql import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, LOCKED_CONFIG, QueryInvalid, QueryRefused, single_select

if TYPE_CHECKING:
    import pandas as pd

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
    limits = limits or Limits()
    statement = single_select(sql)
    request = json.dumps({"db": str(db_path), "sql": statement, **asdict(limits)}).encode("utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_PARENT, os.environ.get("PYTHONPATH")]))}
    if not _SLOTS.acquire(timeout=limits.timeout_s):
        raise QueryRefused(f"{PARALLEL} other queries kept the server busy for {limits.timeout_s:g} s; try again")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pruneatlas.sandbox"],
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
        try:
            frame = pa.ipc.open_stream(done.stdout).read_all().to_pandas()
        except (pa.ArrowException, ValueError, TypeError) as exc:
            raise QueryRefused(f"the rows cannot be shown ({type(exc).__name__}: {exc})") from None
        return frame.head(limits.row_cap), len(frame) > limits.row_cap
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == REFUSED and said:
        raise QueryRefused(said[-1])
    if done.returncode == INVALID and said:
        raise QueryInvalid(said[-1])
    how = f"signal {signal.Signals(-done.returncode).name}" if done.returncode < 0 else f"status {done.returncode}"
    raise QueryRefused(
        f"the query's process stopped ({how}), most likely at its {limits.memory_mb} MiB memory limit; "
        "ask for less (fewer rows, shorter strings)"
    )


def _time_limit(limits: Limits) -> str:
    return f"stopped after the {limits.timeout_s:g} s time limit"


def _execute(request: dict[str, Any]) -> pa.Table:
    """The child's work: open the build read-only and locked down, run the query, check the result's size."""
    limits = Limits(**{k: request[k] for k in asdict(Limits())})
    config: dict[str, str | bool | int | float | list[str]] = {
        **LOCKED_CONFIG,
        "memory_limit": f"{limits.memory_mb // 3}MiB",
        "threads": 1,
        "temp_directory": "",
    }
    con = duckdb.connect(request["db"], read_only=True, config=config)
    timer = threading.Timer(limits.timeout_s, con.interrupt)
    timer.start()
    try:
        table = con.sql(request["sql"]).limit(limits.row_cap + 1).to_arrow_table()
    except duckdb.InterruptException:
        raise QueryRefused(_time_limit(limits)) from None
    except (duckdb.OutOfMemoryException, MemoryError):
        raise QueryRefused(f"the query needs more than its {limits.memory_mb} MiB memory limit") from None
    except duckdb.Error as exc:
        raise QueryInvalid(str(exc).splitlines()[0]) from None
    finally:
        timer.cancel()
    size_mb = table.nbytes / 2**20
    if size_mb > limits.result_mb:
        raise QueryRefused(
            f"the result is {size_mb:.0f} MB, more than the {limits.result_mb:g} MB a query may return; "
            "select fewer rows or columns, or shorter values"
        )
    return table


def _cap_memory(megabytes: int) -> None:
    """RLIMIT_AS for this process, never above a hard limit it already has."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 2**20 if hard == resource.RLIM_INFINITY else min(megabytes * 2**20, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    _cap_memory(request["memory_mb"])
    try:
        table = _execute(request)
        with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
            writer.write_table(table)
    except QueryRefused as exc:
        print(exc, file=sys.stderr)
        sys.exit(INVALID if isinstance(exc, QueryInvalid) else REFUSED)
    except MemoryError:
        print(f"the query needs more than its {request['memory_mb']} MiB memory limit", file=sys.stderr)
        sys.exit(REFUSED)
    except Exception as exc:  # whatever else fails, the parent gets one line
        first = (str(exc).splitlines() or [""])[0]
        print(f"the query failed ({type(exc).__name__}: {first})", file=sys.stderr)
        sys.exit(REFUSED)


if __name__ == "__main__":
    main()
