"""The bibliography a researcher exports: every paper and reference names its authors and venue as its public page
states them, and every copy of a reference says the same thing.

Author lists that have not yet been completed from their sources are listed below; like data/quote_gaps.csv, the
lists may only shrink: a new incomplete entry fails, and so does a listed one that has been fixed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from typing import Any

from pruneatlas.paths import PAPERS
from pruneatlas.safe_yaml import load_yaml_file

# Works that really have one author (checked on their public page).
SINGLE_AUTHOR = {
    "Mikler2021Pruning": "MSc thesis, University of Wrocław",
    "Martra2025Fragile": "arXiv 2512.22671 lists one author (Pere Martra)",
    "Shen2026Adaptive": "arXiv 2603.08100 lists one author (Chengchao Shen)",
}
# Entries whose author list is still the first author only; each needs its full list from its public page.
AUTHORS_PENDING = {"Xie2019Localization"}
# References that name neither a venue nor an arXiv id yet; each needs its venue from its public page.
VENUE_PENDING: set[str] = set()
# Pages that are a venue's own proceedings: a paper or reference whose url is one of them has a venue.
PROCEEDINGS = re.compile(
    r"https?://(openaccess\.thecvf\.com|proceedings\.neurips\.cc|papers\.nips\.cc|proceedings\.mlr\.press|"
    r"aclanthology\.org|ojs\.aaai\.org|www\.ijcai\.org|openreview\.net|ieeexplore\.ieee\.org|dl\.acm\.org|"
    r"link\.springer\.com|www\.ecva\.net|proceedings\.iclr\.cc)/"
)


@cache
def paper_records() -> dict[str, dict[str, Any]]:
    """key -> the raw header of every paper file."""
    records = {}
    for path in sorted(PAPERS.glob("*.yaml")):
        raw = load_yaml_file(path)
        records[raw["key"]] = raw
    return records


@cache
def reference_copies() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """reference key -> (citing paper, record) for every copy under some paper file's `references:`."""
    copies: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for key, raw in paper_records().items():
        for ref_key, ref in (raw.get("references") or {}).items():
            copies[ref_key].append((key, ref))
    return copies


def test_every_reference_names_its_authors():
    copies = [(by, key, ref) for key, refs in reference_copies().items() for by, ref in refs]
    missing = [f"{by}: {key}" for by, key, ref in copies if not ref.get("authors")]
    assert not missing, "references without authors (read them from the paper's public page):\n" + "\n".join(missing)


def test_copies_of_a_reference_agree_with_each_other_and_with_its_paper_file():
    disagree = []
    for key, copies in reference_copies().items():
        own = paper_records().get(key)
        canonical = own or copies[0][1]
        for by, ref in copies:
            for field in ("authors", "venue"):
                if ref.get(field) != canonical.get(field):
                    disagree.append(f"{by}: references.{key}.{field}: {ref.get(field)!r} != {canonical.get(field)!r}")
    assert not disagree, "\n".join(disagree)


def test_a_proceedings_page_comes_with_its_venue():
    records = [(key, raw) for key, raw in paper_records().items()]
    records += [(f"{by}: references.{key}", ref) for key, copies in reference_copies().items() for by, ref in copies]
    missing = [name for name, raw in records if PROCEEDINGS.match(raw.get("url") or "") and not raw.get("venue")]
    assert not missing, "\n".join(missing)


def test_every_paper_file_has_a_venue():
    assert [key for key, raw in paper_records().items() if not raw.get("venue")] == []


def single_author_entries() -> set[str]:
    keys = {key for key, raw in paper_records().items() if len(raw["authors"]) == 1}
    return keys | {key for key, copies in reference_copies().items() if any(len(r["authors"]) == 1 for _, r in copies)}


def test_single_author_entries_are_verified_or_pending():
    unexplained = single_author_entries() - set(SINGLE_AUTHOR) - AUTHORS_PENDING
    assert not unexplained, f"one author only; give the full list from the paper's page: {sorted(unexplained)}"


def test_the_pending_list_only_shrinks():
    fixed = AUTHORS_PENDING - single_author_entries()
    assert not fixed, f"these now have their full author list: remove them from AUTHORS_PENDING: {sorted(fixed)}"


def references_without_venue() -> set[str]:
    """References (keys without a paper file) whose copies give neither a venue nor an arXiv id."""
    return {
        key
        for key, copies in reference_copies().items()
        if key not in paper_records() and not any(ref.get("venue") or ref.get("arxiv") for _, ref in copies)
    }


def test_references_without_venue_are_pending_and_the_list_only_shrinks():
    missing = references_without_venue()
    assert not missing - VENUE_PENDING, f"no venue (give it from the paper's page): {sorted(missing - VENUE_PENDING)}"
    assert not VENUE_PENDING - missing, (
        f"these now have a venue: remove them from VENUE_PENDING: {sorted(VENUE_PENDING - missing)}"
    )
