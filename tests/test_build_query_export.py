"""Build once per input, read through a locked-down SELECT-only path, pivot with totals, export the contract."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas import analyses, export
from pruneatlas.build import BuildError, build, database_path, input_hash
from pruneatlas.cli import main
from pruneatlas.rows import CONTRACT_COLUMNS
from pruneatlas.sql import QueryRefused, connect_readonly, run_select


@pytest.fixture
def small_atlas(write_paper: WritePaper, atlas_dir: Path) -> Path:
    write_paper(
        paper(results=[
            result(),
            result(id="t1-resnet56-b", method_label="ResNet-56-pruned-B", accuracy={
                "metric": "top1_err", "baseline": 6.96, "pruned": 6.94}, params={"removed_pct": 13.7},
                flops={"removed_pct": 27.6}),
            result(id="t1-vgg16", architecture="vgg16-cifar", method_label="VGG-16-pruned-A", accuracy={
                "metric": "top1_err", "baseline": 6.75, "pruned": 6.60}, params={"removed_pct": 64.0},
                flops={"removed_pct": 34.2}),
        ])
    )  # fmt: skip
    write_paper(
        paper(key="Lin2020Hrank", title="HRank: Filter Pruning using High-Rank Feature Map", authors=["Mingbao Lin"],
              year=2020, bibtex="@inproceedings{lin2020hrank,\n  title={HRank},\n  year={2020}\n}",
              results=[result(id="t1-r56", method="hrank", method_label="HRank",
                               accuracy={"metric": "top1", "baseline": 93.26, "pruned": 93.17},
                               params={"removed_pct": 42.4}, flops={"removed_pct": 50.0})])
    )  # fmt: skip
    return atlas_dir


def test_unchanged_inputs_are_not_rebuilt(small_atlas: Path):
    first = build()
    second = build()
    assert not first.cached and second.cached and first.path == second.path


def test_a_data_change_gives_a_new_build(small_atlas: Path, write_paper: WritePaper):
    before = build().path
    write_paper(paper(key="He2019Filter", title="FPGM", authors=["Yang He"], year=2019))
    assert build().path != before


def test_data_with_errors_never_replaces_a_good_build(small_atlas: Path, write_paper: WritePaper):
    good = build().path
    write_paper(paper(key="Bad2020Paper", title="Bad", results=[result(architecture="resnet-57")]))
    with pytest.raises(BuildError) as raised:
        build()
    assert "architecture" in str(raised.value.problems[0])
    assert good.exists() and not database_path().exists()


def test_results_view_carries_the_contract_with_derived_values(small_atlas: Path):
    con = connect_readonly(build().path)
    frame = con.sql("SELECT * FROM results ORDER BY result_id").df()
    assert list(frame.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    hrank = frame.set_index("result_id").loc["Lin2020Hrank/t1-r56"]
    assert hrank["acc_drop"] == pytest.approx(0.09)
    assert hrank["speedup"] == pytest.approx(2.0)
    assert hrank["source_kind"] == "reported" and hrank["category"] == "magnitude"
    error_row = frame.set_index("result_id").loc["Li2017Pruning/t1-resnet56-a"]
    assert error_row["acc_drop"] == pytest.approx(-0.06) and error_row["pruned_norm"] == pytest.approx(93.10)


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE t AS SELECT 1",
        "INSERT INTO papers SELECT * FROM papers",
        "DELETE FROM results_base",
        "DROP VIEW results",
        "COPY (SELECT 1) TO '/tmp/pruneatlas-leak.csv'",
        "EXPORT DATABASE '/tmp/pruneatlas-export'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT read_text('/etc/hostname')",
        "SELECT * FROM glob('/etc/*')",
        "ATTACH '/tmp/other.duckdb'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SELECT 1; SELECT 2",
        "PRAGMA database_list",
    ],
)
def test_query_path_refuses_everything_but_reading_the_atlas(small_atlas: Path, sql: str):
    path = build().path
    before, data_before = path.read_bytes(), input_hash([small_atlas / "papers"])
    con = connect_readonly(path)
    with pytest.raises(QueryRefused):
        run_select(con, sql)
    con.close()
    assert path.read_bytes() == before and input_hash([small_atlas / "papers"]) == data_before
    assert not Path("/tmp/pruneatlas-leak.csv").exists()


def test_a_runaway_query_stops_at_the_time_limit(small_atlas: Path):
    con = connect_readonly(build().path)
    with pytest.raises(QueryRefused, match="time limit"):
        run_select(con, "SELECT count(*) FROM range(10000000000) a, range(10) b", timeout_s=0.5)


def test_row_cap_says_when_it_cut(small_atlas: Path):
    con = connect_readonly(build().path)
    frame, truncated = run_select(con, "SELECT * FROM range(100)", row_cap=10)
    assert len(frame) == 10 and truncated


def test_pivot_has_totals_that_match_direct_queries(small_atlas: Path):
    con = connect_readonly(build().path)
    wide = analyses.pivot(con, "architecture", "dataset")
    assert wide.loc["resnet56", "cifar10"] == 3 and wide.loc["vgg16-cifar", "cifar10"] == 1
    assert wide.loc["Total", "Total"] == con.execute("SELECT count(*) FROM results").fetchone()[0]
    mins = analyses.pivot(con, "architecture", "dataset", "min(acc_drop)")
    assert mins.loc["resnet56", "Total"] == pytest.approx(
        con.execute("SELECT min(acc_drop) FROM results WHERE architecture = 'resnet56'").fetchone()[0]
    )


@pytest.mark.parametrize("bad", ["median(nope)", "stdev(acc_drop)", "min"])
def test_pivot_rejects_unknown_columns_and_aggregates(small_atlas: Path, bad: str):
    with pytest.raises(analyses.AnalysisError):
        analyses.pivot(connect_readonly(build().path), "architecture", "dataset", bad)


def _brute_force_front(points: list[tuple[float, float]]) -> set[tuple[float, float]]:
    return {
        (x, y) for x, y in points
        if not any(ox >= x and oy <= y and (ox > x or oy < y) for ox, oy in points)
    }  # fmt: skip


def test_pareto_front_marks_exactly_the_undominated_points():
    rng = pd.Series(range(200)).sample(frac=1, random_state=0)
    frame = pd.DataFrame({"x": (rng * 37 % 101).astype(float).values, "y": (rng * 53 % 89).astype(float).values})
    con = analyses.frame_connection(frame)
    marked = analyses.pareto(con, "x", "y", source="rows")
    front = {(r.x, r.y) for r in marked.itertuples() if r.on_front}
    assert front == _brute_force_front(list(zip(frame.x, frame.y, strict=True)))


def test_pareto_front_is_computed_per_group():
    frame = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [10.0, 20.0, 10.0, 20.0], "y": [1.0, 2.0, 3.0, 1.0]})
    marked = analyses.pareto(analyses.frame_connection(frame), "x", "y", ("g",), source="rows")
    assert marked.sort_values(["g", "x"])["on_front"].tolist() == [True, True, False, True]


def test_figure4_gives_one_bar_group_per_operating_point(small_atlas: Path, write_paper: WritePaper):
    con = connect_readonly(build().path)
    bars = analyses.figure4(con, "resnet56", "cifar10")
    assert set(bars["method_label"]) == {"ResNet-56-pruned-A", "ResNet-56-pruned-B", "HRank"}
    hrank = bars.set_index("method_label").loc["HRank"]
    assert hrank["flops_reduction_pct"] == pytest.approx(50.0) and hrank["acc_drop"] == pytest.approx(0.09)
    con.close()
    write_paper(paper(key="Vadera2022Methods", title="Methods for pruning deep neural networks", year=2022,
                      results=[result(id="s6-hrank", method="hrank", method_label="HRank", method_paper="Lin2020Hrank",
                                      accuracy={"metric": "top1", "baseline": 93.26, "pruned": 92.0})])
                )  # fmt: skip
    con = connect_readonly(build().path)
    every = analyses.figure4(con, "resnet56", "cifar10")
    survey = analyses.figure4(con, "resnet56", "cifar10", survey="Vadera2022Methods")
    assert len(every) == 4 and set(survey["method"]) == {"hrank"} and len(survey) == 2  # never averaged


def test_cli_export_csv_carries_the_contract_columns(small_atlas: Path, tmp_path: Path):
    target = tmp_path / "atlas.csv"
    outcome = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(target), "--where", "year >= 2020"])
    assert outcome.exit_code == 0, outcome.output
    frame = pd.read_csv(target)
    assert set(CONTRACT_COLUMNS) <= set(frame.columns)
    assert frame["result_id"].tolist() == ["Lin2020Hrank/t1-r56"]


def test_cli_export_latex_cites_and_writes_the_matching_bib(small_atlas: Path, tmp_path: Path):
    target = tmp_path / "related.tex"
    outcome = CliRunner().invoke(main, ["export", "--format", "latex", "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    tex, bib = target.read_text(), target.with_suffix(".bib").read_text()
    assert "\\cite{Lin2020Hrank}" in tex and "\\cite{Li2017Pruning}" in tex
    assert "@inproceedings{Lin2020Hrank," in bib and "@inproceedings{Li2017Pruning," in bib
    assert "booktitle = {International Conference on Learning Representations (ICLR)}" in bib
    assert "\\textbf{ResNet-56 on CIFAR-10}: Top-1 accuracy (\\%, higher is better" in tex
    assert "93.04 & 93.10 & -0.06" in tex  # printed as top-1 error 6.96 -> 6.90: shown as accuracy
    assert "PruneAtlas 0.1.0, build " in tex


def test_cli_export_sorts_as_asked_and_refuses_an_unknown_column(small_atlas: Path, tmp_path: Path):
    target = tmp_path / "sorted.csv"
    runner = CliRunner()
    outcome = runner.invoke(main, ["export", "--format", "csv", "-o", str(target), "--sort", "-flops_reduction_pct"])
    assert outcome.exit_code == 0, outcome.output
    assert pd.read_csv(target)["flops_reduction_pct"].tolist() == [50.0, 34.2, 27.6, 10.4]
    bad = runner.invoke(main, ["export", "--format", "csv", "-o", str(target), "--sort", "bogus"])
    assert bad.exit_code == 1 and "cannot sort by bogus: no such column" in bad.output


def test_quotes_of_one_published_number_are_one_operating_point(small_atlas: Path, write_paper, tmp_path: Path):
    def hrank(**changes) -> dict:  # a fresh dict each time: shared objects would be written as YAML aliases
        return {**copy.deepcopy(quoted), **changes}

    quoted = {"method": "hrank", "method_label": "HRank", "method_paper": "Lin2020Hrank",
             "accuracy": {"metric": "top1", "baseline": 93.26, "pruned": 93.17}, "params": {"removed_pct": 42.4},
             "flops": {"removed_pct": 50.0}}  # fmt: skip
    write_paper(paper(key="Quoting2021Survey", title="A survey", year=2021, results=[
        result(id="t3-hrank", **hrank()),
        result(id="t3-hrank-other", **hrank(accuracy={"metric": "top1_err", "baseline": 6.74, "pruned": 6.80})),
    ]))  # fmt: skip
    con = connect_readonly(build().path)
    points = con.sql("SELECT * FROM results_points WHERE method = 'hrank' ORDER BY result_id").df()
    assert points["op_sources"].tolist() == [2, 2, 1]
    assert points["op_primary"].tolist() == [True, False, True]  # the originating paper's own row stands for both
    assert points["op_quoted_by"].iloc[0] == "Lin2020Hrank, Quoting2021Survey"
    target = tmp_path / "points.tex"
    runner = CliRunner()
    assert runner.invoke(main, ["export", "--format", "latex", "-o", str(target)]).exit_code == 0
    tex = target.read_text()
    assert (
        tex.count("HRank \\cite{Lin2020Hrank}") == 2 and "\\cite{Quoting2021Survey} \\\\ % Lin2020Hrank/t1-r56" in tex
    )
    assert "Quoting2021Survey" in target.with_suffix(".bib").read_text()
    assert runner.invoke(main, ["export", "--format", "latex", "-o", str(target), "--every-source"]).exit_code == 0
    assert target.read_text().count("HRank \\cite{Lin2020Hrank}") == 3
    stats = {r["measure"]: r["value"] for r in json.loads(runner.invoke(main, ["stats", "--format", "json"]).output)}
    assert stats["published operating points"] == 5 and stats["published source rows (each quote counted)"] == 6


def test_cli_pivot_prints_counts_with_totals(small_atlas: Path):
    outcome = CliRunner().invoke(main, ["pivot", "--rows", "architecture", "--cols", "dataset"])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert "Total" in lines[0] and lines[-1].split() == ["Total", "4", "4"]


def test_cli_query_prints_rows_and_refuses_writes(small_atlas: Path):
    runner = CliRunner()
    ok = runner.invoke(main, ["query", "SELECT count(*) AS n FROM results", "--format", "json"])
    assert json.loads(ok.output) == [{"n": 4}]
    refused = runner.invoke(main, ["query", "DROP VIEW results"])
    assert refused.exit_code == 1 and "only SELECT queries are allowed" in refused.output


def test_latex_escapes_what_latex_would_misread():
    frame = pd.DataFrame([{"paper_key": "A2020B", "method_label": "50%_ours & more", "architecture": "x",
                           "dataset": "y", "acc_drop": 0.5}])  # fmt: skip
    assert "50\\%\\_ours \\& more" in export.to_latex(frame)


def test_read_only_connection_cannot_write(small_atlas: Path):
    con = connect_readonly(build().path)
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE t (a INT)")


def test_identical_points_share_their_place_on_the_front():
    frame = pd.DataFrame({"x": [50.0, 50.0, 40.0, 40.0, 30.0], "y": [1.0, 1.0, 0.5, 0.5, 0.7]})
    marked = analyses.pareto(analyses.frame_connection(frame), "x", "y", source="rows")
    flags = {(r.x, r.y): r.on_front for r in marked.itertuples()}
    assert flags == {(50.0, 1.0): True, (40.0, 0.5): True, (30.0, 0.7): False}
    assert analyses.pareto(analyses.frame_connection(frame), "x", "y", source="rows", front_only=True).shape[0] == 4


def test_readers_fall_back_on_the_last_good_build_while_the_data_has_errors(small_atlas: Path, write_paper):
    from pruneatlas.build import current_or_last_good

    good = build().path
    write_paper(paper(key="Bad2020Paper", title="Bad", results=[result(architecture="resnet-57")]))
    path, error = current_or_last_good()
    assert path == good and error is not None and "architecture" in str(error.problems[0])


def test_cli_stats_reports_coverage(small_atlas: Path):
    outcome = CliRunner().invoke(main, ["stats", "--format", "json"])
    measures = {row["measure"]: row["value"] for row in json.loads(outcome.output)}
    assert measures["published operating points"] == 4 and measures["panel resnet56 / cifar10"] == 3
    assert measures["published source rows (each quote counted)"] == 4
    assert measures["rows without a locator"] == 0


def _rerun(rid: str, reproduces: str, baseline: float, pruned: float) -> dict:
    return result(
        id=rid, method_label=f"{rid} (re-run)", reproduces=reproduces,
        accuracy={"metric": "top1", "baseline": baseline, "pruned": pruned, "pruned_std": 0.1},
        params={"removed_pct": 9.4}, flops=None, conditions={"num_runs": 3},
        source={"locator": "runs/abc", "extraction": "rerun"},
        provenance={"command": "pruneatlas reproduce recipes run x", "config_hash": "abc", "git_sha": "0000000",
                    "versions": {"torch": "2.3"}, "hardware": "cpu", "seeds": [0, 1, 2], "wall_time_s": 10.0},
    )  # fmt: skip


def test_reproductions_give_one_gap_per_claim_from_pruned_accuracy_or_else_from_the_drops(
    small_atlas: Path, write_paper: WritePaper
):
    write_paper(
        paper(key="Frankle2019Lottery", title="Lottery", authors=["Jonathan Frankle"], year=2019, results=[
            result(id="s2-17pct", method="lottery-ticket", method_label="winning ticket", architecture="lenet-300-100",
                   dataset="mnist", params={"remaining_pct": 17}, flops=None,
                   accuracy={"metric": "top1", "change": ">0.4", "change_sign": "pruned_minus_baseline"},
                   source={"locator": "Sec. 2", "extraction": "text",
                           "quote": "at 17% remaining, improving by more than 0.4 points"}),
        ])
    )  # fmt: skip
    write_paper(
        paper(key="Rerun2026Fixture", title="Re-runs", authors=["PruneAtlas"], year=2026, results=[
            _rerun("r-r56", "Lin2020Hrank/t1-r56", 93.30, 93.00),
            {**_rerun("r-lth", "Frankle2019Lottery/s2-17pct", 97.80, 98.00), "architecture": "lenet-300-100",
             "dataset": "mnist", "method": "lottery-ticket", "params": {"remaining_pct": 17}},
        ]),
        folder="reproduced",
    )  # fmt: skip
    con = connect_readonly(build().path)
    frame, _ = run_select(con, "SELECT * FROM reproductions")
    rows = frame.set_index("claim_id")
    printed = rows.loc["Lin2020Hrank/t1-r56"]
    assert printed["gap_basis"] == "pruned accuracy"
    assert printed["overall_gap"] == pytest.approx(93.00 - 93.17) == pytest.approx(printed["gap"])
    change = rows.loc["Frankle2019Lottery/s2-17pct"]
    assert pd.isna(change["gap"]) and change["gap_basis"] == "accuracy drop"
    assert change["overall_gap"] == pytest.approx(0.20 - 0.4)  # gained 0.20 where the claim gained more than 0.4
    assert change["claim_quote"] == "at 17% remaining, improving by more than 0.4 points"
