"""Synthetic but valid atlases of any size, for benchmarks (never committed as data)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from pruneatlas.plausibility import network_mismatch
from pruneatlas.safe_yaml import dump_yaml
from pruneatlas.vocab import load_vocabularies

_VOCAB = load_vocabularies()
METHODS = sorted(_VOCAB.methods.by_id)
SWEEP_SHARE = 0.25  # as in the atlas: a quarter of its rows are points of a hyper-parameter sweep
ARCHITECTURES = sorted(_VOCAB.architectures.by_id)
DATASETS = sorted(_VOCAB.datasets.by_id)
NETWORKS = [(a, d) for a in ARCHITECTURES for d in DATASETS if network_mismatch(a, d, _VOCAB) is None]


def synthetic_result(rng: random.Random, index: int) -> dict:
    """A row the validator accepts: a network that takes the data set's images, accuracies above chance, and a
    quote holding every printed number."""
    baseline = round(rng.uniform(60, 95), 2)
    pruned = round(baseline - rng.uniform(-1, 5), 2)
    params, flops = round(rng.uniform(0, 99), 1), round(rng.uniform(0, 95), 1)
    architecture, dataset = rng.choice(NETWORKS)
    return {
        "id": f"r{index}",
        "method": rng.choice(METHODS),
        "method_label": f"Variant {index}",
        "architecture": architecture,
        "dataset": dataset,
        "accuracy": {"metric": "top1", "baseline": baseline, "pruned": pruned},
        "params": {"removed_pct": params},
        "flops": {"removed_pct": flops},
        "conditions": {"sweep": rng.random() < SWEEP_SHARE},
        "source": {
            "locator": "Table 1",
            "extraction": "table",
            "quote": f"Variant | {baseline} | {pruned} | {params} | {flops}",
        },
    }


def write_synthetic_atlas(folder: Path, rows: int, per_file: int = 100, seed: int = 0) -> Path:
    """`rows` results in files of `per_file`, named Synthetic<Year><Word> like real paper files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, rows, per_file):
        key = f"Synthetic2024Paper{start // per_file}"
        results = [synthetic_result(rng, i) for i in range(start, min(start + per_file, rows))]
        paper = {"key": key, "title": f"Synthetic paper {start // per_file}", "authors": ["Bench"], "year": 2024,
                 "results": results}  # fmt: skip
        (folder / f"{key}.yaml").write_text(dump_yaml(paper), encoding="utf-8")
    return folder


def synthetic_results_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """A results-shaped table of `rows` rows (the columns the analyses use), generated directly in numpy."""
    rng = np.random.default_rng(seed)
    baseline = rng.uniform(60, 95, rows)
    return pd.DataFrame(
        {
            "result_id": [f"S/r{i}" for i in range(rows)],
            "architecture": rng.choice(ARCHITECTURES[:40], rows),
            "dataset": rng.choice(DATASETS[:12], rows),
            "method": rng.choice(METHODS, rows),
            "method_label": rng.choice([f"Label {i}" for i in range(500)], rows),
            "method_paper": rng.choice([f"Paper{i}" for i in range(300)], rows),
            "category": rng.choice(["magnitude", "sensitivity", "low_rank", "hybrid"], rows),
            "norm_metric": "top1",
            "sweep": rng.random(rows) < 0.2,
            "source_kind": rng.choice(["reported", "secondary", "imported"], rows),
            "baseline_acc": baseline,
            "acc_drop": rng.normal(1.0, 1.5, rows).round(2),
            "params_reduction_pct": rng.uniform(0, 99, rows).round(1),
            "flops_reduction_pct": rng.uniform(0, 95, rows).round(1),
            "year": rng.integers(2015, 2026, rows),
        }
    )
