"""The quick first tests of the amount finder rule out only what could never be money."""

from __future__ import annotations

import random
import re

from pledge.ingest.text import normalise
from tests.ingest.helpers import NEWS

# Every way the candidate patterns write a currency, in several cases and with the letters
# a case-blind pattern reads as ASCII ones ("ı" for "i").
_FORMS = ["$", "US$", "US $", "U.S. $", "U.S.$", "NT$", "CN¥", "SG$", "AU$", "CA$", "HK$",
          "S$", "A$", "C$", "¥", "₩", "€", "£", "₹", "R", "RM", "Rs", "Rs.", "W",
          "AUD", "CAD", "CHF", "CNY", "EUR", "GBP", "HKD", "INR", "JPY", "KRW", "MYR", "SGD",
          "TWD", "USD", "ZAR", "dollar", "dollars", "US dollars", "Dollars", "DOLLARS", "yen",
          "YEN", "won", "Won", "euro", "Euros", "rand", "RAND", "ringgit", "RINGGIT",
          "rınggit", "rİnggit", "rupee", "Rupees", "Swiss francs", "FRANCS", "pound",
          "Pounds", "Taiwan dollars", "米ドル", "台湾ドル", "シンガポールドル", "豪ドル",
          "香港ドル", "カナダドル", "スイスフラン", "インドルピー", "リンギット", "ランド",
          "싱가포르 달러", "싱가포르달러", "호주 달러", "홍콩 달러", "캐나다 달러", "스위스 프랑",
          "스위스프랑", "링깃", "ドル", "円", "ユーロ", "ウォン", "人民元", "달러", "유로", "위안",
          "원", "엔"]


def _finds_something(text: str) -> bool:
    """Whether find_amounts would read anything but words in ``text`` without its first
    test: a candidate, or a bound of one, that names a currency."""
    from pledge.ingest.amounts import _ONE_BOUND, _candidates, _plausible

    for m in _candidates(text):
        span = m.group().strip()
        if span and _plausible(span):
            return True
        for part in _ONE_BOUND.finditer(text, m.start(), m.end()):
            piece = part.group().strip()
            if piece and _plausible(piece):
                return True
    return False


def test_a_text_said_to_hold_no_money_holds_no_candidate_naming_a_currency() -> None:
    from pledge.ingest.amounts import _HAS_CURRENCY, _SIGN, _may_hold_money

    texts = [f"{a}{form}{b}" for form in _FORMS
             for a, b in (("", "5"), ("", " 5"), ("5", ""), ("5 ", ""), ("x", "5bn"),
                          ("5 billion ", "s"), ("In 2025 about ", " 3 trillion."),
                          ("5億", "以上"), ("5", "x"), ("1조 ", "이상"))]
    rng = random.Random(7)
    near = ["Europe", "brand", "wonder", "Rupert", "Wall", "R&D", "W-2", "EU", "US", "U.S.",
            "Swiss", "ringgi", "dolla", "usd", "원전", "엔진", "ſ", "ı", "K", "R.", "Rx", "W x"]
    pieces = [*rng.sample(_FORMS, 8), *near, "5", "1,000", " ", " ", "billion", "to", "x",
              "2025", "%", "up to ", "億"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
              for _ in range(4000)]
    texts += [line for path in sorted(NEWS.glob("*.*")) if path.suffix != ".json"
              for line in normalise(path.read_text(encoding="utf-8")).split("\n")]
    money = figures = 0
    for text in texts:
        if _may_hold_money(text):
            money += 1
            continue
        figures += bool(re.search(r"\d", text))
        assert not _finds_something(text), text
        assert not re.search(r"\d", text) or not (_SIGN.search(text)
                                                  or _HAS_CURRENCY.search(text)), text
    assert money > 1500 and figures > 500
    assert not _may_hold_money("In 2025, 3.5% of the 1,000 shares rose 12 points.")
    assert not _may_hold_money("US dollars and yen, but no figure")


def test_every_currency_opens_a_start_where_a_whole_scan_finds_it() -> None:
    from pledge.ingest.amounts import _CANDIDATE, _START

    for form in _FORMS:
        for text in (f"{form}5", f"{form} 5", f"up to {form}5", f"topped {form} 5"):
            whole = _CANDIDATE.search(text)
            start = _START.search(text)
            assert whole is not None and start is not None
            assert start.start() == whole.start(), text


def test_a_lead_ends_with_the_rand_or_the_won_only_as_written() -> None:
    from pledge.ingest.amounts import _may_lead

    assert not _may_lead("On December 5", 0, len("On December "))
    assert not _may_lead("a new 5", 0, len("a new "))
    for lead in ("R", "RM", "Rs", "Rs.", "W", "about R", "SGD", "usd", "up to"):
        assert _may_lead(f"x {lead} 5", 0, len(f"x {lead} ")), lead
        assert _may_lead(f"x {lead}5", 0, len(f"x {lead}")), lead
