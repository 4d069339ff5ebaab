"""PDF ligature glyphs (ﬁ, ﬂ, ...) that text copied from a PDF carries instead of the letters.

"Pixelﬂy" and "Pixelfly" are the same word to a reader but not to a search, a filter or a join, so labels,
notes and quotes are written with the letters. Expanding a ligature changes no text, so a quote stays verbatim.
"""

from __future__ import annotations

import re

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_PATTERN = re.compile("[" + "".join(LIGATURES) + "]")


def expand_ligatures(text: str) -> str:
    """`text` with every ligature glyph replaced by its letters."""
    return _PATTERN.sub(lambda match: LIGATURES[match.group()], text)


def ligature_problem(text: str | None) -> str | None:
    """A message naming the first ligature in `text` and its letters, or None when there is none."""
    if text is None or (found := _PATTERN.search(text)) is None:
        return None
    glyph = found.group()
    context = text[max(0, found.start() - 12) : found.end() + 12]
    return (
        f"contains the PDF ligature {glyph!r} (U+{ord(glyph):04X}) in {context!r}; "
        f"write the letters {LIGATURES[glyph]!r} so that a search finds it"
    )
