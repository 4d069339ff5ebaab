"""How fast `pruneatlas query "SELECT 1"` starts, against a bare `python -c "import duckdb"`: `python -m
bench.bench_cli_startup`.

Both are run as fresh processes, interleaved (one of each per round, the order alternating), so a busy machine
slows both alike; the medians and their ratio are printed against the target of issue 17 (within 2.5x). The build
is made first: its time is not start-up. Options: --rounds N.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from pruneatlas import paths

TARGET_RATIO = 2.5
COMMANDS = {
    "python -c 'import duckdb'": [sys.executable, "-c", "import duckdb"],
    "pruneatlas query 'SELECT 1'": [sys.executable, "-m", "pruneatlas.cli", "query", "SELECT 1"],
}


def seconds(command: list[str]) -> float:
    """Wall time of one fresh process that must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=paths.ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (median reported)")
    args = parser.parse_args()
    from pruneatlas.build import build

    build()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for round_ in range(args.rounds):
        names = list(COMMANDS) if round_ % 2 == 0 else list(reversed(COMMANDS))
        for name in names:
            times[name].append(seconds(COMMANDS[name]))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<30} {median:6.3f} s  (median of {args.rounds}, interleaved)")
    bare, query = medians.values()
    verdict = "within" if query <= TARGET_RATIO * bare else "OVER"
    print(f"ratio {query / bare:.2f}x; target within {TARGET_RATIO}x: {verdict}")


if __name__ == "__main__":
    main()
