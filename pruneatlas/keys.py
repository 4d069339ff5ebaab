"""Paper keys: <FirstAuthorSurname><Year><FirstTitleWord>, one rule for the scaffold, importers and curators."""

from __future__ import annotations

import re
import unicodedata

STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "for", "to", "towards", "toward", "in", "into", "with", "via", "by", "and",
     "or", "is", "are", "do", "does", "be", "at", "from", "as", "your", "our", "what", "how", "why", "when", "all"}
)  # fmt: skip


def _ascii_letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", plain)


def surname(author: str) -> str:
    """'Song Han' -> 'Han'; 'Han, Song' -> 'Han'; 'Yann LeCun' -> 'LeCun' (keeps inner capitals)."""
    name = author.split(",")[0] if "," in author else author.split()[-1]
    letters = re.sub(r"[0-9]", "", _ascii_letters(name))
    return letters[:1].upper() + letters[1:] if letters else "Anonymous"


def title_word(title: str) -> str:
    """The first word of the title that starts with a letter and is not a stopword, capitalised:
    'HRank: Filter ...' -> 'Hrank'; '1xN Pattern for ...' -> 'Pattern'."""
    for raw in re.split(r"[\s:/-]+", title):
        word = _ascii_letters(raw)
        if word and word[0].isalpha() and word.lower() not in STOPWORDS:
            return word[:1].upper() + word[1:].lower()
    return "Untitled"


def paper_key(first_author: str, year: int, title: str) -> str:
    return f"{surname(first_author)}{year}{title_word(title)}"
