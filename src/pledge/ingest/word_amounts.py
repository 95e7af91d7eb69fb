"""Amounts of money written in words: "more than half a million dollars", "two trillion
yen", "a billion dollars", and the vague Japanese and Korean counts "数兆円", "数千億ドル",
"수조 원".

Each is rewritten in figures ("more than 0.5 million dollars") and read by the core's
amount parser, like any amount; the hit keeps the words as written.

The convention for a vague count: "数" (Japanese) and "수" (Korean) before a magnitude,
and the English "several" before one, mean two to nine of it, so "数兆円" is the range
¥2tn to ¥9tn, "数千億円" ¥200bn to ¥900bn and "several billion dollars" US$2bn to US$9bn.
Such a range says the convention in its note and has a confidence below the one an
article's summary reports (:data:`pledge.ingest.facts.REPORT_CONFIDENCE`): it is kept
among the article's facts, not given as one of its amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from pledge.domain.errors import InvalidInput
from pledge.domain.money import MoneyRange, parse_amount

__all__ = ["VAGUE_NOTE", "WordHit", "find_word_amounts"]

VAGUE_NOTE: Final = ("a vague count (数, 수, several) read as two to nine of its magnitude, "
                     "by convention")

_ONES: Final = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
     "eighteen", "nineteen"])}
_TENS: Final = {w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
_FRACTIONS: Final = {"half a": Decimal("0.5"), "a half": Decimal("0.5"),
                     "a quarter of a": Decimal("0.25"), "quarter of a": Decimal("0.25"),
                     "three quarters of a": Decimal("0.75"), "a": Decimal(1), "an": Decimal(1)}

_NUMBER_WORD: Final = ("(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + ")(?:[- ](?:"
                       + "|".join(w for w in _ONES if w != "zero") + "))?|"
                       + "|".join(sorted((w for w in _ONES if w != "zero"), key=len,
                                         reverse=True)))
_FRACTION_WORD: Final = "|".join(sorted(_FRACTIONS, key=len, reverse=True)).replace(" ", r"\s+")
_QUALIFIER: Final = (r"(?P<qual>(?:(?:no|not)\s+(?:more|less)\s+than|more\s+than|less\s+than"
                     r"|up\s+to|at\s+least|about|around|roughly|nearly|almost|over|under|some"
                     r"|as\s+much\s+as)\s+)?")
_CURRENCY_WORDS: Final = (r"(?:(?:U\.S\.|US|Singapore|Australian|Hong\s+Kong|Canadian|Taiwan"
                          r"|NT)\s+)?(?:dollars|yen|won|euros|pounds|rand|ringgit|rupees|francs"
                          r"|yuan)")
_ENGLISH: Final = re.compile(
    rf"(?<![A-Za-z0-9]){_QUALIFIER}"
    rf"(?:(?P<several>several)|(?P<count>{_NUMBER_WORD})(?P<andhalf>\s+and\s+a\s+half)?"
    rf"|(?P<fraction>{_FRACTION_WORD}))"
    r"(?P<hundred>\s+hundred)?\s+(?P<mag>thousand|million|billion|trillion)\s+"
    rf"(?P<cur>{_CURRENCY_WORDS})(?![A-Za-z])",
    re.IGNORECASE)
_CJK_VAGUE: Final = re.compile(
    r"[数수](?<![가-힣][数수])(?P<small>[十百千십백천])?(?P<big>[万億兆만억조])"
    r"\s?(?P<cur>円|ドル|米ドル|ユーロ|ウォン|원|달러|엔|유로)")
# What every English amount in words ends with: a magnitude ("...illion", "thousand")
# and a currency word. The magnitudes are found by plain search, and only where a
# currency word follows one is the whole pattern tried, from a little before it.
_CURRENCY_NEXT: Final = re.compile(rf"\s+{_CURRENCY_WORDS}(?![A-Za-z])", re.IGNORECASE)
_BACK: Final = 80
_CJK_LEAD: Final = re.compile(r"(約|およそ|최대|약)\s?$")
_SMALL: Final = {"十": 10, "百": 100, "千": 1000, "십": 10, "백": 100, "천": 1000}
_CONFIDENCE: Final = 0.8
_VAGUE_CONFIDENCE: Final = 0.45


@dataclass(frozen=True, slots=True)
class WordHit:
    """An amount written in words: its span, the words, the parsed range, a note."""

    start: int
    end: int
    text: str
    range: MoneyRange
    confidence: float
    note: str = ""


def _count(words: str) -> int:
    parts = re.split(r"[- ]", words.lower())
    total = 0
    for p in parts:
        total += _TENS.get(p, 0) + _ONES.get(p, 0)
    return total


def _parse(text: str, written: str) -> MoneyRange | None:
    try:
        r = parse_amount(text)
    except InvalidInput:
        return None
    return MoneyRange(r.low, r.high, r.currency, written)


def _magnitude_ends(text: str) -> list[int]:
    """Where each "...illion" or "thousand" in ``text`` ends, in order."""
    lower = text.lower()
    ends = []
    for word in ("illion", "thousand"):
        i = lower.find(word)
        while i >= 0:
            ends.append(i + len(word))
            i = lower.find(word, i + 1)
    return sorted(ends)


def _english(text: str) -> list[WordHit]:
    hits: list[WordHit] = []
    done = 0
    for end in _magnitude_ends(text):
        after = _CURRENCY_NEXT.match(text, end)
        if after is None or after.end() <= done:
            continue
        m = _ENGLISH.search(text, max(done, end - _BACK), after.end())
        if m is None:
            continue
        done = m.end()
        hundred = 100 if m.group("hundred") else 1
        cur, mag = " ".join(m.group("cur").split()), m.group("mag").lower()
        qual = " ".join(m.group("qual").split()) + " " if m.group("qual") else ""
        note = ""
        if m.group("several"):
            figures = f"{qual}{2 * hundred} to {9 * hundred} {mag} {cur}"
            note = VAGUE_NOTE
        elif m.group("count"):
            n = Decimal(_count(m.group("count"))) + (Decimal("0.5") if m.group("andhalf") else 0)
            figures = f"{qual}{n * hundred} {mag} {cur}"
        else:
            frac = _FRACTIONS[" ".join(m.group("fraction").lower().split())]
            figures = f"{qual}{frac * hundred} {mag} {cur}"
        rng = _parse(figures, m.group())
        if rng is not None:
            hits.append(WordHit(m.start(), m.end(), m.group(), rng,
                                _VAGUE_CONFIDENCE if note else _CONFIDENCE, note))
    return hits


def _vague(text: str) -> list[WordHit]:
    hits: list[WordHit] = []
    for m in _CJK_VAGUE.finditer(text):
        small = _SMALL[m.group("small")] if m.group("small") else 1
        lead_m = _CJK_LEAD.search(text, max(0, m.start() - 4), m.start())
        lead = lead_m.group(1) if lead_m else ""
        start = lead_m.start() if lead_m else m.start()
        big, cur = m.group("big"), m.group("cur")
        figures = (f"{lead}{9 * small}{big}{cur}" if lead in ("最大", "최대")   # up to 9 of it
                   else f"{lead}{2 * small}{big}〜{9 * small}{big}{cur}")
        written = text[start:m.end()]
        rng = _parse(figures, written)
        if rng is not None:
            hits.append(WordHit(start, m.end(), written, rng, _VAGUE_CONFIDENCE, VAGUE_NOTE))
    return hits


def find_word_amounts(text: str) -> list[WordHit]:
    """The amounts in ``text`` written in words or as a vague count, in order."""
    hits: list[WordHit] = []
    if "illion" in text or "thousand" in text or "ILLION" in text or "THOUSAND" in text:
        hits += _english(text)
    if "数" in text or "수" in text:
        hits += _vague(text)
    hits.sort(key=lambda h: h.start)
    return hits
