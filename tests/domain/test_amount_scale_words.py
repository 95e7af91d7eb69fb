"""Scale words news writes after an amount: 規模 (Japanese), 안팎 and 수준 (Korean).

Each means "about": the amount is kept as one value, and an "up to" before it keeps
only the upper bound.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledge.domain.money import parse_amount


@pytest.mark.parametrize(("text", "low", "high", "currency"), [
    ("1000億ドル規模", "100000000000", "100000000000", "USD"),
    ("約80兆円規模", "80000000000000", "80000000000000", "JPY"),
    ("最大730億ドル規模", None, "73000000000", "USD"),
    ("5조 원 안팎", "5000000000000", "5000000000000", "KRW"),
    ("약 5조 원 수준", "5000000000000", "5000000000000", "KRW"),
    ("3500억 달러 규모", "350000000000", "350000000000", "USD"),
])
def test_scale_words_mean_about(text: str, low: str | None, high: str | None,
                                currency: str) -> None:
    r = parse_amount(text)
    assert r.low == (None if low is None else Decimal(low))
    assert r.high == (None if high is None else Decimal(high))
    assert r.currency == currency
