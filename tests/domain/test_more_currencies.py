"""The currencies beyond the first seven: each is read by the parser, printed and read
back, has a ceiling at its stated round rate, and has a shipped US dollar rate with its
source, or gives a "no rate" error naming it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest

from pledge.domain.errors import InvalidInput, NotFound
from pledge.domain.fx import RateTable, parse_rates_csv
from pledge.domain.money import MAX_AMOUNT, MAX_USD, format_amount, parse_amount

NEW = ("SGD", "AUD", "HKD", "CAD", "CHF", "INR", "MYR", "ZAR")
# The round rates per US dollar the ceilings of domain/money state.
ROUND = {"SGD": "1.35", "AUD": "1.5", "HKD": "7.8", "CAD": "1.4", "CHF": "0.85", "INR": "85",
         "MYR": "4.5", "ZAR": "18"}


def shipped() -> RateTable:
    text = (files("pledge") / "data" / "fx_rates.csv").read_text(encoding="utf-8")
    return RateTable(parse_rates_csv(text))


@pytest.mark.parametrize(("text", "code", "value"), [
    ("R575.71bn", "ZAR", Decimal("575710000000")),
    ("RM2.31 trillion", "MYR", Decimal("2310000000000")),
    ("S$5bn", "SGD", Decimal("5000000000")),
    ("A$ 1.2 billion", "AUD", Decimal("1200000000")),
    ("HK$3bn", "HKD", Decimal("3000000000")),
    ("C$2bn", "CAD", Decimal("2000000000")),
    ("₹10,000 crore", "INR", Decimal("100000000000")),
    ("₹5 lakh", "INR", Decimal("500000")),
    ("CHF 1.5bn", "CHF", Decimal("1500000000")),
    ("1.5bn CHF", "CHF", Decimal("1500000000")),
    ("3 billion rand", "ZAR", Decimal("3000000000")),
    ("between S$1bn and S$2bn", "SGD", Decimal("1000000000")),
    ("US $4 billion", "USD", Decimal("4000000000")),        # a blank after the letters
    ("U.S. $3 billion", "USD", Decimal("3000000000")),
])
def test_the_parser_reads_the_new_currencies(text: str, code: str, value: Decimal) -> None:
    r = parse_amount(text)
    assert (r.currency, r.low) == (code, value)


@pytest.mark.parametrize("code", NEW)
def test_each_new_currency_prints_and_reads_back(code: str) -> None:
    for value in (Decimal("2500000000"), Decimal("1234567.89")):
        for short in (True, False):
            printed = format_amount(value, code, short=short)
            back = parse_amount(printed)
            assert (back.low, back.currency) == (value, code), printed


@pytest.mark.parametrize("code", NEW)
def test_each_new_ceiling_is_ten_trillion_dollars_at_its_round_rate(code: str) -> None:
    assert MAX_AMOUNT[code] == MAX_USD * Decimal(ROUND[code])


def test_two_currencies_in_one_amount_are_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_amount("S$1bn to A$2bn")
    assert info.value.first.rule == "money.conflicting_currency"


@pytest.mark.parametrize("code", NEW)
def test_each_new_currency_has_a_sourced_rate(code: str) -> None:
    rate = shipped().rate_on("USD", code, date(2026, 1, 1))
    assert rate.source.startswith("https://www.ecb.europa.eu/")
    assert rate.source.endswith(f"-{code.lower()}.en.html")
    assert rate.on == date(2025, 2, 28) and "28 Feb 2025" in rate.note
    assert Decimal("0.5") < rate.rate / Decimal(ROUND[code]) < Decimal("1.5")


def test_a_rand_amount_converts_to_dollars_and_yen() -> None:
    table = shipped()
    usd = table.convert(parse_amount("R575.71bn"), "USD", date(2026, 1, 5))
    assert usd.result.low == Decimal("31230708306.89")     # 575.71bn / 18.4341
    yen = table.convert(parse_amount("R575.71bn"), "JPY", date(2026, 1, 5))
    assert yen.result.currency == "JPY" and "ecb.europa.eu" in yen.source


def test_no_rate_before_the_first_names_the_currency() -> None:
    with pytest.raises(NotFound) as info:
        shipped().convert(parse_amount("S$5bn"), "USD", date(2025, 1, 5))
    problem = info.value.first
    assert problem.rule == "fx.no_rate"
    assert "SGD" in problem.message and "2025-02-28" in problem.message


def test_a_currency_not_known_is_named() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_amount("NOK 5bn")
    assert (info.value.first.rule, info.value.first.value) == ("money.unknown_currency", "NOK")
    assert "ZAR" in info.value.first.message
