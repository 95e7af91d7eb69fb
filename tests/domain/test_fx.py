"""Exchange rates: lookups in force on a date, inverse and cross rates, CSV input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest

from pledge.domain.errors import InvalidInput, NotFound
from pledge.domain.fx import Rate, RateTable, parse_rates_csv
from pledge.domain.money import D, Money, MoneyRange, parse_amount

JPY_1 = Rate(date(2025, 9, 5), "USD", "JPY", D("147.27"), "reuters-jp")
JPY_2 = Rate(date(2025, 10, 28), "USD", "JPY", D("152.73"), "yomiuri")
KRW_1 = Rate(date(2025, 11, 14), "USD", "KRW", D("1454.29"), "chosun")
TABLE = RateTable([JPY_2, JPY_1, KRW_1])


def _shipped_text() -> str:
    return (files("pledge") / "data" / "fx_rates.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(("on", "expected"), [
    (date(2025, 9, 5), JPY_1),       # the day itself
    (date(2025, 10, 27), JPY_1),     # still the older rate
    (date(2025, 10, 28), JPY_2),
    (date(2030, 1, 1), JPY_2),       # the latest stays in force
])
def test_latest_rate_on_or_before(on: date, expected: Rate) -> None:
    assert TABLE.rate_on("USD", "JPY", on) == expected


def test_no_rate_before_the_first_date() -> None:
    with pytest.raises(NotFound) as info:
        TABLE.rate_on("USD", "JPY", date(2025, 9, 4))
    problem = info.value.first
    assert (problem.field, problem.value, problem.rule) == ("on", date(2025, 9, 4), "fx.no_rate")
    assert "2025-09-05" in problem.message
    with pytest.raises(NotFound):
        TABLE.rate_on("USD", "EUR", date(2026, 1, 1))   # never quoted


def test_inverse_pair() -> None:
    r = TABLE.rate_on("JPY", "USD", date(2025, 11, 1))
    assert (r.base, r.quote, r.on, r.source) == ("JPY", "USD", JPY_2.on, "yomiuri")
    assert abs(r.rate * D("152.73") - 1) < Decimal("1e-20")


def test_cross_through_usd_takes_the_older_leg_and_both_sources() -> None:
    r = TABLE.rate_on("JPY", "KRW", date(2025, 12, 1))
    assert (r.base, r.quote) == ("JPY", "KRW")
    assert r.on == date(2025, 10, 28)              # older of 10-28 (JPY) and 11-14 (KRW)
    assert "yomiuri" in r.source and "chosun" in r.source
    assert abs(r.rate - D("1454.29") / D("152.73")) < Decimal("1e-20")
    with pytest.raises(NotFound):                   # the KRW leg is not yet in force
        TABLE.rate_on("JPY", "KRW", date(2025, 11, 13))


def test_identity_rate() -> None:
    r = TABLE.rate_on("EUR", "EUR", date(2000, 1, 1))
    assert r.rate == 1


def test_convert_range_rounds_to_cents() -> None:
    c = TABLE.convert(parse_amount("6 to 7 trillion yen"), "USD", date(2025, 11, 1))
    assert c.result.currency == "USD"
    assert c.result.low == (D(6 * 10**12) / D("152.73")).quantize(Decimal("0.01"))
    assert c.result.high == (D(7 * 10**12) / D("152.73")).quantize(Decimal("0.01"))
    assert (c.rate_date, c.source) == (date(2025, 10, 28), "yomiuri")
    open_range = TABLE.convert(MoneyRange(None, D(100), "USD"), "JPY", date(2025, 11, 1))
    assert open_range.result.low is None and open_range.result.high == D("15273.00")


def test_convert_money() -> None:
    c = TABLE.convert(Money(D("350000000000"), "USD"), "KRW", date(2025, 11, 14))
    assert c.result.is_single and c.result.low == D("509001500000000")
    assert c.rate == D("1454.29")


def test_merged_user_rate_replaces_same_day_and_pair() -> None:
    user = Rate(date(2025, 10, 28), "JPY", "USD", D("0.0066"), "my bank")
    merged = TABLE.merged([user])
    assert merged.rate_on("USD", "JPY", date(2025, 10, 28)).source == "my bank"
    assert TABLE.rate_on("USD", "JPY", date(2025, 10, 28)) == JPY_2   # original unchanged
    assert len(merged) == len(TABLE)


def test_rate_validates_fields() -> None:
    with pytest.raises(InvalidInput) as info:
        Rate(date(2025, 1, 1), "USD", "XXX", D(-1), "x")
    assert {p.rule for p in info.value.problems} == {"fx.unknown_currency", "fx.bad_rate"}


def test_parse_rates_csv() -> None:
    text = ("date,base,quote,rate,source,note\n"
            "2025-11-14,USD,KRW,1454.29,https://example.org,\"$350B ≈ ₩509T\"\n"
            "\n"
            "2025-09-05,usd,jpy,147.27,https://example.org\n")
    rates = parse_rates_csv(text)
    assert [(r.on, r.base, r.quote, r.rate, r.note) for r in rates] == [
        (date(2025, 11, 14), "USD", "KRW", D("1454.29"), "$350B ≈ ₩509T"),
        (date(2025, 9, 5), "USD", "JPY", D("147.27"), ""),
    ]


def test_csv_errors_name_row_and_column_all_at_once() -> None:
    text = ("date,base,quote,rate,source,note\n"
            "2025-11-14,USD,KRW,1454.29,src,\n"
            "14/11/2025,USD,KRW,1454.29,src,\n"
            "2025-11-15,USD,XXX,abc,,\n"
            "2025-02-30,USD,USD,0,src,\n"
            "2025-11-16,USD,KRW,1,src,note,extra\n")
    with pytest.raises(InvalidInput) as info:
        parse_rates_csv(text)
    got = [(p.field, p.rule) for p in info.value.problems]
    assert got == [
        ("row 3 column date", "fx.bad_date"),
        ("row 4 column quote", "fx.unknown_currency"),
        ("row 4 column rate", "fx.bad_rate"),
        ("row 4 column source", "fx.missing_source"),
        ("row 5 column date", "fx.bad_date"),
        ("row 5 column quote", "fx.same_currency"),
        ("row 5 column rate", "fx.bad_rate"),
        ("row 6", "fx.column_count"),
    ]
    assert info.value.problems[0].value == "14/11/2025"


def test_a_rate_dated_outside_the_plausible_range_is_refused() -> None:
    text = ("date,base,quote,rate,source,note\n"
            "9999-12-31,USD,KRW,1454.29,src,\n"
            "0001-01-01,USD,JPY,147.27,src,\n")
    with pytest.raises(InvalidInput) as info:
        parse_rates_csv(text)
    assert [(p.field, p.value, p.rule) for p in info.value.problems] == [
        ("row 2 column date", "9999-12-31", "input.date_out_of_range"),
        ("row 3 column date", "0001-01-01", "input.date_out_of_range")]


@pytest.mark.parametrize("text", ["", "2025-11-14,USD,KRW,1454.29,src,\n",
                                  "date,base,rate,source\n"])
def test_csv_needs_a_header(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_rates_csv(text)
    assert info.value.first.field == "header"


def test_shipped_rates_parse() -> None:
    rates = parse_rates_csv(_shipped_text())
    assert len(rates) == 28
    assert {(r.base, r.quote) for r in rates} == {
        ("USD", "JPY"), ("USD", "KRW"), ("EUR", "USD"), ("USD", "TWD"),
        *(("USD", c) for c in ("SGD", "AUD", "HKD", "CAD", "CHF", "INR", "MYR", "ZAR"))}
    assert all(r.source.startswith("https://") for r in rates)
    table = RateTable(rates)
    assert table.rate_on("USD", "JPY", date(2025, 8, 31)).rate == D("145.45")
    # two Oct 28 rows: the later one in the file (Yomiuri, ¥84T) is kept
    assert table.rate_on("USD", "JPY", date(2025, 10, 28)).rate == D("152.73")
    assert table.rate_on("USD", "KRW", date(2025, 11, 14)).rate == D("1454.29")
    # euros and New Taiwan dollars: printed rates of 2025, turned round where needed
    assert table.rate_on("EUR", "USD", date(2025, 9, 1)).rate == D("1.1648")
    assert table.rate_on("USD", "TWD", date(2026, 1, 15)).rate == D("31.438")
    assert table.rate_on("USD", "TWD", date(2025, 12, 30)).rate == D("31.208")
    with pytest.raises(NotFound):
        table.rate_on("USD", "JPY", date(2025, 4, 14))
    approximate = [r for r in rates if r.on.day in (15, 25)]
    assert approximate and all("approximate" in r.note for r in approximate)
