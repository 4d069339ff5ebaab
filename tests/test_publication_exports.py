"""Exports a researcher pastes into a paper, checked on the whole atlas: accuracy reads higher-is-better in every
printed row, the LaTeX compiles with pdflatex, and BibTeX reads the .bib without a warning."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pruneatlas import bibentry, export
from pruneatlas.build import build
from pruneatlas.latex_text import latex_text
from pruneatlas.sql import connect_readonly

TEX_TOOLS = [shutil.which(tool) for tool in ("pdflatex", "bibtex")]
needs_tex = pytest.mark.skipif(
    None in TEX_TOOLS, reason="pdflatex/bibtex missing (apt-get install texlive-latex-extra)"
)
DOCUMENT = r"""\documentclass{article}
\usepackage{array,booktabs,longtable}
\begin{document}
\input{table.tex}
\bibliographystyle{plain}
\bibliography{table}
\end{document}
"""


@pytest.fixture(scope="module")
def atlas() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every row of the real atlas with its operating point, and the papers."""
    con = connect_readonly(build().path)
    try:
        return con.sql("SELECT * FROM results_points").df(), con.sql("SELECT * FROM papers").df()
    finally:
        con.close()


def printed_rows(tex: str) -> dict[str, list[str]]:
    """result id -> the cells LaTeX prints for it (each row line ends with '% <result id>')."""
    rows = {}
    for line in tex.splitlines():
        match = re.fullmatch(r"(.*) \\\\ % (\S+)", line)
        if match:
            rows[match[2]] = match[1].split(" & ")
    return rows


def test_every_printed_accuracy_is_the_higher_is_better_value(atlas):
    frame, _ = atlas
    printed = printed_rows(export.to_latex(frame))
    assert len(printed) == len(frame)
    for row in frame.itertuples():
        base, pruned = printed[row.result_id][1:3]
        assert (base, pruned) == (export.number(row.baseline_norm), export.number(row.pruned_norm)), row.result_id
        if row.metric != row.norm_metric and pd.notna(row.pruned_acc):  # an error rate, printed as its accuracy
            assert float(pruned) == pytest.approx(100 - row.pruned_acc, abs=0.006), row.result_id


def test_the_issue_example_prints_accuracies_not_error_rates(atlas):
    frame, _ = atlas
    hinge = frame[frame["result_id"] == "Li2020Group/t1-resnet56-cifar10-hinge-ours-5000"]
    cells = printed_rows(export.to_latex(hinge))["Li2020Group/t1-resnet56-cifar10-hinge-ours-5000"]
    assert cells[:4] == ["Hinge \\cite{Li2020Group}", "92.95", "93.69", "-0.74"]


@pytest.mark.parametrize(
    ("label", "printed"),
    [
        ("*+SR*", "DPM (+SR)"),
        ("SPViT-DeiT-Ti*", "DPM (SPViT-DeiT-Ti*)"),
        ("FSM [0.3]*5+[0.8]*5", "DPM (FSM [0.3]*5+[0.8]*5)"),
        ("DPM (RErr)", "DPM (RErr)"),  # a label that starts with the name is not wrapped in it again
        ("DPM", "DPM"),
    ],
)
def test_a_readmes_markdown_emphasis_is_not_printed_but_footnote_marks_are(label, printed):
    row = {"method_name": "DPM", "method_label": label, "paper_key": "Yang2024Decay"}
    assert export.method_cell(row) == f"{export.breakable(latex_text(printed))} \\cite{{Yang2024Decay}}"


@needs_tex
def test_the_whole_atlas_compiles_with_pdflatex_and_its_bib_reads_without_warnings(atlas, tmp_path: Path):
    frame, papers = atlas
    export.write(frame, "latex", tmp_path / "table.tex", papers, filters="none", version="test")
    (tmp_path / "doc.tex").write_text(DOCUMENT)
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = subprocess.run(latex, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout[-3000:]
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", (tmp_path / "doc.log").read_text())
    assert not overfull, f"the table is wider than an article's text: {overfull[:5]} pt too wide"
    bib = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert bib.returncode == 0 and "Warning--" not in bib.stdout, bib.stdout[-3000:]
    for _ in range(2):  # once to read the .bbl, once more to resolve the citations it defines
        again = subprocess.run(latex, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stdout[-3000:]
    assert "undefined" not in (tmp_path / "doc.log").read_text(errors="replace").lower()


def test_numbers_never_print_negative_zero():
    assert [export.number(v) for v in (-0.001, -0.0, 0.004, -0.006, None)] == ["0.00", "0.00", "0.00", "-0.01", "--"]


def test_unicode_that_stops_pdflatex_is_spelt_in_ascii_latex():
    assert latex_text("ﬂops η ε Ω é Wrocław 50%_a & b ≥ 2×") == (
        "flops $\\eta$ $\\epsilon$ $\\Omega$ {\\'{e}} Wroc{\\l}aw 50\\%\\_a \\& b $\\geq$ 2$\\times$"
    )
    assert latex_text("中").isascii()


@pytest.mark.parametrize(
    ("venue", "arxiv", "entry_type", "field"),
    [
        ("CVPR 2020", None, "inproceedings", "booktitle"),
        ("NeurIPS", None, "inproceedings", "booktitle"),
        ("ICCV Workshops 2019 (arXiv 1907.11093)", None, "inproceedings", "booktitle"),
        ("IEEE TNNLS 33(12), 2022", None, "article", "journal"),
        ("Sensors 21(19):6601", None, "article", "journal"),
        ("arXiv preprint arXiv:2211.09718", None, "misc", "eprint"),
        (None, "1412.7149", "misc", "eprint"),
        ("MSc thesis, University of Wrocław (supervisor Jan Chorowski), 27 September 2021", None, "mastersthesis",
         "school"),
    ],
)  # fmt: skip
def test_a_venue_gives_the_entry_type_reference_lists_expect(venue, arxiv, entry_type, field):
    read = bibentry.read_venue(venue, arxiv)
    assert read.entry_type == entry_type and field in read.fields
    if field == "eprint":
        assert read.fields["archivePrefix"] == "arXiv"


@pytest.mark.parametrize(("venue", "which"), [("Findings of ACL", "ACL"), ("Findings of EMNLP 2024", "EMNLP")])
def test_a_findings_paper_is_not_cited_as_the_main_conference(venue: str, which: str) -> None:
    read = bibentry.read_venue(venue, None)
    assert read.fields == {"booktitle": f"Findings of the Association for Computational Linguistics: {which}"}


def test_an_arxiv_preprint_stored_as_an_article_becomes_misc_with_eprint():
    stored = "@article{x,\n  title={T},\n  journal={arXiv preprint arXiv:1806.05382},\n  year={2018}\n}"
    rewritten = bibentry.arxiv_as_misc(stored)
    assert rewritten.startswith("@misc{x,") and "eprint={1806.05382}" in rewritten and "journal" not in rewritten
    assert bibentry.arxiv_as_misc("@article{y,\n  journal={Sensors}\n}") == "@article{y,\n  journal={Sensors}\n}"
