"""Text utilities: normalising, telling the language by its script, cutting sentences.

Everything here is plain standard library and works on ``str`` offsets, so a fact
found in a sentence can point back into the cleaned article.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from pledge.domain.bounds import MAX_SENTENCE_CHARS

__all__ = ["Sentence", "detect_language", "nfkc", "normalise", "split_sentences"]


def normalise(text: str) -> str:
    """``text`` folded with NFKC (full-width letters and digits become ASCII), line ends
    unified and spaces inside lines collapsed; lines are kept."""
    return "\n".join([_normalise_line(line) for line in
                       text.replace("\r\n", "\n").replace("\r", "\n").split("\n")])


_SPACES: Final = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_OTHER_SPACE: Final = re.compile(r"[\t\u00a0\u2000-\u200b\u3000]")


def _normalise_line(line: str) -> str:
    # Each line is folded alone: no character composes with a line break or is reordered
    # across it, so the lines folded one by one are the text folded whole; and NFKC leaves
    # ASCII as it is, so an ASCII line is not folded at all.
    if line.isascii():
        # (of the spaces collapsed, only the tab is ASCII)
        collapse = "  " in line or "\t" in line
    else:
        line = nfkc(line)
        collapse = "  " in line or _OTHER_SPACE.search(line) is not None
    # (a line whose only spacing is single blanks is left as it is, not rewritten)
    return _SPACES.sub(" ", line).strip() if collapse else line.strip()


# Characters whose NFKC form is their compatibility decomposition, common in pages: the
# no-break space, the ellipsis, the ideographic space and the full-width ASCII forms.
_COMPAT_CHARS: Final = re.compile("[\u00a0\u2026\u3000\uff01-\uff5e]")
_COMPAT_FORMS: Final = {c: unicodedata.normalize("NFKD", chr(c))
                        for c in (0xA0, 0x2026, 0x3000, *range(0xFF01, 0xFF5F))}


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on text with the characters above.

    NFKC is the canonical composition of the full compatibility decomposition, so a
    character may be replaced by its decomposition first without changing the result; a
    text then left already normalised passes the normaliser's quick check, where a text
    holding even one of these characters is otherwise rebuilt character by character (at
    some thousands of machine instructions a character)."""
    if _COMPAT_CHARS.search(text):
        text = text.translate(_COMPAT_FORMS)
    return unicodedata.normalize("NFKC", text)

# Runs of each script's letters (counted by their lengths: fewer matches than letters).
_KANA: Final = re.compile(r"[\u3040-\u30ff]+")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]+")
_HANGUL: Final = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]+")
_LATIN: Final = re.compile(r"[A-Za-z]+")
# A letter of any of the three scripts above (without one, a text is read as English).
_ASIAN: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


def _count(script: re.Pattern[str], text: str) -> int:
    return sum(map(len, script.findall(text)))


def detect_language(text: str) -> str:
    """"ko" when Hangul makes up a fifth of the letters, "ja" with kana (or kanji and no
    Latin majority), "zh" for kanji without kana, else "en". A rule on scripts, not a
    model: enough to pick the word lists."""
    sample = text[:20000]
    # (an ASCII text holds none of those letters: not scanned for one)
    if sample.isascii() or not _ASIAN.search(sample):
        return "en"     # (no Hangul, kana or kanji: every rule below says English)
    hangul = _count(_HANGUL, sample)
    kana = _count(_KANA, sample)
    han = _count(_HAN, sample)
    latin = _count(_LATIN, sample)
    letters = hangul + kana + han + latin
    if not letters:
        return "en"
    if hangul >= 0.2 * letters:
        return "ko"
    if kana >= 0.03 * letters or (kana and han + kana >= 0.2 * letters):
        return "ja"
    if han >= 0.2 * letters:
        return "zh"
    return "en"


class Sentence:
    """One sentence of the cleaned text: its position, its paragraph and its words. (A plain
    class, not a dataclass, as the reader's other records of its own: the compiled reader
    builds it natively. Not changed once made.)"""

    __slots__ = ("end", "index", "paragraph", "start", "text")

    def __init__(self, index: int, paragraph: int, start: int, end: int, text: str) -> None:
        self.index, self.paragraph, self.start, self.end, self.text = \
            index, paragraph, start, end, text


# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS: Final = frozenset({
    "u.s", "u.k", "u.n", "d.c", "corp", "inc", "co", "ltd", "mr", "ms", "mrs", "dr", "st",
    "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "e.g", "i.e", "vs", "approx", "gov", "sen", "rep", "gen", "lt", "col", "jr", "sr", "bros",
    "s.a", "n.v", "p.m", "a.m", "mt", "ft", "fig", "est", "dept", "univ", "o.s.k",
})
# (Its first mark is read by one class, then told apart by a look back, so that the scan
# skips quickly to the marks: the same matches as
# "[.!?]+[\"”’')\]]*\s+|[。！？]+[」』”’)）]*\s*".)
_END: Final = re.compile(r"[.!?。！？](?:(?<=[.!?])[.!?]*[\"”’')\]]*\s+"
                         r"|(?<=[。！？])[。！？]*[」』”’)）]*\s*)")
_WORD_BEFORE: Final = re.compile(r"([A-Za-z][A-Za-z.&]*)$")
_WORD_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.&"


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``: each line is a paragraph; inside a line, a sentence ends at
    ``. ! ?`` followed by a space and not by a lower-case letter (and not after "U.S." or
    "Corp."), or at ``。！？``."""
    out: list[Sentence] = []
    offset = 0
    for para, line in enumerate(text.split("\n")):
        start = 0
        for m in _END.finditer(line):
            stop = m.end()
            if m.group().lstrip()[0] in ".!?":
                after = line[stop:stop + 1]
                if after and after.islower() and after.isascii():
                    continue
                # (searched from the start of the run of [A-Za-z.&] before the stop: the
                # match, anchored at the stop, starts inside that run)
                run = len(line[:m.start()].rstrip(_WORD_CHARS))
                before = _WORD_BEFORE.search(line, run, m.start())
                if before and m.group()[0] == "." and (
                        before.group(1).lower().rstrip(".") in _ABBREVIATIONS
                        or len(before.group(1)) == 1):
                    continue
            _add(out, line, start, stop, offset, para)
            start = stop
        _add(out, line, start, len(line), offset, para)
        offset += len(line) + 1
    return out


# Where a sentence too long to read whole is cut: after the last of these before the limit.
_PIECE_END: Final = re.compile(r"[\s,;:、，；]")


def _add(out: list[Sentence], line: str, start: int, stop: int, offset: int,
         para: int) -> None:
    while stop - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max((m.end() for m in _PIECE_END.finditer(line, limit - 200, limit)),
                  default=limit)
        _add_one(out, line, start, cut, offset, para)
        start = cut
    _add_one(out, line, start, stop, offset, para)


def _add_one(out: list[Sentence], line: str, start: int, stop: int, offset: int,
             para: int) -> None:
    chunk = line[start:stop]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    begin = offset + start + lead
    out.append(Sentence(len(out), para, begin, begin + len(stripped), stripped))
