"""Rows out: CSV, Parquet, JSON, and a LaTeX table with \\cite{} keys plus the matching BibTeX."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pruneatlas.atomic import atomic_write_bytes
from pruneatlas.neutralise import bibtex_entry, spreadsheet_safe

FORMATS = ("csv", "parquet", "json", "latex", "bibtex")
LATEX_COLUMNS = {
    "method_label": "Method",
    "architecture": "Architecture",
    "dataset": "Dataset",
    "baseline_acc": "Base (\\%)",
    "pruned_acc": "Pruned (\\%)",
    "acc_drop": "$\\Delta$ (pp)",
    "params_reduction_pct": "Params $\\downarrow$ (\\%)",
    "flops_reduction_pct": "FLOPs $\\downarrow$ (\\%)",
}
_LATEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")


def to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8")
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        return (json.dumps(records, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def read_table(path: Path) -> pd.DataFrame:
    """Read back a table written by `to_bytes`, by its extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    raise ValueError(f"{path}: cannot tell the format from the extension (.csv, .parquet, .json)")


def _latex_escape(text: str) -> str:
    replaced = _LATEX_SPECIAL.sub(lambda m: "\\textbackslash{}" if m.group(1) == "\\" else "\\" + m.group(1), text)
    return replaced.replace("\\~", "\\textasciitilde{}").replace("\\^", "\\textasciicircum{}")


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "--"
    if isinstance(value, float):
        return f"{value:.2f}"
    return _latex_escape(str(value))


def to_latex(frame: pd.DataFrame, caption: str = "Published pruning results (PruneAtlas).") -> str:
    """A booktabs table; each row cites the paper the number was read from (its BibTeX key)."""
    columns = [c for c in LATEX_COLUMNS if c in frame.columns]
    header = " & ".join([LATEX_COLUMNS[c] for c in columns] + ["Source"])
    lines = [
        "\\begin{table}[t]",
        "\\centering",
        f"\\caption{{{_latex_escape(caption)}}}",
        f"\\begin{{tabular}}{{{'l' * 3 + 'r' * (len(columns) - 3) + 'l'}}}",
        "\\toprule",
        header + " \\\\",
        "\\midrule",
    ]
    for row in frame.to_dict("records"):
        cite = f"\\cite{{{row['paper_key']}}}"
        if row.get("method_paper") and row["method_paper"] != row["paper_key"]:
            cite = f"\\cite{{{row['method_paper']}}} via {cite}"
        lines.append(" & ".join([_cell(row.get(c)) for c in columns] + [cite]) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    return "\n".join(lines)


def _with_key(bibtex: str, key: str) -> str:
    """The entry with its citation key replaced by ours, so \\cite{key} always resolves."""
    return re.sub(r"^(\s*@\w+\s*\{)\s*[^,\s]*\s*,", lambda m: f"{m.group(1)}{key},", bibtex.strip(), count=1)


def _generated(key: str, record: dict) -> str:
    fields = {"title": record.get("title"), "author": " and ".join(record.get("authors", [])) or None,
              "year": record.get("year"), "journal": record.get("venue"), "url": record.get("url"),
              "doi": record.get("doi"), "eprint": record.get("arxiv")}  # fmt: skip
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{key},\n{body}\n}}"


def to_bibtex(keys: Iterable[str], papers: pd.DataFrame) -> str:
    """One entry per cited key: the paper's own BibTeX when it has one, otherwise built from its fields.

    Keys that are only `references` of some paper file (a method paper quoted second-hand) come from there.
    """
    wanted = list(dict.fromkeys(keys))
    entries: dict[str, str] = {}
    references: dict[str, dict] = {}
    for record_text in papers["record"]:
        record = json.loads(record_text)
        key = record["key"]
        if key in wanted:
            entries[key] = _with_key(record["bibtex"], key) if record.get("bibtex") else _generated(key, record)
        for ref_key, ref in record.get("references", {}).items():
            references.setdefault(ref_key, ref)
    for key in wanted:
        if key not in entries and key in references:
            ref = references[key]
            entries[key] = _with_key(ref["bibtex"], key) if ref.get("bibtex") else _generated(key, ref)
    return "\n\n".join(bibtex_entry(entries[k]) for k in wanted if k in entries) + "\n"


def cited_keys(frame: pd.DataFrame) -> list[str]:
    keys = list(frame["paper_key"])
    if "method_paper" in frame.columns:
        keys += [k for k in frame["method_paper"] if isinstance(k, str)]
    return list(dict.fromkeys(keys))


def write(frame: pd.DataFrame, fmt: str, target: Path, papers: pd.DataFrame | None = None) -> list[Path]:
    """Write `frame` as `fmt`; LaTeX also writes the .bib beside it. Returns the files written."""
    if fmt == "latex":
        bib = target.with_suffix(".bib")
        atomic_write_bytes(target, to_latex(frame).encode("utf-8"))
        atomic_write_bytes(bib, to_bibtex(cited_keys(frame), papers).encode("utf-8"))
        return [target, bib]
    if fmt == "bibtex":
        atomic_write_bytes(target, to_bibtex(cited_keys(frame), papers).encode("utf-8"))
        return [target]
    atomic_write_bytes(target, to_bytes(frame, fmt))
    return [target]
