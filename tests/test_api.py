"""The Python API: light to import, filters by column values, analyses as DataFrames, README examples run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import pruneatlas
from pruneatlas import paths
from pruneatlas.analyses import AnalysisError


def test_importing_pruneatlas_loads_no_heavy_library():
    heavy = "('torch', 'streamlit', 'pandas', 'duckdb')"
    code = f"import sys, pruneatlas; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT)
    assert out.stdout.strip() == "[]"


def test_results_filters_by_values_lists_and_missing(two_paper_atlas: Path):
    assert pruneatlas.results(architecture="resnet56")["result_id"].tolist() == [
        "Li2017Pruning/t1-resnet56-a",
        "Lin2020Hrank/t1-r56",
    ]
    both = pruneatlas.results(architecture=["resnet56", "vgg16-cifar"], dataset="cifar10", method="l1-filter")
    assert both["result_id"].tolist() == ["Li2017Pruning/t1-resnet56-a", "Li2017Pruning/t1-vgg16"]
    assert len(pruneatlas.results()) == 3
    assert pruneatlas.results(architecture=[]).empty
    assert pruneatlas.results(pruned_std=None)["result_id"].tolist() == pruneatlas.results()["result_id"].tolist()
    assert pruneatlas.results(year=2020)["method_label"].tolist() == ["HRank"]


def test_an_unknown_filter_column_is_a_clear_error(two_paper_atlas: Path):
    with pytest.raises(AnalysisError, match=r"results has no column 'archtecture'; choose from: result_id"):
        pruneatlas.results(archtecture="resnet56")
    with pytest.raises(AnalysisError, match=r"results\(year='x'\): Conversion Error: Could not convert string 'x'"):
        pruneatlas.results(year="x")


def test_analyses_return_dataframes_over_one_connection(two_paper_atlas: Path):
    con = pruneatlas.connect()
    wide = pruneatlas.pivot(con=con)
    assert wide.loc["resnet56", "cifar10"] == 2 and wide.loc["Total", "Total"] == 3
    panel = pruneatlas.figure4("resnet56", "cifar10", con=con)
    assert sorted(panel["method_label"]) == ["HRank", "ResNet-56-pruned-A"]
    front = pruneatlas.pareto(x="params_reduction_pct", partition=["dataset"], front_only=True, con=con)
    assert front["result_id"].tolist() == ["Li2017Pruning/t1-vgg16"]  # removes the most, gains the most
    assert pruneatlas.conflicts_table(con=con).empty
    assert pruneatlas.reproductions(con=con).empty
    assert pruneatlas.papers(con=con)["paper_key"].tolist() == ["Li2017Pruning", "Lin2020Hrank"]


def test_the_connection_is_read_only(two_paper_atlas: Path):
    import duckdb

    with pytest.raises(duckdb.Error):
        pruneatlas.connect().execute("CREATE TABLE x (a INT)")


def test_readme_api_examples_run(two_paper_atlas: Path, capsys: pytest.CaptureFixture[str]):
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) >= 2
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert "ResNet-56-pruned-A" in capsys.readouterr().out


def test_no_api_name_is_a_submodule_name():
    """An imported submodule becomes the package's attribute and would hide the function of the same name."""
    submodules = {p.stem for p in paths.PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert not submodules & set(pruneatlas.API)
    assert all(callable(getattr(pruneatlas, name)) for name in pruneatlas.API)
