"""A BibTeX entry built from a paper's fields, of the type reference lists expect.

A venue such as "CVPR 2020" or "IEEE TNNLS 33(12), 2022" is free text in the paper files; this module reads it
as a conference (@inproceedings with booktitle), a journal (@article with journal), a thesis, or an arXiv
preprint (@misc with eprint and archivePrefix), so standard styles print the venue instead of dropping it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pruneatlas.latex_text import latex_text

# Recognised venue abbreviations -> (entry type, the field naming it, its full name).
CONFERENCES = {
    "NeurIPS": "Advances in Neural Information Processing Systems (NeurIPS)",
    "NIPS": "Advances in Neural Information Processing Systems (NeurIPS)",
    "ICLR": "International Conference on Learning Representations (ICLR)",
    "ICML": "International Conference on Machine Learning (ICML)",
    "CVPR": "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
    "ICCV": "IEEE/CVF International Conference on Computer Vision (ICCV)",
    "ECCV": "European Conference on Computer Vision (ECCV)",
    "WACV": "IEEE/CVF Winter Conference on Applications of Computer Vision (WACV)",
    "BMVC": "British Machine Vision Conference (BMVC)",
    "AAAI": "AAAI Conference on Artificial Intelligence",
    "IJCAI": "International Joint Conference on Artificial Intelligence (IJCAI)",
    "EMNLP": "Conference on Empirical Methods in Natural Language Processing (EMNLP)",
    "ACL": "Annual Meeting of the Association for Computational Linguistics (ACL)",
    "NAACL": "Conference of the North American Chapter of the ACL (NAACL)",
    "ICPR": "International Conference on Pattern Recognition (ICPR)",
    "ICASSP": "IEEE International Conference on Acoustics, Speech and Signal Processing (ICASSP)",
    "ASPLOS": "International Conference on Architectural Support for Programming Languages and Operating Systems "
    "(ASPLOS)",
    "MLSys": "Conference on Machine Learning and Systems (MLSys)",
}
JOURNALS = {
    "TPAMI": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "TNNLS": "IEEE Transactions on Neural Networks and Learning Systems",
    "IEEE Transactions on Multimedia": "IEEE Transactions on Multimedia",
    "IEEE Access": "IEEE Access",
    "Sensors": "Sensors",
    "Journal of Imaging": "Journal of Imaging",
    "Image and Vision Computing": "Image and Vision Computing",
    "JMLR": "Journal of Machine Learning Research",
    "Neurocomputing": "Neurocomputing",
    "Pattern Recognition": "Pattern Recognition",
}
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z-]+/\d{7})")


@dataclass(frozen=True)
class Venue:
    entry_type: str
    fields: dict[str, str]


def _word(venue: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", venue) is not None


def read_venue(venue: str | None, arxiv: str | None) -> Venue:
    """What kind of publication `venue` names; an unrecognised or arXiv-only venue is a preprint or @misc."""
    text = venue or ""
    workshop = "workshop" in text.lower()
    preprint = text.lower().startswith("arxiv")
    findings = re.match(r"\s*Findings of (?:the )?(ACL|EMNLP|NAACL|EACL)\b", text)
    if findings:  # ACL's Findings volumes are not the main conference's proceedings
        return Venue("inproceedings", {"booktitle": f"Findings of the Association for Computational Linguistics: "
                                                   f"{findings[1]}"})  # fmt: skip
    if not preprint:
        for name, journal in JOURNALS.items():
            if _word(text, name):
                return Venue("article", {"journal": journal})
        for name, full in CONFERENCES.items():
            if _word(text, name):
                return Venue("inproceedings", {"booktitle": f"{full} Workshops" if workshop else full})
        if "thesis" in text.lower():
            school = text.split(",", 1)[1].split(",")[0].strip() if "," in text else text
            kind = "mastersthesis" if re.search(r"\b(MSc|master)", text, re.I) else "phdthesis"
            return Venue(kind, {"school": latex_text(school)})
    found = _ARXIV_ID.search(text)
    eprint = arxiv or (found[1] if found else None)
    if eprint:
        return Venue("misc", {"eprint": eprint, "archivePrefix": "arXiv", "howpublished": f"arXiv:{eprint}"})
    return Venue("misc", {"howpublished": latex_text(text)} if text else {})


def _brace(value: str) -> str:
    """A field value in braces, its own braces balanced so the entry parses."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return "{" + value.replace("{", "").replace("}", "") + "}"
    return "{" + (value if depth == 0 else value.replace("{", "").replace("}", "")) + "}"


def entry(key: str, record: dict[str, Any]) -> str:
    """A BibTeX entry for a paper file or reference record (title, authors, year, venue, url, doi, arxiv)."""
    venue = read_venue(record.get("venue"), record.get("arxiv"))
    fields: dict[str, Any] = {
        "title": "{" + latex_text(str(record["title"])) + "}",  # braced twice: styles keep the title's capitals
        "author": " and ".join(latex_text(a) for a in record.get("authors") or []),
        **venue.fields,
        "year": record.get("year"),
        "doi": record.get("doi"),
        "url": record.get("url"),
    }
    body = ",\n".join(f"  {name} = {_brace(str(value))}" for name, value in fields.items() if value)
    return f"@{venue.entry_type}{{{key},\n{body}\n}}"


_ARXIV_JOURNAL = re.compile(r"journal\s*=\s*\{\s*arXiv preprint\s*(?:arXiv:)?\s*([^}\s]+)\s*\}", re.IGNORECASE)


def arxiv_as_misc(bibtex: str) -> str:
    """An entry stored as @article in 'journal = {arXiv preprint arXiv:ID}' rewritten as the @misc with eprint and
    archivePrefix that styles print; any other entry unchanged."""
    match = _ARXIV_JOURNAL.search(bibtex)
    if not match or not re.match(r"\s*@article\s*\{", bibtex, re.IGNORECASE):
        return bibtex
    fields = f"eprint={{{match[1]}}},\n  archivePrefix={{arXiv}},\n  howpublished={{arXiv:{match[1]}}}"
    rewritten = bibtex[: match.start()] + fields + bibtex[match.end() :]
    return re.sub(r"^\s*@article", "@misc", rewritten, count=1, flags=re.IGNORECASE)
