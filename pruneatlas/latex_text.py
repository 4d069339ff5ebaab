"""Any text as pdflatex reads it: special characters escaped, Unicode spelt in ASCII LaTeX.

Titles and labels carry ligatures (ﬂ), Greek letters (η, ε), accents and typographic symbols; pdflatex stops on
the ones its default encoding lacks. Every character becomes something it can typeset, so a table never fails
to compile; a character with no known spelling becomes its Unicode name in brackets rather than disappearing.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {
    "\\": "\\textbackslash{}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "{": "\\{",
    "}": "\\}",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
    "<": "\\textless{}",
    ">": "\\textgreater{}",
}
_SYMBOLS = {
    "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''",
    "\u2026": "\\ldots{}", "\u00a0": "~", "\u2009": "\\,", "\u00d7": "$\\times$", "\u00b1": "$\\pm$",
    "\u2264": "$\\leq$", "\u2265": "$\\geq$", "\u2192": "$\\rightarrow$", "\u2190": "$\\leftarrow$",
    "\u2248": "$\\approx$", "\u2212": "$-$", "\u00b0": "$^{\\circ}$", "\u2032": "$'$", "\u221e": "$\\infty$",
    "\u00df": "{\\ss}", "\u00e6": "{\\ae}", "\u00c6": "{\\AE}", "\u00f8": "{\\o}", "\u00d8": "{\\O}",
    "\u0142": "{\\l}", "\u0141": "{\\L}", "\u00e5": "{\\aa}", "\u00c5": "{\\AA}", "\u0131": "{\\i}",
    "\u2022": "$\\bullet$", "\u00b7": "$\\cdot$", "\u2020": "$\\dagger$", "\u2021": "$\\ddagger$",
    "\u00a7": "\\S{}", "\u00a9": "\\copyright{}", "\u00ae": "\\textregistered{}", "\u2122": "\\texttrademark{}",
    "\u00b2": "$^2$", "\u00b3": "$^3$", "\u00b9": "$^1$", "\u2713": "$\\checkmark$",
}  # fmt: skip
_GREEK = {
    "alpha": "alpha", "beta": "beta", "gamma": "gamma", "delta": "delta", "epsilon": "epsilon", "zeta": "zeta",
    "eta": "eta", "theta": "theta", "iota": "iota", "kappa": "kappa", "lamda": "lambda", "mu": "mu", "nu": "nu",
    "xi": "xi", "pi": "pi", "rho": "rho", "sigma": "sigma", "final sigma": "varsigma", "tau": "tau",
    "upsilon": "upsilon", "phi": "phi", "chi": "chi", "psi": "psi", "omega": "omega",
}  # fmt: skip
_UPPER_GREEK_IN_LATEX = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": '"', "\u0304": "=", "\u0307": ".",
    "\u030a": "r", "\u030c": "v", "\u0306": "u", "\u030b": "H", "\u0327": "c", "\u0328": "k",
}  # fmt: skip
_GREEK_NAME = re.compile(r"^GREEK (SMALL|CAPITAL) LETTER (.+)$")


def _greek(char: str) -> str | None:
    match = _GREEK_NAME.match(unicodedata.name(char, ""))
    if not match or match[2].lower() not in _GREEK:
        return None
    name = _GREEK[match[2].lower()]
    if match[1] == "CAPITAL":
        capital = name.capitalize()
        return f"$\\{capital}$" if capital in _UPPER_GREEK_IN_LATEX else unicodedata.normalize("NFKD", char)[0]
    return f"$\\{name}$"


def _accented(char: str) -> str | None:
    base, *marks = list(unicodedata.normalize("NFD", char))
    if not base.isascii() or not marks or any(m not in _ACCENTS for m in marks):
        return None
    text = "\\i" if base == "i" else base
    for mark in marks:
        text = f"\\{_ACCENTS[mark]}{{{text}}}"
    return "{" + text + "}"


def _char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    if char.isascii():
        return char
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    spelt = _greek(char) or _accented(char)
    if spelt:
        return spelt
    compatible = unicodedata.normalize("NFKC", char)  # ligatures (ﬂ -> fl), full-width forms, superscripts
    if compatible != char and compatible.isascii():
        return "".join(_char(c) for c in compatible)
    return f"[{unicodedata.name(char, f'U+{ord(char):04X}').lower()}]"


def latex_text(text: str) -> str:
    """`text` as pdflatex typesets it with its default encoding: specials escaped, Unicode in ASCII LaTeX."""
    return "".join(_char(c) for c in text)


def latex_unicode(text: str) -> str:
    """Only the non-ASCII characters of `text` spelt out, for text that is LaTeX already (a BibTeX entry)."""
    return "".join(c if c.isascii() else _char(c) for c in text)
