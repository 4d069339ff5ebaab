"""First render of every explorer page on the full data, each in a fresh process: `python -m bench.bench_app`.

A fresh process stands for the first visit after `streamlit run app.py`: Streamlit is imported (the server did
that at start), but nothing of the app is, and every st.cache is empty. The DuckDB build is made beforehand
(it is cached by input hash, so the server would reuse it too) and its time is printed on its own line.

The data is first copied to a temporary snapshot (PRUNEATLAS_DATA, PRUNEATLAS_CACHE), so curators editing
data/ during the run cannot trigger rebuilds in the middle of a measurement; --live measures data/ in place.

For each page it prints the median over --repeat fresh processes of
  script  the page script itself, from its first line to its last element (what the first visitor waits for),
  apptest the whole AppTest run around it (adds Streamlit's handling of the page's messages),
  warm    a second run in the same process (caches filled: every later visit and every widget change),
  cpu     the CPU seconds of the first render (apptest), every thread of the process: what the render costs
          whatever else the machine runs, where apptest (wall time) grows with the machine's load,
  scan    Streamlit's scan of the installed packages for components, done before the page as the server does
          it once at start (Runtime start-up), not per visit: it grows with the environment, not the app,
and ends with each page's first render (apptest) against its target: Explore 1.5 s, every other page 2 s, with
its ratio to the target. The machine's load average is printed before and after, since a busy machine slows
every figure. Options: --repeat N, --page MODULE.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from pruneatlas import api, paths

TARGETS_S = {"explore": 1.5}  # first render, with Streamlit's set-up
TARGET_S = 2.0  # every other page
TIMEOUT_S = 120


def _script(module: str) -> str:
    """The page as the server runs it, timed from its first line; Explore goes through app.py itself.

    The timer starts after the script's docstring: put before it, the docstring would no longer be one, and
    Streamlit's magic would draw it on the page."""
    if module == "explore":
        body = (paths.ROOT / "app.py").read_text(encoding="utf-8")
    else:
        body = f"from pruneatlas.app import {module}\n{module}.render()\n"
    tree = ast.parse(body)
    docstring = tree.body and ast.get_docstring(tree, clean=False) is not None
    split = tree.body[0].end_lineno if docstring else 0
    lines = body.splitlines(keepends=True)
    return (
        "".join(lines[:split])
        + "import time\n_bench_started = time.perf_counter()\n"
        + "".join(lines[split:])
        + "\nimport streamlit as _st\n_st.session_state['_bench_s'] = time.perf_counter() - _bench_started\n"
    )


def _scanned(at: AppTest) -> float:
    """Streamlit's component scan, done for `at` beforehand as the server does it at start; its seconds."""
    started = time.perf_counter()
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    at._bidi_component_manager = manager  # what AppTest.run would otherwise make on its first run
    return time.perf_counter() - started


def child(module: str) -> None:
    """One fresh process: first render and a warm rerun of one page; prints JSON."""
    at = AppTest.from_string(_script(module), default_timeout=TIMEOUT_S)
    scan = _scanned(at)
    started, cpu_started = time.perf_counter(), time.process_time()
    at.run()
    apptest, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    failures = [e.value for e in at.exception] + [e.value for e in at.error]
    script = at.session_state["_bench_s"] if "_bench_s" in at.session_state else float("nan")
    started = time.perf_counter()
    at.run()
    warm = time.perf_counter() - started
    print(
        json.dumps({"script": script, "apptest": apptest, "warm": warm, "scan": scan, "cpu": cpu, "failures": failures})
    )


def _measure(module: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_app", "--child", module],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise SystemExit(f"{module}: the measuring process failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def _load() -> str:
    """The 1, 5 and 15 minute load averages, or 'unknown' where the system gives none."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per page (median reported)")
    parser.add_argument("--page", action="append", help="only these page modules (explore, pivot, ...)")
    parser.add_argument("--live", action="store_true", help="measure data/ in place instead of a snapshot")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.live:
        run(args)
        return
    with tempfile.TemporaryDirectory(prefix="pruneatlas-bench-") as tmp:
        roots = []
        for index, root in enumerate(paths.data_roots()):
            if root.exists():
                roots.append(Path(shutil.copytree(root, Path(tmp) / f"root{index}-{root.name}")))
        os.environ["PRUNEATLAS_DATA"] = os.pathsep.join(str(r) for r in roots)
        os.environ["PRUNEATLAS_CACHE"] = str(Path(tmp) / "cache")
        run(args)


def run(args: argparse.Namespace) -> None:
    from pruneatlas.app import PAGES
    from pruneatlas.build import BuildError, build

    try:
        result = build()
    except BuildError as exc:
        raise SystemExit(f"{exc}: the bench measures a good build; see `pruneatlas validate`") from None
    with api.open_build(result.path) as con:
        [(rows, papers)] = con.execute("SELECT count(*), count(DISTINCT paper_key) FROM results").fetchall()
    how = "cached" if result.cached else f"built in {result.seconds:.2f} s"
    print(f"data: {rows} results from {papers} papers; DuckDB build {how} ({result.path.name})")
    modules = args.page or [spec.module for spec in PAGES]
    print(f"load average {_load()} at the start")
    header = f"{'page':<15}{'script s':>10}{'apptest s':>11}{'warm s':>9}{'scan s':>9}{'cpu s':>8}"
    print(f"{header}   (median of {args.repeat} fresh processes)")
    verdicts = []
    for module in modules:
        runs = []
        for _ in range(args.repeat):
            build()  # a no-op unless schema/ or the code changed meanwhile: rebuilding is not part of a render
            runs.append(_measure(module))
        failures = {f for run in runs for f in run["failures"]}
        median = {k: statistics.median(run[k] for run in runs) for k in ("script", "apptest", "warm", "scan", "cpu")}
        note = f"   ERRORS: {sorted(failures)}" if failures else ""
        print(f"{module:<15}{median['script']:>10.3f}{median['apptest']:>11.3f}{median['warm']:>9.3f}"
              f"{median['scan']:>9.3f}{median['cpu']:>8.3f}{note}")  # fmt: skip
        target = TARGETS_S.get(module, TARGET_S)
        verdict = "within" if median["apptest"] <= target else "OVER"
        worst = max(run["apptest"] for run in runs)
        verdicts.append(f"{module}: {median['apptest']:.2f} s (worst {worst:.2f} s), target {target:g} s, "
                        f"ratio {median['apptest'] / target:.2f}: {verdict}")  # fmt: skip
    print(f"load average {_load()} at the end")
    print("First render with Streamlit's handling of its messages, median of fresh processes:")
    for line in verdicts:
        print(f"  {line}")


if __name__ == "__main__":
    main()
