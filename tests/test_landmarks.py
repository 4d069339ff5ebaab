"""The 40 landmark pruning papers of issue 14 each hold at least one complete result of their own.

"Own" means read from the paper's own text (its public page, or its PDF/LaTeX in a repository at a commit, or a
machine conversion or page renders of that PDF kept in a repository, cited as the paper's page with the copy named
in the notes), in the paper's own file, about the paper's own method: not a quote in another paper, not an imported
collection, and not only the authors' README or training logs (READMEs often omit the baseline and may differ from
the paper).
"Complete" means a baseline, a pruned value and a parameter and/or FLOPs reduction, so a drop and a cost can be read
off. Landmarks still without such a row are listed in GAPS and expected to fail, so the gap stays visible until the
paper's tables are entered.

The same measurement from the command line:
  pruneatlas query "select paper_key, count(*) from results where source_kind = 'reported'
    and coalesce(method_paper, paper_key) = paper_key and baseline_acc is not null and pruned_acc is not null
    and coalesce(params_reduction_pct, flops_reduction_pct) is not null
    and (coalesce(source_url, '') not like '%github.com%' or regexp_matches(source_url, '[.](pdf|tex)$'))
    group by paper_key"
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

import pruneatlas

LANDMARKS = {
    "Han2015Learning": "Han et al. 2015, Learning both Weights and Connections",
    "Han2016Deep": "Deep Compression",
    "Li2017Pruning": "Li et al. 2017, Pruning Filters (L1 filters)",
    "Liu2017Learning": "Network Slimming",
    "Luo2017Thinet": "ThiNet",
    "He2017Channel": "Channel Pruning (He et al. 2017)",
    "Yu2018Nisp": "NISP",
    "He2018Soft": "SFP",
    "He2019Filter": "FPGM",
    "He2018Amc": "AMC",
    "Zhuang2018Discrimination": "DCP",
    "Lin2020Hrank": "HRank",
    "Lin2019Towards": "GAL",
    "Ding2021Resrep": "ResRep",
    "Fang2023Depgraph": "DepGraph",
    "Sui2021Chip": "CHIP",
    "Tang2020Scop": "SCOP",
    "Li2020Group": "Hinge (group sparsity)",
    "Li2020Eagleeye": "EagleEye",
    "Liu2019Metapruning": "MetaPruning",
    "He2020Learning": "LFPC",
    "Ding2019Centripetal": "C-SGD",
    "Wang2021Neural": "GReg",
    "Chen2021Only": "OTO (Only Train Once)",
    "Tiwari2021Chipnet": "ChipNet",
    "Gao2021Network": "NPPM",
    "Gao2020Discrete": "DMC",
    "Frankle2019Lottery": "Lottery Ticket Hypothesis",
    "Renda2020Comparing": "Learning-rate rewinding (Renda et al. 2020)",
    "Lee2019Snip": "SNIP",
    "Wang2020Picking": "GraSP",
    "Tanaka2020Pruning": "SynFlow",
    "Evci2020Rigging": "RigL",
    "Zhu2017Prune": "Gradual magnitude pruning (Zhu & Gupta 2017)",
    "Kusupati2020Soft": "STR",
    "Sanh2020Movement": "Movement Pruning",
    "Frantar2023Sparsegpt": "SparseGPT",
    "Sun2024Simple": "Wanda",
    "Ma2023Llm": "LLM-Pruner",
    "Ashkboos2024Slicegpt": "SliceGPT",
}

README_ONLY = "complete rows of its own only from the authors' README; the paper's own tables are not yet entered"
GAPS = {
    "Yu2018Nisp": "only ShrinkBench's imported rows; the paper's own tables are not yet entered",
    "He2018Soft": "one own row from the abstract (a FLOPs bound, a top-5 change, no baseline); tables not yet entered",
    "Lin2019Towards": README_ONLY,
    "He2020Learning": "one own row from the abstract (a top-5 drop, no baseline); its tables are not yet entered",
    "Ding2019Centripetal": "only quoted in other papers; the paper's own tables are not yet entered",
    "Chen2021Only": README_ONLY,
    "Tiwari2021Chipnet": "no rows yet; the paper's tables are not yet entered",
    "Gao2020Discrete": "only quoted in other papers; the paper's own tables are not yet entered",
    "Renda2020Comparing": "only quoted in other papers; the paper's own tables are not yet entered",
    "Wang2020Picking": "one row from the abstract (a drop, no baseline); the paper's tables are not yet entered",
    "Zhu2017Prune": "only quoted in other papers; the paper's own tables are not yet entered",
    "Luo2017Thinet": README_ONLY,
    "Liu2019Metapruning": README_ONLY,
    "Tang2020Scop": README_ONLY,
    "Sui2021Chip": README_ONLY,
    "Fang2023Depgraph": README_ONLY,
    "Ding2021Resrep": "complete rows of its own only from the authors' README and training log; the paper's tables are"
    " not yet entered",
}


def own_complete_rows(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of `rows` that are complete results of paper `key`'s own method, read from its own text."""
    own = rows["paper_key"].eq(key) & rows["method_paper"].fillna(rows["paper_key"]).eq(key)
    reported = rows["source_kind"].eq("reported")
    complete = (
        rows["baseline_acc"].notna()
        & rows["pruned_acc"].notna()
        & (rows["params_reduction_pct"].notna() | rows["flops_reduction_pct"].notna())
    )
    url = rows["source_url"].fillna("")
    paper_text = ~url.str.contains("github.com", regex=False) | url.str.contains(r"\.(?:pdf|tex)$", case=False)
    return rows[own & reported & complete & paper_text]


@cache
def atlas_rows() -> pd.DataFrame:
    return pruneatlas.results(paper_key=list(LANDMARKS))


def row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "paper_key": "A2020X",
        "method_paper": None,
        "source_kind": "reported",
        "baseline_acc": 93.0,
        "pruned_acc": 92.5,
        "params_reduction_pct": 40.0,
        "flops_reduction_pct": None,
        "source_url": None,
    }
    return base | values


def test_own_complete_rows_keeps_only_the_papers_own_complete_text_rows():
    rows = pd.DataFrame(
        [
            row(),
            row(params_reduction_pct=None, flops_reduction_pct=50.0),
            row(source_url="https://github.com/a/b/blob/0123/paper/main.tex"),
            row(source_url="https://github.com/a/b/blob/0123/README.md"),
            row(source_url="https://github.com/a/b/blob/0123/train_log.txt"),
            row(paper_key="B2021Y", method_paper="A2020X"),
            row(method_paper="C2019Z"),
            row(source_kind="secondary"),
            row(source_kind="imported"),
            row(baseline_acc=None),
            row(pruned_acc=None),
            row(params_reduction_pct=None),
        ]
    )
    assert own_complete_rows(rows, "A2020X").index.tolist() == [0, 1, 2]


def test_every_gap_is_a_landmark():
    assert set(GAPS) <= set(LANDMARKS)
    assert len(LANDMARKS) == 40


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(reason=GAPS[key], strict=True)) if key in GAPS else key
        for key in LANDMARKS
    ],
)
def test_landmark_has_an_own_complete_row(key: str):
    found = own_complete_rows(atlas_rows(), key)
    assert not found.empty, f"{key} ({LANDMARKS[key]}): no own row with baseline, pruned and a reduction"
