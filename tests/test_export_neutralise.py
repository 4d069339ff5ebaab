"""Exports hand spreadsheets no live formula and LaTeX no file, shell or catcode command, numbers unchanged."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from pruneatlas.export import read_table, to_bibtex, to_bytes
from pruneatlas.neutralise import bibtex_entry, plain_cell, spreadsheet_cell


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.170", "-0.170"),
        ("+3.5%", "+3.5%"),
        ("-1e-3", "-1e-3"),
        ("L1-norm", "L1-norm"),
        ("'=1", "''=1"),
        ("'quoted", "'quoted"),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_spreadsheet_cells(cell: object, expected: object) -> None:
    assert spreadsheet_cell(cell) == expected


@pytest.mark.parametrize("cell", ["=1", "'=1", "''+x", "'quoted", "-0.170", "plain", "@a", None])
def test_a_neutralised_cell_reads_back_as_stored(cell: object) -> None:
    assert plain_cell(spreadsheet_cell(cell)) == cell


def test_our_csv_reads_back_with_every_text_cell_as_stored(tmp_path) -> None:
    frame = pd.DataFrame({"locator": ["=", "'=x", "Table 2"], "quote": ["-2+3", "@x", "'a"]})
    (tmp_path / "t.csv").write_bytes(to_bytes(frame, "csv"))
    assert read_table(tmp_path / "t.csv").equals(frame)


def test_csv_export_has_no_live_formula_and_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {"method_label": ['=HYPERLINK("http://evil","x")', "SNIP"], "acc_drop": [-0.25, 1.5], "change": ["-0.170", "x"]}
    )
    read = pd.read_csv(io.BytesIO(to_bytes(frame, "csv")), dtype={"change": str})
    assert list(read["method_label"]) == ['\'=HYPERLINK("http://evil","x")', "SNIP"]
    assert list(read["acc_drop"]) == [-0.25, 1.5] and list(read["change"]) == ["-0.170", "x"]
    assert frame.loc[0, "method_label"].startswith("=")  # the caller's frame is not changed


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (r"\input{/etc/hostname}", ["input"]),
        (r"\include{/etc/passwd}", ["include"]),
        (r"\immediate\write18{id}", ["immediate", "write18"]),
        (r"\openin5=/etc/hostname", ["openin"]),
        (r"\catcode`\^=7", ["catcode"]),
        (r"\@@input /etc/hostname", ["@@input"]),
        (r"\csname input\endcsname{/etc/hostname}", ["csname"]),
    ],
)
def test_bibtex_export_carries_no_file_or_shell_command(command: str, words: list[str]) -> None:
    record = {"key": "Evil2020Paper", "bibtex": "@article{x,\n  title = {A " + command + " title},\n  year = 2020\n}"}
    bib = to_bibtex(["Evil2020Paper"], pd.DataFrame({"record": [json.dumps(record)]}))
    for word in words:
        assert "\\textbackslash{}" + word in bib and "\\" + word not in bib
    assert bib.startswith("@article{Evil2020Paper,")


def test_bibtex_hat_notation_cannot_spell_a_command() -> None:
    assert "^^" not in bibtex_entry(r"title = {\inp^^75t{/etc/hostname}}")


def test_ordinary_bibtex_markup_is_kept() -> None:
    entry = (
        "@inproceedings{k,\n  author = {M{\\\"u}ller and Ren\\'{e}},\n  title = {\\emph{Deep} Nets \\& {ResNet}},\n}"
    )
    assert bibtex_entry(entry) == entry
