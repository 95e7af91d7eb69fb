"""Amounts as Japanese is written: counted in 兆, 億 and 万, rounded as the pages round."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledge.domain.money import format_japanese, significant


@pytest.mark.parametrize(("value", "unit", "shown"), [
    ("8250000000000", "円", "8兆2,500億円"),
    ("8000000000000", "円", "8兆円"),
    ("550000000000", "円", "5,500億円"),
    ("90000000000", "円", "900億円"),
    ("150000000", "円", "1億5,000万円"),
    ("52000000", "円", "5,200万円"),
    ("10000", "円", "1万円"),
    ("850", "円", "850円"),
    ("12.5", "円", "12.5円"),
    ("0", "円", "0円"),
    ("-300000000000", "円", "-3,000億円"),
    ("1234567890123456", "円", "1,235兆円"),   # four significant digits, like format_rounded
    ("123456789", "円", "1億2,350万円"),
    ("999950000000", "円", "1兆円"),           # rounding carries into the next unit
    ("550000000000", "ドル", "5,500億ドル"),
    ("35700000000", "ドル", "357億ドル"),
    ("1800000000", "ドル", "18億ドル"),
])
def test_amounts_are_counted_in_cho_oku_and_man(value: str, unit: str, shown: str) -> None:
    assert format_japanese(Decimal(value), unit) == shown


def test_digits_are_the_significant_digits_kept() -> None:
    assert format_japanese(Decimal("8254000000000"), digits=3) == "8兆2,500億円"
    assert format_japanese(Decimal("8254000000000"), digits=4) == "8兆2,540億円"
    assert format_japanese(Decimal("8254321000000"), digits=7) == "8兆2,543億2,100万円"


def _read_back(text: str) -> Decimal:
    """The amount a Japanese text names (the inverse, for the property below)."""
    sizes = {"兆": Decimal(10) ** 12, "億": Decimal(10) ** 8, "万": Decimal(10) ** 4}
    body = text.removesuffix("円").replace(",", "")
    sign = -1 if body.startswith("-") else 1
    total, number = Decimal(0), ""
    for ch in body.lstrip("-"):
        if ch in sizes:
            total += Decimal(number) * sizes[ch]
            number = ""
        else:
            number += ch
    return sign * (total + (Decimal(number) if number else 0))


@given(st.decimals(min_value=Decimal("-1e16"), max_value=Decimal("1e16"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_the_text_names_the_amount_rounded_to_four_significant_digits(value: Decimal) -> None:
    assert _read_back(format_japanese(value)) == significant(value, 4)
