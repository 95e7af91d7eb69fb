"""The quick tests that spare status and matching scans give what the full scans give:
a passage's proper words, a count's words, a body's words and a market-and-ending name."""

from __future__ import annotations

import random

from pledge.ingest import status_context, statuses, unknown_orgs
from pledge.ingest.match import _TOKEN, ProjectIndex
from tests.ingest.helpers import dev_texts

_PIECES = ["Gulflink", "gulflink2", "Port", "port", "Portsmouth's", "Land", "LAND", "G", "p",
           "2", "２", "AP1000", "ap1000", "two", "Three", "FIVE", "fıve", "ſ", "İ", " ", ", ",
           "board", "Board", "committee", "取締役会", "국회", "国", "の", "é", "-", "projects"]


def _mixtures(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def test_proper_words_skipped_only_when_none(index: ProjectIndex) -> None:
    for text in [*dev_texts(), *_mixtures(3000, 1)]:
        for line in text.split("\n"):
            if not index._may_name(line):
                assert index._proper(_TOKEN.findall(line)) == set(), line


def test_count_words_found_as_by_the_full_scan() -> None:
    word = statuses._COUNT_PARTS[0]
    for text in [*dev_texts(), *_mixtures(3000, 2)]:
        for line in text.split("\n"):
            found = [m.span() for m in statuses._counts(line) if m.re is word]
            assert found == [m.span() for m in word.finditer(line)], line


def test_body_words_as_word_by_word() -> None:
    for text in _mixtures(3000, 3):
        low = text.lower()
        assert (status_context._BODY_WORD.search(low) is not None) == any(
            w in low for w in status_context._BODY_WORDS)
        assert (status_context._CJK_OTHER_OPEN.search(text) is not None) == any(
            c in text for c in status_context._CJK_OTHER_OPENS)


def test_market_and_ending_as_every_prefix() -> None:
    prefixes, endings = unknown_orgs._NOT_CJK_PREFIX, unknown_orgs._CJK_ENDINGS
    letters = sorted(set("".join(prefixes) + "".join(endings)))
    rng = random.Random(4)
    names = [p + e for p in prefixes for e in endings]
    names += ["".join(rng.choice(letters) for _ in range(rng.randint(0, 9)))
              for _ in range(20000)]
    for name in names:
        assert unknown_orgs._market_and_ending(name) == any(
            name.startswith(p) and len(name) - len(p) <= 3 and name[len(p):] in endings
            for p in prefixes), name
