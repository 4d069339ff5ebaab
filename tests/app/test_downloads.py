"""The shared download row: CSV and Parquet of what is shown, LaTeX with \\cite{} keys and the matching .bib."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import streamlit as st
from app_helpers import no_exceptions, page_app

from pruneatlas.app import common
from pruneatlas.app.common import download_files


def _frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = con.execute("SELECT * EXCLUDE (record) FROM results ORDER BY result_id").df()
    return rows, con.execute("SELECT * FROM papers").df()


def test_every_format_carries_the_rows_shown(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    rows, papers = _frames(con)
    shown = rows[rows["architecture"] == "resnet56"]
    files = {f.label: f for f in download_files(shown, "ResNet-56 rows", lambda: papers)}
    assert [f.file_name for f in files.values()] == [
        "resnet-56-rows.csv", "resnet-56-rows.parquet", "resnet-56-rows.tex", "resnet-56-rows.bib",
    ]  # fmt: skip
    csv = pd.read_csv(io.BytesIO(files["CSV"].make()))
    assert csv["result_id"].tolist() == shown["result_id"].tolist()
    parquet = pd.read_parquet(io.BytesIO(files["Parquet"].make()))
    assert parquet["acc_drop"].tolist() == shown["acc_drop"].tolist()
    latex = files["LaTeX table"].make().decode()
    printed = [line for line in latex.splitlines() if " \\\\ % " in line]  # a row line ends with its result id
    assert [line.rsplit(" % ", 1)[1] for line in printed] == shown["result_id"].tolist()
    secondary = next(line for line in printed if line.endswith("Beta2019Fixture/t3-resnet56-a-quoted"))
    assert "\\cite{Alpha2017Fixture}" in secondary and secondary.count("\\cite{Beta2019Fixture}") == 1  # both named
    bib = files["BibTeX (.bib)"].make().decode()
    for key in ("Alpha2017Fixture", "Beta2019Fixture", "Rerun2024Fixture"):
        assert f"{{{key}," in bib


def test_a_table_without_result_rows_offers_no_latex(atlas_path, con: duckdb.DuckDBPyConnection) -> None:
    _, papers = _frames(con)
    files = {f.label: f for f in download_files(pd.DataFrame({"n": [1, 2]}), "counts", lambda: papers)}
    assert files["CSV"].make() == b"n\n1\n2\n"
    assert files["LaTeX table"].make is None and "paper_key" in files["LaTeX table"].why_not


def test_pages_show_the_four_buttons(atlas_path) -> None:
    for module in ("explore", "pivot", "reproductions"):
        at = page_app(module).run()
        no_exceptions(at)
        buttons = at.get("download_button")
        assert [b.proto.label for b in buttons[:4]] == ["CSV", "Parquet", "LaTeX table", "BibTeX (.bib)"]
        assert not any(b.proto.disabled for b in buttons[:4])


def test_a_page_reads_papers_and_version_only_when_a_file_is_made(atlas_path, monkeypatch) -> None:
    """The .bib's papers and the caption's version cost two queries: a page's render runs neither."""
    st.cache_data.clear()
    queries: list[str] = []
    real = common.fetch
    monkeypatch.setattr(common, "fetch", lambda con, sql: queries.append(sql) or real(con, sql))
    at = page_app("explore").run()
    no_exceptions(at)
    assert queries and not any("FROM papers" in sql or "version" in sql.lower() for sql in queries), queries
