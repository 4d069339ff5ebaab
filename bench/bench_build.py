"""Validate-and-build times: the real atlas, a synthetic atlas of N rows, and a warm start (cache hit).

Run: .venv/bin/python -m bench.bench_build [--rows 100000]

Prints where the time goes (YAML parsing, schema validation, checks, table rows, DuckDB insert, views; the
per-phase figures are seconds summed over worker processes) and the ratios to the targets: 100k rows built in
<= 10 s, and a warm start in <= 0.2 s. Timings on a shared machine swing with its load, so each atlas's build is
also given against a fixed reference measured just before and just after it on the same files: PyYAML's C loader
(`yaml.load(text, Loader=yaml.CSafeLoader)`) reading every file once, in one process. The machine's CPU count and
load average are printed beside the figures, and so is the CPU time the cold build used (this process, its
DuckDB threads and its worker processes) per row: unlike the wall-clock time, it hardly moves with the load.
The parser floor, libyaml's event stream with no value built, divided over the build's worker processes, is what
no reader on PyYAML's C parser can beat; the rest of the build is the time left for everything else. The validating
floor adds what every build must also do whatever its checks: build the values, validate them with pydantic and
write the database.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from bench.synthetic import write_synthetic_atlas
from pruneatlas import paths
from pruneatlas.build import build, compile_workers
from pruneatlas.data_files import find_yaml_files
from pruneatlas.sql import connect_readonly

BUILD_TARGET_S = 10.0
WARM_TARGET_S = 0.2
REFERENCE_SAMPLE = 100
WRITE_PHASES = ("dataframes", "insert", "views")


def cpu_seconds() -> float:
    """CPU seconds used so far by this process (all its threads) and its finished worker processes."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_build(roots: list[Path]) -> tuple[int, float, dict[str, float], float, float]:
    """(rows built, cold build seconds, its phases, warm start seconds, CPU seconds of the cold build)."""
    cpu = cpu_seconds()
    cold = build(roots, force=True)
    cpu = cpu_seconds() - cpu
    started = time.perf_counter()
    warm = build(roots)
    warm_s = time.perf_counter() - started
    assert warm.cached and warm.path == cold.path
    with connect_readonly(cold.path) as con:
        [(rows,)] = con.execute("SELECT results FROM build_info").fetchall()
    return rows, cold.seconds, cold.timings, warm_s, cpu


def data_texts(roots: list[Path]) -> list[str]:
    """Every data file under `roots`, read once for the reference and floor measurements."""
    return [path.read_text(encoding="utf-8") for path in find_yaml_files(roots)[0]]


def _sampled_seconds(texts: list[str], read: Callable[[str], object]) -> float:
    """Seconds `read` takes over every text once, measured on an even sample of at most about REFERENCE_SAMPLE
    texts and scaled by the characters read."""
    sample = texts[:: max(1, len(texts) // REFERENCE_SAMPLE)]
    started = time.perf_counter()
    for text in sample:
        read(text)
    return (time.perf_counter() - started) * sum(map(len, texts)) / sum(map(len, sample))


def reference_seconds(texts: list[str]) -> float:
    """PyYAML's C loader reading every file: `yaml.load(text, Loader=yaml.CSafeLoader)`."""
    return _sampled_seconds(texts, lambda text: yaml.load(text, Loader=yaml.CSafeLoader))


def parser_floor_seconds(texts: list[str]) -> float:
    """libyaml's event stream alone (`yaml.parse` with the C loader), no Python value built: what any reader on
    PyYAML's C parser pays before it does anything with the data, in one process."""
    return _sampled_seconds(texts, lambda text: sum(1 for _ in yaml.parse(text, Loader=yaml.CSafeLoader)))


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} (1 min) {five:.2f} (5 min)"


def report(
    name: str,
    workers: int,
    floor: float,
    references: tuple[float, float],
    rows: int,
    seconds: float,
    phases: dict[str, float],
    warm_s: float,
    cpu_s: float,
    target: float | None,
) -> None:
    detail = ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
    verdict = "" if target is None else f"  ratio to the {target:g} s target {seconds / target:.2f}"
    print(f"{name}: {rows:,} rows built in {seconds:.2f} s{verdict}  [{load()}]")
    reference = sum(references) / 2
    ratio = seconds / reference
    shown = " and ".join(f"{r:.2f}" for r in references)
    print(f"  reference: yaml.load(CSafeLoader) of the same files {shown} s (before, after); build / mean {ratio:.2f}")
    print(
        f"  parser floor: libyaml's event stream alone {floor:.2f} s in one process, {floor / workers:.2f} s on "
        f"{workers} worker(s); {seconds - floor / workers:.2f} s of the build is everything else"
    )
    parsed = (phases.get("yaml_parse", 0.0) + phases.get("schema", 0.0)) / workers
    written = sum(phases.get(name, 0.0) for name in WRITE_PHASES)
    print(
        f"  validating floor: reading the YAML into values and validating them with pydantic {parsed:.2f} s on "
        f"{workers} worker(s), plus writing DuckDB {written:.2f} s = {parsed + written:.2f} s before any check"
    )
    print(f"  CPU: {cpu_s:.2f} s in all processes, {cpu_s / max(rows, 1) * 1e6:.0f} us per row")
    print(f"  phases (s): {detail}")
    ratio = warm_s / WARM_TARGET_S
    print(f"  warm start (cache hit): {warm_s * 1000:.0f} ms  ratio to the {WARM_TARGET_S:g} s target {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PRUNEATLAS_CACHE"] = str(Path(tmp) / "cache")
        real_roots = [root for root in (paths.PAPERS, paths.REPRODUCED) if root.is_dir()]
        for name, roots, target in (
            ("real atlas (data/)", real_roots, None),
            ("synthetic atlas", [write_synthetic_atlas(Path(tmp) / "synthetic", args.rows)], BUILD_TARGET_S),
        ):
            texts = data_texts(roots)
            floor, before = parser_floor_seconds(texts), reference_seconds(texts)
            built = timed_build(roots)
            report(name, compile_workers(roots), floor, (before, reference_seconds(texts)), *built, target)


if __name__ == "__main__":
    main()
