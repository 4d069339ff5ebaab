"""The curated data itself: every file validates, every quote from a seed document is in that document, and no
label, note or quote carries a PDF ligature glyph in place of its letters."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import paper_factory
import pytest
from paper_factory import WritePaper

from pruneatlas import paths
from pruneatlas.ligatures import expand_ligatures, ligature_problem
from pruneatlas.loader import Atlas, display_path, load_atlas
from pruneatlas.vocab import Vocabularies, load_vocabularies

SEEDS = {
    "Vadera": "001_822db64f19148759.txt",
    "Mikler2021": "002_166f035996eec6a2.txt",
    "Tessier2022": "003_dfe5a7272b2d12ed.txt",
    "Gharatappeh2025": "004_85a176cee87d3926.txt",
}
DATA_FILES = sorted(p for root in paths.data_roots() for p in root.glob("*.yaml"))


@cache
def vocab() -> Vocabularies:
    return load_vocabularies()


@cache
def atlas() -> Atlas:
    return load_atlas(paths.data_roots(), context=paths.data_roots())


@pytest.mark.parametrize("path", DATA_FILES, ids=[p.stem for p in DATA_FILES])
def test_data_file_validates(path: Path):
    label = display_path(path)
    assert [str(p) for p in atlas().errors if p.file == label] == []


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip()


def _seed_rows():
    for loaded in atlas().papers:
        seed = next((name for prefix, name in SEEDS.items() if loaded.paper.key.startswith(prefix)), None)
        if seed is None:
            continue
        for result in [*loaded.paper.results, *loaded.paper.cost_claims]:
            source = result.source
            if source.url is None and source.collection is None and source.quote:
                yield pytest.param(seed, source.quote, id=f"{loaded.paper.key}/{result.id}")


@pytest.mark.skipif(not (paths.SHARED / "seeds").exists(), reason="../shared/seeds is not beside the project")
@pytest.mark.parametrize(("seed", "quote"), list(_seed_rows()))
def test_seed_quote_is_verbatim_in_its_seed(seed: str, quote: str):
    text = _collapsed((paths.SHARED / "seeds" / seed).read_text(encoding="utf-8"))
    parts = [part for part in re.split(r"\s*(?:\.\.\.|…)\s*", _collapsed(quote)) if part]
    assert parts and all(part in text for part in parts), quote


def test_ligatures_expand_to_their_letters():
    assert expand_ligatures("Pixelﬂy +ﬁne-tuning, eﬀective, eﬃcient, baﬄe") == (
        "Pixelfly +fine-tuning, effective, efficient, baffle"
    )
    assert ligature_problem("Pixelfly") is None


def test_a_pdf_ligature_in_a_label_note_or_quote_is_an_error(write_paper: WritePaper, atlas_dir: Path):
    source = {"locator": "Table 5", "extraction": "table", "quote": "ResNet-56 6.96 ... Pixelﬂy 6.90 9.4% 10.4%"}
    row = paper_factory.result(method_label="Pixelﬂy", notes="+ ﬁne-tuning", source=source)
    write_paper(paper_factory.paper(results=[row]))
    problems = {p.field: p.message for p in load_atlas([atlas_dir / "papers"]).errors}
    assert sorted(problems) == ["method_label", "notes", "source.quote"]
    assert "'ﬂ' (U+FB02)" in problems["method_label"] and "write the letters 'fl'" in problems["method_label"]
    assert "write the letters 'fi'" in problems["notes"]


# Rows that use a method whose vocabulary entry names another paper, and were read as the host paper's own:
# its own variant of the method, or random pruning, a generic control that no paper proposes.
OWN_VARIANTS = {
    ("Ye2018Progressive", "admm-pruning"): "progressive ADMM, this paper's extension of ADMM pruning",
    ("Ye2019Progressive", "admm-pruning"): "progressive ADMM, this paper's extension of ADMM pruning",
    ("Ren2019Admm", "admm-pruning"): "ADMM-NN, this paper's framework",
    ("Zhang2018Structadmm", "admm-pruning"): "StructADMM, this paper's structured ADMM",
    ("Zhang2019Slimyolov3", "network-slimming"): "SlimYOLOv3, this paper's slimming of YOLOv3",
    ("Fang2023Depgraph", "l1-filter"): "DepGraph's group-level L1 ('Ours-L1', 'Group-L1')",
    ("Fang2023Depgraph", "network-slimming"): "DepGraph's group-level BN criterion",
    ("Fang2023Depgraph", "greg"): "DepGraph's group-level GReg",
    ("Ding2021Manipulating", "c-sgd"): "C-SGD results of the authors' own journal extension",
    ("Hassibi1993Second", "obs"): "OBS by its own authors",
    ("Zhuang2018Discrimination", "random"): "'Random DCP', a DCP variant",
    ("Gale2019State", "random"): "random pruning, a generic control",
    ("Ma2023Llm", "random"): "random importance, a generic control",
    ("Fang2023Structural", "random"): "random pruning, a generic control",
    ("Dong2017Learning", "random"): "random pruning, a generic control",
    ("Lin2020Hrank", "random"): "random pruning, a generic control",
}


def test_another_papers_method_names_its_paper():
    """A reported or quoted row that uses another paper's method names it in `method_paper` (with
    `reimplemented` when this paper's authors ran it), so the export does not credit the host with the method."""
    methods = vocab().methods
    unnamed = sorted(
        f"{loaded.paper.key}/{result.id}: {result.method} ({methods.resolve(result.method).paper})"
        for loaded in atlas().papers
        for result in loaded.paper.results
        if result.source.collection is None
        and result.source.extraction != "rerun"
        and result.method_paper is None
        and methods.resolve(result.method).paper not in (None, loaded.paper.key)
        and (loaded.paper.key, methods.resolve(result.method).id) not in OWN_VARIANTS
    )
    assert unnamed == []
