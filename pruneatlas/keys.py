"""Paper keys: <FirstAuthorSurname><Year><FirstTitleWord>, one rule for the scaffold, importers and curators."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pruneatlas.safe_yaml import load_yaml_file

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


def title_words(title: str) -> list[str]:
    """The title's words that start with a letter and are not stopwords, capitalised:
    'HRank: Filter ...' -> ['Hrank', 'Filter', ...]; '1xN Pattern for ...' -> ['Pattern', ...]."""
    words = []
    for raw in re.split(r"[\s:/-]+", title):
        word = _ascii_letters(raw)
        if word and word[0].isalpha() and word.lower() not in STOPWORDS:
            words.append(word[:1].upper() + word[1:].lower())
    return words or ["Untitled"]


def paper_key(first_author: str, year: int, title: str, taken: Callable[[str], bool] = lambda key: False) -> str:
    """<Surname><Year><FirstWord>; when `taken(key)` says another paper holds it, more title words are added
    ('The Lottery Ticket Hypothesis at Scale' -> Frankle2019LotteryScale beside Frankle2019Lottery)."""
    words = title_words(title)
    key = f"{surname(first_author)}{year}{words[0]}"
    for word in words[1:]:
        if not taken(key):
            break
        key += word
    return key


def normalised_title(title: str) -> str:
    """Case, spacing and punctuation removed: two spellings of one title compare equal."""
    return re.sub(r"[^a-z0-9]", "", title.lower())


def held_by_another_paper(folder: Path, title: str) -> Callable[[str], bool]:
    """A `taken` test for `paper_key`: the key's file in `folder` exists for a different title.

    The same title means the same paper, whose file the caller should add to.
    """

    def taken(key: str) -> bool:
        path = folder / f"{key}.yaml"
        if not path.exists():
            return False
        try:
            existing = load_yaml_file(path)
        except ValueError:
            return True
        title_there = existing.get("title", "") if isinstance(existing, dict) else ""
        return normalised_title(str(title_there)) != normalised_title(title)

    return taken
