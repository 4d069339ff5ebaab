"""Pivot, Figure-4 aggregation and Pareto front over N synthetic rows: DuckDB (the atlas's SQL) against pandas.

Run: .venv/bin/python -m bench.bench_queries [--rows 1000000] [--repeat 7]

Both sides compute the same answer from the same data and return a DataFrame: DuckDB from a database file
written the way `pruneatlas build` writes the atlas (and opened read-only, as the app and CLI open it),
pandas from the DataFrame in memory. Each figure is the median of `repeat` runs measured side by side in this
one process, so the ratio is meaningful on a shared, noisy machine even when the absolute times are not.
Targets: DuckDB <= 100 ms and DuckDB/pandas <= 1.0. The per-group Pareto front is printed for information.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

import duckdb
import pandas as pd

from bench.synthetic import synthetic_results_frame
from pruneatlas import analyses, api
from pruneatlas.sql import load_sql

TARGET_MS = 100.0


def median_ms(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    run()  # warm-up: first-call planning and caches count for neither side
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def pandas_pivot(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.crosstab(frame["architecture"], frame["dataset"], margins=True, margins_name="Total")


def pandas_figure4(frame: pd.DataFrame, architecture: str, dataset: str) -> pd.DataFrame:
    rows = frame[
        (frame["architecture"] == architecture)
        & (frame["dataset"] == dataset)
        & (frame["norm_metric"] == "top1")
        & ~frame["sweep"]
        & (frame["source_kind"] != "reproduced")
    ]
    grouped = rows.groupby(["method_label", "method_paper"], sort=False).agg(
        params_reduction_pct=("params_reduction_pct", "mean"),
        flops_reduction_pct=("flops_reduction_pct", "mean"),
        acc_drop=("acc_drop", "mean"),
        sources=("result_id", "size"),
    )
    return grouped.sort_values("flops_reduction_pct", ascending=False).reset_index()


def pandas_pareto(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The same rule as resource/analyses/pareto.sql: lowest drop at its reduction, and below every drop at a
    larger reduction in its group."""
    x, y = "flops_reduction_pct", "acc_drop"
    lowest = cast("pd.DataFrame", frame.groupby([*keys, x], sort=False, as_index=False)[y].min())
    lowest = lowest.sort_values([*keys, x], ascending=[True] * len(keys) + [False])
    running = lowest.groupby(keys, sort=False)[y].cummin() if keys else lowest[y].cummin()
    before = running.groupby([lowest[k] for k in keys], sort=False).shift() if keys else running.shift()
    front = lowest[before.isna() | (lowest[y] < before)]
    return frame.merge(front, on=[*keys, x, y])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frame = synthetic_results_frame(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.duckdb"
        with duckdb.connect(str(database)) as writer:
            writer.register("frame", frame)
            writer.execute("CREATE TABLE results AS SELECT * FROM frame")
            writer.execute(  # synthetic rows are each their own operating point (no two papers quote one)
                "CREATE VIEW results_points AS SELECT *, method_paper AS paper_key, TRUE AS op_primary, "
                "1 AS op_sources, method_paper AS op_quoted_by, result_id AS op_result_ids FROM results"
            )
            writer.execute(load_sql("published"))
            writer.execute("CHECKPOINT")
        with api.open_build(database) as con:
            run_cases(con, frame, args.rows, args.repeat)


def run_cases(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, rows: int, repeat: int) -> None:
    architecture, dataset = frame["architecture"].iloc[0], frame["dataset"].iloc[0]

    cases = {
        "pivot (architecture x dataset, totals)": (
            lambda: analyses.pivot(con, "architecture", "dataset"),
            lambda: pandas_pivot(frame),
        ),
        "figure 4 (one panel, per label)": (
            lambda: analyses.figure4(con, architecture, dataset),
            lambda: pandas_figure4(frame, architecture, dataset),
        ),
        "pareto front (all rows)": (
            lambda: analyses.pareto(con, front_only=True),
            lambda: pandas_pareto(frame, []),
        ),
        "pareto fronts (each architecture x dataset)": (
            lambda: analyses.pareto(con, partition=("architecture", "dataset"), front_only=True),
            lambda: pandas_pareto(frame, ["architecture", "dataset"]),
        ),
    }
    print(f"{rows:,} synthetic rows; median of {repeat} runs each, measured side by side")
    print(f"{'analysis':44s} {'duckdb ms':>10s} {'pandas ms':>10s} {'ratio':>7s}  verdict")
    for name, (duck, panda) in cases.items():
        duck_ms, duck_result = median_ms(duck, repeat)
        panda_ms, panda_result = median_ms(panda, repeat)
        assert len(duck_result) == len(panda_result), (name, len(duck_result), len(panda_result))  # type: ignore[arg-type]
        ratio = duck_ms / panda_ms
        targeted = not name.startswith("pareto fronts")
        verdict = ("ok" if duck_ms <= TARGET_MS and ratio <= 1.0 else "MISSES TARGET") if targeted else "(info)"
        print(f"{name:44s} {duck_ms:10.1f} {panda_ms:10.1f} {ratio:7.2f}  {verdict}")


if __name__ == "__main__":
    main()
