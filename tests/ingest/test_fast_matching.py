"""The shortcuts of matching, amounts and terms give what the plain computations give: the
readings of amounts kept, the capitals of distinctive name words looked for in one scan,
and the terms of a sentence skipped when it holds no figure (on the development articles
and on random mixtures of the pieces each turns on)."""

from __future__ import annotations

import random
import re

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.money import MoneyRange, parse_amount
from pledge.ingest import amounts, claims, match
from pledge.ingest.clean import clean
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import ProjectIndex
from pledge.ingest.reading import SentenceRead, SentenceReader
from pledge.ingest.text import detect_language, split_sentences
from tests.ingest.helpers import dev_texts

AMOUNT_PIECES = ["$", "US$", "¥", "₩", "€", "RM", "R", "W", "3", "33", "550", "1,000", "2.5",
                 "0", "007", " ", "  ", "billion", "bn", "million", "m", "trillion", "tn",
                 "兆", "億", "万", "조", "억", "만", "円", "ドル", "달러", "원", "yen", "won",
                 "dollars", "up to ", "at least ", "about ", "約", "최대 ", "to", "-", "–",
                 "from ", "(", "per share", "a barrel", "٣", "２", "以上", "이상"]
TEXT_PIECES = ["Gulflink", "GulfLink", "Gulf", "Portsmouth", "Port", "port", "Powered",
               "powered", "Land", "land", "LNG", "Pennsylvania", "plant", "the", " ", "  ",
               "\n", "-", ",", ".", "'s", "3", "٣", "２", "10", "p2", "G", "L", "P", "g", "l",
               "p", "30 days", "days", "営業日", "일 이내", "50/50", "90%", "％", "per cent",
               "split", "profit", "funding", "window", "tariff", "from 25% to 15%", "x",
               "日本", "한국"]
# Wordings of terms, their figures written in digits drawn at random from several scripts.
TERM_WORDINGS = ["funding within {a}{b} business days", "paid within {a}{b} days",
                 "a {a}{b}/{c}{d} split of profits", "profits split {a}{b}:{c}{d}",
                 "the United States takes {a}{b}%", "tariffs cut from {a}{b}% to {c}{d}%",
                 "a tariff of {a}{b} per cent", "資金を{a}{b}営業日以内に拠出",
                 "영업일 기준 {a}{b}일 이내 자금", "{a}{b}日以内に資金"]
TERM_DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９"
_DIGIT = re.compile(r"\d")


def _mixtures(pieces: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(n)]


def _term_wordings(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(TERM_WORDINGS).format(**{k: rng.choice(TERM_DIGITS) for k in "abcd"})
            for _ in range(n)]


def _dev_sentences() -> list[str]:
    return [s.text for t in dev_texts() for s in split_sentences(clean(t).text)]


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return _dev_sentences()


def _plain_parse(text: str) -> MoneyRange | None:
    quick = amounts._quick(text)
    if quick is not None:
        return quick
    try:
        return parse_amount(text)
    except InvalidInput:
        return None


def test_kept_readings_of_amounts_are_the_plain_readings(sentences: list[str]) -> None:
    spans = [amounts._parse_text(m) for s in sentences for m in amounts._candidates(s)]
    spans += _mixtures(AMOUNT_PIECES, 3000, 1)
    assert len(spans) > 3000
    for text in spans:
        first = amounts._parse(text)
        again = amounts._parse(text)     # (read from what is kept)
        assert first == again == _plain_parse(text), text


def test_kept_readings_are_emptied_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(amounts, "_READ_KEPT", 3)
    amounts._READ.clear()
    for text in ("$1bn", "$2bn", "$3bn", "$4bn", "$1bn"):
        assert amounts._parse(text) == _plain_parse(text)
        assert len(amounts._READ) <= 3


def test_capitals_looked_for_in_one_scan_as_one_by_one(
        sentences: list[str], index: ProjectIndex) -> None:
    assert index._capital_openers     # (else the scan is not made at all)
    texts = sentences + _mixtures(TEXT_PIECES, 3000, 2)
    for text in texts:
        plain = any(c in text for c in index._capital_openers) or (
            any(c in text for c in index._digit_openers) and _DIGIT.search(text) is not None)
        assert index._may_name(text) == plain, text
        if not plain:    # (what the test is for: no distinctive word is missed)
            assert not index._proper(match._TOKEN.findall(text)), text


def test_no_capital_to_look_for_names_nothing(gazetteer: Gazetteer) -> None:
    empty = ProjectIndex([], gazetteer)
    assert not empty._may_name("Gulflink Portsmouth 2")


def _plain_terms(reads: list[SentenceRead]) -> list[claims.TermFact]:
    out: list[claims.TermFact] = []
    for r in reads:
        text = r.sentence.text
        found = [claims._window(text), claims._split(text),
                 claims._tariff(text) if "tariff_words" in r.cues else None]
        out.extend(claims.TermFact(f.settings, f.written, r.sentence.index, text,
                                   f.confidence, f.reading) for f in found if f is not None)
    return out


def test_terms_skipping_sentences_without_a_figure_are_the_plain_terms(
        gazetteer: Gazetteer) -> None:
    texts = dev_texts() + [". ".join(_mixtures(TEXT_PIECES, 40, seed)) for seed in range(30)]
    texts += [". ".join(_term_wordings(seed, 40)) for seed in range(10)]
    seen = 0
    for text in texts:
        cleaned = clean(text).text
        sentences = split_sentences(cleaned)
        reader = SentenceReader(gazetteer, detect_language(cleaned), cleaned, sentences)
        reads = [reader.read(s) for s in sentences]
        found = claims.terms(reads)
        assert found == _plain_terms(reads)
        seen += len(found)
    assert seen     # (some terms are read at all)


def test_no_term_is_read_from_a_sentence_without_a_figure(sentences: list[str]) -> None:
    for text in sentences + _mixtures(TEXT_PIECES, 3000, 3) + _term_wordings(4, 500):
        if _DIGIT.search(text) is None:
            assert claims._window(text) is None, text
            assert claims._split(text) is None, text
            assert claims._tariff(text) is None, text
