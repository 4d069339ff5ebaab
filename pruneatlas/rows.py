"""One flat row per result and per paper: the shape of the DuckDB tables and every export.

No pandas here, so the build's worker processes that compile paper files import it cheaply. Every derived value
comes from `derive.py` (`derive.result_values`, computed once per result while it is checked).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pruneatlas import derive
from pruneatlas.models import CostClaim, PaperFile, Protocol, Result
from pruneatlas.plausibility import BLOCK_FIELDS
from pruneatlas.printed import Printed
from pruneatlas.vocab import Vocabularies

if TYPE_CHECKING:
    import pyarrow as pa

CONTRACT_COLUMNS = [
    "result_id", "paper_key", "year", "source_kind", "method", "method_label", "method_paper", "category",
    "granularity", "structured", "architecture", "dataset", "metric", "baseline_acc", "pruned_acc", "acc_drop",
    "params_baseline", "params_pruned", "params_reduction_pct", "compression_ratio", "flops_baseline",
    "flops_pruned", "flops_reduction_pct", "speedup", "locator", "extraction", "notes",
]  # fmt: skip
# An LLM row's evaluation protocol (models.Protocol), one column per field, prefixed so they read as one group.
PROTOCOL_FIELDS = tuple(Protocol.model_fields)
PROTOCOL_COLUMNS = [f"protocol_{name}" for name in PROTOCOL_FIELDS]
_NO_PROTOCOL = dict.fromkeys(PROTOCOL_COLUMNS)
# The columns `result_row` adds after the contract ones: they give an atlas with no results its full shape,
# so the views in resource/ still bind (a new checkout whose paper files are still `results: []`).
CONTEXT_COLUMNS = [
    "title", "venue", "paper_url", "method_name", "architecture_name", "family", "dataset_name", "task", "scope",
    "schedule", "higher_is_better", "norm_metric", "baseline_norm", "pruned_norm", "acc_claim", "baseline_std",
    "pruned_std", "secondary_metric", "secondary_baseline", "secondary_pruned", "secondary_drop", "flops_unit",
    "num_runs", "finetune_epochs", "distillation", "architecture_modified", "quantized", "sweep", "reimplemented",
    "runtime_speedup", "quote", "precision", "source_url", "source_commit", "collection", "collection_row", "bounds",
    "discrepancies", "reproduces", "config_hash", "command", "cpu_time_s", "wall_time_s", "file",
    *PROTOCOL_COLUMNS,
]  # fmt: skip


def dump_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def paper_yaml(paper: PaperFile) -> dict[str, Any]:
    """The whole paper file as it is written to YAML: printed forms kept, defaults and empties left out."""
    return paper.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def paper_record(paper: PaperFile) -> dict[str, Any]:
    return paper.model_dump(mode="json", exclude_none=True, exclude_defaults=True, exclude={"results"})


def _value(printed: Printed | None) -> float | None:
    return None if printed is None else printed.value


def _bounds(result: Result) -> str | None:
    """Printed values that are bounds or approximations ('params.removed_pct >93'), so no one reads them as exact."""
    found = []
    for block_name, fields in BLOCK_FIELDS:
        block = getattr(result, block_name)
        if block is None:
            continue
        for name, field in fields:
            value = getattr(block, name)
            if value is not None and value.qualifier != "=":
                found.append(f"{field} {value.text}")
    return "; ".join(found) or None


def result_json(result: Result) -> str:
    """The result's canonical JSON without its id (the id is in `result_id`): the table's `record` column,
    and what two results must share to be duplicates."""
    return result.model_dump_json(exclude={"id"}, exclude_none=True, exclude_defaults=True)


def _protocol_columns(protocol: Protocol | None) -> dict[str, Any]:
    """One column per protocol field; the task list as one comma-separated string."""
    if protocol is None:
        return _NO_PROTOCOL
    values = protocol.model_dump()
    tasks = values.get("tasks")
    values["tasks"] = ", ".join(tasks) if tasks else None
    return {f"protocol_{name}": values.get(name) for name in PROTOCOL_FIELDS}


def result_row(
    paper: PaperFile,
    file: str,
    reproduced: bool,
    result: Result,
    vocab: Vocabularies,
    record: str | None = None,
    values: derive.ResultValues | None = None,
) -> dict[str, Any]:
    """The flat row of one (resolved) result: contract columns, context columns and its canonical JSON.

    `record` (from `result_json`) and `values` (from `derive.result_values`) are passed when the checks already
    computed them, so a build derives each result's values once.
    """
    method = vocab.methods.by_id[result.method]
    metric = vocab.metrics.by_id[result.accuracy.metric]
    architecture = vocab.architectures.by_id[result.architecture]
    dataset = vocab.datasets.by_id[result.dataset]
    derived = values or derive.result_values(paper, result, reproduced, vocab)
    params, flops = derived.params, derived.flops
    accuracy, secondary = result.accuracy, result.secondary
    conditions, source = result.conditions, result.source
    provenance = result.provenance
    return {
        "result_id": f"{paper.key}/{result.id}",
        "paper_key": paper.key,
        "year": paper.year,
        "source_kind": derived.source_kind,
        "method": result.method,
        "method_label": result.method_label,
        "method_paper": result.method_paper or paper.key,
        "category": method.category,
        "granularity": derived.granularity,
        "structured": derived.structured,
        "architecture": result.architecture,
        "dataset": result.dataset,
        "metric": accuracy.metric,
        "baseline_acc": _value(accuracy.baseline),
        "pruned_acc": _value(accuracy.pruned),
        "acc_drop": derived.acc_drop,
        "params_baseline": params.baseline,
        "params_pruned": params.pruned,
        "params_reduction_pct": params.reduction_pct,
        "compression_ratio": params.ratio,
        "flops_baseline": flops.baseline,
        "flops_pruned": flops.pruned,
        "flops_reduction_pct": flops.reduction_pct,
        "speedup": flops.ratio,
        "locator": source.locator,
        "extraction": source.extraction,
        "notes": result.notes,
        "title": paper.title,
        "venue": paper.venue,
        "paper_url": paper.url,
        "method_name": method.name,
        "architecture_name": architecture.name,
        "family": architecture.family,
        "dataset_name": dataset.name,
        "task": dataset.task,
        "scope": result.scope,
        "schedule": result.schedule,
        "higher_is_better": metric.higher_is_better,
        "norm_metric": derived.norm_metric,
        "baseline_norm": derived.baseline_norm,
        "pruned_norm": derived.pruned_norm,
        "acc_claim": accuracy.claim,
        "baseline_std": _value(accuracy.baseline_std),
        "pruned_std": _value(accuracy.pruned_std),
        "secondary_metric": secondary.metric if secondary else None,
        "secondary_baseline": _value(secondary.baseline) if secondary else None,
        "secondary_pruned": _value(secondary.pruned) if secondary else None,
        "secondary_drop": derived.secondary_drop,
        "flops_unit": result.flops.unit if result.flops else None,
        "num_runs": conditions.num_runs,
        "finetune_epochs": conditions.finetune_epochs,
        "distillation": conditions.distillation,
        "architecture_modified": conditions.architecture_modified,
        "quantized": conditions.quantized,
        "sweep": conditions.sweep,
        "reimplemented": conditions.reimplemented,
        "runtime_speedup": _value(conditions.runtime_speedup),
        "quote": source.quote,
        "precision": source.precision,
        "source_url": source.url,
        "source_commit": source.commit,
        "collection": source.collection,
        "collection_row": source.collection_row,
        "bounds": _bounds(result),
        "discrepancies": "; ".join(f"{d.field}: {d.note}" for d in result.discrepancies) or None,
        "reproduces": result.reproduces,
        "config_hash": provenance.config_hash if provenance else None,
        "command": provenance.command if provenance else None,
        "cpu_time_s": provenance.cpu_time_s if provenance else None,
        "wall_time_s": provenance.wall_time_s if provenance else None,
        "file": file,
        **_protocol_columns(result.protocol),
        "record": record if record is not None else result_json(result),
    }


def rows_table(rows: list[dict[str, Any]]) -> pa.Table:
    """`result_row`'s rows (the same columns in the same order, one dict literal makes them all) as one Arrow
    table, built column by column: `pa.Table.from_pylist` looks every column up in every row, twice the work."""
    import pyarrow as pa

    columns = zip(*[row.values() for row in rows], strict=True)
    return pa.Table.from_arrays([pa.array(column) for column in columns], list(rows[0]))


def paper_row(paper: PaperFile, file: str, reproduced: bool) -> dict[str, Any]:
    return {
        "paper_key": paper.key,
        "title": paper.title,
        "authors": "; ".join(paper.authors),
        "year": paper.year,
        "venue": paper.venue,
        "url": paper.url,
        "doi": paper.doi,
        "arxiv": paper.arxiv,
        "bibtex": paper.bibtex,
        "reproduced": reproduced,
        "results": len(paper.results),
        "file": file,
        "record": dump_json(paper_record(paper)),
    }


COST_COLUMNS = [
    "result_id", "paper_key", "year", "source_kind", "method", "method_label", "method_paper", "method_name",
    "architecture", "dataset", "quantity", "scope", "value", "std", "unit", "seconds", "seconds_std", "relative_to",
    "relative_label", "percent_of_reference", "comparison", "hardware", "accuracy_claim", "num_runs", "locator",
    "extraction", "quote", "precision", "source_url", "source_commit", "notes", "reproduces", "config_hash",
    "command", "cpu_time_s", "wall_time_s", "file",
]  # fmt: skip


def cost_row(paper: PaperFile, file: str, reproduced: bool, claim: CostClaim, vocab: Vocabularies) -> dict[str, Any]:
    """The flat row of one (resolved) cost claim: the `training_costs` table."""
    cost, source, provenance = claim.cost, claim.source, claim.provenance
    seconds, seconds_std = derive.cost_seconds(cost)
    return {
        "result_id": f"{paper.key}/{claim.id}",
        "paper_key": paper.key,
        "year": paper.year,
        "source_kind": derive.source_kind(paper, claim, reproduced),
        "method": claim.method,
        "method_label": claim.method_label,
        "method_paper": claim.method_paper or paper.key,
        "method_name": vocab.methods.by_id[claim.method].name,
        "architecture": claim.architecture,
        "dataset": claim.dataset,
        "quantity": cost.quantity,
        "scope": cost.scope,
        "value": _value(cost.value),
        "std": _value(cost.std),
        "unit": cost.unit,
        "seconds": seconds,
        "seconds_std": seconds_std,
        "relative_to": cost.relative_to,
        "relative_label": cost.relative_label,
        "percent_of_reference": derive.percent_of_reference(cost),
        "comparison": cost.comparison,
        "hardware": cost.hardware,
        "accuracy_claim": claim.accuracy_claim,
        "num_runs": claim.conditions.num_runs,
        "locator": source.locator,
        "extraction": source.extraction,
        "quote": source.quote,
        "precision": source.precision,
        "source_url": source.url,
        "source_commit": source.commit,
        "notes": claim.notes,
        "reproduces": claim.reproduces,
        "config_hash": provenance.config_hash if provenance else None,
        "command": provenance.command if provenance else None,
        "cpu_time_s": provenance.cpu_time_s if provenance else None,
        "wall_time_s": provenance.wall_time_s if provenance else None,
        "file": file,
    }
