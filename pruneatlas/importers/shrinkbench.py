"""ShrinkBench's meta-analysis (Blalock et al., MLSys 2020) as paper files.

Every one of the 551 rows is accounted for: it becomes a result, or the report says why not. Values keep
ShrinkBench's printed digits; each row's Notes survive in `notes` and act on the values where they change
meaning (read off a figure -> approximate; accuracy includes quantisation -> `quantized`; FC layers
replaced -> `architecture_modified`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd
from pydantic import ValidationError

from pruneatlas import paths
from pruneatlas.checks import WAIVABLE_FIELDS, value_problems
from pruneatlas.importers.csv_input import InputError, read_rows
from pruneatlas.importers.merge import appended
from pruneatlas.importers.staging import write_all
from pruneatlas.keys import held_by_another_paper, normalised_title, paper_key
from pruneatlas.models import Result
from pruneatlas.safe_yaml import load_yaml_file
from pruneatlas.vocab import Vocabularies, load_vocabularies

COMMIT = "b24497451b6815a4dbdf2ded7b10c264805e772b"
SOURCE_URL = f"https://github.com/JJGO/shrinkbench/blob/{COMMIT}/analysis/assets/existing-results/Results.csv"
LICENSE_NOTE = (
    "Rows whose source.collection is shrinkbench derive from the ShrinkBench meta-analysis "
    "(https://github.com/JJGO/shrinkbench), MIT License, Copyright (c) 2019 Jose Javier; see data/NOTICE."
)
BANNER = "# Paper file created by `pruneatlas import shrinkbench`; hand-entered rows may be added below.\n"
MAPPING = Path(__file__).with_name("shrinkbench_map.yaml")
# Results.csv and Papers.csv as released at COMMIT (neither ends with a newline).
RELEASED_SHA256 = {
    "Results.csv": "459808520e8b15767139c4b3ff13b962dfce76e218a2f4ba8b347a1c4144cfe8",
    "Papers.csv": "36b33544b2a56875f5f6d23de4cdcdf363520f629d490a114d0d8dfa0081b572",
}
RESULT_COLUMNS = ["Name", "Paper", "Dataset", "Model", "Method", "Notes", "NumTrials"]
PAPER_COLUMNS = ["Name", "BibTeX", "AuthorName", "Date", "Venue"]
APPROXIMATE_NOTES = re.compile(r"from dots in fig|px counts|estimated from|approx", re.IGNORECASE)
VALUE_COLUMNS = [
    "Err1", "Err5", "Top1", "dTop1", "Top5", "dTop5", "MParams", "savedParams", "keptParams", "GFLOPS",
    "savedFLOPS", "keptFLOPS", "old/new Nparam", "old/new FLOPS", "OrigTop1", "OrigTop5", "OrigMParams",
    "OrigGFLOPS", "OrigErr1", "OrigErr5", "stdTop1", "stdOrigTop1",
]  # fmt: skip


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    added: int = 0
    papers: set[str] = field(default_factory=set)
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def lines(self) -> list[str]:
        out = [
            f"ShrinkBench: {self.total} rows; {self.imported} became results in {len(self.papers)} paper files "
            f"({self.added} new this run); {self.total - self.imported} did not:"
        ]
        for reason, rows in sorted(self.skipped.items(), key=lambda item: -len(item[1])):
            out.append(f"  {len(rows):3d} {reason}: rows {', '.join(rows)}")
        return out


def _number(cell: str | None, approximate: bool) -> Any:
    """A cell such as '93.55%' or '0.2580' as printed: digits kept, '~' when read off a figure."""
    if cell is None or pd.isna(cell):
        return None
    text = str(cell).strip().rstrip("%").strip()
    if not text:
        return None
    if approximate:
        return f"~{text}"
    value = float(text)
    return value if repr(value) == text else text


def _scaled(cell: str | None, suffix: str, approximate: bool) -> str | None:
    value = _number(cell, approximate)
    return None if value is None else f"{value}{suffix}"


def _accuracy_block(n: dict[str, Any], acc: str, err: str) -> tuple[dict | None, str | None, list[tuple[str, str]]]:
    """One metric family (top-1 or top-5): accuracies when any accuracy cell is filled, else error rates.

    ShrinkBench sometimes mixes the two within a row (baseline accuracy, pruned error); the missing accuracy is
    then the exact complement of the printed error, the note says so, and the value's name is returned so a
    `discrepancies` entry can say it is computed.
    """
    base_acc, base_err, delta, std = f"Orig{acc}", f"Orig{err}", f"d{acc}", f"std{acc}"
    notes: list[str] = []
    computed: list[tuple[str, str]] = []
    if any(n.get(c) is not None for c in (acc, base_acc, delta)):
        metric, pruned, baseline = acc, n.get(acc), n.get(base_acc)
        if pruned is None and n.get(err) is not None:
            pruned = _complement(n[err])
            notes.append(f"pruned {acc} = 100 - printed {err} {n[err]}")
            computed.append(("pruned", notes[-1]))
        if baseline is None and n.get(base_err) is not None:
            baseline = _complement(n[base_err])
            notes.append(f"baseline {acc} = 100 - printed {base_err} {n[base_err]}")
            computed.append(("baseline", notes[-1]))
        change = n.get(delta)
    else:
        metric, pruned, baseline, change = err, n.get(err), n.get(base_err), None
    if pruned is None and change is None:
        return None, None, []
    block = {"metric": metric, "baseline": baseline, "pruned": pruned}
    if change is not None:
        block |= {"change": change, "change_sign": "pruned_minus_baseline"}
    if metric == acc:
        block |= {"pruned_std": n.get(std), "baseline_std": n.get(f"stdOrig{acc}")}
    block["metric"] = {"Top1": "top1", "Err1": "top1_err", "Top5": "top5", "Err5": "top5_err"}[metric]
    return {k: v for k, v in block.items() if v is not None}, "; ".join(notes) or None, computed


def _accuracy_blocks(
    row: pd.Series, approx: bool
) -> tuple[dict | None, dict | None, str | None, list[tuple[str, str]]]:
    """The primary metric (the top-1 family first), a top-5 secondary, a note on any converted error, and
    (field, note) for each value computed as the complement of a printed error."""
    n = {c: _number(row.get(c), approx) for c in VALUE_COLUMNS}
    top1, note1, computed1 = _accuracy_block(n, "Top1", "Err1")
    top5, note5, computed5 = _accuracy_block(n, "Top5", "Err5")
    primary, secondary = (top1, top5) if top1 else (top5, None)
    top5_block = "secondary" if top1 else "accuracy"
    computed = [(f"accuracy.{name}", note) for name, note in computed1]
    computed += [(f"{top5_block}.{name}", note) for name, note in computed5]
    return primary, secondary, "; ".join(x for x in (note1, note5) if x) or None, computed


def _complement(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    prefix = "~" if text.startswith("~") else ""
    digits = text.lstrip("~")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return f"{prefix}{100 - float(digits):.{decimals}f}"


def _cost(row: pd.Series, approx: bool, absolute: tuple[str, str], fractions: tuple[str, str, str], suffix: str):
    pruned_abs, base_abs = absolute
    saved, kept, ratio = fractions
    out = {
        "baseline": _scaled(row.get(base_abs), suffix, approx),
        "pruned": _scaled(row.get(pruned_abs), suffix, approx),
        "removed_pct": _number(row.get(saved), approx),
        "remaining_pct": _number(row.get(kept), approx),
        "ratio": _number(row.get(ratio), approx),
    }
    out = {k: v for k, v in out.items() if v is not None}
    return out if set(out) - {"baseline"} else None


def _method(entry: dict[str, Any], notes: str) -> str:
    for fragment, method in (entry.get("methods_by_note") or {}).items():
        if fragment.lower() in notes.lower():
            return method
    return entry["method"]


def _quote(row: pd.Series) -> str:
    cells = [
        f"{c}={row[c]}" for c in ["Model", "Dataset", "Method", "NumTrials", *VALUE_COLUMNS] if pd.notna(row.get(c))
    ]
    return "; ".join(cells)


def row_to_result(
    row: pd.Series, mapping: dict[str, Any], vocab: Vocabularies
) -> tuple[dict[str, Any] | None, str | None]:
    """A result dict for one Results.csv row, or the reason it cannot be one."""
    if not row[VALUE_COLUMNS].notna().any():
        return None, "no accuracy or cost value in the row"
    entry = mapping["papers"].get(row["Paper"])
    if entry is None:
        return None, f"paper {row['Paper']!r} has no method mapping"
    dataset = mapping["datasets"].get(row["Dataset"])
    if dataset is None:
        return None, f"dataset {row['Dataset']!r} is not in the atlas vocabulary"
    models = {**mapping["models"], **{k: {"*": v} for k, v in (entry.get("models") or {}).items()}}
    by_dataset = models.get(row["Model"], {})
    architecture = by_dataset.get(row["Dataset"], by_dataset.get("*"))
    if architecture is None:
        return None, f"model {row['Model']!r} on {row['Dataset']} has no architecture mapping"
    notes = str(row["Notes"]) if pd.notna(row["Notes"]) else ""
    approx = bool(APPROXIMATE_NOTES.search(notes))
    primary, secondary, converted, computed = _accuracy_blocks(row, approx)
    if primary is None:
        return None, "no pruned accuracy or accuracy change (baseline or cost only)"
    result: dict[str, Any] = {
        "id": f"sb-{row['Name']}",
        "method": _method(entry, notes),
        "method_label": str(row["Method"]) if pd.notna(row["Method"]) else entry["label"],
        "architecture": architecture,
        "dataset": dataset,
        "accuracy": primary,
    }
    if entry.get("top5_is_error") and primary["metric"] == "top5":
        primary["metric"] = "top5_err"
        if "change_sign" in primary:
            primary["change_sign"] = "baseline_minus_pruned"
    if secondary:
        result["secondary"] = secondary
    params = _cost(row, approx, ("MParams", "OrigMParams"), ("savedParams", "keptParams", "old/new Nparam"), "M")
    flops = _cost(row, approx, ("GFLOPS", "OrigGFLOPS"), ("savedFLOPS", "keptFLOPS", "old/new FLOPS"), "G")
    if params:
        result["params"] = params
    if flops:
        result["flops"] = flops
    conditions: dict[str, Any] = {}
    if pd.notna(row["NumTrials"]):
        conditions["num_runs"] = int(float(row["NumTrials"]))
    if re.search(r"includes quantization|acc includes quant", notes, re.IGNORECASE):
        conditions["quantized"] = True
    if re.search(r"global average pooling|\bGAP\b", notes):
        conditions["architecture_modified"] = "FC layers replaced by global average pooling (per ShrinkBench notes)"
    if conditions:
        result["conditions"] = conditions
    result["source"] = {
        "locator": f"Results.csv, row {row['Name']}",
        "extraction": "collection",
        "quote": _quote(row),
        "url": SOURCE_URL,
        "commit": COMMIT,
        "collection": "shrinkbench",
        "collection_row": str(row["Name"]),
    }
    extra = [f"ShrinkBench notes: {notes}" if notes else "", converted or "", entry.get("note", "")]
    if approx:
        extra.append("ShrinkBench read these values off a figure: marked approximate (~).")
    text = " ".join(part.strip() for part in extra if part.strip())
    if text:
        result["notes"] = text
    try:
        model = Result.model_validate(result)
    except ValidationError as exc:
        first = exc.errors()[0]
        return None, f"not a valid result ({'.'.join(map(str, first['loc']))}: {first['msg']})"
    disagreeing = [(f, m) for f, m in value_problems(model, vocab) if f in WAIVABLE_FIELDS]
    entries = [{"field": f, "note": f"ShrinkBench's own cells disagree ({m.split(';')[0]})"} for f, m in disagreeing]
    entries += [{"field": f, "note": f"Computed, not printed: {note}"} for f, note in computed]
    if entries:
        result["discrepancies"] = entries
    return result, None


def _bib_field(bibtex: str, name: str) -> str | None:
    match = re.search(rf"\b{name}\s*=\s*[{{\"](.+?)[}}\"]\s*,?\s*\n", bibtex or "", re.IGNORECASE | re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1)).strip(" {}") if match else None


def paper_header(paper: pd.Series, folder: Path, where: str = "Papers.csv") -> dict[str, Any]:
    bibtex = str(paper["BibTeX"]).strip().strip("'\"").strip() if pd.notna(paper["BibTeX"]) else ""
    title = _bib_field(bibtex, "title") or str(paper["Name"])
    authors_text = _bib_field(bibtex, "author") or str(paper["AuthorName"])
    authors = [a.strip() for a in re.split(r"\s+and\s+", authors_text) if a.strip()]
    year_text = str(paper["Date"]).split("-")[0].strip()
    if not year_text.isdigit() or not authors:
        field = "Date" if not year_text.isdigit() else "AuthorName"
        raise InputError(f"{where}: {field}: {paper[field]!r} gives no {'year' if field == 'Date' else 'author'}")
    year = int(year_text)
    header = {
        "key": paper_key(authors[0], year, title, held_by_another_paper(folder, title)),
        "title": title,
        "authors": authors,
        "year": year,
        "venue": str(paper["Venue"]) if pd.notna(paper["Venue"]) else None,
        "bibtex": bibtex or None,
        "license_note": LICENSE_NOTE,
    }
    return {k: v for k, v in header.items() if v is not None}


def existing_files_by_title(folder: Path) -> dict[str, Path]:
    """Paper files already in the atlas, by normalised title, so imports join the file a curator started."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = load_yaml_file(path)
        except ValueError:
            continue
        if isinstance(raw, dict) and isinstance(raw.get("title"), str):
            found.setdefault(normalised_title(raw["title"]), path)
    return found


def _read(source: Path, name: str, columns: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """The file as strings (empty cells NaN) after csv_input's checks, and each row's line number."""
    path = source / name
    checked = read_rows(path, columns, RELEASED_SHA256.get(name), ragged=True)
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"{path}: not a CSV file pandas can read ({' '.join(str(exc).split())})") from None
    if len(frame) != len(checked):
        raise InputError(f"{path}: {len(checked)} rows read one way and {len(frame)} another; is it a CSV file?")
    return frame, [line for line, _ in checked]


def check_cells(row: pd.Series, where: str) -> None:
    """Every value cell a number (as printed: '93.55%', '~1.2'), NumTrials a whole count; else InputError."""
    for column in [*VALUE_COLUMNS, "NumTrials"]:
        cell = row.get(column)
        if cell is None or pd.isna(cell) or not str(cell).strip():
            continue
        text = str(cell).strip().rstrip("%").strip().lstrip("~")
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        whole = column != "NumTrials" or (value.is_integer() and value >= 1)
        if not math.isfinite(value) or not whole:
            kind = "a whole number of trials" if column == "NumTrials" else "a finite number"
            raise InputError(f"{where}: {column}: {cell!r} is not {kind}")


def import_shrinkbench(source: Path, target: Path | None = None) -> ImportReport:
    """Every row of Results.csv accounted for; the paper files written all together, or (on any InputError or
    MergeError) not at all."""
    target = target or paths.PAPERS
    mapping = load_yaml_file(MAPPING)
    results, lines = _read(source, "Results.csv", [*RESULT_COLUMNS, *VALUE_COLUMNS])
    papers, paper_lines = _read(source, "Papers.csv", PAPER_COLUMNS)
    papers = papers.set_index("Name", drop=False)
    report = ImportReport(total=len(results))
    vocab = load_vocabularies()
    by_paper: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (_, row), line in zip(results.iterrows(), lines, strict=True):
        check_cells(row, f"{source / 'Results.csv'}: line {line} (row {row['Name']})")
        result, reason = row_to_result(row, mapping, vocab)
        if result is None:
            report.skipped[reason or "unknown"].append(str(row["Name"]))
            continue
        if row["Paper"] not in papers.index:
            report.skipped["paper missing from Papers.csv"].append(str(row["Name"]))
            continue
        by_paper[row["Paper"]].append(result)
    titles = existing_files_by_title(target)
    texts: dict[Path, str] = {}
    for name, rows in sorted(by_paper.items()):
        paper_line = paper_lines[papers.index.get_loc(name)] if papers.index.is_unique else "?"
        header = paper_header(
            cast("pd.Series", papers.loc[name]), target, f"{source / 'Papers.csv'}: line {paper_line} (paper {name})"
        )
        path = titles.get(normalised_title(header["title"]), target / f"{header['key']}.yaml")
        text, added = appended(path, header, rows, BANNER)
        if text is not None:
            texts[path] = text
        report.added += len(added)
        report.imported += len(rows)
        report.papers.add(path.stem)
    write_all(texts)
    return report
