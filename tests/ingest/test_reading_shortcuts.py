"""Shortcuts of the sentence reading find what their plain forms find: English status
patterns tried only where a match may begin, and a list of words looked for with one
search (on the development articles and on random mixtures of the words they turn on)."""

from __future__ import annotations

import random

import pytest

from pledge.ingest import reading
from pledge.ingest.gazetteer import load
from tests.ingest.test_fast_reading import SIGNAL_PIECES, english_same_without

# (the words the patterns tried at their openings open with, with odd letters and cases)
OPENING_PIECES = ["the", "The", "THE", "ſits", "İs", "ıs", "Kexim", "K-sure", "k-Sure",
                  "stayed", "STAYS", "lay", "lies", "remained", "were", "Was", "are", "has",
                  "sat", "among", "joins", "added to", "part of", "included in", "into",
                  "South Korea", "NEXI", "fund", "facility", "programme", "xis", "_is", "9is",
                  "éis", "-is", "Ǆis", "ǅa", "Ksure paid $2 billion", "KSURE sent its share",
                  "the fund wired $1bn", "NEXI has paid its share"]


def test_the_english_patterns_find_the_same_tried_only_at_their_openings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    english_same_without(monkeypatch, "_OPENINGS", SIGNAL_PIECES + OPENING_PIECES, 11, 9)


def test_one_search_finds_a_word_of_a_list_where_a_test_of_each_does() -> None:
    g = load()
    lists = [*g.negations.values(), *g.modals.values(), ("すれば", "たら"), ("a.b", "(", ""),
             ()]
    pieces = sorted({w for ws in lists for w in ws} | {"x", " ", "。", "、", "ab", "a"})
    rng = random.Random(3)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        for words in lists:
            finder = reading._any_of(words)
            one = finder is not None and finder.search(text) is not None
            assert one == any(w in text for w in words), (text, words)
            found += one
    assert found > 1000
