"""Rows out: CSV, Parquet, JSON, and a LaTeX table with \\cite{} keys plus the matching BibTeX."""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from pruneatlas import bibentry
from pruneatlas.analyses import TOTAL
from pruneatlas.atomic import atomic_write_bytes
from pruneatlas.latex_text import latex_text, latex_unicode
from pruneatlas.neutralise import bibtex_entry, plain_cell, spreadsheet_safe

if TYPE_CHECKING:
    from pruneatlas.vocab import Metric

FORMATS = ("csv", "parquet", "json", "latex", "bibtex")
PREAMBLE = (
    "% Needs \\usepackage{array,booktabs,longtable} in the preamble; cite keys resolve with the .bib beside this file."
)
COLUMNS = ("Method", "Base", "Pruned", "Drop", "Params $\\downarrow$", "FLOPs $\\downarrow$", "Quoted in")
# Method and "Quoted in" wrap, the numbers keep their natural width, and the Method column takes what the numbers
# leave of the text width: the table fits an article's page whatever its numbers. Widths in em of \small's font.
WRAPPED = ">{\\raggedright\\arraybackslash}p{%s}"
HEADER_EM = (2.2, 3.4, 2.5, 4.4, 4.2)  # Base, Pruned, Drop, Params, FLOPs headers, slightly over their printed width
NARROW_EM = {".": 0.28, "-": 0.34, "x": 0.78}  # Computer Modern widths (a digit is 0.5 em); 'x' stands for \times
TABCOLSEP = "3pt"
QUOTED_SHARE = 0.14  # of the text width, for "Quoted in"; Method gets what the numbers leave of the rest
_BREAKS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[+/_&*\]])(?=[^\s)\]])")  # CamelCase humps; after + / _ & * ]
_MARKUP = re.compile(r"[$^{}]")  # takes no width: '$2.00\times10^{10}$' shows '2.00', a times sign and '1010'
# a reference the label carries ('[37]', '[12, 13]', '[Li et al.]', '(He et al. 2019)'), not a value list ('[0.3]')
_CITATION = re.compile(r"\s*(\[\d+(?:\s*[,\u2013-]\s*\d+)*\]|\[[A-Za-z][^\]]*\]|\([^()]*et al\.?[^()]*\))")
_OURS = re.compile(r"\s*\(?\b(ours|our)\b\)?\s*", re.IGNORECASE)
# a README's markdown emphasis ('*+SR*' prints '+SR'); a footnote mark ('Ti*') or a product (']*5') stays
_EMPHASIS = re.compile(r"(?<![\w\]*])\*([^*\s][^*]*)\*(?![\w\[*])")


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
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        return frame.apply(lambda column: column.map(plain_cell))
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".json":
        return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    raise ValueError(f"{path}: cannot tell the format from the extension (.csv, .parquet, .json)")


def short_name(name: str) -> str:
    """A vocabulary name without its parenthesised detail: 'ResNet-56 (CIFAR)' -> 'ResNet-56'."""
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or name


@functools.cache
def _metrics() -> dict[str, Metric]:
    from pruneatlas.vocab import load_vocabularies  # pydantic: loaded when a LaTeX table is made, not before

    return load_vocabularies().metrics.by_id


def number(value: Any, digits: int = 2) -> str:
    """A number as a table prints it: fixed digits, '--' when missing, never '-0.00'; from 100,000 on as
    $m \\times 10^{e}$ (a perplexity of 2e10 would otherwise take a column as wide as the page)."""
    if value is None or pd.isna(value):
        return "--"
    if abs(float(value)) >= 1e5:
        mantissa, exponent = f"{float(value):.{digits}e}".split("e")
        return f"${mantissa}\\times10^{{{int(exponent)}}}$"
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def method_cell(row: dict) -> str:
    """The method's name with the label the paper printed when it says more ('Ours w/o SL'), citing the method;
    a label that starts with the name ('AMC (RErr)') is printed alone, not inside it ('AMC (AMC (RErr))')."""
    name = short_name(str(row.get("method_name") or row.get("method") or ""))
    label = _EMPHASIS.sub(r"\1", _CITATION.sub("", str(row.get("method_label") or ""))).strip()
    label = _OURS.sub(" ", label).strip(" -()") if _OURS.search(label) else label
    if not label or label.lower() in name.lower():
        text = name
    elif label.lower().startswith(name.lower()):
        text = label
    else:
        text = f"{name} ({label})"
    cite = row.get("method_paper") or row["paper_key"]
    return f"{breakable(latex_text(text))} \\cite{{{cite}}}"


def breakable(text: str) -> str:
    """Long words may break in a narrow column: at CamelCase humps ('L1RankedStructureParameterPruner') and after
    '+', '/', '_', '&', '*' or ']' ('ShortGPT+Prune\\&Comp', '[0.1]*3+[0.35]*16')."""
    return re.sub(r"\S{12,}", lambda word: _BREAKS.sub("\\\\allowbreak{}", word[0]), text)


def width_em(cell: str) -> float:
    """About how wide a number cell prints in em: digits 0.5, '.' and '-' about a third, a '\\times' 0.78."""
    text = cell.replace("\\times", "x")
    return sum(NARROW_EM.get(char, 0.5) for char in _MARKUP.sub("", text))


def column_spec(rows: list[list[str]]) -> str:
    """Method gets the text width less 'Quoted in' (QUOTED_SHARE), the numbers' widest cells and the column gaps."""
    numbers_em = sum(max([HEADER_EM[i]] + [width_em(cells[i + 1]) for cells in rows]) for i in range(len(HEADER_EM)))
    method = f"\\dimexpr {1 - QUOTED_SHARE:.2f}\\linewidth-{numbers_em + 1:.1f}em-{2 * len(COLUMNS)}\\tabcolsep\\relax"
    return WRAPPED % method + "r" * len(HEADER_EM) + WRAPPED % f"{QUOTED_SHARE}\\linewidth"  # 1 em spare above


def quoted_cell(row: dict) -> str:
    """The papers a number was read from, when that is not (only) the method's own paper."""
    quoting = str(row.get("op_quoted_by") or row["paper_key"]).split(", ")
    others = [k for k in quoting if k != (row.get("method_paper") or row["paper_key"])]
    return f"\\cite{{{','.join(others)}}}" if others else "--"


def group_heading(row: dict) -> str:
    """'ResNet-56 on CIFAR-10: Top-1 accuracy (%, higher is better; drop = baseline - pruned)'."""
    metric_id = str(row.get("norm_metric") or row.get("metric"))
    metric = _metrics().get(metric_id)
    higher = metric.higher_is_better if metric else True
    unit = metric.unit if metric else ""
    direction = (
        "higher is better; drop = baseline $-$ pruned" if higher else "lower is better; drop = pruned $-$ baseline"
    )
    arch = short_name(str(row.get("architecture_name") or row["architecture"]))
    data = short_name(str(row.get("dataset_name") or row["dataset"]))
    what = latex_text(metric.name if metric else metric_id)
    return f"\\textbf{{{latex_text(arch)} on {latex_text(data)}}}: {what} ({latex_text(unit)}, {direction})"


def latex_row(row: dict) -> list[str]:
    """One operating point's cells: accuracy in the higher-is-better form (top-1 error read as accuracy)."""
    return [
        method_cell(row),
        number(row.get("baseline_norm")),
        number(row.get("pruned_norm")),
        number(row.get("acc_drop")),
        number(row.get("params_reduction_pct"), 1),
        number(row.get("flops_reduction_pct"), 1),
        quoted_cell(row),
    ]


def sort_frame(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Rows ordered by `keys` ('acc_drop' ascending, '-flops_reduction_pct' descending), missing values last."""
    columns = [k.removeprefix("-") for k in keys]
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise ValueError(f"cannot sort by {', '.join(unknown)}: no such column; choose from {', '.join(frame.columns)}")
    if not keys:
        return frame
    return frame.sort_values(
        columns, ascending=[not k.startswith("-") for k in keys], na_position="last", kind="stable"
    )


def to_latex(
    frame: pd.DataFrame, caption: str = "Published pruning results.", filters: str | None = None,
    version: str | None = None,
) -> str:  # fmt: skip
    """Booktabs longtables, one per architecture, dataset and metric in the rows' order (each sized to its own
    numbers, the first carrying the caption); each row cites the method's paper and the papers that quote the
    number. Accuracy reads higher-is-better (error as accuracy)."""
    groups: dict[tuple, list[dict]] = {}
    for row in frame.to_dict("records"):
        group = (row.get("architecture"), row.get("dataset"), row.get("norm_metric") or row.get("metric"))
        groups.setdefault(group, []).append(row)
    text = caption + (f" Filters: {filters}." if filters else "")
    text += " Params and FLOPs: % removed."
    text += f" {len(frame)} operating point(s)" + (f"; PruneAtlas {version}." if version else ".")
    header = " & ".join(COLUMNS) + " \\\\"
    lines = [PREAMBLE, f"{{\\small\\setlength{{\\tabcolsep}}{{{TABCOLSEP}}}"]
    for index, rows in enumerate(list(groups.values()) or [[]]):
        cells = [latex_row(row) for row in rows]
        lines.append(f"\\begin{{longtable}}{{{column_spec(cells)}}}")
        if not index:
            lines.append(f"\\caption{{{latex_text(text)}}}\\label{{tab:pruneatlas}} \\\\")
        lines += [
            "\\toprule", header, "\\midrule", "\\endfirsthead",
            "\\toprule", header, "\\midrule", "\\endhead",
            "\\bottomrule", "\\endfoot",
        ]  # fmt: skip
        if rows:
            heading = WRAPPED % "0.95\\linewidth"
            lines.append(f"\\multicolumn{{{len(COLUMNS)}}}{{{heading}}}{{{group_heading(rows[0])}}} \\\\")
        lines += [
            " & ".join(row_cells) + f" \\\\ % {row.get('result_id', '')}"
            for row, row_cells in zip(rows, cells, strict=True)
        ]
        lines.append("\\end{longtable}")
    lines += ["}", ""]
    return "\n".join(lines)


def pivot_latex(wide: pd.DataFrame, caption: str, version: str | None = None) -> str:
    """The pivot itself as a booktabs table: its keys as row and column heads, empty cells blank."""
    counts = all(pd.api.types.is_integer_dtype(t) for t in wide.dtypes)

    def cell(value: Any) -> str:
        if value is None or pd.isna(value) or (counts and value == 0):
            return ""
        return str(int(value)) if counts else number(value)

    head = [latex_text(f"{wide.index.name or ''} / {wide.columns.name or ''}")]
    head += [latex_text(str(c)) for c in wide.columns]
    lines = [
        "% Needs \\usepackage{booktabs} in the preamble.",
        "\\begin{table}[t]",
        "\\centering",
        f"\\caption{{{latex_text(caption + (f' PruneAtlas {version}.' if version else ''))}}}",
        f"\\begin{{tabular}}{{l{'r' * len(wide.columns)}}}",
        "\\toprule",
        " & ".join(head) + " \\\\",
        "\\midrule",
    ]
    for key, values in wide.iterrows():
        if key == TOTAL:
            lines.append("\\midrule")
        lines.append(" & ".join([latex_text(str(key)), *(cell(v) for v in values)]) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    return "\n".join(lines)


def _with_key(bibtex: str, key: str) -> str:
    """The entry with its citation key replaced by ours, so \\cite{key} always resolves."""
    return re.sub(r"^(\s*@\w+\s*\{)\s*[^,\s]*\s*,", lambda m: f"{m.group(1)}{key},", bibtex.strip(), count=1)


def _entry(key: str, record: dict) -> str:
    """The paper's own BibTeX (under our key) when it has one, else one built from its fields; ASCII LaTeX."""
    text = (
        bibentry.arxiv_as_misc(_with_key(record["bibtex"], key))
        if record.get("bibtex")
        else bibentry.entry(key, record)
    )
    return latex_unicode(text)


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
            entries[key] = _entry(key, record)
        for ref_key, ref in record.get("references", {}).items():
            references.setdefault(ref_key, ref)
    for key in wanted:
        if key not in entries and key in references:
            ref = references[key]
            entries[key] = _entry(key, ref)
    return "\n\n".join(bibtex_entry(entries[k]) for k in wanted if k in entries) + "\n"


def cited_keys(frame: pd.DataFrame) -> list[str]:
    """Every paper a table of rows cites: the methods' papers and each paper that quotes a number."""
    keys = list(frame["paper_key"])
    if "method_paper" in frame.columns:
        keys += [k for k in frame["method_paper"] if isinstance(k, str)]
    if "op_quoted_by" in frame.columns:
        keys += [k for text in frame["op_quoted_by"] if isinstance(text, str) for k in text.split(", ")]
    return list(dict.fromkeys(keys))


def write(
    frame: pd.DataFrame, fmt: str, target: Path, papers: pd.DataFrame | None = None, filters: str | None = None,
    version: str | None = None,
) -> list[Path]:  # fmt: skip
    """Write `frame` as `fmt`; LaTeX also writes the .bib beside it. Returns the files written."""
    if fmt in ("latex", "bibtex") and papers is None:
        raise ValueError(f"a {fmt} export cites papers: it needs the papers table")
    if fmt == "latex":
        bib = target.with_suffix(".bib")
        atomic_write_bytes(target, to_latex(frame, filters=filters, version=version).encode("utf-8"))
        atomic_write_bytes(bib, to_bibtex(cited_keys(frame), cast("pd.DataFrame", papers)).encode("utf-8"))
        return [target, bib]
    if fmt == "bibtex":
        atomic_write_bytes(target, to_bibtex(cited_keys(frame), cast("pd.DataFrame", papers)).encode("utf-8"))
        return [target]
    atomic_write_bytes(target, to_bytes(frame, fmt))
    return [target]
