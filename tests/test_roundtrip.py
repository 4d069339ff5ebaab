"""YAML -> models -> DuckDB -> export -> YAML loses nothing, for any valid paper file (hypothesis)."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pruneatlas import export
from pruneatlas.build import build
from pruneatlas.loader import load_atlas
from pruneatlas.plausibility import network_mismatch, top_k_of
from pruneatlas.safe_yaml import dump_yaml
from pruneatlas.sql import connect_readonly
from pruneatlas.table import papers_from_tables
from pruneatlas.vocab import load_vocabularies

VOCAB = load_vocabularies()
METHODS = sorted(VOCAB.methods.by_id)
ARCHITECTURES = sorted(VOCAB.architectures.by_id)
DATASETS = sorted(VOCAB.datasets.by_id)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip)
text = text.filter(bool)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False).map(float)
NETWORKS = [(a, d) for a in ARCHITECTURES for d in DATASETS if network_mismatch(a, d, VOCAB) is None]


@st.composite
def printed_percent(draw: st.DrawFn, values: st.SearchStrategy[float] = percent) -> Any:
    value = draw(values)
    return draw(st.sampled_from([value, f">{value}", f"~{value}"]))


def above_chance(metric: str, dataset: str) -> st.SearchStrategy[float]:
    """Accuracies above the data set's chance level for the metric's k (or errors below its complement), as the
    validator requires: top-5 on a 6-class set must beat 83.3 %."""
    classes, top_k = VOCAB.datasets.by_id[dataset].classes, top_k_of(metric, VOCAB)
    chance = 100.0 * top_k / classes if classes and top_k and top_k < classes else 0.0
    floor = max(60.0, math.floor(chance) + 1.0)
    if metric.endswith("_err"):
        return st.decimals(min_value=1, max_value=min(40.0, 100.0 - floor), places=2, allow_nan=False).map(float)
    return st.decimals(min_value=floor, max_value=99.99, places=2, allow_nan=False).map(float)


@st.composite
def accuracy(draw: st.DrawFn, dataset: str) -> dict[str, Any]:
    """An accuracy block the validator accepts on the data set."""
    block: dict[str, Any] = {"metric": draw(st.sampled_from(["top1", "top5", "top1_err"]))}
    values = above_chance(block["metric"], dataset)
    block["pruned"] = draw(printed_percent(values))
    if draw(st.booleans()):
        block["baseline"] = draw(values)
    if draw(st.booleans()):
        block["pruned_std"] = draw(st.decimals(min_value=0, max_value=5, places=2).map(float))
    if draw(st.booleans()):
        block["claim"] = draw(st.sampled_from(["no_loss", "improved", "negligible_loss", "comparable"]))
    return block


@st.composite
def cost(draw: st.DrawFn, flops: bool) -> dict[str, Any] | None:
    form = draw(st.sampled_from(["none", "removed_pct", "remaining_pct", "ratio", "absolute"]))
    if form == "none":
        return None
    if form == "absolute":
        baseline = draw(st.integers(min_value=2, max_value=10_000))
        block = {"baseline": f"{baseline}K", "pruned": f"{draw(st.integers(1, baseline))}K"}
    elif form == "ratio":
        block = {"ratio": draw(st.decimals(min_value=1, max_value=100, places=2).map(float))}
    else:
        block = {form: draw(printed_percent())}
    if flops and draw(st.booleans()):
        block["unit"] = draw(st.sampled_from(["MAC", "FLOP"]))
    return block


@st.composite
def result(draw: st.DrawFn, index: int) -> dict[str, Any]:
    architecture, dataset = draw(st.sampled_from(NETWORKS))
    row: dict[str, Any] = {
        "id": f"r{index}",
        "method": draw(st.sampled_from(METHODS)),
        "method_label": f"{draw(text)} #{index}",
        "architecture": architecture,
        "dataset": dataset,
        "accuracy": draw(accuracy(dataset)),
        "source": {"locator": draw(text), "extraction": "table", "quote": draw(text)},
    }
    for name, block in (("params", draw(cost(False))), ("flops", draw(cost(True)))):
        if block:
            row[name] = block
    if draw(st.booleans()):
        row["secondary"] = draw(accuracy(dataset))
    if draw(st.booleans()):
        row["conditions"] = {"sweep": draw(st.booleans()), "num_runs": draw(st.integers(1, 10))}
    if draw(st.booleans()):
        row["notes"] = draw(text)
    if draw(st.booleans()):
        row["granularity"] = draw(st.sampled_from(["weight", "filter", "channel", "n:m"]))
    printed = [v for b in ("accuracy", "secondary", "params", "flops") for k, v in (row.get(b) or {}).items()
               if k not in ("metric", "claim", "unit")]  # fmt: skip
    row["source"]["quote"] = " ".join([row["source"]["quote"], *map(str, printed)])
    return row


@st.composite
def paper_file(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=4))
    return {
        "key": "Random2024Paper",
        "title": draw(text),
        "authors": draw(st.lists(text, min_size=1, max_size=3)),
        "year": draw(st.integers(1990, 2026)),
        "bibtex": draw(st.one_of(st.none(), st.just("@misc{x,\n  title={A \\& B}\n}"))),
        "results": [draw(result(i)) for i in range(count)],
    }


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=paper_file(), fmt=st.sampled_from(["csv", "parquet", "json"]))
def test_yaml_to_duckdb_to_export_and_back_loses_nothing(data: dict[str, Any], fmt: str):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "papers").mkdir()
        (root / "papers" / "Random2024Paper.yaml").write_text(dump_yaml(_clean(data)), encoding="utf-8")
        os.environ["PRUNEATLAS_CACHE"] = str(root / "cache")
        try:
            original = load_atlas([root / "papers"], context=[root / "papers"])
            assert original.errors == []
            con = connect_readonly(build([root / "papers"]).path)
            tables = {}
            for table in ("results", "papers"):
                target = root / f"{table}.{fmt}"
                export.write(con.sql(f"SELECT * FROM {table}").df(), fmt, target)
                tables[table] = export.read_table(target)
        finally:
            del os.environ["PRUNEATLAS_CACHE"]
    rebuilt = papers_from_tables(tables["results"], tables["papers"])
    expected = original.papers[0].paper
    assert [p.model_dump(mode="json") for p in rebuilt] == [expected.model_dump(mode="json")]
    exported = tables["results"].set_index("result_id")
    for row in expected.results:
        assert exported.loc[f"Random2024Paper/{row.id}", "record"] is not None
        assert pd.notna(exported.loc[f"Random2024Paper/{row.id}", "locator"])
        assert row.source.locator == exported.loc[f"Random2024Paper/{row.id}", "locator"]
