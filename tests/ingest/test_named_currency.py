"""Where no currency sign stands, the quick test of a named currency answers as the full
currency pattern does (it stands in for that pattern in the test of a candidate)."""

from __future__ import annotations

import random
from pathlib import Path

from pledge.ingest.amounts import _HAS_CURRENCY, _HAS_NAMED_CURRENCY, _SIGN

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"


def test_the_named_currency_test_answers_as_the_currency_pattern() -> None:
    rng = random.Random(11)
    pieces = ["dollar", "Dollars", "DOLLARS", "yen", "Won", "euro", "euros", "rand", "ringgit",
              "rupee", "rupees", "Swiss francs", "francs", "franc", "pound", "pounds", "US ",
              "U.S. ", "Hong Kong ", "NT ", "R", "RM", "Rs", "Rs.", "W", "w", "r", "USD", "usd",
              "JPY", "KRW", "EUR", "CHF", "ZAR", "MYR", "x", "ab", " ", "  ", "\n", "5", "1,000",
              ".", "-", "ſ", "\u212a", "İ", "ı", "ドル", "米ドル", "円", "원", "원전", "엔", "엔진",
              "달러", "호주 달러", "스위스 프랑", "スイスフラン", "프랑", "フラン", "億", "억",
              "billion", "bn"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
             for _ in range(30000)]
    texts += [line for path in sorted(NEWS.glob("*.*")) if path.suffix != ".json"
              for line in path.read_text(encoding="utf-8").split("\n")]
    found = 0
    for text in texts:
        if _SIGN.search(text):
            continue
        named = _HAS_NAMED_CURRENCY.search(text) is not None
        assert named == (_HAS_CURRENCY.search(text) is not None), text
        found += named
    assert found > 1000
