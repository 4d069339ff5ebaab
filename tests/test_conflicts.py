"""Two sources giving different numbers for the same result are reported, with both sources."""

from __future__ import annotations

from paper_factory import WritePaper, paper, result

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
    fields = sorted(c.field for c in atlas.conflicts)
    assert fields == ["acc_drop", "accuracy.pruned"]
    warning = next(str(w) for w in atlas.warnings if "accuracy.pruned" in str(w))
    assert str(copy) in warning or str(original) in warning
    assert "92.17" in warning and "93.17" in warning and atlas.errors == []


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
    assert {c.field for c in atlas.conflicts} == {"acc_drop", "accuracy.pruned"}


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
    from pruneatlas.rows import source_kind

    write_paper(HRANK)
    rerun = _copy(92.17)
    rerun["results"][0]["conditions"] = {"reimplemented": True}
    write_paper(rerun)
    atlas = load_atlas([atlas_dir / "papers"])
    assert atlas.conflicts == []
    depgraph = next(lp.paper for lp in atlas.papers if lp.paper.key == "Fang2023Depgraph")
    assert source_kind(depgraph, depgraph.results[0], reproduced=False) == "reported"
