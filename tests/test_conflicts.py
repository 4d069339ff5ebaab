"""Two sources giving different numbers for the same result are reported, with both sources."""

from __future__ import annotations

from click.testing import CliRunner
from paper_factory import WritePaper, paper, result

from pruneatlas.cli import main
from pruneatlas.loader import load_atlas

HRANK = paper(key="Lin2020Hrank", title="HRank", authors=["Mingbao Lin"], year=2020, results=[
    result(id="t1-r56", method="hrank", method_label="HRank",
           accuracy={"metric": "top1", "baseline": 93.26, "pruned": 93.17}, flops={"removed_pct": 50.0}),
])  # fmt: skip


def _copy(pruned: float, flops: float = 50.0, label: str = "HRank [12]") -> dict:
    return paper(key="Fang2023Depgraph", title="DepGraph", authors=["Gongfan Fang"], year=2023,
                 references={"Lin2020Hrank": {"title": "HRank", "year": 2020}},
                 results=[result(id="tp-hrank", method="hrank", method_label=label, method_paper="Lin2020Hrank",
                                 accuracy={"metric": "top1", "baseline": 93.26, "pruned": pruned},
                                 flops={"removed_pct": flops})])  # fmt: skip


def test_a_mistyped_copy_conflicts_with_the_original(write_paper: WritePaper, atlas_dir):
    original = write_paper(HRANK)
    copy = write_paper(_copy(92.17))
    atlas = load_atlas([atlas_dir / "papers"])
    assert [c.field for c in atlas.conflicts] == ["accuracy.pruned"]
    warning = next(str(w) for w in atlas.warnings if "accuracy.pruned" in str(w))
    assert str(copy) in warning or str(original) in warning
    assert "92.17" in warning and "93.17" in warning and atlas.errors == []
    assert "likely right: Lin2020Hrank/t1-r56 (the method's own paper)" in warning


def test_a_faithful_copy_is_no_conflict(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    write_paper(_copy(93.17))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_a_different_operating_point_is_no_conflict(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    write_paper(_copy(92.17, flops=74.1))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_sweep_rows_are_not_compared(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    sweep = _copy(92.17)
    sweep["results"][0]["conditions"] = {"sweep": True}
    write_paper(sweep)
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_checking_one_file_still_finds_its_conflicts_with_the_rest(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    copy = write_paper(_copy(92.17))
    atlas = load_atlas([copy], context=[atlas_dir / "papers"])
    assert {c.field for c in atlas.conflicts} == {"accuracy.pruned"}


def test_a_copy_matching_one_of_several_printed_variants_is_no_conflict(write_paper: WritePaper, atlas_dir):
    variants = paper(key="He2019Filter", title="FPGM", authors=["Yang He"], year=2019, results=[
        result(id="fpgm-ft", method="fpgm", method_label="FPGM (fine-tuned)",
               accuracy={"metric": "top1", "baseline": 93.59, "pruned": 93.49}, flops={"removed_pct": 52.6}),
        result(id="fpgm-scratch", method="fpgm", method_label="FPGM (scratch)",
               accuracy={"metric": "top1", "baseline": 93.59, "pruned": 92.93}, flops={"removed_pct": 52.6}),
    ])  # fmt: skip
    quoting = paper(key="Fang2023Depgraph", title="DepGraph", authors=["Gongfan Fang"], year=2023,
                    references={"He2019Filter": {"title": "FPGM", "year": 2019}},
                    results=[result(id="tp-fpgm", method="fpgm", method_label="Geometric", method_paper="He2019Filter",
                                    accuracy={"metric": "top1", "baseline": 93.59, "pruned": 92.93},
                                    flops={"removed_pct": 52.6})])  # fmt: skip
    write_paper(variants)
    write_paper(quoting)
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_unstructured_and_n_m_rows_are_different_settings(write_paper: WritePaper, atlas_dir):
    def llm(key: str, granularity: str, ppl: float) -> dict:
        return paper(key=key, title=key, authors=["A B"], year=2024,
                     references={"Frantar2023Sparsegpt": {"title": "SparseGPT", "year": 2023}},
                     results=[result(id="sparsegpt", method="sparsegpt", method_label="SparseGPT",
                                     method_paper="Frantar2023Sparsegpt", architecture="llama2-7b",
                                     dataset="wikitext2", granularity=granularity,
                                     accuracy={"metric": "perplexity", "baseline": 5.12, "pruned": ppl},
                                     params={"removed_pct": 50})])  # fmt: skip

    write_paper(llm("Sun2024Simple", "weight", 6.51))
    write_paper(llm("Fang2024Maskllm", "n:m", 10.42))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_a_baseline_the_authors_re_ran_is_their_own_measurement_not_a_conflicting_copy(
    write_paper: WritePaper, atlas_dir
):
    from pruneatlas.derive import source_kind

    write_paper(HRANK)
    rerun = _copy(92.17)
    rerun["results"][0]["conditions"] = {"reimplemented": True}
    write_paper(rerun)
    atlas = load_atlas([atlas_dir / "papers"])
    assert atlas.conflicts == []
    depgraph = next(lp.paper for lp in atlas.papers if lp.paper.key == "Fang2023Depgraph")
    assert source_kind(depgraph, depgraph.results[0], reproduced=False) == "reported"


def _quote(key: str, **changes) -> dict:
    """A row of `key` quoting HRank's ResNet-56 result; `changes` replace fields of the result."""
    fields = {
        "id": "q-hrank",
        "method": "hrank",
        "method_label": "HRank",
        "method_paper": "Lin2020Hrank",
        "accuracy": {"metric": "top1", "baseline": 93.26, "pruned": 93.17},
        "flops": {"removed_pct": 50.0},
    }
    references = {"Lin2020Hrank": {"title": "HRank", "year": 2020}}
    row = result(**{**fields, **changes})
    return paper(key=key, title=key, authors=["A B"], year=2022, references=references, results=[row])  # fmt: skip


def test_an_error_rate_is_compared_with_the_accuracy_it_complements(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    write_paper(_quote("Tang2021Manifold", accuracy={"metric": "top1_err", "pruned": 7.83}))
    write_paper(_quote("Zhuang2020Neuron", accuracy={"metric": "top1_err", "pruned": 6.83}))
    conflicts = load_atlas([atlas_dir / "papers"]).conflicts
    assert [(c.first.result_id, c.second.result_id, c.field) for c in conflicts] == [
        ("Lin2020Hrank/t1-r56", "Tang2021Manifold/q-hrank", "accuracy.pruned"),
        ("Tang2021Manifold/q-hrank", "Zhuang2020Neuron/q-hrank", "accuracy.pruned"),
    ]
    shown = [conflicts[0].first.values["accuracy.pruned"].shown, conflicts[0].second.values["accuracy.pruned"].shown]
    assert shown == [93.17, 7.83]


def test_filter_and_channel_pruning_of_one_method_are_one_setting(write_paper: WritePaper, atlas_dir):
    original = {**HRANK, "results": [{**HRANK["results"][0], "granularity": "filter"}]}
    write_paper(original)
    write_paper(_quote("Zhuang2020Neuron", granularity="channel", accuracy={"metric": "top1", "pruned": 92.17}))
    assert [c.field for c in load_atlas([atlas_dir / "papers"]).conflicts] == ["accuracy.pruned"]


def test_a_quoting_papers_own_baseline_is_no_conflict_but_two_own_baselines_are_compared(
    write_paper: WritePaper, atlas_dir
):
    write_paper(HRANK)
    quoting = write_paper(_quote("Shao2021Filter", accuracy={"metric": "top1", "baseline": 93.22, "pruned": 93.17}))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []
    quoting.unlink()
    write_paper(_quote("Shao2021Filter", baseline_origin="own",
                       accuracy={"metric": "top1", "baseline": 93.22, "pruned": 93.17}))  # fmt: skip
    assert [c.field for c in load_atlas([atlas_dir / "papers"]).conflicts] == ["accuracy.baseline"]


def test_drops_are_compared_only_when_both_rows_carry_the_methods_own_baseline(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    drop_only = {"metric": "top1", "change": 0.6, "change_sign": "baseline_minus_pruned"}
    survey = write_paper(_quote("Vadera2022Methods", accuracy=drop_only))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []
    survey.unlink()
    write_paper(_quote("Vadera2022Methods", accuracy=drop_only, baseline_origin="own"))
    assert [c.field for c in load_atlas([atlas_dir / "papers"]).conflicts] == ["acc_drop"]


def test_a_named_variant_is_another_setting_and_a_quote_naming_none_may_be_any(write_paper: WritePaper, atlas_dir):
    plus = result(
        id="plus-r56",
        method="hrank",
        method_label="HRankPlus",
        conditions={"variant": "HRankPlus"},
        accuracy={"metric": "top1", "baseline": 93.26, "pruned": 93.73},
        flops={"removed_pct": 50.0},
    )
    write_paper({**HRANK, "results": [*HRANK["results"], plus]})
    write_paper(_quote("Zhuang2020Neuron", accuracy={"metric": "top1", "pruned": 93.73}))
    write_paper(_quote("Tang2021Manifold", conditions={"variant": "HRankPlus"},
                       accuracy={"metric": "top1", "pruned": 92.0}))  # fmt: skip
    conflicts = load_atlas([atlas_dir / "papers"]).conflicts
    assert [(c.first.result_id, c.second.result_id) for c in conflicts] == [
        ("Lin2020Hrank/plus-r56", "Tang2021Manifold/q-hrank")
    ]


def test_conditions_such_as_quantization_make_another_setting(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    write_paper(_quote("Zhuang2020Neuron", conditions={"quantized": True}, accuracy={"metric": "top1", "pruned": 91.0}))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []


def test_a_quote_is_explained_by_the_originating_papers_own_rows_not_by_another_copy(
    write_paper: WritePaper, atlas_dir
):
    write_paper(HRANK)
    write_paper(_quote("Shao2021Filter", accuracy={"metric": "top1", "pruned": 92.17}))
    write_paper(_quote("Zhuang2020Neuron", accuracy={"metric": "top1", "pruned": 92.17}))
    conflicts = load_atlas([atlas_dir / "papers"]).conflicts
    assert {(c.first.result_id, c.second.result_id) for c in conflicts} == {
        ("Lin2020Hrank/t1-r56", "Shao2021Filter/q-hrank"),
        ("Lin2020Hrank/t1-r56", "Zhuang2020Neuron/q-hrank"),
    }
    assert {c.likely_right for c in conflicts} == {"Lin2020Hrank/t1-r56 (the method's own paper)"}


def test_an_llm_evaluated_under_another_protocol_is_another_setting(write_paper: WritePaper, atlas_dir):
    def wanda(key: str, dense: float, ppl: float) -> dict:
        row = result(
            id="wanda",
            method="wanda",
            method_label="Wanda",
            architecture="llama2-7b",
            dataset="wikitext2",
            accuracy={"metric": "perplexity", "baseline": dense, "pruned": ppl},
            params={"removed_pct": 50},
        )
        if key != "Sun2024Simple":
            row["method_paper"] = "Sun2024Simple"
        return paper(key=key, title=key, authors=["A B"], year=2024, results=[row],
                     references={"Sun2024Simple": {"title": "Wanda", "year": 2024}})  # fmt: skip

    write_paper(wanda("Sun2024Simple", 5.12, 6.42))
    besa = write_paper(wanda("Xu2024Besa", 5.47, 6.92))
    assert load_atlas([atlas_dir / "papers"]).conflicts == []
    besa.unlink()
    write_paper(wanda("Xu2024Besa", 5.12, 6.92))
    assert [c.field for c in load_atlas([atlas_dir / "papers"]).conflicts] == ["accuracy.pruned"]


def test_the_conflicts_command_says_which_side_is_likely_right(write_paper: WritePaper, atlas_dir):
    write_paper(HRANK)
    write_paper(_copy(92.17))
    outcome = CliRunner().invoke(main, ["conflicts", "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    header, row = outcome.output.splitlines()[:2]
    assert header.endswith(",likely_right")
    assert row.startswith("accuracy.pruned,Fang2023Depgraph/tp-hrank,")
    assert row.endswith(",Lin2020Hrank/t1-r56 (the method's own paper)")


def test_the_built_table_names_each_rows_conflict_partners(write_paper: WritePaper, atlas_dir):
    from pruneatlas.build import build
    from pruneatlas.sql import connect_readonly

    write_paper(HRANK)
    write_paper(_copy(92.17))
    with connect_readonly(build([atlas_dir / "papers"]).path) as con:
        rows = dict(con.execute("SELECT result_id, conflicts_with FROM results_base").fetchall())
    assert rows == {
        "Lin2020Hrank/t1-r56": "Fang2023Depgraph/tp-hrank",
        "Fang2023Depgraph/tp-hrank": "Lin2020Hrank/t1-r56",
    }
    write_paper(_copy(93.17))
    with connect_readonly(build([atlas_dir / "papers"]).path) as con:
        assert con.execute("SELECT count(conflicts_with) FROM results_base").fetchone() == (0,)
