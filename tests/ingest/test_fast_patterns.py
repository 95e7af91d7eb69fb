"""The patterns written for speed find what their plain forms find (the plain forms are
kept here as the reference), on the labelled articles and on random mixtures of the
characters each pattern turns on."""

from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.ingest import claims, clean, cuts, match, text, unknown_orgs
from pledge.ingest import role_words as role_words_module
from pledge.ingest.reading import _last_words
from tests.ingest.helpers import dev_texts

_CJK = "\u3040-\u30ff\u3400-\u9fff"
PLAIN = {
    "sentence end": (re.compile(r"[.!?]+[\"”’')\]]*\s+|[。！？]+[」』”’)）]*\s*"), text._END),
    "clause break": (re.compile(rf",\s+(?:while|whereas|but)\s+|(?<=[{_CJK}])\s+(?=[{_CJK}])"),
                     cuts.CLAUSE_BREAK),
    "company trigger": (re.compile(
        rf"(?<![\w])(?:{'|'.join(unknown_orgs._KEPT_ENDINGS)}"
        rf"|{'|'.join(re.escape(e) for e in unknown_orgs._LEGAL_ENDINGS)}"
        r"|shares|stock)(?![\w])|\b[Ss]hares (?:in|of) "), unknown_orgs._TRIGGER),
    "matching word": (re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]*\d[A-Za-z0-9\-]*"),
                      match._TOKEN),
}
PIECES = ["to", "cost", "costs", "xto", "_to", "é", " ", "\t", "\n", "$5", "US$5", "U.S. $5",
          "S$1", "€2", ".", "!", "?", "...", "。", "！", "」", "”", "’", ")", "]", '"', "'", ",",
          ", while ", ", but", "whereas ", "日本", "한국", "ア", "\u3000", "\u00a0", "  ", "a",
          "The", "1", "and", "Industries", "shares", "Shares in ", "shares of ", "Co., Ltd.",
          "Corp.", "stock", "xstock", "Group", "Groups", "SHARES", "Ltd", "plc", "billion",
          "\n billion", "5\n", "lakh", "-", "AP1000", "x-7", "Z-", "9a", "２", "第２弾", "a٣"]


def _texts(rng: random.Random | None = None, pieces: list[str] = PIECES, count: int = 4000,
           most: int = 14) -> list[str]:
    """The development articles (never the held-out part) and ``count`` mixtures of up to
    ``most`` of ``pieces``, drawn by ``rng``."""
    rng = rng or random.Random(9)
    texts = dev_texts()
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most)))
              for _ in range(count)]
    return texts


def test_the_fast_patterns_match_where_their_plain_forms_match() -> None:
    found = dict.fromkeys(PLAIN, 0)
    for t in _texts():
        for name, (plain, fast) in PLAIN.items():
            spans = [m.span() for m in plain.finditer(t)]
            assert [m.span() for m in fast.finditer(t)] == spans, (name, t)
            found[name] += len(spans)
    assert all(n > 50 for n in found.values()), found


def test_the_quick_first_tests_pass_every_text_the_joins_change() -> None:
    changed = 0
    for t in _texts():
        if clean._AMOUNT_OPENS_LINE.search(t):
            assert clean._LINE_OPENS_WITH_AMOUNT.search(t), t
            changed += 1
        if clean._BROKEN_AMOUNT.search(t):
            assert clean._MAGNITUDE_OPENS_LINE.search(t), t
            changed += 1
    assert changed > 20


def test_lines_spaced_by_single_blanks_are_normalised_as_before() -> None:
    import unicodedata

    spaces = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
    for t in _texts():
        folded = unicodedata.normalize("NFKC", t.replace("\r\n", "\n").replace("\r", "\n"))
        plain = "\n".join(spaces.sub(" ", line).strip() for line in folded.split("\n"))
        assert text.normalise(t) == plain, t


ROLE_PIECES = ["led by", "Led By", "xled by", "leads", "partner", "partnership", "EPC", "epc",
               "co-investing", "off-take", "offtakers", "will build", "provides the loans",
               "ſupply", "supply", "K", "\u212a", "İ", "主導", "공급", "납품", "_", "é", " ", "\n",
               "Toshiba", ",", "-", "a", "1"]


def test_the_fast_role_word_search_finds_what_the_role_pattern_finds() -> None:
    rng = random.Random(11)
    for written in _texts(rng, ROLE_PIECES, 3000, 12):
        for lo in range(0, max(len(written), 1), 23):
            hi = lo + rng.randint(0, 200)
            plain = [(lo + m.start(), lo + m.end(), str(m.lastgroup).rstrip("_"), m.group(0))
                     for m in role_words_module.ROLES.finditer(written[lo:hi])]
            assert role_words_module.role_words(written, lo, hi) == plain, (written[lo:hi], plain)


# The relation words as first written, one case-blind pattern.
RELATIONS_PLAIN = re.compile(
    r"\b(?:(?P<duplicate>(?:also known as|the same project as|formerly|renamed|previously "
    r"(?:reported|announced|known) as)\b)"
    r"|(?P<later_tranche>(?:second|next|later|another) (?:phase|tranche|stage) of\b"
    r"|expansion of\b)"
    r"|(?P<part_of>(?:is|are|as|will be|was) (?:a |one )?(?:part|component) of\b))", re.I)
RELATION_PIECES = ["also known as", "Also Known As", "formerly", "xformerly", "renamed",
                   "the second phase of", "Next Tranche of", "expansion of", "is a part of",
                   "was one component of", "as part of", "ſecond phase of", "İs", " ", "a",
                   "of", "offer", "_", "é", "\n", "K"]


def test_the_fast_relation_search_finds_what_the_relation_pattern_finds() -> None:
    for written in _texts(random.Random(12), RELATION_PIECES, 3000, 10):
        for piece in [written, *written.split(".")]:
            m = RELATIONS_PLAIN.search(piece)
            plain = None if m is None else (m.start(), m.end(), m.lastgroup, m.group(0))
            assert claims._RELATIONS.search(piece) == plain, (piece, plain)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n\tab-Xか", max_size=400), st.integers(0, 400), st.integers(1, 8))
def test_the_last_words_before_a_place_are_those_of_the_whole_text_before_it(
        text: str, end: int, n: int) -> None:
    end = min(end, len(text))
    assert _last_words(text, end, n) == text[:end].split()[-n:]
