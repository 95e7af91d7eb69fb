"""Money, ranges, the amount parser, display and storage units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledge.domain.errors import InvalidInput
from pledge.domain.money import (
    CURRENCIES,
    ZERO,
    D,
    Money,
    MoneyRange,
    format_amount,
    format_range,
    from_minor_units,
    parse_amount,
    round_cents,
    to_minor_units,
)

K, M, B, T = 10**3, 10**6, 10**9, 10**12
MAN, OKU, CHO = 10**4, 10**8, 10**12
UP = None  # an open bound, for readability in the table below

# text, low, high, currency  (bounds as ints or strings of exact decimals)
AMOUNTS: list[tuple[str, int | str | None, int | str | None, str]] = [
    ("US$550 billion", 550 * B, 550 * B, "USD"),
    ("$350 million to as much as $100 billion", 350 * M, 100 * B, "USD"),
    ("6 to 7 trillion yen", 6 * T, 7 * T, "JPY"),
    ("an estimated 6 to 7 trillion yen", 6 * T, 7 * T, "JPY"),
    ("56 to 65 trillion won", 56 * T, 65 * T, "KRW"),
    ("¥5.2 trillion", "5200000000000", "5200000000000", "JPY"),
    ("5.2兆円", "5200000000000", "5200000000000", "JPY"),
    ("900億円", 900 * OKU, 900 * OKU, "JPY"),
    ("5兆2000億円", 5 * CHO + 2000 * OKU, 5 * CHO + 2000 * OKU, "JPY"),
    ("約5兆700億円", 5 * CHO + 700 * OKU, 5 * CHO + 700 * OKU, "JPY"),
    ("1000億ドル", 1000 * OKU, 1000 * OKU, "USD"),
    ("최대 1000억 달러", UP, 1000 * OKU, "USD"),
    ("₩509조", 509 * CHO, 509 * CHO, "KRW"),
    ("509조 원", 509 * CHO, 509 * CHO, "KRW"),
    ("3조원", 3 * CHO, 3 * CHO, "KRW"),
    ("2조 5천억 원", 2 * CHO + 5000 * OKU, 2 * CHO + 5000 * OKU, "KRW"),
    ("2조 천억 원", 2 * CHO + 1000 * OKU, 2 * CHO + 1000 * OKU, "KRW"),
    ("천만 원", 1000 * MAN, 1000 * MAN, "KRW"),
    ("1万5000円", 15000, 15000, "JPY"),
    ("5000万円", 5000 * MAN, 5000 * MAN, "JPY"),
    ("€600bn", 600 * B, 600 * B, "EUR"),
    ("$0.6B", 600 * M, 600 * M, "USD"),
    ("$33B", 33 * B, 33 * B, "USD"),
    ("USD 33 billion", 33 * B, 33 * B, "USD"),
    ("33 billion dollars", 33 * B, 33 * B, "USD"),
    ("550 billion dollars", 550 * B, 550 * B, "USD"),
    ("550 billion US dollars", 550 * B, 550 * B, "USD"),
    ("JPY 5.2 trillion", "5200000000000", "5200000000000", "JPY"),
    ("KRW 3 trillion", 3 * T, 3 * T, "KRW"),
    ("$1,234.56", "1234.56", "1234.56", "USD"),
    ("US$2.1bn", 2100 * M, 2100 * M, "USD"),
    ("$20bn", 20 * B, 20 * B, "USD"),
    ("NT$1 billion", B, B, "TWD"),
    ("£5m", 5 * M, 5 * M, "GBP"),
    ("500 million yuan", 500 * M, 500 * M, "CNY"),
    ("6–7 trillion yen", 6 * T, 7 * T, "JPY"),
    ("6-7 trillion yen", 6 * T, 7 * T, "JPY"),
    ("between $5 billion and $7 billion", 5 * B, 7 * B, "USD"),
    ("$5 bn - $7 bn", 5 * B, 7 * B, "USD"),
    ("¥5.07T", 5070 * B, 5070 * B, "JPY"),
    ("about $36 billion", 36 * B, 36 * B, "USD"),
    ("roughly $40 billion", 40 * B, 40 * B, "USD"),
    ("~$5bn", 5 * B, 5 * B, "USD"),
    ("up to $25 billion", UP, 25 * B, "USD"),
    ("more than $390 billion", 390 * B, UP, "USD"),
    ("at least €1bn", B, UP, "EUR"),
    ("$390B+", 390 * B, UP, "USD"),
    ("1兆円超", CHO, UP, "JPY"),
    ("1兆円以上", CHO, UP, "JPY"),
    ("5000억 원 이상", 5000 * OKU, UP, "KRW"),
    ("６～７兆円", 6 * CHO, 7 * CHO, "JPY"),            # full-width digits and wave dash
    ("６〜７兆円", 6 * CHO, 7 * CHO, "JPY"),
    ("￥５．２兆", "5200000000000", "5200000000000", "JPY"),
    ("3～5千万円", 3000 * MAN, 5000 * MAN, "JPY"),      # 千万 carried to the first bound
    ("5兆から7兆円", 5 * CHO, 7 * CHO, "JPY"),
    ("$1.5 billion.", 1500 * M, 1500 * M, "USD"),
    ("$0", 0, 0, "USD"),
]


def _dec(v: int | str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


@pytest.mark.parametrize(("text", "low", "high", "currency"), AMOUNTS,
                         ids=[a[0] for a in AMOUNTS])
def test_parse_amount(text: str, low: int | str | None, high: int | str | None,
                      currency: str) -> None:
    r = parse_amount(text)
    assert (r.low, r.high, r.currency) == (_dec(low), _dec(high), currency)
    assert r.text == text
    for bound in (r.low, r.high):
        if bound is not None:
            assert "E" not in format(bound, "f") and "E" not in str(bound)


# text, then every (rule, offending text) expected, in order
MALFORMED: list[tuple[str, list[tuple[str, str]]]] = [
    ("", [("money.empty", "")]),
    ("15%", [("money.percentage", "15%")]),
    ("a 15 percent stake", [("money.unexpected_text", "a"), ("money.percentage", "15 percent"),
                            ("money.trailing_text", "stake")]),
    ("5 billion", [("money.no_currency", "5 billion")]),
    ("$5 zillion", [("money.unknown_unit", "zillion")]),
    ("1.2.3 trillion yen", [("money.bad_number", "1.2.3")]),
    ("6,7 trillion yen", [("money.bad_number", "6,7")]),
    ("5億2兆円", [("money.bad_number", "5億2兆")]),
    ("兆円", [("money.bad_number", "兆")]),
    ("5 billion 3 dollars", [("money.bad_number", "5 billion 3")]),
    ("$7 billion to $5 billion", [("money.reversed_range", "$7 billion to $5 billion")]),
    ("-$5 billion", [("money.negative", "-$5 billion")]),
    ("$5 billion yen", [("money.conflicting_currency", "$5 billion yen")]),
    ("€5bn to £6bn", [("money.conflicting_currency", "€5bn to £6bn")]),
    ("US$550 billion investment", [("money.trailing_text", "investment")]),
    ("Japan pledged $550bn", [("money.unexpected_text", "Japan pledged")]),
    ("NOK 5 billion", [("money.unknown_currency", "NOK")]),
    ("$5bn to", [("money.bad_range", "to")]),
    ("up to $5bn or more", [("money.conflicting_bounds", "up to $5bn or more")]),
    # several faults reported at once
    ("$5 zillion to 1.2.3 trillion yen", [
        ("money.conflicting_currency", "$5 zillion to 1.2.3 trillion yen"),
        ("money.unknown_unit", "zillion"),
        ("money.bad_number", "1.2.3"),
    ]),
    ("-15% of it", [("money.negative", "-15%"), ("money.percentage", "15%"),
                    ("money.trailing_text", "of it")]),
    ("５ zillion ドル and more", [("money.unknown_unit", "zillion"),
                                ("money.trailing_text", "and more")]),
    ("１，２３４，５ 兆円", [("money.bad_number", "１，２３４，５")]),   # quoted as given
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED, ids=[m[0] or "empty" for m in MALFORMED])
def test_parse_amount_reports_every_problem(text: str, expected: list[tuple[str, str]]) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_amount(text)
    got = [(p.rule, p.value) for p in info.value.problems]
    assert got == expected
    assert all(p.field == "amount" and p.message for p in info.value.problems)


def test_every_parsed_currency_is_known() -> None:
    from pledge.domain import amount_words

    codes = {lex.code for lex in [*amount_words.SYMBOLS.values(),
                                  *amount_words.WORDS.values()] if lex.kind == "cur"}
    assert codes <= set(CURRENCIES)
    assert {"USD", "JPY", "KRW", "EUR", "TWD", "CNY", "GBP"} <= set(CURRENCIES)


# -- D, Money, MoneyRange ---------------------------------------------------------

def test_d_builds_exact_decimals() -> None:
    assert D("1,234.56") == Decimal("1234.56")
    assert D("1_000") == Decimal(1000)
    assert D(7) == Decimal(7)
    with pytest.raises(TypeError):
        D(0.1)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    with pytest.raises(TypeError):
        D(True)
    with pytest.raises(InvalidInput) as info:
        D("twelve")
    assert info.value.first.rule == "money.bad_number"


def test_money_arithmetic_and_comparison() -> None:
    a, b = Money(D("1.50"), "USD"), Money(D(2), "USD")
    assert a + b == Money(D("3.5"), "USD")
    assert b - a == Money(D("0.5"), "USD")
    assert a * 2 == 2 * a == Money(D(3), "USD")
    assert a * D("0.5") == Money(D("0.75"), "USD")
    assert a < b and b >= a and a <= a and not a > b
    assert Money.zero("JPY") == Money(ZERO, "JPY")
    with pytest.raises(InvalidInput) as info:
        _ = a + Money(D(1), "JPY")
    assert info.value.first.rule == "money.currency_mismatch"
    with pytest.raises(InvalidInput):
        _ = a < Money(D(1), "JPY")


def test_money_validates_every_field() -> None:
    with pytest.raises(InvalidInput) as info:
        Money(1.5, "XYZ")  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert [(p.field, p.rule) for p in info.value.problems] == [
        ("amount", "money.not_decimal"), ("currency", "money.unknown_currency")]


def test_money_range_rules_and_helpers() -> None:
    r = MoneyRange(D(6 * T), D(7 * T), "JPY")
    assert not r.is_single and r.midpoint == Decimal(6500 * B)
    assert r.low_money() == Money(D(6 * T), "JPY")
    assert r.high_money() == Money(D(7 * T), "JPY")
    up_to = MoneyRange(None, D(25 * B), "USD")
    assert up_to.midpoint is None and up_to.low_money() is None
    assert MoneyRange.exactly(D(5), "USD").is_single
    with pytest.raises(InvalidInput) as info:
        MoneyRange(D(7), D(6), "USD")
    assert info.value.first.rule == "money.reversed_range"
    with pytest.raises(InvalidInput) as info:
        MoneyRange(None, None, "USD")
    assert info.value.first.rule == "money.no_bounds"


# -- display -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "currency", "short", "expected"), [
    ("550000000000", "USD", True, "US$550bn"),
    ("5200000000000", "JPY", True, "¥5.2tn"),
    ("509000000000000", "KRW", True, "₩509tn"),
    ("5000000", "GBP", True, "£5m"),
    ("2500", "USD", True, "US$2,500"),
    ("1234.5", "USD", True, "US$1,234.50"),
    ("-33000000000", "USD", True, "-US$33bn"),
    ("550000000000", "USD", False, "US$550,000,000,000.00"),
    ("5200000000000", "JPY", False, "¥5,200,000,000,000"),
    ("1000000000", "TWD", False, "NT$1,000,000,000.00"),
])
def test_format_amount(value: str, currency: str, short: bool, expected: str) -> None:
    assert format_amount(D(value), currency, short=short) == expected


def test_format_range() -> None:
    assert format_range(parse_amount("6 to 7 trillion yen")) == "¥6tn to ¥7tn"
    assert format_range(parse_amount("up to $25 billion")) == "up to US$25bn"
    assert format_range(parse_amount("more than $390 billion")) == "at least US$390bn"
    assert format_range(parse_amount("₩509조")) == "₩509tn"


# -- storage units -------------------------------------------------------------------

def test_minor_units() -> None:
    assert to_minor_units(D("550000000000")) == 55_000_000_000_000
    assert to_minor_units(D("1.2")) == 120
    assert from_minor_units(12345) == Decimal("123.45")
    with pytest.raises(InvalidInput) as info:
        to_minor_units(D("0.001"))
    assert (info.value.first.rule, info.value.first.value) == ("money.sub_cent", D("0.001"))
    assert round_cents(D("0.125")) == Decimal("0.12")
    assert round_cents(D("0.135")) == Decimal("0.14")


# -- properties ----------------------------------------------------------------------

# Up to about US$4tn: twice that (a range's high end) stays below the smallest ceiling
# (£8tn), so every drawn amount is accepted in every currency.
billions = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("3999.999"), places=3,
                       allow_nan=False, allow_infinity=False)


@given(count=billions, currency=st.sampled_from(sorted(CURRENCIES)))
def test_short_format_parses_back(count: Decimal, currency: str) -> None:
    amount = count * B
    parsed = parse_amount(format_amount(amount, currency))
    assert parsed.is_single and parsed.low == amount and parsed.currency == currency


@given(count=billions)
def test_written_billions_parse_back(count: Decimal) -> None:
    assert parse_amount(f"US${count} billion").low == count * B
    assert parse_amount(f"{count:,f} billion dollars").low == count * B


@given(text=st.text(max_size=30))
def test_parse_amount_never_crashes(text: str) -> None:
    try:
        r = parse_amount(text)
    except InvalidInput as exc:
        assert all(isinstance(p.value, str) and p.value in text
                   for p in exc.problems if p.rule != "money.empty")
    else:
        assert r.low is not None or r.high is not None


@given(cents=st.integers(min_value=-(2**63 - 1), max_value=2**63 - 1))
def test_minor_units_round_trip(cents: int) -> None:
    assert to_minor_units(from_minor_units(cents)) == cents


@pytest.mark.parametrize("cents", [2**63, -(2**63), 10**20])
def test_minor_units_beyond_a_money_column_are_refused(cents: int) -> None:
    # A signed 64-bit column holds up to 2**63 - 1 hundredths; nothing beyond reaches it.
    with pytest.raises(InvalidInput) as info:
        to_minor_units(Decimal(cents) / 100)
    assert (info.value.first.field, info.value.first.rule) == ("amount", "money.too_large")


# The ceilings: US$10tn, and its equivalent at the round rates stated in domain/money.
CEILINGS = [("US$", "USD", 10 * T), ("¥", "JPY", 1_500 * T), ("₩", "KRW", 14_000 * T),
            ("€", "EUR", 9 * T), ("NT$", "TWD", 300 * T), ("CN¥", "CNY", 70 * T),
            ("£", "GBP", 8 * T), ("S$", "SGD", 13_500_000_000_000),
            ("A$", "AUD", 15 * T), ("HK$", "HKD", 78 * T), ("C$", "CAD", 14 * T),
            ("CHF ", "CHF", 8_500_000_000_000), ("₹", "INR", 850 * T), ("RM", "MYR", 45 * T),
            ("R", "ZAR", 180 * T)]


def test_every_currency_has_a_ceiling() -> None:
    from pledge.domain.money import MAX_AMOUNT

    assert {code for _, code, _ in CEILINGS} == set(CURRENCIES) == set(MAX_AMOUNT)
    assert {code: MAX_AMOUNT[code] for _, code, _ in CEILINGS} == {
        code: Decimal(limit) for _, code, limit in CEILINGS}


@pytest.mark.parametrize(("prefix", "code", "limit"), CEILINGS)
def test_amounts_at_or_above_the_ceiling_are_refused(prefix: str, code: str,
                                                     limit: int) -> None:
    just_below = f"{prefix}{limit - 1:,}"
    assert parse_amount(just_below).low == limit - 1
    for text in (f"{prefix}{limit:,}", f"{prefix}{limit:,}.01", f"up to {prefix}{limit * 2:,}",
                 f"{prefix}1 to {prefix}{limit:,}"):
        with pytest.raises(InvalidInput) as info:
            parse_amount(text)
        assert [(p.field, p.value, p.rule) for p in info.value.problems] == [
            ("amount", text, "money.too_large")]


def test_the_amount_that_broke_the_dashboard_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_amount("US$92233720368547758.07")
    assert info.value.first.rule == "money.too_large"
    assert "US$10tn" in info.value.first.message


@given(amount=st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False,
                          allow_infinity=False))
def test_rounded_cents_always_store(amount: Decimal) -> None:
    cents = round_cents(amount)
    assert abs(cents - amount) <= Decimal("0.005")
    assert from_minor_units(to_minor_units(cents)) == cents


@given(low=billions, width=billions, currency=st.sampled_from(sorted(CURRENCIES)))
def test_format_range_parses_back(low: Decimal, width: Decimal, currency: str) -> None:
    r = MoneyRange(low * B, (low + width) * B, currency)
    back = parse_amount(format_range(r))
    assert (back.low, back.high, back.currency) == (r.low, r.high, r.currency)


def test_stored_ranges_display_as_written_and_bad_ones_as_they_are() -> None:
    from pledge.domain.money import format_stored

    assert format_stored("6000000000000", "7000000000000", "JPY") == "¥6tn to ¥7tn"
    assert format_stored(None, "25000000000", "USD") == "up to US$25bn"
    assert format_stored("350000000", "350000000", "USD") == "US$350m"
    assert format_stored("lots", "1", "USD") == "lots to 1 USD"
    assert format_stored("1", "2", "XYZ") == "1 to 2 XYZ"


# -- what each refusal says ---------------------------------------------------------------

def problems_of(err: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[object, ...]]:
    return [(p.field, p.value, p.rule, p.message) for p in err.value.problems]


KNOWN = ("not a known currency code (known: USD, JPY, KRW, EUR, TWD, CNY, GBP, SGD, AUD, "
         "HKD, CAD, CHF, INR, MYR, ZAR)")


def test_money_refusals_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        Money(1.5, "XYZ")  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert problems_of(err) == [
        ("amount", 1.5, "money.not_decimal", "must be a Decimal, not float"),
        ("currency", "XYZ", "money.unknown_currency", KNOWN)]
    with pytest.raises(InvalidInput) as err:
        Money(Decimal("NaN"), 840)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert [(p.field, p.rule, p.message) for p in err.value.problems] == [
        ("amount", "money.bad_number", "must be a finite number"),
        ("currency", "money.unknown_currency", KNOWN)]
    with pytest.raises(InvalidInput) as err:
        _ = Money(D(1), "USD") - Money(D(1), "JPY")
    assert problems_of(err) == [("currency", "JPY", "money.currency_mismatch",
                                 "cannot combine USD with JPY; convert first")]
    with pytest.raises(TypeError, match="cannot compare Money with int"):
        _ = Money(D(1), "USD") < 2


def test_money_meets_only_money_and_scales_only_by_numbers() -> None:
    one = Money(D(1), "USD")
    with pytest.raises(TypeError):
        _ = one + 1
    with pytest.raises(TypeError):
        _ = one - D(1)
    with pytest.raises(TypeError):
        _ = one * True
    with pytest.raises(TypeError):
        _ = one * 1.5
    assert -one == Money(D(-1), "USD")
    assert str(Money(D(550 * B), "USD")) == "US$550bn"


def test_equal_amounts_compare_as_equal() -> None:
    a, b = Money(D("2.00"), "USD"), Money(D(2), "USD")
    assert (a < b, a <= b, a > b, a >= b) == (False, True, False, True)


def test_d_refusals_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        D("twelve")
    assert problems_of(err) == [("value", "twelve", "money.bad_number", "not a number")]
    with pytest.raises(InvalidInput) as err:
        D("-Infinity")
    assert problems_of(err) == [("value", "-Infinity", "money.bad_number",
                                 "not a finite number")]
    with pytest.raises(TypeError, match="D\\(\\) takes str, int or Decimal, not float"):
        D(0.5)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert D(" 1,000_000.5 ") == Decimal("1000000.5")
    assert D(Decimal("2.50")) == Decimal("2.50")


def test_range_refusals_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        MoneyRange(None, None, "XYZ")
    assert problems_of(err) == [
        ("low", None, "money.no_bounds", "a range needs a low or a high bound"),
        ("currency", "XYZ", "money.unknown_currency", KNOWN)]
    with pytest.raises(InvalidInput) as err:
        MoneyRange(D(7), D(6), "USD")
    assert problems_of(err) == [("low", D(7), "money.reversed_range",
                                 "the low bound is above the high bound 6")]
    with pytest.raises(InvalidInput) as err:
        MoneyRange(1, 2.5, "USD")  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("low", "money.not_decimal"), ("high", "money.not_decimal")]


def test_open_and_single_ranges() -> None:
    at_least = MoneyRange(D(5), None, "USD")
    assert (at_least.is_single, at_least.midpoint, at_least.high_money()) == (False, None, None)
    assert at_least.low_money() == Money(D(5), "USD")
    up_to = MoneyRange(None, D(5), "USD")
    assert (up_to.is_single, up_to.midpoint) == (False, None)
    assert MoneyRange(D(5), D(5), "USD").is_single
    assert MoneyRange(D(1), D(2), "USD").midpoint == Decimal("1.5")
    assert str(MoneyRange.exactly(D(5), "USD", "five")) == "US$5"
    assert MoneyRange.exactly(D(5), "USD", "five").text == "five"
    assert MoneyRange.exactly(D(5), "USD").text == ""


def test_plain_drops_exponents_and_trailing_zeros() -> None:
    from pledge.domain.money import plain

    assert str(plain(Decimal("6E+12"))) == "6000000000000"
    assert str(plain(Decimal("1.50"))) == "1.5"
    assert str(plain(Decimal("-0.00"))) == "0"
    assert str(plain(Decimal("12000"))) == "12000"


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("1000000", "USD", "US$1m"),
    ("999999", "USD", "US$999,999"),
    ("999999999", "USD", "US$999.999999m"),
    ("1000000000", "USD", "US$1bn"),
    ("1000000000000", "JPY", "¥1tn"),
    ("1234.5", "JPY", "¥1,234.5"),
    ("0.125", "USD", "US$0.125"),
    ("-1234.5", "USD", "-US$1,234.50"),
    ("-2500000", "EUR", "-€2.5m"),
    ("0", "KRW", "₩0"),
])
def test_short_display_edges(value: str, currency: str, expected: str) -> None:
    assert format_amount(D(value), currency) == expected


def test_full_display_keeps_digits_beyond_the_minor_unit() -> None:
    assert format_amount(D("0.125"), "USD", short=False) == "US$0.125"
    assert format_amount(D("1234.5"), "JPY", short=False) == "¥1,234.5"
    assert format_amount(D("-2"), "GBP", short=False) == "-£2.00"
    with pytest.raises(InvalidInput) as err:
        format_amount(D(1), "XYZ")
    assert problems_of(err) == [("currency", "XYZ", "money.unknown_currency",
                                 "not a known currency code")]


def test_storage_refusals_say_what_is_wrong() -> None:
    with pytest.raises(InvalidInput) as err:
        to_minor_units(D("0.001"))
    assert problems_of(err) == [("amount", D("0.001"), "money.sub_cent",
                                 "has more than 2 decimal places; round to cents first")]
    with pytest.raises(InvalidInput) as err:
        to_minor_units(5)  # type: ignore[arg-type]  # wrong on purpose: the refusal is tested
    assert problems_of(err) == [("amount", 5, "money.not_decimal", "must be a Decimal, not int")]
    with pytest.raises(TypeError, match="minor units must be an int, not bool"):
        from_minor_units(True)
    assert to_minor_units(D("-12.30")) == -1230
    assert from_minor_units(-5) == Decimal("-0.05")


def test_stored_ranges_with_empty_bounds_are_open() -> None:
    from pledge.domain.money import format_stored

    assert format_stored("", "5000000", "USD") == "up to US$5m"
    assert format_stored("5000000", "", "USD") == "at least US$5m"
    assert format_stored("", "", "USD") == "no amount"


def test_storage_and_rounding_keep_every_digit_of_large_amounts() -> None:
    # 31 significant digits: more than the 28 of Python's default decimal context.
    big = D("1234567890123456789012345678.905")
    assert round_cents(big) == D("1234567890123456789012345678.90")
    # Storage holds a signed 64-bit count of hundredths: the largest fits, one more does not.
    assert to_minor_units(D("92233720368547758.07")) == 2**63 - 1
    assert from_minor_units(2**63 - 1) == D("92233720368547758.07")
    with pytest.raises(InvalidInput) as err:
        to_minor_units(D("92233720368547758.08"))
    assert [p.rule for p in err.value.problems] == ["money.too_large"]
    with pytest.raises(InvalidInput) as err:
        to_minor_units(D("1234567890123456789012345678.91"))
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("amount", D("1234567890123456789012345678.91"), "money.too_large",
         "too large to record (amounts must stay below US$10tn or its equivalent)")]
    # a fraction of a cent is seen however many digits come before it (28 would round it)
    with pytest.raises(InvalidInput) as err:
        to_minor_units(D("12345678901234567890123456.789"))
    assert [p.rule for p in err.value.problems] == ["money.sub_cent"]
    # reading back is exact whatever the count (28 digits would round this one)
    assert from_minor_units(123456789012345678901234567891) == (
        D("1234567890123456789012345678.91"))


def test_full_display_of_amounts_beyond_the_default_precision() -> None:
    assert format_amount(D("1234567890123456789012345678.9"), "USD", short=False) == (
        "US$1,234,567,890,123,456,789,012,345,678.90")


def test_short_display_groups_and_keeps_every_digit_of_the_count() -> None:
    assert format_amount(D("5090000000000000"), "KRW") == "₩5,090tn"
    assert format_amount(D("1234567890123456789012345678.9"), "USD") == (
        "US$1,234,567,890,123,456.7890123456789tn")


def test_amounts_for_reading_keep_four_significant_digits() -> None:
    from pledge.domain.money import format_rounded, significant
    assert format_rounded(Decimal("6508721687.06"), "USD") == "US$6.509bn"
    assert format_rounded(Decimal("12700000000"), "USD") == "US$12.7bn"
    assert format_rounded(Decimal("12.70E+9"), "USD") == format_rounded(
        Decimal("12.7E+9"), "USD")  # one text however the value was written
    assert format_rounded(Decimal("550000000000"), "USD") == "US$550bn"
    assert format_rounded(Decimal("-1234567"), "JPY") == "-¥1.235m"
    assert format_rounded(Decimal("999.995"), "USD") == "US$1,000"
    assert significant(Decimal("0.0001234567"), 3) == Decimal("0.000123")
    assert significant(Decimal(0)) == 0


def test_rates_show_six_significant_digits_and_never_an_exponent() -> None:
    from pledge.domain.money import format_rate
    assert format_rate(Decimal("0.006508721687060661286123405363")) == "0.00650872"
    assert format_rate(Decimal("153.6428571")) == "153.643"
    assert format_rate(Decimal("0.000012345678")) == "0.0000123457"
    assert format_rate(Decimal("1")) == "1"


def test_a_range_for_reading_rounds_each_bound() -> None:
    from pledge.domain.money import MoneyRange, format_range
    r = MoneyRange(Decimal("6123456789"), Decimal("7987654321"), "USD")
    assert format_range(r, digits=3) == "US$6.12bn to US$7.99bn"
    assert format_range(r) == "US$6.123456789bn to US$7.987654321bn"


def test_a_stored_range_never_shows_none() -> None:
    from pledge.domain.money import format_stored
    assert format_stored(None, None, "USD") == "no amount"
    assert format_stored("", None, None) == "no amount"
    assert format_stored("5", None, "XXX") == "5 to ? XXX"
    assert format_stored("6000000000000", "7000000000000", "JPY") == "¥6tn to ¥7tn"
