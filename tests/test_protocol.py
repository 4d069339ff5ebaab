"""An LLM row's evaluation protocol: typed, refused when malformed, a column of the results view, and part of
what makes two rows the same setting (CURATION.md 14)."""

from __future__ import annotations

import duckdb
import pytest
from paper_factory import WritePaper, paper, result

from pruneatlas.build import write_database
from pruneatlas.loader import load_atlas

PROTOCOL = {"checkpoint": "meta-llama/Llama-2-7b-hf", "eval_text": "raw", "seq_len": 4096,
            "calibration_data": "c4", "calibration_samples": 128, "tasks": ["boolq", "piqa"],
            "task_metric": "acc", "recovery_finetuning": False}  # fmt: skip


def _llm(key: str, ppl: float, protocol: dict | None) -> dict:
    row = result(
        id="sparsegpt",
        method="sparsegpt",
        method_label="SparseGPT",
        method_paper="Frantar2023Sparsegpt",
        architecture="llama2-7b",
        dataset="wikitext2",
        granularity="weight",
        accuracy={"metric": "perplexity", "baseline": 5.12, "pruned": ppl},
        params={"removed_pct": 50},
    )
    if protocol is not None:
        row["protocol"] = protocol
    return paper(key=key, title=key, authors=["A B"], year=2024, results=[row],
                 references={"Frantar2023Sparsegpt": {"title": "SparseGPT", "year": 2023}})  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        pytest.param({"seq_len": 0}, "protocol.seq_len", "greater than or equal to 1", id="sequence length 0"),
        pytest.param({"task_metric": "accuracy"}, "protocol.task_metric", "'acc', 'acc_norm' or 'mixed'",
                     id="unknown task metric"),
        pytest.param({"eval_text": "tokenised"}, "protocol.eval_text", "'raw' or 'tokenized'", id="unknown split"),
        pytest.param({"calibraton_data": "c4"}, "protocol.calibraton_data", "unknown field", id="misspelt field"),
    ],
)  # fmt: skip
def test_a_bad_protocol_value_is_refused_naming_file_row_and_field(
    write_paper: WritePaper, bad: dict, field: str, message: str
):
    path = write_paper(_llm("Sun2024Simple", 6.51, bad))
    errors = [str(p) for p in load_atlas([path]).errors]
    assert any(e.startswith(f"{path}: sparsegpt: {field}: ") and message in e for e in errors), errors


def test_rows_under_different_protocols_are_not_a_conflict(write_paper: WritePaper, atlas_dir):
    write_paper(_llm("Sun2024Simple", 6.51, PROTOCOL))
    write_paper(_llm("Yin2024Outlier", 7.02, {**PROTOCOL, "seq_len": 2048}))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_rows_whose_protocols_agree_where_both_say_are_still_compared(write_paper: WritePaper, atlas_dir):
    write_paper(_llm("Sun2024Simple", 6.51, PROTOCOL))
    write_paper(_llm("Yin2024Outlier", 7.02, {"seq_len": 4096}))
    conflicts = load_atlas([atlas_dir / "papers"]).conflicts
    assert {c.field for c in conflicts} == {"accuracy.pruned"}  # quotes are compared on the pruned value


def test_the_protocol_is_a_typed_column_of_the_results_view(write_paper: WritePaper, atlas_dir, tmp_path):
    write_paper(_llm("Sun2024Simple", 6.51, PROTOCOL))
    write_paper(_llm("Yin2024Outlier", 7.02, None))
    target = tmp_path / "atlas.duckdb"
    write_database(target, load_atlas([atlas_dir / "papers"], with_rows=True))
    with duckdb.connect(str(target), read_only=True) as con:
        rows = con.execute(
            "SELECT paper_key, protocol_seq_len, protocol_tasks, protocol_eval_text, protocol_recovery_finetuning "
            "FROM results ORDER BY paper_key"
        ).fetchall()
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE results)").fetchall())
    assert rows == [("Sun2024Simple", 4096, "boolq, piqa", "raw", False), ("Yin2024Outlier", None, None, None, None)]
    assert types["protocol_seq_len"] == "INTEGER" and types["protocol_recovery_finetuning"] == "BOOLEAN"
