"""The line rules read in lower-cased lines, with cheap first tests, decide every line as the
full case-blind patterns do."""

from __future__ import annotations

import random
import re
import sys

from pledge.ingest import clean
from pledge.ingest.clean import (
    _BREADCRUMB,
    _LIST_HEADER,
    _NOISE_LINE,
    _breadcrumb,
    _list_header,
    _noise_line,
    _word_count,
)
from pledge.ingest.word_patterns import plain_lower
from tests.ingest.helpers import NEWS

# What the boilerplate patterns are made of, each tried on one character case-blind and in
# the lower-cased character: a character that lower-cases to one character and is not
# set apart by ``plain_lower`` must be read the same both ways.
_ATOMS = [r"\w", r"\W", r"\d", r"\s", r"\S", r".", r"[a-z]", r"[\d\W_]", r"[\w .-]",
          r"[\w-]", r"[\w.]", r"[가-힣]", r"[:：]", *"abcdefghijklmnopqrstuvwxyz'ñçéüß"]


def test_every_cased_character_reads_the_same_lower_cased() -> None:
    cased = [chr(c) for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c < 0xE000 and (chr(c).lower() != chr(c) or chr(c).upper() != chr(c))]
    assert len(cased) > 2000
    for atom in _ATOMS:
        blind, plain = re.compile(atom, re.I), re.compile(atom)
        for c in cased:
            low = plain_lower(c)
            if low is not None:
                assert (blind.fullmatch(c) is None) == (plain.fullmatch(low) is None), (atom, c)


_PIECES = ["Share", "share this story", "TWEET", "Advertisement", "Article content",
           "Listen to this article", "5 min read", "Follow us", "follow Reuters on X",
           "Read more", "Related Articles", "More from Nikkei", "3 hours ago",
           "Updated Apr 3, 2026", "English (US)", "日本語", "2026", "—", "Home", "Or",
           "Reporting by Jane Doe", "Photo: AP", "写真：共同", "news@example.com",
           "jane.doe@mail.example.co.jp", "https://example.com/a", "www.example.com",
           "Accept all cookies", "Tags: energy", "태그: 에너지", "View in browser",
           "Sponsored: x", "홍길동 기자", "홍길동 기자 hong@yna.co.kr", "URL 복사", "url 복사하기",
           "関連記事", "広告", "Most viewed", "EDITOR'S PICKS", "Editors picks", "관련 기사",
           "Home > News > Energy", "뉴스 › 경제", "Japan » Energy » Power",
           "The plant will be built in Ohio.", "Japan names three projects",
           "ſhare", "SHARE İT", "ı", "\u212a", "a@b", "@", " ", ":", "-", "'", "(", ")"]


def _lines(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        parts = rng.sample(_PIECES, rng.randint(1, 3))
        line = rng.choice([" ", "", " > ", " | "]).join(parts)
        line = rng.choice([line, line.upper(), line.lower(), line.title()])
        out.append(line.strip())
    return out


def test_the_fast_line_rules_decide_as_the_full_patterns() -> None:
    lines = _PIECES + _lines(random.Random(5), 4000)
    lines += [line.strip() for path in sorted(NEWS.glob("*.*")) if path.suffix != ".json"
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    hits = [0, 0, 0]
    for line in lines:
        low = plain_lower(line)
        noise = _NOISE_LINE.match(line) is not None
        header = _LIST_HEADER.match(line) is not None
        crumb = _BREADCRUMB.match(line) is not None
        assert _noise_line(line, low) == noise, line
        assert _list_header(line, low) == header, line
        assert _breadcrumb(line) == crumb, line
        hits = [hits[0] + noise, hits[1] + header, hits[2] + crumb]
    assert min(hits) > 50


def test_words_are_counted_as_far_as_any_rule_compares() -> None:
    for line in ["", "one", "a b  c", "日本語の記事です", "日本 語の記事 です 。", "x " * 29,
                 "x " * 30, "x " * 31, "word " * 80, "日本語" * 40, "a 日本語" * 20]:
        whole = len(line.split()) + sum(map(len, clean._CJK_RUN.findall(line))) // 3
        assert _word_count(line) == min(whole, clean._MANY_WORDS), line
