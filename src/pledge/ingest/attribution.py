"""What an amount refers to and who pledges: the nearest cue word of a tranche or of
the programme, a partner's headline pledge, amounts of a flow ("a year"), and the
pledging country scored from cue words and headline pledges."""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from pledge.ingest.amounts import AmountHit
from pledge.ingest.facts import Amount
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.reading import SentenceRead
from pledge.ingest.text import Sentence


def country_words(g: Gazetteer, sentences: list[Sentence]) -> list[list[str]]:
    """The partner each cue word of a country names, sentence by sentence."""
    return [[h.value for h in g.country_matcher.finditer(s.text)] for s in sentences]


def country_of(g: Gazetteer, sentences: list[Sentence], amounts: list[Amount],
               named: list[list[str]] | None = None) -> tuple[str, str, float]:
    """The pledging country (name, framework, confidence); ``named``: the sentences'
    :func:`country_words`, when they are known."""
    score: Counter[str] = Counter()
    if named is None:
        named = country_words(g, sentences)
    for s, partners in zip(sentences, named, strict=True):
        weight = 2 if s.index < 2 else 1
        for partner in partners:
            score[partner] += weight
    for a in amounts:
        if a.currency != "USD" or a.high is None:
            continue
        for c in g.countries:
            if a.high in c.pledges and a.low == a.high:
                score[c.framework] += 3
    if not score:
        return "", "", 0.0
    ranked = score.most_common()
    framework, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    name = next((c.name for c in g.countries if c.framework == framework), framework)
    confidence = round(min(0.95, 0.5 + (top - second) / (2 * top + 1)), 2)
    return name, framework, confidence


# Amounts of a flow ("$20 billion a year in exports", "연간 200억 달러"): not a cost.
PER_PERIOD_AFTER: Final = re.compile(
    r"\s*(?:(?:a|per|each|every)\s+(?:year|month|quarter|annum)\b|annually\b|yearly\b|"
    r"/\s?(?:yr|year|month|mo)\b|(?:over|across)\s+(?:the\s+next\s+)?(?:\w+\s+)?"
    r"(?:years|decades)\b|(?:를|을)?\s?(?:매년|해마다))", re.I)
PER_PERIOD_BEFORE: Final = re.compile(
    r"(?:\b(?:annual|annually|yearly|a year of)|연간|연|年間|毎年|年)\s*$", re.I)
_PERIOD_WORD_SIZE: Final = len("a year of")     # the longest word of PER_PERIOD_BEFORE


def period_before(text: str, end: int) -> bool:
    """Whether ``PER_PERIOD_BEFORE`` finds a word of a period ending ``text[:end]`` (spaces
    after it aside), looked for only where it can start: that word's length before the
    spaces, the text before it read as context."""
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    return PER_PERIOD_BEFORE.search(text, max(0, stop - _PERIOD_WORD_SIZE), end) is not None


def is_pledge(g: Gazetteer, a: AmountHit) -> bool:
    """A partner's headline pledge (US$550bn, US$350bn ...), written as one amount."""
    r = a.range
    return r.currency == "USD" and r.low == r.high and any(
        r.high in c.pledges for c in g.countries)


def distance(a: AmountHit, pos: int) -> int:
    if a.start <= pos < a.end:
        return 0
    return min(abs(pos - a.start), abs(pos - a.end))


def nearest_cue(r: SentenceRead, a: AmountHit) -> tuple[str, int]:
    """The nearest word of a tranche or of the programme, and how far it is."""
    best = ("", 10**6)
    for kind, name in (("tranche_words", "tranche"), ("programme_words", "programme")):
        for h in r.cue_hits.get(kind, []):
            d = distance(a, h.start)
            if d < best[1]:
                best = (name, d)
    return best
