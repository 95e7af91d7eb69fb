"""The shortcuts of the status reading find what the plain forms find: the count of a
sentence's projects from three patterns scanned apart, and the English status patterns
tried only in windows that hold the words they need (on the development articles and on
random mixtures of the words each turns on)."""

from __future__ import annotations

import random
import re

import pytest

from pledge.ingest import signal_patterns, statuses
from pledge.ingest.word_patterns import may_hold
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
        parts = sorted((m.span(), m.group(1))
                        for p in statuses._COUNT_PARTS for m in p.finditer(t))
        assert parts == plain, t
        assert [(m.span(), m.group(1)) for m in statuses._counts(t)] == plain, t
        found += len(plain)
    assert found > 500


def english_same_without(monkeypatch: pytest.MonkeyPatch, shortcut: str,
                         pieces: list[str], seed: int, mixture_seed: int) -> None:
    """The English status patterns find the same with the table ``shortcut`` of
    signal_patterns emptied (so every window is scanned in full): on the development
    articles, mixtures of ``pieces``, and changed wordings among them (over a thousand
    finds in those)."""
    rng = random.Random(seed)
    mixed = [" ".join(rng.choice((_changed(rng, rng.choice(WORDINGS)), *rng.sample(
        pieces, 3))) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    texts = dev_texts() + _mixtures(pieces, 3000, 30, mixture_seed) + mixed
    quick = [list(signal_patterns._english(t)) for t in texts]
    monkeypatch.setattr(signal_patterns, shortcut, {})
    plain = [list(signal_patterns._english(t)) for t in texts]
    assert quick == plain
    assert sum(map(len, plain[-len(mixed):])) > 1000


def test_the_english_patterns_find_the_same_without_their_quick_tests(
        monkeypatch: pytest.MonkeyPatch) -> None:
    english_same_without(monkeypatch, "_MUST_HOLD", SIGNAL_PIECES, 7, 5)


GUARD_PIECES = ["commissioners", "Commission", "COUNCIL", "board", "shareholders", "state",
                "regulators", "agency", "FERC", "NRC", "EPA", "governor", "mayor",
                "authority", "authorities", "lawmakers", "legislature", "voters", "court",
                "Congress", "Senate", "parliament", "county", "city", "township", "permit",
                "of", "the", "Texas", "Railroad", "had", "has", "also", "unanimously", "  ",
                "approved", "ſhareholders", "commİssion", "cıty", "separate from",
                "SEPARATE FROM", "outside", "outside of", "unrelated to", "not part of",
                "independent of", "ſeparate from", "outſide", "framework", "programme",
                "program", "deal", "package", "investment pledge", "$550bn", "枠組み", "と",
                "は", "別", "外", "関係な", "制度", "対米投資", "틀", "과는", "별개", "무관",
                "프레임워크", "대미 투자", "대미투자", "dozens of projects", "Dozen of Projects",
                "12 projects", "6件", "7 건", "9 Projects", "dozenſ of projects", "5 projects"]


def test_the_guards_find_the_same_with_their_quick_tests() -> None:
    from pledge.ingest import status_context, status_guards

    found = [0, 0, 0]
    lines = _sentences()
    for k, t in enumerate(lines + _mixtures(GUARD_PIECES, 3000, 10, 11)):
        # (in the articles, before each word a status word may open; in the mixtures,
        # before every character)
        ends = [i for i, c in enumerate(t) if c == " "] if k < len(lines) else range(len(t))
        for end in [*ends, len(t)]:
            plain = status_context._OTHER_BEFORE.search(t, max(0, end - 50), end) is not None
            assert status_context._other_before(t, end) == plain, (t, end)
            found[0] += plain
        apart = status_guards._APART.search(t) is not None
        assert not apart or status_guards._may_be_apart(t), t
        many = status_context._MANY.search(t) is not None
        assert status_context.speaks_of_many(t) == many, t
        found[1] += apart
        found[2] += many
    assert min(found) > 100, found


HOLDS_PIECES = ["if", "If", "IF", "ıf", "İf", "unless", "until", "in case", "In  Case", "keep",
                "Keeps", "continue", "continue to", "remain", "REMAINS", "remaın", "keeps ",
                "not", "n't", "no", "never", "yet to", "will", "would", "May", "may", "to be",
                "expected to", "waiting for", "plans to", " ", "  ", ",", ";", ".", "x",
                "nothing", "known", "ifs", "-", "아직", "않", "予定"]


def test_a_status_words_quick_tests_pass_every_text_its_patterns_find_in() -> None:
    from pledge.ingest import reading
    from pledge.ingest.gazetteer import load

    g = load()
    word_lists = [*g.negations.values(), *g.modals.values()]
    found = [0, 0, 0]
    for t in _sentences() + _mixtures(HOLDS_PIECES, 6000, 10, 13):
        if reading._GOES_ON.search(t):
            assert may_hold(t, reading._GOES_ON_WORDS), t
            found[0] += 1
        if reading._IF_CLAUSE.search(t):
            assert may_hold(t, reading._IF_WORDS), t
            found[1] += 1
        for words in word_lists:
            latin = [w for w in words if w.isascii() and w[0].isalpha()]
            low = t.lower()
            plain = (bool(latin) and re.search(
                r"(?<![a-z])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z])",
                low) is not None) or any(w in low for w in words if w not in latin)
            assert reading._window_has(t, words) == plain, (t, words)
            found[2] += plain
    assert min(found) > 100, found


MORE_PIECES = ["Q:", "Q .", "q:", "――", "─", "質問", "問", "?", "？", "は", "요", "。", ".", " ",
               "\n", "\u3000", "  ", "x", "And the reactors", "second round", "Second-Tranche",
               "next batch", "third phaſe", "2nd round", "第2弾", "第二弾", "2차", "二次",
               "次の案件", "次回", "다음 단계", "차기", "取締役会", "株主総会", "規制委員会",
               "州政府", "全国会議", "国会", "이사회", "주 정부", "민주정부", "국회", "한국회사",
               "규제 당국", "で", "承認", "..", "…", "추천", "철회"]


def test_the_question_round_and_body_tests_find_the_same() -> None:
    from pledge.ingest import role_refs, status_context

    found = [0, 0, 0]
    lines = _sentences()
    for k, t in enumerate(lines + _mixtures(MORE_PIECES, 8000, 8, 17)):
        asks = role_refs._QUESTION.search(t) is not None
        assert role_refs._asks(t) == asks, t
        found[0] += asks
        if statuses._LATER_ROUND.search(t):
            assert statuses._may_name_a_round(t), t
            found[1] += 1
        # (the bodies in the 40 characters before every place of the mixtures)
        for end in range(len(t) + 1 if k >= len(lines) else 0):
            lo = max(0, end - 40)
            if status_context._CJK_OTHER.search(t, lo, end):
                assert any(t.find(c, lo, end) >= 0 for c in status_context._CJK_OTHER_OPENS)
                found[2] += 1
    assert min(found) > 100, found
