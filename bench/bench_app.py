"""First render of every explorer page on the full data, each in a fresh process: `python -m bench.bench_app`.

A fresh process stands for the first visit after `streamlit run app.py`: Streamlit is imported (the server did
that at start), but nothing of the app is, and every st.cache is empty. The DuckDB build is made beforehand
(it is cached by input hash, so the server would reuse it too) and its time is printed on its own line.

The data is first copied to a temporary snapshot (PRUNEATLAS_DATA, PRUNEATLAS_CACHE), so curators editing
data/ during the run cannot trigger rebuilds in the middle of a measurement; --live measures data/ in place.

For each page it prints the median over --repeat fresh processes of
  script  the page script itself, from its first line to its last element (what the first visitor waits for),
  apptest the whole AppTest run around it (adds Streamlit's own set-up: component scan, message handling),
  warm    a second run in the same process (caches filled: every later visit and every widget change),
and ends with each page's first render (apptest) against its target: Explore 1.5 s, every other page 2 s.
Options: --repeat N, --page MODULE.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pruneatlas import api, paths

TARGETS_S = {"explore": 1.5}  # first render, with Streamlit's set-up
TARGET_S = 2.0  # every other page
TIMEOUT_S = 120


def _script(module: str) -> str:
    """The page as the server runs it, timed from its first line; Explore goes through app.py itself."""
    if module == "explore":
        body = (paths.ROOT / "app.py").read_text(encoding="utf-8")
    else:
        body = f"from pruneatlas.app import {module}\n{module}.render()\n"
    return (
        "import time\n_bench_started = time.perf_counter()\n"
        + body
        + "\nimport streamlit as _st\n_st.session_state['_bench_s'] = time.perf_counter() - _bench_started\n"
    )


def child(module: str) -> None:
    """One fresh process: first render and a warm rerun of one page; prints JSON."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(_script(module), default_timeout=TIMEOUT_S)
    started = time.perf_counter()
    at.run()
    apptest = time.perf_counter() - started
    failures = [e.value for e in at.exception] + [e.value for e in at.error]
    script = at.session_state["_bench_s"] if "_bench_s" in at.session_state else float("nan")
    started = time.perf_counter()
    at.run()
    warm = time.perf_counter() - started
    print(json.dumps({"script": script, "apptest": apptest, "warm": warm, "failures": failures}))


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
    print(f"{'page':<15}{'script s':>10}{'apptest s':>11}{'warm s':>9}   (median of {args.repeat} fresh processes)")
    verdicts = []
    for module in modules:
        runs = []
        for _ in range(args.repeat):
            build()  # a no-op unless schema/ or the code changed meanwhile: rebuilding is not part of a render
            runs.append(_measure(module))
        failures = {f for run in runs for f in run["failures"]}
        median = {k: statistics.median(run[k] for run in runs) for k in ("script", "apptest", "warm")}
        note = f"   ERRORS: {sorted(failures)}" if failures else ""
        print(f"{module:<15}{median['script']:>10.3f}{median['apptest']:>11.3f}{median['warm']:>9.3f}{note}")
        target = TARGETS_S.get(module, TARGET_S)
        verdict = "within" if median["apptest"] <= target else "OVER"
        worst = max(run["apptest"] for run in runs)
        verdicts.append(f"{module}: {median['apptest']:.2f} s (worst {worst:.2f} s), target {target:g} s: {verdict}")
    print("First render with Streamlit's set-up, median of fresh processes:")
    for line in verdicts:
        print(f"  {line}")


if __name__ == "__main__":
    main()
