"""The shortcuts of the status reading find what the plain forms find: the count of a
sentence's projects from three patterns scanned apart, and the English status patterns
tried only in windows that hold the words they need (on the development articles and on
random mixtures of the words each turns on)."""

from __future__ import annotations

import random

import pytest

from pledge.ingest import signal_patterns, statuses
from tests.ingest.helpers import dev_texts

COUNT_PIECES = ["two", "Two", "THREE", "fıve", "fİve", "four", "five", "ten", "3", "٣", "12",
                " ", "  ", "\n", "projects", "Projects", "project", "projectsx", "つの", "案件",
                "件", "건", "개", "곳", "二", "三", "四", "五", "두", "세", "네", "x", "twofold",
                "people", "of the ", "from ", "-", "つ", "の"]
SIGNAL_PIECES = ["Japan", "JAPAN", "Japanese", "Korea", "Korean", "Tokyo", "Seoul", "JBIC",
                 "K-sure", "Ksure", "program", "fund", "facility", "the ", " ", "  ", "\n",
                 "received", "RECEIVED", "receives", "got", "gets", "collected", "drew",
                 "draws", "$2.1 billion", "¥320 billion", "2 trillion won", "from", "fromage",
                 "its", "their", "money", "cash", "funds", "payment", "arrived", "came in",
                 "comes\nin", "landed", "went through", "was sent", "paid", "wired",
                 "invested", "injected", "provided", "contributed", "completed",
                 "contribution", "second", "round", "tranche", "put", "forward", "submitted",
                 "filed", "to", "with", "before", "committee", "panel", "reviewers", "is",
                 "sat", "remains", "backed", "endorsed", "voted", "for", "passed", "sent",
                 "it", "to the President", "White House", "under", "framework", "in",
                 "Japan's", "Korea's", "ſ", "İ", "ı", "K", "wıth", "ſent", "commİttee", ",",
                 ".", "日本", "US side", "Commerce", "Washington", "government"]
# Wordings the patterns find (from their comments), mixed with the words above and
# changed at random: in capitals, or with a letter a case-blind pattern takes for an
# ASCII one ("ſ" for "s").
WORDINGS = ["had received $2.1 billion from Japan", "got its first $500m from JBIC",
            "finally has its money", "gets its Japanese cash", "Japanese money arrives",
            "the payment came from Japan", "the first $500 million from Japan was received",
            "Japan has paid for its share", "Tokyo finished paying for", "Seoul sent $1bn to",
            "Japan invested $1bn in the plant", "Tokyo has injected ¥150 billion into",
            "included in the second tranche", "part of the next round",
            "has put a U.S. fiber-optic cable plant forward",
            "submitted its plant to the committee", "filed a fresh proposal with the US side",
            "completed its $2.1 billion contribution", "funding for the plant was completed",
            "passed the plant to the President", "sent it on to the White House",
            "has sat with the committee since", "is before the committee",
            "the investment committee backed the plant", "the panel has unanimously endorsed",
            "received $1.2 billion in Japanese funds",
            "has received $2.4 billion under the Japan-US investment framework"]
_ODD: dict[str, str] = {"s": "ſ", "i": "ı", "k": "K", "I": "İ"}


def _changed(rng: random.Random, wording: str) -> str:
    """``wording`` as it stands, in capitals, or with one letter swapped for an odd one."""
    roll = rng.random()
    if roll < 0.5:
        return wording
    if roll < 0.7:
        return wording.upper()
    at = [i for i, c in enumerate(wording) if c in _ODD]
    if not at:
        return wording
    i = rng.choice(at)
    return wording[:i] + _ODD[wording[i]] + wording[i + 1:]


def _mixtures(pieces: list[str], count: int, most: int, seed: int) -> list[str]:
    """``count`` mixtures of up to ``most`` of ``pieces``, some with spaces between them."""
    rng = random.Random(seed)
    return [rng.choice(("", " ")).join(rng.choice(pieces) for _ in range(rng.randint(0, most)))
            for _ in range(count)]


def _sentences() -> list[str]:
    """The lines of the development articles (never the held-out part)."""
    return [line for t in dev_texts() for line in t.splitlines() if line.strip()]


def test_the_count_parts_find_what_the_count_pattern_finds() -> None:
    found = 0
    for t in _sentences() + _mixtures(COUNT_PIECES, 6000, 12, 3):
        plain = [(m.span(), next(g for g in m.groups() if g))
                 for m in statuses._COUNT.finditer(t)]
        parts = sorted((m.span(), next(g for g in m.groups() if g))
                        for p in statuses._COUNT_PARTS for m in p.finditer(t))
        assert parts == plain, t
        found += len(plain)
    assert found > 500


def test_the_english_patterns_find_the_same_without_their_quick_tests(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    mixed = [" ".join(rng.choice((_changed(rng, rng.choice(WORDINGS)), *rng.sample(
        SIGNAL_PIECES, 3))) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    texts = dev_texts() + _mixtures(SIGNAL_PIECES, 3000, 30, 5) + mixed
    quick = [list(signal_patterns._english(t)) for t in texts]
    monkeypatch.setattr(signal_patterns, "_MUST_HOLD", {})
    plain = [list(signal_patterns._english(t)) for t in texts]
    assert quick == plain
    assert sum(map(len, plain[-len(mixed):])) > 1000
