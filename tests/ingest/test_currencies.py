"""Every currency people write: the signs, prefixes and ISO codes of the currencies
beyond the first five, amounts in words and vague counts, an amount broken across a
line break, prices that are not amounts invested, conversions, and the dollar a bare
"$" means at the outlet that wrote it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pledge.domain.errors import InvalidInput
from pledge.ingest.amounts import find_amounts
from pledge.ingest.extract import extract
from pledge.ingest.gazetteer import Gazetteer, load
from pledge.ingest.word_amounts import VAGUE_NOTE

BN = Decimal(10) ** 9
TN = Decimal(10) ** 12


def one(text: str) -> tuple[str, Decimal | None, Decimal | None, str]:
    hits = find_amounts(text)
    assert len(hits) == 1, [h.text for h in hits]
    h = hits[0]
    return h.text, h.range.low, h.range.high, h.range.currency


@pytest.mark.parametrize(("text", "written", "value", "code"), [
    ("Sasol's plan of R575.71bn was cut.", "R575.71bn", Decimal("575.71") * BN, "ZAR"),
    ("Spending of R 12bn is planned.", "R 12bn", 12 * BN, "ZAR"),
    ("Petronas set aside RM2.31 trillion.", "RM2.31 trillion", Decimal("2.31") * TN, "MYR"),
    ("Temasek put in S$5bn.", "S$5bn", 5 * BN, "SGD"),
    ("Rio invested A$1.2 billion.", "A$1.2 billion", Decimal("1.2") * BN, "AUD"),
    ("CK Hutchison raised HK$3bn.", "HK$3bn", 3 * BN, "HKD"),
    ("TSMC spent NT$4bn.", "NT$4bn", 4 * BN, "TWD"),
    ("Brookfield committed C$2bn.", "C$2bn", 2 * BN, "CAD"),
    ("BP will spend £3bn.", "£3bn", 3 * BN, "GBP"),
    ("Tata will spend ₹500bn.", "₹500bn", 500 * BN, "INR"),
    ("Tata will spend ₹10,000 crore.", "₹10,000 crore", 100 * BN, "INR"),
    ("Reliance will spend Rs. 75,000 crore.", "Rs. 75,000 crore", 750 * BN, "INR"),
    ("Nestle committed CHF 1.5bn.", "CHF 1.5bn", Decimal("1.5") * BN, "CHF"),
    ("Roche will invest 2bn CHF.", "2bn CHF", 2 * BN, "CHF"),
    ("GIC invested SGD 2bn.", "SGD 2bn", 2 * BN, "SGD"),
    ("The budget is 7bn AUD.", "7bn AUD", 7 * BN, "AUD"),
    ("Anglo will spend ZAR 5bn.", "ZAR 5bn", 5 * BN, "ZAR"),
    ("It costs MYR 900 million.", "MYR 900 million", 900 * 10**6 * Decimal(1), "MYR"),
    ("It costs 40 billion rand.", "40 billion rand", 40 * BN, "ZAR"),
    ("It costs 2.4bn ringgit.", "2.4bn ringgit", Decimal("2.4") * BN, "MYR"),
    ("Singapore offered 5 billion Singapore dollars.", "5 billion Singapore dollars", 5 * BN,
     "SGD"),
    ("シンガポール政府は5億シンガポールドルを投じる。", "5億シンガポールドル",
     5 * 10**8 * Decimal(1), "SGD"),
])
def test_each_new_currency_form_is_read(text: str, written: str, value: Decimal,
                                        code: str) -> None:
    assert one(text) == (written, value, value, code)


@pytest.mark.parametrize("text", [
    "The R2 road runs past 300 pounds of steel.",   # a road and a weight, not money
    "In 2025 Rand won 3 awards.",
])
def test_letters_that_also_mean_other_things_need_a_magnitude(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(("text", "low", "high", "code"), [
    ("The fund raised more than half a million dollars.", Decimal(500_000), None, "USD"),
    ("Japan offered two trillion yen.", 2 * TN, 2 * TN, "JPY"),
    ("It costs a billion dollars.", BN, BN, "USD"),
    ("It costs twenty-five million euros.", 25 * 10**6 * Decimal(1),
     25 * 10**6 * Decimal(1), "EUR"),
    ("It costs two and a half billion dollars.", Decimal("2.5") * BN, Decimal("2.5") * BN,
     "USD"),
    ("It costs two hundred billion yen.", 200 * BN, 200 * BN, "JPY"),
    ("It costs up to a quarter of a billion dollars.", None, Decimal("0.25") * BN, "USD"),
])
def test_amounts_in_words(text: str, low: Decimal | None, high: Decimal | None,
                          code: str) -> None:
    _, got_low, got_high, got_code = one(text)
    assert (got_low, got_high, got_code) == (low, high, code)


def test_words_without_a_currency_are_not_money() -> None:
    assert find_amounts("One million people live there, and two billion more elsewhere.") == []


@pytest.mark.parametrize(("text", "low", "high", "code"), [
    ("政府は数兆円を投じる。", 2 * TN, 9 * TN, "JPY"),
    ("数千億円規模の投資", 200 * BN, 900 * BN, "JPY"),
    ("数十億ドルを投資する", 2 * BN, 9 * BN, "USD"),
    ("수조 원을 투자한다", 2 * TN, 9 * TN, "KRW"),
    ("約数兆円を投じる", 2 * TN, 9 * TN, "JPY"),
    ("최대 수조 원을 투자한다", None, 9 * TN, "KRW"),       # up to: the high end of the count
    ("several billion dollars", 2 * BN, 9 * BN, "USD"),
])
def test_a_vague_count_is_a_range_by_the_stated_convention(text: str, low: Decimal | None,
                                                            high: Decimal, code: str) -> None:
    hits = find_amounts(text)
    assert [(h.range.low, h.range.high, h.range.currency) for h in hits] == [(low, high, code)]
    assert hits[0].note == VAGUE_NOTE and hits[0].confidence < 0.5


def test_a_vague_count_is_a_fact_of_the_article_but_not_one_of_its_amounts(
        gazetteer: Gazetteer) -> None:
    e = extract("政府は数兆円を投じ、トヨタは1兆円を投資する。", source="t.txt",
                gazetteer=gazetteer, html=False)
    assert [a["text"] for a in e.contract()["amounts"]] == ["1兆円"]
    facts = e.contract()["facts"]["amounts"]
    assert [(f["text"], f["note"]) for f in facts] == [("数兆円", VAGUE_NOTE), ("1兆円", "")]


def test_an_amount_broken_across_a_line_break_is_read_whole(gazetteer: Gazetteer) -> None:
    text = ("Japan will provide financing of up to $100\n\nbillion for the reactors, "
            "officials said on Tuesday.\n\nThe plan was welcomed by the industry at large.")
    e = extract(text, source="t.txt", gazetteer=gazetteer, html=False)
    assert [(a.text, a.low, a.high, a.currency) for a in e.amounts] == [
        ("up to $100 billion", None, 100 * BN, "USD")]
    html = "<p>Japan will lend up to $100</p><p>billion for the reactors, officials said.</p>"
    e = extract(html, source="t.html", gazetteer=gazetteer, html=True)
    assert [a.high for a in e.amounts] == [100 * BN]


def test_a_paragraph_starting_with_a_capital_magnitude_stays_apart(
        gazetteer: Gazetteer) -> None:
    text = ("The plant opened in 2025\n\nMillion-dollar grants followed, officials said "
            "on Tuesday in a statement.")
    e = extract(text, source="t.txt", gazetteer=gazetteer, html=False)
    assert e.amounts == ()


@pytest.mark.parametrize("text", [
    "Shares of the company closed at $3.23 on Friday.",
    "The stock rose 4% to $12.50 in early trading.",
    "Its share price of A$1.10 fell.",
    "Brent traded near $80 a barrel.",
    "Oil at $80 per barrel is the assumption.",
    "LNG at $12/MMBtu is cheap.",
    "Power sells for $45 per MWh there.",
    "株価は1株3000円をつけた。",
    "Tariffs rose to 15% on cars.",
    "Traders put coarse grit at $1.10 to $1.40 per carat.",
    "We raise our target price for MHI to ¥4,800 and reiterate Overweight.",
    "Our price target for the stock is $61.",
])
def test_prices_and_percentages_are_not_amounts_invested(text: str) -> None:
    assert find_amounts(text) == []


def test_a_target_for_an_investment_is_still_an_amount() -> None:
    hits = find_amounts("The target price of the plant is $2 billion.")
    assert [h.range.low for h in hits] == [2 * BN]


def test_a_price_beside_an_investment_leaves_the_investment() -> None:
    hits = find_amounts("The plant costs $500 million, and shares rose to $40; tariffs are 15%.")
    assert [(h.text, h.range.low) for h in hits] == [("$500 million", Decimal(500 * 10**6))]
    hits = find_amounts("It will invest $3.23 billion.")
    assert [h.range.low for h in hits] == [Decimal("3.23") * BN]


@pytest.mark.parametrize(("text", "expected"), [
    ("Japan will fund the first phase of ¥6tn ($40bn) for the reactors, officials said.",
     [("¥6tn", False), ("$40bn", True)]),
    ("Korea Zinc will spend about 10 trillion won, or about $6.8 billion, on the smelter.",
     [("about 10 trillion won", False), ("about $6.8 billion", True)]),
    ("Sasol plans R10bn, equivalent to $550m, of spending in Texas this year.",
     [("R10bn", False), ("$550m", True)]),
    ("Japan pledged $550bn ($350bn of it in loans) to the programme this year.",
     [("$550bn", False), ("$350bn", False)]),     # the same currency: not a conversion
])
def test_conversions_are_marked(gazetteer: Gazetteer, text: str,
                                expected: list[tuple[str, bool]]) -> None:
    e = extract(text, source="t.txt", gazetteer=gazetteer, html=False)
    assert [(a.text, a.converted) for a in e.amounts] == expected
    assert [f["converted"] for f in e.contract()["facts"]["amounts"]] == [
        c for _, c in expected]


TEXT = ("Temasek will invest $5 billion and US$2 billion in a Texas chip plant, the company "
        "said on Monday.")


@pytest.mark.parametrize(("source", "outlet", "code", "why"), [
    ("https://www.straitstimes.com/business/x", "", "SGD", "outlet straitstimes.com"),
    ("a.txt", "afr.com", "AUD", "outlet afr.com"),
    ("https://news.example.com.au/x", "", "AUD", "(a .au site)"),
    ("https://www.scmp.com/x", "", "HKD", "outlet scmp.com"),
    ("https://www.nytimes.com/x", "", "USD", "is not in the gazetteer's dollars"),
    ("a.txt", "", "USD", "no outlet known"),
])
def test_a_bare_dollar_is_the_outlets_dollar(gazetteer: Gazetteer, source: str, outlet: str,
                                             code: str, why: str) -> None:
    e = extract(TEXT, source=source, gazetteer=gazetteer, html=False, outlet=outlet)
    assert [(a.text, a.currency) for a in e.amounts] == [("$5 billion", code),
                                                          ("US$2 billion", "USD")]
    assert e.dollar == code and why in e.dollar_why
    shown = e.contract()["facts"]
    assert shown["dollar"] == {"currency": code, "why": e.dollar_why}
    # the amount says how its dollar was read, whenever an outlet was known
    assert shown["amounts"][0]["note"] == ("" if not outlet and "://" not in source
                                           else e.dollar_why)
    assert shown["amounts"][1]["note"] == ""


def test_the_dollar_of_an_outlet_is_a_setting_a_user_file_adds(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[dollars]\n"edge.example.org" = "CAD"\n"straitstimes.com" = "USD"\n',
                    encoding="utf-8")
    g = load(user)
    e = extract(TEXT, source="https://edge.example.org/a", gazetteer=g, html=False)
    assert e.amounts[0].currency == "CAD"
    e = extract(TEXT, source="https://www.straitstimes.com/a", gazetteer=g, html=False)
    assert e.amounts[0].currency == "USD" and "straitstimes.com" in e.dollar_why


def test_an_outlets_dollar_must_be_a_known_currency(tmp_path: Path) -> None:
    user = tmp_path / "bad.toml"
    user.write_text('[dollars]\n"kiwi.example.nz" = "NZD"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load(user)
    assert (info.value.first.rule, info.value.first.value) == ("news.unknown_currency", "NZD")


def test_only_a_bare_dollar_takes_the_outlets_dollar(gazetteer: Gazetteer) -> None:
    text = ("The group will put U.S. $3 billion, US $4 billion, A$2 billion and $1 billion "
            "into a Texas chip plant, the company said on Monday.")
    e = extract(text, source="https://www.straitstimes.com/a", gazetteer=gazetteer, html=False)
    assert [(a.text, a.currency) for a in e.amounts] == [
        ("U.S. $3 billion", "USD"), ("US $4 billion", "USD"), ("A$2 billion", "AUD"),
        ("$1 billion", "SGD")]
