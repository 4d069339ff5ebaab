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

SEEDS = {
    "Vadera": "001_822db64f19148759.txt",
    "Mikler2021": "002_166f035996eec6a2.txt",
    "Tessier2022": "003_dfe5a7272b2d12ed.txt",
    "Gharatappeh2025": "004_85a176cee87d3926.txt",
}
DATA_FILES = sorted(p for root in paths.data_roots() for p in root.glob("*.yaml"))


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
        for result in loaded.paper.results:
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
    source = {"locator": "Table 5", "extraction": "table", "quote": "Pixelﬂy 6.90 ... 9.4% ... 10.4%"}
    row = paper_factory.result(method_label="Pixelﬂy", notes="+ ﬁne-tuning", source=source)
    write_paper(paper_factory.paper(results=[row]))
    problems = {p.field: p.message for p in load_atlas([atlas_dir / "papers"]).errors}
    assert sorted(problems) == ["method_label", "notes", "source.quote"]
    assert "'ﬂ' (U+FB02)" in problems["method_label"] and "write the letters 'fl'" in problems["method_label"]
    assert "write the letters 'fi'" in problems["notes"]
