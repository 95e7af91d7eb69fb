"""Case-blind word lists searched fast: a pattern for lower-cased text that finds what
the case-blind pattern finds.

A case-blind pattern that opens with ``\\b`` is tried at every character of a text. The
same words in small letters, searched in the lower-cased text with each branch opening
with its first letter (then ``\\b`` written as a look-behind, and the rest of the branch
in a group named after its kind), let the regex engine skip at once to the letters a
word may start with. Texts whose length changes when lower-cased, or that hold a letter
a case-blind pattern takes for an ASCII one ("ſ" for "s"), keep the case-blind pattern.
"""

from __future__ import annotations

import re
from typing import Final

from pledge.domain.amount_words import FOLDING_TO_ASCII

__all__ = ["FOLDS_TO_ASCII", "FastWords", "may_hold", "plain_lower"]

# Letters beyond ASCII that a case-blind pattern takes for ASCII ones ("ſ" for "s").
FOLDS_TO_ASCII: Final = re.compile(f"[{FOLDING_TO_ASCII}]")


def plain_lower(text: str) -> str | None:
    """``text`` lower-cased, where ASCII words a case-blind pattern finds in it stand in
    small letters at the same places (None where they may not: a text whose length changes
    when lower-cased, or that holds a letter such a pattern takes for an ASCII one)."""
    low = text.lower()
    if not text.isascii() and (len(low) != len(text) or FOLDS_TO_ASCII.search(text)):
        return None     # (an ASCII text holds no such letter, and keeps its length)
    return low


def may_hold(text: str, lowered: tuple[str, ...], written: tuple[str, ...] = ()) -> bool:
    """Whether a pattern that needs one of some words may find something in ``text`` (a
    quick test before its scan, false only when sure): one of ``written`` stands in it as
    written, or one of ``lowered`` (small letters, read in any case) in its
    :func:`plain_lower` form, or the text is one whose lower-cased form may not show them."""
    if any(w in text for w in written):
        return True
    low = plain_lower(text)
    return low is None or any(w in low for w in lowered)


def _branches(alternatives: str) -> list[str]:
    """The top-level branches of a pattern ("a|b(?:c|d)" gives "a", "b(?:c|d)")."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(alternatives):
        if ch in "()" and (i == 0 or alternatives[i - 1] != "\\"):
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append(alternatives[start:i])
            start = i + 1
    return [*out, alternatives[start:]]


class FastWords:
    """``words`` (kind -> branches, each opening with a letter, found as whole words) and
    ``anywhere`` (kind -> branches found anywhere, as Japanese and Korean words are):
    :attr:`plain` is the case-blind pattern ``\\b(?:(?P<kind>...)|...)|(?P<kind_>...)|...``
    and :meth:`finditer` finds what it finds, as (start, end, kind, as written)."""

    def __init__(self, words: dict[str, str], anywhere: dict[str, str] | None = None) -> None:
        anywhere = anywhere or {}
        self.plain = re.compile(
            r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in words.items()) + ")"
            + "".join(f"|(?P<{k}_>{v})" for k, v in anywhere.items()), re.I)
        by_first: dict[str, list[str]] = {}    # (branches of one letter keep their order)
        for group, guard, tag in ((words, r"(?<!\w.)", "w"), (anywhere, "", "a")):
            for kind, pattern in group.items():
                for k, branch in enumerate(_branches(pattern)):
                    # (a branch opens with a letter and is written in small letters)
                    assert branch[0].isalpha() and branch == branch.lower(), branch
                    by_first.setdefault(re.escape(branch[0]) + guard, []).append(
                        f"(?P<{kind}__{tag}{k}>{branch[1:]})")
        self.lower = re.compile("|".join(f"{first}(?:{'|'.join(rest)})"
                                         for first, rest in by_first.items()))

    def finditer(self, text: str, lo: int = 0, hi: int | None = None
                 ) -> list[tuple[int, int, str, str]]:
        """What :attr:`plain` finds in ``text[lo:hi]``: where in ``text``, which kind, as
        written."""
        part = text[lo:hi]
        return self.finditer_lowered(part, plain_lower(part), lo)

    def finditer_lowered(self, text: str, low: str | None, lo: int = 0
                         ) -> list[tuple[int, int, str, str]]:
        """:meth:`finditer` of the whole ``text``, given :func:`plain_lower` of it (read
        once by a caller that needs it too); offsets moved on by ``lo``."""
        if low is None:
            return [(lo + m.start(), lo + m.end(), str(m.lastgroup).rstrip("_"), m.group(0))
                    for m in self.plain.finditer(text)]
        return [(lo + m.start(), lo + m.end(), str(m.lastgroup).rsplit("__", 1)[0],
                 text[m.start():m.end()]) for m in self.lower.finditer(low)]

    def search(self, text: str) -> tuple[int, int, str, str] | None:
        """The first of :meth:`finditer` in the whole text, or None."""
        low = plain_lower(text)
        if low is None:
            m = self.plain.search(text)
            return None if m is None else (m.start(), m.end(), str(m.lastgroup).rstrip("_"),
                                           m.group(0))
        m = self.lower.search(low)
        return None if m is None else (m.start(), m.end(),
                                       str(m.lastgroup).rsplit("__", 1)[0],
                                       text[m.start():m.end()])
