"""Pivot, Figure-4 aggregation and Pareto front over N synthetic rows: DuckDB (the atlas's SQL) against pandas.

Run: .venv/bin/python -m bench.bench_queries [--rows 1000000] [--repeat 7]

Both sides compute the same answer from the same in-memory data and return a DataFrame; each figure is the
median of `repeat` runs measured side by side in this one process, so the ratio is meaningful on a shared,
noisy machine even when the absolute times are not. Targets: DuckDB <= 100 ms and DuckDB/pandas <= 1.0.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import duckdb
import pandas as pd

from bench.synthetic import synthetic_results_frame
from pruneatlas import analyses

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


def pandas_pareto(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["architecture", "dataset"]
    points = frame[[*keys, "flops_reduction_pct", "acc_drop"]].drop_duplicates()
    points = points.sort_values([*keys, "flops_reduction_pct", "acc_drop"], ascending=[True, True, False, True])
    best_before = points.groupby(keys, sort=False)["acc_drop"].transform(lambda s: s.cummin().shift())
    front = points[best_before.isna() | (points["acc_drop"] < best_before)]
    return frame.merge(front, on=[*keys, "flops_reduction_pct", "acc_drop"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frame = synthetic_results_frame(args.rows)
    con = duckdb.connect(":memory:")
    con.register("frame", frame)
    con.execute("CREATE TABLE results AS SELECT * FROM frame")
    con.unregister("frame")
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
        "pareto front (per architecture x dataset)": (
            lambda: analyses.pareto(con, partition=("architecture", "dataset"), front_only=True),
            lambda: pandas_pareto(frame),
        ),
    }
    print(f"{args.rows:,} synthetic rows; median of {args.repeat} runs each, measured side by side")
    print(f"{'analysis':44s} {'duckdb ms':>10s} {'pandas ms':>10s} {'ratio':>7s}  verdict")
    for name, (duck, panda) in cases.items():
        duck_ms, duck_result = median_ms(duck, args.repeat)
        panda_ms, panda_result = median_ms(panda, args.repeat)
        assert len(duck_result) == len(panda_result), (name, len(duck_result), len(panda_result))  # type: ignore[arg-type]
        ratio = duck_ms / panda_ms
        verdict = "ok" if duck_ms <= TARGET_MS and ratio <= 1.0 else "MISSES TARGET"
        print(f"{name:44s} {duck_ms:10.1f} {panda_ms:10.1f} {ratio:7.2f}  {verdict}")


if __name__ == "__main__":
    main()
