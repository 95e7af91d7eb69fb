"""One scan of all the gazetteer's matchers finds, matcher by matcher, exactly the hits each
matcher's own patterns find: on the labelled development articles (raw and cleaned) and on
random mixtures of the phrases with blanks, cases, glued letters and digits around them."""

from __future__ import annotations

import random
import re
import sys
from typing import Any

from pledge.ingest.clean import clean
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.phrases import _OTHER_BLANKS, PhraseMatcher, PhraseScan
from tests.ingest.helpers import NEWS


def _matchers(g: Gazetteer) -> list[PhraseMatcher[Any]]:
    return [g.org_matcher, g.state_matcher, g.site_matcher, g.sector_matcher, g.type_matcher,
            *g.signal_matchers.values(), *g.cue_matchers.values(), g.country_matcher,
            g.official_matcher]


def _same(scan: PhraseScan, text: str) -> int:
    """Asserts the scan's hits are each matcher's own; gives how many there are."""
    found = scan.scan(text)
    for matcher, hits in zip(scan.matchers, found, strict=True):
        assert hits == list(matcher.finditer(text)), text
    return sum(map(len, found))


def test_the_scan_finds_each_matchers_hits_in_the_articles(gazetteer: Gazetteer) -> None:
    scan = PhraseScan(_matchers(gazetteer))
    paths = [p for p in sorted(NEWS.glob("*.*")) if p.suffix in (".txt", ".html")]
    assert len(paths) >= 15
    total = 0
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        cleaned = clean(raw, name=path.name).text
        for text in (raw, cleaned, cleaned.upper(), cleaned.replace(" ", "  "),
                     cleaned.replace("\n", " \n\n\t")):
            total += _same(scan, text)
    assert total > 1000


def test_the_scan_finds_each_matchers_hits_around_blanks_cases_and_letters(
        gazetteer: Gazetteer) -> None:
    matchers = _matchers(gazetteer)
    scan = PhraseScan(matchers)
    phrases = sorted({k for m in matchers for k in [*m._exact, *m._lowered_keys]})
    around = ["", " ", "  ", "\n", "\t", " \n ", "\u3000", "\u00a0", "\u2028", "-", "x", "7",
              "é", "。", "K", "\u212a", "İ", "ſ"]
    rng = random.Random(20)
    total = 0
    for _ in range(400):
        words = []
        for phrase in rng.sample(phrases, 10):
            shown = rng.choice([phrase, phrase.upper(), phrase.title()])
            shown = shown.replace(" ", rng.choice([" ", "  ", "\n", " \t"]))
            words.append(rng.choice(around) + shown)
        total += _same(scan, "".join(words))
    assert total > 1000


def test_the_blanks_class_holds_every_blank_but_a_space_and_a_line_break() -> None:
    blanks = {c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c)}
    assert {c for c in blanks if _OTHER_BLANKS.fullmatch(c)} == blanks - {" ", "\n"}
