"""Money in text: every mention through the core parser; counts and percentages are not money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.ingest.amounts import find_amounts
from pledge.ingest.text import normalise
from tests.ingest.helpers import NEWS

M, B, T = Decimal(10) ** 6, Decimal(10) ** 9, Decimal(10) ** 12


def found(text: str) -> list[tuple[str, Decimal | None, Decimal | None, str]]:
    return [(h.text, h.range.low, h.range.high, h.range.currency)
            for h in find_amounts(normalise(text))]


@pytest.mark.parametrize(("text", "expected"), [
    ("an estimated 6 to 7 trillion yen", ("an estimated 6 to 7 trillion yen", 6 * T, 7 * T,
                                          "JPY")),
    ("from $350 million to as much as $100 billion",
     ("from $350 million to as much as $100 billion", 350 * M, 100 * B, "USD")),
    ("US$550bn", ("US$550bn", 550 * B, 550 * B, "USD")),
    ("between $400 billion and $600 billion", ("between $400 billion and $600 billion",
                                               400 * B, 600 * B, "USD")),
    ("no more than $20 billion a year", ("no more than $20 billion", None, 20 * B, "USD")),
    ("more than $37 billion", ("more than $37 billion", 37 * B, None, "USD")),
    ("could on its own exceed $100 billion", ("exceed $100 billion", 100 * B, None, "USD")),
    ("€600 billion", ("€600 billion", 600 * B, 600 * B, "EUR")),
    ("KRW 3 trillion", ("KRW 3 trillion", 3 * T, 3 * T, "KRW")),
])
def test_english_amounts(text: str, expected: tuple[object, ...]) -> None:
    assert found(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("事業費は330億ドル（約5兆700億円）", [("330億ドル", 33 * B, 33 * B, "USD"),
                                    ("約5兆700億円", Decimal("5.07") * T, Decimal("5.07") * T,
                                     "JPY")]),
    ("総額は最大730億ドル（11兆円超）", [("最大730億ドル", None, 73 * B, "USD"),
                                 ("11兆円超", 11 * T, None, "JPY")]),
    ("６兆～７兆円", [("6兆~7兆円", 6 * T, 7 * T, "JPY")]),
    ("1000億ドル規模の投資", [("1000億ドル規模", 100 * B, 100 * B, "USD")]),
    ("最大で100億ドル程度の融資", [("最大で100億ドル程度", None, 10 * B, "USD")]),
    ("1兆円を超える投資", [("1兆円を超える", T, None, "JPY")]),
])
def test_japanese_amounts(text: str, expected: list[tuple[object, ...]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("3500억 달러(약 509조 원) 규모", [("3500억 달러", 350 * B, 350 * B, "USD"),
                                ("약 509조 원", 509 * T, 509 * T, "KRW")]),
    ("56조~65조 원", [("56조~65조 원", 56 * T, 65 * T, "KRW")]),
    ("2조 5천억 원을 투자", [("2조 5천억 원", Decimal("2.5") * T, Decimal("2.5") * T, "KRW")]),
    ("₩509조", [("₩509조", 509 * T, 509 * T, "KRW")]),
    ("연간 200억 달러를 넘지 않는 범위", [("200억 달러를 넘지 않는", None, 20 * B, "USD")]),
    ("연 150억~200억 달러", [("150억~200억 달러", 15 * B, 20 * B, "USD")]),
    ("최대 1000억 달러", [("최대 1000억 달러", None, 100 * B, "USD")]),
])
def test_korean_amounts(text: str, expected: list[tuple[object, ...]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Trump agreed to set levies on all imports from Japan at 15%",
    "Japan has 45 business days to start funding",
    "Akazawa met for 85 minutes with Lutnick",
    "a fleet of 10 reactors could support 44,300 jobs over 13 years",
    "The deal, signed in 2025 won approval in parliament",
    "관세를 15%에서 25%로 올린다",
    "원전 3기를 짓는다",
    "9.2GW級の発電所、原発9基分",
])
def test_counts_percentages_and_years_are_not_money(text: str) -> None:
    assert found(text) == []


def test_two_amounts_joined_by_and_are_two() -> None:
    assert found("$5 billion and $7 billion for two plants") == [
        ("$5 billion", 5 * B, 5 * B, "USD"), ("$7 billion", 7 * B, 7 * B, "USD")]


@pytest.mark.parametrize(("text", "low", "high"), [
    ("総額1兆円以下の案件", None, Decimal("1e12")),
    ("投資は5000億円未満にとどまる", None, Decimal("5e11")),
    ("1조 원 이하", None, Decimal("1e12")),
])
def test_japanese_upper_bounds_after_the_amount_are_kept(text: str, low: Decimal | None,
                                                         high: Decimal) -> None:
    # "1兆円以下" is at most a trillion yen, not exactly one.
    [a] = find_amounts(text)
    assert (a.range.low, a.range.high) == (low, high)


def test_every_qualifier_after_an_amount_is_one_the_parser_reads() -> None:
    from pledge.domain.amount_words import SYMBOLS
    from pledge.ingest.amounts import _POST_QUALS

    assert all(SYMBOLS[w].kind == "qual" and SYMBOLS[w].post for w in _POST_QUALS)


def test_looking_only_before_the_digits_finds_what_a_whole_scan_finds() -> None:
    # find_amounts looks for a candidate's start only in the few characters before each
    # digit; every verb, qualifier and currency that may open an amount, alone and in the
    # longest combinations, glued to words or spaced, must still start it where a scan of
    # the whole text does.
    from pledge.domain.money import CURRENCIES
    from pledge.ingest.amounts import _CANDIDATE, _CJK_QUALS, _QUAL_WORDS, _candidates

    verbs = ["exceeds ", "exceeded ", "tops ", "topped ", "surpasses "]
    quals = ["", *(w + " " for w in _QUAL_WORDS),
             *(w.replace("?", "") + s for w in _CJK_QUALS for s in ("", " "))]
    currencies = ["", *(c + s for c in ("$", "US$", "US $", "U.S. $", "U.S.$", "NT$", "CN¥",
                                         "¥", "₩", "€", "£", "S$", "SG$", "A$", "AU$", "C$",
                                         "CA$", "HK$", "₹", "R", "RM", "Rs", "Rs.",
                                         *CURRENCIES) for s in ("", " "))]
    frames = [("In 2025 ", "5 billion", " or 20%."), ("x", "1,200億", "円 in 2026, up 3")]
    texts = [f"{lead}{v}{q}{c}{num}{tail}"
             for i, (v, q, c) in enumerate((v, q, c) for v in ("", "surpassed ")
                                           for q in quals for c in currencies)
             for lead, num, tail in [frames[i % 2]]]
    texts += [f"{v}{q}$5bn" for v in verbs for q in ("", "no more than ")]
    texts += ["a  double  space  before  up  to  $5bn", "2025年、約 5兆円 2026", "12 3 $4 5m",
              "as much aſ 5 billion yen", "ſome 5 billion yen", "KRW 5 trillion",
              "ABOUT 5 billion yen", "roundabout $5bn"]
    texts += [line for path in sorted(NEWS.glob("*.*")) if path.suffix != ".json"
              for line in normalise(path.read_text(encoding="utf-8")).split("\n")]
    for text in texts:
        assert [m.span() for m in _candidates(text)] == \
            [m.span() for m in _CANDIDATE.finditer(text)], text


def test_the_letters_a_case_blind_pattern_folds_to_ascii_are_all_known() -> None:
    # A lead is ruled out by looking at the lower-cased text before a digit; letters that a
    # case-blind pattern reads as ASCII letters without lower-casing to them are searched.
    import re

    from pledge.ingest.word_patterns import FOLDS_TO_ASCII as _FOLDS_TO_ASCII

    ascii_like = re.compile("(?i:[a-z])")
    odd = {chr(c) for c in range(0x80, 0x10000) if ascii_like.fullmatch(chr(c))}
    assert odd and all(_FOLDS_TO_ASCII.fullmatch(c) for c in odd)


def test_the_quick_reading_of_amounts_of_trillions_is_the_parsers_up_to_the_ceiling() -> None:
    from pledge.domain.errors import InvalidInput
    from pledge.domain.money import parse_amount
    from pledge.ingest.amounts import _quick

    spans = ["約80兆円", "7조원", "약 800조 원", "₩290 trillion", "R1.03 trillion",
             "RM2.31 trillion", "¥1499 trillion", "¥1500 trillion", "₩13999 trillion",
             "$9.999999 trillion", "$10 trillion", "US$10tn", "€8999bn", "9000조 원",
             "14000조 원", "$999,999,999,999", "$1,000,000,000,000"]
    read = 0
    for span in spans:
        quick = _quick(span)
        try:
            full = parse_amount(span)
        except InvalidInput:
            assert quick is None, span      # at or above the ceiling: refused, not read
            continue
        if quick is not None:
            read += 1
            assert (str(quick.low), str(quick.high), quick.currency, quick.text) == \
                (str(full.low), str(full.high), full.currency, full.text), span
    assert read >= 10
    assert _quick("¥1500 trillion") is None and _quick("$1,000,000,000,000") is None


def test_figures_without_a_sign_or_a_word_are_never_money() -> None:
    assert find_amounts("In 2029, 3.5% of 1,000 (about 1/3) rose - 12 ~ 14.") == []
    assert [a.text for a in find_amounts("In 2029 it paid $3.5bn, or 5,000 yen.")] == \
        ["$3.5bn", "5,000 yen"]


def test_a_caseless_letter_class_holds_what_a_case_blind_pattern_matches() -> None:
    import re
    import string
    import sys

    from pledge.domain.amount_words import caseless as _caseless

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    for letter in string.ascii_letters:
        blind = set(re.findall("(?i)" + letter, every))
        assert set(re.findall(_caseless(letter), every)) == blind, letter
    assert re.fullmatch(_caseless("no more than"), "NO  mOrE\tThan")
    assert re.fullmatch(_caseless("approx."), "APPROX.") and not re.fullmatch(
        _caseless("approx."), "approxx")


def test_qualifiers_in_any_case_are_read_as_by_the_case_blind_pattern() -> None:
    import random
    import re

    from pledge.ingest import amounts
    from pledge.ingest.amounts import _CANDIDATE, _CUR_BEFORE, _QUAL_WORDS, _START, _VERB_BEFORE

    blind = "(?:(?i:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(
        _QUAL_WORDS, key=len, reverse=True)) + r")\s+|(?:" + "|".join(amounts._CJK_QUALS) \
        + r")\s?)?"
    plain_start = re.compile(rf"{_VERB_BEFORE}{blind}(?:{_CUR_BEFORE}\s?)?\d")
    plain_candidate = re.compile(_CANDIDATE.pattern.replace(amounts._QUAL_BEFORE, blind))
    assert plain_candidate.pattern != _CANDIDATE.pattern
    assert plain_start.pattern != _START.pattern
    rng = random.Random(4)
    words = [*_QUAL_WORDS, "UP TO", "Up To", "ſome", "AROUND", "almoſt", "ıs", " ", "  ", "$",
             "US$", "¥", "5", "1,000", "billion", "5 billion yen", "to", "-", "x", "約", "최대 ",
             "exceeds", "Topped", "USD", "R", "RM"]
    found = starts = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8)))
        for pos in range(len(text)):
            a, b = plain_candidate.match(text, pos), _CANDIDATE.match(text, pos)
            assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), text
            found += b is not None and b.end() - b.start() > 3
        # Where a candidate starts before a digit (the digit ending the search, as in
        # _candidates): the leftmost start is the same.
        for d in (i for i, ch in enumerate(text) if ch.isdigit()):
            for lo in range(max(0, d - 40), d + 1):
                a, b = plain_start.search(text, lo, d + 1), _START.search(text, lo, d + 1)
                assert (a and a.start()) == (b and b.start()), (text, lo, d)
                starts += b is not None and b.start() < d
    assert found > 500 and starts > 1000


def test_the_quick_reading_of_every_quick_qualifier_is_the_parsers() -> None:
    from pledge.domain.money import parse_amount
    from pledge.ingest.amounts import _QUICK_QUALS, _quick

    amounts = ["$5", "US$2.5 billion", "¥1,200 trillion", "RM2.31 trillion", "€0.5bn",
               "5500億ドル", "730억 달러", "7조원", "1.5兆円"]
    read = 0
    for qual in _QUICK_QUALS:
        for amount in amounts:
            text = qual + amount
            quick = _quick(text)
            if quick is None:
                continue
            full = parse_amount(text)
            assert (str(quick.low), str(quick.high), quick.currency, quick.text) == \
                (str(full.low), str(full.high), full.currency, full.text), text
            read += 1
    assert read >= 8 * len(_QUICK_QUALS)
    assert "approximately " in _QUICK_QUALS and "close to " in _QUICK_QUALS


@pytest.mark.parametrize(("text", "expected"), [
    # a broker's won sign, and the figure before in brackets
    ("profit rises to W3.4trn (from W2.9trn)",
     [("3400000000000", "3400000000000", "KRW"), ("2900000000000", "2900000000000", "KRW")]),
    # a ceiling named before the amount
    ("an annual cap of US$15bn on payments", [(None, "15000000000", "USD")]),
    ("上限500億ドルの枠", [(None, "50000000000", "USD")]),
    # a little over / a little under
    ("総事業費は2兆円強", [("2000000000000", None, "JPY")]),
    ("総事業費は2兆円弱", [(None, "2000000000000", "JPY")]),
    # ranges with the tilde operator
    ("사업비는 120억∼150억 달러", [("12000000000", "15000000000", "USD")]),
    # "more than" in Korean with 이/가
    ("5천억 원이 넘는 물량", [("500000000000", None, "KRW")]),
])
def test_more_written_forms(text: str, expected: list[tuple[str | None, str | None, str]]
                            ) -> None:
    got = [(None if h.range.low is None else str(h.range.low),
            None if h.range.high is None else str(h.range.high), h.range.currency)
           for h in find_amounts(text)]
    assert got == expected


@pytest.mark.parametrize("text", [
    "cable sells for as much as $7 per fibre-kilometre",
    "urea trades near 350ドル per tonne; 1トン当たり350ドル前後",
    "100万BTU当たり9ドルを下回れば",
    "배럴당 70달러 안팎",
    "현지 시급이 40달러를 넘는다",
    "同社株が一時5%高の2300円を付けた",
    "삼성중공업은 2.1% 내린 1만 2000원에 거래를 마쳤다",
    "with a target of ¥2,800 for the shares",
    "every ¥1 move against the dollar",
])
def test_more_prices_are_not_amounts(text: str) -> None:
    assert find_amounts(text) == []
