"""Provenance anyone can follow (CURATION.md 11): every source is an address a reader can open, and the text
speaks of the sources, never of an internal index or of who entered a row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pruneatlas.paths import ROOT
from pruneatlas.safe_yaml import load_yaml_file

SCANNED = ("data", "reproduce", "pruneatlas", "schema")
TEXT_SUFFIXES = {".yaml", ".yml", ".py", ".md", ".sql", ".txt", ".json", ".csv"}
# References to the tooling a curator used, or to the curator: a reader can open none of them.
INTERNAL = re.compile(
    r"read_file|find_string|find_files|search[ _]index|search tool|index id|(?:pages|docs|code|issues) corpus"
    r"|\bcurator [A-Z]\b|in this session",
    re.IGNORECASE,
)
SEED_HEADER = re.compile(r"\A# \w+: seed \d{3} \(shared/seeds/")
REPOSITORY_HOSTS = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/")
COMMIT_IN_URL = re.compile(r"/[0-9a-f]{40}(?:/|$)")


def _text_files() -> list[Path]:
    return sorted(
        path
        for folder in SCANNED
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix in TEXT_SUFFIXES
    )


def internal_references(text: str) -> list[str]:
    """Each line (1-based) of `text` that names an internal index, a search tool or a curator."""
    return [f"line {n}: {line.strip()[:120]}" for n, line in enumerate(text.splitlines(), 1) if INTERNAL.search(line)]


def unaddressed_results(paper: dict[str, object], header: str = "") -> list[str]:
    """Ids of the results a reader cannot open: neither the paper (`url`/`arxiv`/`doi`) nor the row's source
    (`url`, with a commit for a repository file) gives an address. Seed documents (shared/seeds) and imported
    collection rows cite their own record; re-runs carry their provenance."""
    if SEED_HEADER.match(header):
        return []
    paper_address = any(paper.get(field) for field in ("url", "arxiv", "doi"))
    missing = []
    for result in paper.get("results") or []:  # type: ignore[union-attr]
        source = result["source"]
        if source["extraction"] in ("collection", "rerun"):
            continue
        url = source.get("url")
        if url and REPOSITORY_HOSTS.match(url) and not (source.get("commit") or COMMIT_IN_URL.search(url)):
            missing.append(f"{result['id']}: repository file {url} without a commit")
        elif not url and not paper_address:
            missing.append(f"{result['id']}: no address (paper url/arxiv/doi or source url)")
    return missing


def test_no_internal_references_in_data_reproduce_or_package() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in _text_files()
        if (hits := internal_references(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert not found, "internal references instead of public addresses:\n" + "\n".join(
        f"{name}: {hit}" for name, hits in found.items() for hit in hits
    )


DATA_FILES = sorted((ROOT / "data").rglob("*.yaml"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.stem)
def test_every_result_has_a_public_address(path: Path) -> None:
    header = path.read_text(encoding="utf-8")[:300]
    assert not unaddressed_results(load_yaml_file(path), header)


@pytest.mark.parametrize(
    "line",
    [
        "notes: Read from a copy held in the search tool's repository index (read_file id 62050382530).",
        "# Lee2019Snip: curated by hand (curator E) from the sources named in each result.",
        "arXiv id from tomesphere.com/paper/1810.07378 (pages corpus)",
        "Read through the docs search index of the model card page.",
        "# The paper's tables could not be read in this session.",
    ],
)
def test_internal_references_are_caught(line: str) -> None:
    assert internal_references(line)


def test_public_addresses_and_plain_words_pass() -> None:
    text = "Read from https://openreview.net/forum?id=B1VZqjAcYX; the curator of ShrinkBench; index.html"
    assert internal_references(text) == []


def _paper(**fields: object) -> dict[str, object]:
    source = fields.pop("source", {"locator": "Table 1", "extraction": "table", "quote": "1.6"})
    return {"key": "X2020Y", "results": [{"id": "r1", "source": source}], **fields}


def test_a_result_without_any_address_is_reported() -> None:
    assert unaddressed_results(_paper()) == ["r1: no address (paper url/arxiv/doi or source url)"]
    assert unaddressed_results(_paper(arxiv="1608.08710")) == []
    assert unaddressed_results(_paper(), "# Mikler2021Pruning: seed 002 (shared/seeds/002_x.txt).") == []


def test_a_repository_file_needs_its_commit() -> None:
    readme = "https://github.com/lmbxmu/HRank/blob/master/README.md"
    source = {"locator": "README.md", "extraction": "table", "quote": "93.17", "url": readme}
    assert unaddressed_results(_paper(arxiv="2002.10179", source=source)) == [
        f"r1: repository file {readme} without a commit"
    ]
    assert unaddressed_results(_paper(source={**source, "commit": "c03a13a"})) == []
    collection = {"locator": "row 3", "extraction": "collection", "collection": "shrinkbench", "collection_row": "3"}
    assert unaddressed_results(_paper(source=collection)) == []
