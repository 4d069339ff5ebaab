"""Exported text made inert where it is opened: spreadsheets run cells that look like formulas, and LaTeX runs
the control sequences a .bib entry carries into the .bbl. The atlas stores what sources print; these
functions change only what an export would otherwise hand to a program as code.
"""

from __future__ import annotations

import re

import pandas as pd

# What spreadsheets read as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$")
# TeX primitives and LaTeX commands that read or write files, run programs, or change how later text is read.
UNSAFE_TEX = (
    "input", "include", "includeonly", "InputIfFileExists", "IfFileExists", "openin", "openout", "read",
    "readline", "write", "write18", "immediate", "newread", "newwrite", "closein", "closeout", "catcode",
    "lccode", "uccode", "endlinechar", "everyeof", "scantokens", "csname", "def", "edef", "gdef", "xdef", "let",
    "special", "directlua", "latelua", "ShellEscape", "verbatiminput", "lstinputlisting", "usepackage",
    "RequirePackage", "documentclass", "makeatletter", "endinput",
)  # fmt: skip
_UNSAFE_TEX = re.compile(r"\\(@*(?:" + "|".join(sorted(UNSAFE_TEX, key=len, reverse=True)) + r"))(?![A-Za-z@])")


def _formula_like(value: str) -> bool:
    """Text a spreadsheet would run once any quote marks we put before it are taken off."""
    bare = value.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(bare.strip())


def spreadsheet_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it shows as text; numbers (and
    text that is a plain number such as '-0.170') unchanged. Text that already starts with ' before such a
    start gets one more, so `plain_cell` gives back exactly what was stored."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def plain_cell(value: object) -> object:
    """The inverse of `spreadsheet_cell`, for reading our own CSV exports back."""
    if isinstance(value, str) and value.startswith("'") and _formula_like(value):
        return value[1:]
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text column passed through `spreadsheet_cell`."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(spreadsheet_cell)
    return safe


def bibtex_entry(entry: str) -> str:
    """The entry with file, shell and catcode commands shown as text (\\input -> \\textbackslash{}input) and
    TeX's ^^ character notation (which can spell any command) broken up; accents and \\emph stay."""
    unhatted = entry.replace("^^", "\\^{}\\^{}")
    return _UNSAFE_TEX.sub(lambda m: "\\textbackslash{}" + m.group(1), unhatted)
