"""Finding many phrases in a text at once.

The phrases are compiled into one regular expression shaped as a trie (common
prefixes shared), so the text is scanned once whatever the number of phrases.
Latin phrases must stand as whole words (no letter or digit just before or
after); Japanese and Korean phrases match anywhere, since those scripts do not
separate words by spaces and particles attach to names. Where two phrases
overlap, the one starting first wins, then the longer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any, Final, Generic, NamedTuple, TypeVar

from ahocorasick_rs import AhoCorasick

T = TypeVar("T")

_ALNUM: Final = re.compile(r"[A-Za-z0-9]")
_SPACE_RUN: Final = re.compile(r"\s+")


class Hit(NamedTuple, Generic[T]):
    """One phrase found: where, as written, and what it stands for. (A named tuple: as
    immutable as a frozen dataclass and several times faster to make, which counts, as
    an article makes thousands.)"""

    start: int
    end: int
    text: str
    value: T


# A hit made as its class's own constructor makes it (a tuple of the four fields), without
# the Python-level call of that constructor: where thousands are made an article.
new_hit: Final = tuple.__new__


# The last text lower-cased and the result: every matcher of a gazetteer scans the same
# article, which is lower-cased once for all of them. (The text itself is kept, so the
# identity test cannot mistake another text for it.)
_last_lowered: tuple[str, str] = ("", "")


def _lowered(text: str) -> str:
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    low = text.lower()
    _last_lowered = (text, low)
    return low


def _key(phrase: str, ignore_case: bool) -> str:
    joined = _SPACE_RUN.sub(" ", phrase.strip())
    return joined.casefold() if ignore_case else joined


class _Node:
    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


def _trie_pattern(phrases: Iterable[str]) -> str:
    root = _Node()
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.children.setdefault(ch, _Node())
        node.terminal = True

    def piece(ch: str) -> str:
        return r"\s+" if ch == " " else re.escape(ch)

    def walk(node: _Node, last: str) -> str:
        alts = [piece(ch) + walk(child, ch) for ch, child in node.children.items()]
        if node.terminal:
            alts.append(r"(?![A-Za-z0-9])" if _ALNUM.match(last) else "")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    tops = []
    for ch, child in root.children.items():
        # The word-start guard comes after the first character (a look-behind over it and
        # the one before), so every branch starts with a literal and the regex engine can
        # skip quickly to the characters that may start a phrase.
        guard = r"(?<![A-Za-z0-9].)" if _ALNUM.match(ch) else ""
        tops.append(piece(ch) + guard + walk(child, ch))
    return "|".join(tops) if tops else r"(?!x)x"


def _without_overlaps(found: list[Hit[T]]) -> list[Hit[T]]:
    """The hits of several patterns, in order, the first (then the longest) kept where
    two overlap."""
    found.sort(key=lambda h: (h.start, h.start - h.end))
    kept: list[Hit[T]] = []
    for hit in found:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


class PhraseMatcher(Generic[T]):
    """Finds every given phrase in a text; each phrase carries a value.

    ``entries``: (phrase, value) pairs. A phrase whose ``ignore_case`` flag is set
    matches in any case; otherwise exactly. A later entry for the same phrase
    replaces an earlier one (so a user's gazetteer overrides the shipped one).
    """

    def __init__(self, entries: Iterable[tuple[str, T, bool]]) -> None:
        exact: dict[str, T] = {}
        folded: dict[str, T] = {}
        kept: list[tuple[str, T, bool]] = []
        for phrase, value, ignore_case in entries:
            if not phrase.strip():
                continue
            kept.append((phrase, value, ignore_case))
            (folded if ignore_case else exact)[_key(phrase, ignore_case)] = value
        # (what it is pickled as: a matcher is sent to the reading processes, which build
        # it again; the same whether this module runs as Python or compiled)
        self._entries = tuple(kept)
        self._exact = exact
        self._folded = folded
        self._size = len(exact) + len(folded)
        self._patterns: list[tuple[re.Pattern[str], bool]] = []
        if exact:
            self._patterns.append((re.compile(_trie_pattern(exact)), False))
        # Phrases in any case are searched in the lower-cased text (much faster than a
        # case-insensitive pattern); the slow pattern is kept for texts whose length
        # changes when lower-cased.
        self._lower: re.Pattern[str] | None = None
        self._any_case: re.Pattern[str] | None = None
        self._lower_parts: list[re.Pattern[str]] = []
        self._folded_as_is: dict[str, T] = {}
        # (the phrases in any case as the lower-cased text is searched for them)
        self._lowered_keys: frozenset[str] = frozenset()
        if folded:
            lowered = {k.lower() for k in folded}
            self._lowered_keys = frozenset(lowered)
            self._lower = re.compile(_trie_pattern(lowered))
            self._lower_parts = [self._lower]
            # Phrases in Latin letters and phrases with none are scanned for apart (about
            # twice as fast as one pattern over both): the hits are the same, as a phrase
            # of one kind cannot overlap one of the other.
            latin = {k for k in lowered if k.isascii()}
            other = lowered - latin
            if latin and other and not any(c.isascii() and not c.isspace()
                                           for k in other for c in k):
                self._lower_parts = [re.compile(_trie_pattern(latin)),
                                     re.compile(_trie_pattern(other))]
            self._any_case = re.compile(_trie_pattern(folded), re.IGNORECASE)
            self._folded = {**{k.lower(): v for k, v in folded.items()}, **folded}
        # The keys a match is looked up by as it stands (a hit written as its key, the
        # commonest case), sparing the normalising of the text matched.
        self._folded_as_is = {k: v for k, v in self._folded.items()
                              if _key(k, False).lower() == k}

    def __len__(self) -> int:
        return self._size

    def __reduce__(self) -> tuple[type[PhraseMatcher[T]], tuple[tuple[tuple[str, T, bool], ...]]]:
        return type(self), (self._entries,)

    def hits(self, text: str, low: str, exact: list[tuple[int, int]],
             lowered: list[tuple[int, int]]) -> list[Hit[T]]:
        """What :meth:`finditer` gives from the spans its patterns match, each list in
        order: ``exact`` in ``text``, ``lowered`` (phrases in any case) in ``low``, the
        text lower-cased (of the same length; see :class:`PhraseScan`)."""
        found: list[Hit[T]] = []
        exact_keys = self._exact
        for start, end in exact:
            written = text[start:end]
            value = exact_keys.get(written)
            if value is None:
                value = exact_keys.get(_key(written, False))
            if value is not None:
                found.append(new_hit(Hit, (start, end, written, value)))
        as_is = self._folded_as_is
        for start, end in lowered:
            written = text[start:end]
            group = low[start:end]
            value = as_is.get(group)
            if value is None:
                value = self._folded.get(_key(group, False).lower()) \
                    or self._folded.get(_key(written, True))
            if value is not None:
                found.append(new_hit(Hit, (start, end, written, value)))
        # (the spans of one kind are in order and apart: only both kinds may overlap)
        if exact and lowered:
            return _without_overlaps(found)
        return found

    def finditer(self, text: str) -> Iterator[Hit[T]]:
        """The phrases in ``text``, in order, without overlaps."""
        found: list[Hit[T]] = []
        exact = self._exact
        for pattern, _ in self._patterns:
            for m in pattern.finditer(text):
                written = m.group()
                # (a key is its own _key: looked up as it stands first)
                value = exact.get(written)
                if value is None:
                    value = exact.get(_key(written, False))
                if value is not None:
                    found.append(Hit(m.start(), m.end(), written, value))
        if self._lower is not None and self._any_case is not None:
            low = _lowered(text)
            same = len(low) == len(text)
            if same and len(self._lower_parts) > 1:
                # (the phrases without Latin letters hold no ASCII at all: none is in an
                # ASCII text, which needs the Latin ones' scan only)
                matches: Iterable[re.Match[str]] = self._lower_parts[0].finditer(low) \
                    if low.isascii() else sorted(
                        (m for part in self._lower_parts for m in part.finditer(low)),
                        key=lambda m: m.start())
            else:
                matches = self._lower.finditer(low) if same else self._any_case.finditer(text)
            as_is = self._folded_as_is
            for m in matches:
                start, end = m.span()
                written = text[start:end]
                value = as_is.get(m.group())
                if value is None:
                    value = self._folded.get(_key(m.group(), False).lower()) \
                        or self._folded.get(_key(written, True))
                if value is not None:
                    found.append(new_hit(Hit, (start, end, written, value)))
        if len(self._patterns) + (self._lower is not None) > 1:
            return iter(_without_overlaps(found))
        return iter(found)

    def find(self, text: str) -> list[Hit[T]]:
        return list(self.finditer(text))


# Blanks the text is scanned with as one space: a run of two or more, or any blank
# but a space (a phrase's space matches any run of blanks, as ``\s+`` in its pattern).
_ODD_BLANKS: Final = re.compile(r"\s{2,}|[^\S ]")
# The blanks but a space and a line break, as a class of characters (found far faster
# than as ``[^\S \n]``); no character beyond U+3000 is a blank.
_OTHER_BLANKS: Final = re.compile(
    "[" + "".join(re.escape(c) for c in map(chr, range(0x3001))
                  if c.isspace() and c not in " \n") + "]")
# ... of them, those in ASCII (an ASCII text is looked through for each, far faster still)
_ASCII_OTHER_BLANKS: Final = "".join(c for c in map(chr, range(128))
                                     if c.isspace() and c not in " \n")
_WORD_CHAR: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class PhraseScan:
    """The phrases of several matchers found in one pass over a text: one Aho-Corasick
    automaton for the phrases written exactly and one, run over the text lower-cased, for
    the phrases in any case. :meth:`scan` gives each matcher the hits its
    :meth:`PhraseMatcher.finditer` gives: from every place a phrase occurs (standing as a
    whole word where it must), each matcher keeps, scanning from the start, the longest
    phrase at the first place it can, then goes on after it, as its patterns do."""

    def __init__(self, matchers: list[PhraseMatcher[Any]]) -> None:
        self.matchers = matchers
        # phrase -> (its length, the matchers' slots, whether it must start / end a word);
        # slot 2i: the exact phrases of matcher i, 2i + 1: its phrases in any case
        exact: dict[str, list[int]] = {}
        lowered: dict[str, list[int]] = {}
        for i, m in enumerate(matchers):
            for key in m._exact:
                exact.setdefault(key, []).append(2 * i)
            for key in m._lowered_keys:
                lowered.setdefault(key, []).append(2 * i + 1)
        self._automata = (_Automaton(exact), _Automaton(lowered))

    def scan(self, text: str) -> list[list[Hit[Any]]]:
        """Each matcher's hits in ``text``, in the matchers' order."""
        low = _lowered(text)
        if len(low) != len(text):
            return [list(m.finditer(text)) for m in self.matchers]
        # A text whose only blanks but single spaces are single line breaks is scanned
        # with spaces for them (the offsets are the same); any other with each run of
        # blanks as one space, the offsets mapped back.
        blanks: list[tuple[int, int]] = []
        scanned = (text.replace("\n", " "), low.replace("\n", " "))
        if "  " in scanned[0] or (any(c in text for c in _ASCII_OTHER_BLANKS)
                                  if text.isascii() else _OTHER_BLANKS.search(text)):
            blanks = [(b.start(), b.end()) for b in _ODD_BLANKS.finditer(text)]
            scanned = (_ODD_BLANKS.sub(" ", text), _ODD_BLANKS.sub(" ", low))
            # where each run of blanks is in the scanned text, and the characters dropped
            # before the text after it
            at: list[int] = []
            dropped: list[int] = []
            gone = 0
            for b0, b1 in blanks:
                at.append(b0 - gone)
                gone += b1 - b0 - 1
                dropped.append(gone)
        # slot -> start -> the furthest end of a phrase there (only slots with a phrase)
        longest: dict[int, dict[int, int]] = {}
        for automaton, scan in zip(self._automata, scanned, strict=True):
            if automaton.find is None:
                continue
            size = len(scan)
            phrases = automaton.phrases
            for k, start, end in automaton.find(scan, overlapping=True):
                slots, starts_word, ends_word = phrases[k]
                if (starts_word and start and scan[start - 1] in _WORD_CHAR) or (
                        ends_word and end < size and scan[end] in _WORD_CHAR):
                    continue
                for slot in slots:
                    found = longest.get(slot)
                    if found is None:
                        longest[slot] = {start: end}
                    elif end > found.get(start, 0):
                        found[start] = end
        spans: dict[int, list[tuple[int, int]]] = {}
        for slot, found in longest.items():
            chain: list[tuple[int, int]] = []
            pos = 0
            for start in sorted(found):
                if start >= pos:
                    pos = found[start]
                    chain.append((start, pos))
            if blanks:
                chain = [(_unscanned(start, at, dropped), _unscanned(end - 1, at, dropped) + 1)
                         for start, end in chain]
            spans[slot] = chain
        # (a matcher with no phrase found has no hits: its lookups are skipped)
        return [m.hits(text, low, spans.get(2 * i, _NONE), spans.get(2 * i + 1, _NONE))
                if 2 * i in spans or 2 * i + 1 in spans else []
                for i, m in enumerate(self.matchers)]


_NONE: Final[list[tuple[int, int]]] = []


def _unscanned(pos: int, at: list[int], dropped: list[int]) -> int:
    """Where the character at ``pos`` of the scanned text (not a blank) is in the text."""
    k = bisect_right(at, pos)
    return pos + dropped[k - 1] if k else pos


class _Automaton:
    """An Aho-Corasick automaton of phrases (none: ``find`` is None), finding every place
    each occurs, overlaps included; ``phrases``: for each phrase, its matchers' slots and
    whether it must start and end a word (a first and last letter or digit in Latin
    script)."""

    def __init__(self, phrases: dict[str, list[int]]) -> None:
        self.phrases = [(tuple(slots), phrase[0] in _WORD_CHAR, phrase[-1] in _WORD_CHAR)
                        for phrase, slots in phrases.items()]
        self.find = AhoCorasick(list(phrases)).find_matches_as_indexes if phrases else None
