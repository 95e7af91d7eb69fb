"""The amount parser (``domain/amount_parser.py``), read through ``parse_amount``.

``test_money.py`` holds the broad table of notations; this file pins single
rules of the parser: each magnitude word's power of ten, the edges of ranges,
and where each problem is reported.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.money import parse_amount


@pytest.mark.parametrize(("text", "expected"), [
    ("$500k", "500000"),
    ("$500K", "500000"),
    ("US$500 thousand", "500000"),
    ("2.5k dollars", "2500"),
    ("¥300 thousand", "300000"),
])
def test_thousand_and_k_are_ten_to_the_third(text: str, expected: str) -> None:
    r = parse_amount(text)
    assert (r.low, r.high) == (Decimal(expected), Decimal(expected))


UNITS = ("thousand, million, billion, trillion, k, m, bn, tn, 万, 億, 兆, 만, 억, 조")
NOT_A_NUMBER = "is not a number (use digits, '.' for decimals and ',' between groups of three)"

# Text that is not an amount, and each problem: (the offending text as given, rule, message).
REFUSALS: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("   ", [("   ", "money.empty", "no amount given")]),
    ("15%", [("15%", "money.percentage", "a percentage is not an amount of money")]),
    ("5 billion", [("5 billion", "money.no_currency",
                    "no currency given (e.g. $, ¥, ₩, €, USD, yen, 円, 원)")]),
    ("$5 zillion", [("zillion", "money.unknown_unit",
                     f"'zillion' is not a known magnitude ({UNITS})")]),
    ("1.2.3 trillion yen", [("1.2.3", "money.bad_number", f"'1.2.3' {NOT_A_NUMBER}")]),
    ("5億2兆円", [("5億2兆", "money.bad_number", "magnitudes out of order")]),
    ("兆円", [("兆", "money.bad_number", "'兆' needs a number before it")]),
    ("5 billion 3 dollars", [("5 billion 3", "money.bad_number",
                              "'billion' must follow a single number and end it")]),
    ("5 5 dollars", [("5 5", "money.bad_number",
                      "two numbers in a row (digits are grouped with ',', not spaces)")]),
    ("$7 billion to $5 billion", [("$7 billion to $5 billion", "money.reversed_range",
                                   "the first amount is larger than the second")]),
    ("-$5 billion", [("-$5 billion", "money.negative", "an amount cannot be negative")]),
    ("$5 billion yen", [("$5 billion yen", "money.conflicting_currency",
                         "names two different currencies")]),
    ("€5bn to £6bn", [("€5bn to £6bn", "money.conflicting_currency",
                       "the two amounts are in different currencies")]),
    ("US$550 billion investment", [("investment", "money.trailing_text",
                                    "unexpected text after the amount: 'investment'")]),
    ("Japan pledged $550bn", [("Japan pledged", "money.unexpected_text",
                               "'Japan pledged' is not part of an amount")]),
    ("NOK 5 billion", [("NOK", "money.unknown_currency",
                        "'NOK' is not a known currency (known: USD, JPY, KRW, EUR, TWD, CNY, "
                        "GBP, SGD, AUD, HKD, CAD, CHF, INR, MYR, ZAR)")]),
    ("$5bn to", [("to", "money.bad_range", "'to' joins two amounts but there is none after it")]),
    ("to $5bn", [("to", "money.bad_range",
                  "'to' joins two amounts but there is none before it")]),
    ("up to $5bn or more", [("up to $5bn or more", "money.conflicting_bounds",
                             "is both an upper and a lower bound")]),
    ("between $5bn", [("between $5bn", "money.bad_range", "'between' needs two amounts")]),
    ("$1bn to $2bn to $3bn", [("to $3bn", "money.bad_range", "more than two amounts")]),
    ("up to $5bn to $6bn", [("up to $5bn", "money.conflicting_bounds",
                             "the low end of a range cannot be 'up to'")]),
    ("$5bn to at least $6bn", [("at least $6bn", "money.conflicting_bounds",
                                "the high end of a range cannot be 'at least'")]),
    ("up to $", [("up to $", "money.no_number", "no number found")]),
]


@pytest.mark.parametrize(("text", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_says_what_is_wrong(text: str,
                                         expected: list[tuple[str, str, str]]) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_amount(text)
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("amount", *e) for e in expected]


def test_only_text_can_be_parsed() -> None:
    with pytest.raises(TypeError, match="parse_amount\\(\\) takes text, not int"):
        parse_amount(5)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested


T = 10**12
# Notations at the edges of the parser's rules: text -> (low, high, currency).
NOTATIONS: list[tuple[str, int | str | None, int | str | None, str]] = [
    ("1兆円。", T, T, "JPY"),                              # a full stop ends the text
    ("9" * 13 + ".99 dollars", "9999999999999.99", "9999999999999.99", "USD"),  # the ceiling
    ("万円", 10**4, 10**4, "JPY"),                          # one of the unit
    ("만 원", 10**4, 10**4, "KRW"),
    ("십억 원", 10**9, 10**9, "KRW"),
    ("十万円", 10**5, 10**5, "JPY"),
    ("5千5百円", 5500, 5500, "JPY"),
    ("1억5천만 원", 150_000_000, 150_000_000, "KRW"),
    ("₩5천억", 5 * 10**11, 5 * 10**11, "KRW"),
    ("5~7兆円", 5 * T, 7 * T, "JPY"),
    ("~5~7兆円", 5 * T, 7 * T, "JPY"),                       # about, then a range
    ("5兆-7兆円", 5 * T, 7 * T, "JPY"),
    ("$5-$7bn", 5 * 10**9, 7 * 10**9, "USD"),               # the magnitude carries back
    ("6 trillion to 7 yen", 6 * T, 7 * T, "JPY"),           # and forward
    ("between 5 and 7 trillion yen", 5 * T, 7 * T, "JPY"),
    ("from $5bn", 5 * 10**9, None, "USD"),
    ("from $5bn to $7bn", 5 * 10**9, 7 * 10**9, "USD"),
    ("$5bn or less", None, 5 * 10**9, "USD"),
    ("$5 bn and above", 5 * 10**9, None, "USD"),
    ("≈$5bn", 5 * 10**9, 5 * 10**9, "USD"),
    ("$5 BN", 5 * 10**9, 5 * 10**9, "USD"),
    (".5 dollars", "0.5", "0.5", "USD"),
    ("$1_000", 1000, 1000, "USD"),
    ("$5bn$", 5 * 10**9, 5 * 10**9, "USD"),                 # the same currency twice
]


@pytest.mark.parametrize(("text", "low", "high", "currency"), NOTATIONS,
                         ids=[n[0] for n in NOTATIONS])
def test_notations_at_the_edges(text: str, low: int | str | None, high: int | str | None,
                                currency: str) -> None:
    r = parse_amount(text)
    assert (r.low, r.high, r.currency) == (
        None if low is None else Decimal(low), None if high is None else Decimal(high), currency)


@pytest.mark.parametrize(("text", "expected"), [
    ("9" * 40 + " dollars", [("9" * 40 + " dollars", "money.too_large",
                              "amounts must stay below US$10tn")]),
    ("9" * 41 + " dollars", [("9" * 41, "money.bad_number", f"'{'9' * 41}' {NOT_A_NUMBER}")]),
    ("億円", [("億", "money.bad_number", "'億' needs a number before it")]),
    ("$5bn + $6bn", [("$6bn", "money.trailing_text", "unexpected text after the amount: '$6bn'")]),
    ("5 dollars billion", [("billion", "money.trailing_text",
                            "unexpected text after the amount: 'billion'")]),
    ("1,00 dollars", [("1,00", "money.bad_number", f"'1,00' {NOT_A_NUMBER}")]),
    ("$5 bn -", [("-", "money.bad_range", "'-' joins two amounts but there is none after it")]),
    ("-5%", [("-5%", "money.negative", "an amount cannot be negative"),
             ("5%", "money.percentage", "a percentage is not an amount of money")]),
    ("5 billion USD JPY", [("5 billion USD JPY", "money.conflicting_currency",
                            "names two different currencies")]),
])
def test_more_refusals(text: str, expected: list[tuple[str, str, str]]) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_amount(text)
    assert [(p.value, p.rule, p.message) for p in err.value.problems] == expected
