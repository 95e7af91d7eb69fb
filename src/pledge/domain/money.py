"""Money: exact decimal amounts, currencies, ranges of amounts, and their text forms.

Every amount is a :class:`decimal.Decimal` in whole currency units (dollars, yen,
won), never a float. :func:`D` is the one way to build one from text or an int.

Sources rarely print one number: they say "up to $25 billion", "6 to 7 trillion
yen" or "約5兆700億円". :class:`MoneyRange` holds such an amount (a low and/or a
high bound in one currency) and :func:`parse_amount` reads it from text; the
parser itself lives in :mod:`pledge.domain.amount_parser`.

Storage keeps amounts as integer hundredths (:func:`to_minor_units`,
:func:`from_minor_units`) whatever the currency's own minor unit is; display uses
the currency's minor unit (:data:`CURRENCIES`).

Pure standard library; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from types import MappingProxyType
from typing import Final

from pledge.domain.errors import InvalidInput, PledgeError, Problem

__all__ = [
    "CURRENCIES",
    "MAX_AMOUNT",
    "MAX_MINOR_UNITS",
    "MAX_USD",
    "STORAGE_EXPONENT",
    "ZERO",
    "D",
    "Money",
    "MoneyRange",
    "check_ceiling",
    "format_amount",
    "format_range",
    "from_minor_units",
    "parse_amount",
    "plain",
    "round_cents",
    "to_minor_units",
]

ZERO: Final = Decimal(0)

#: ISO 4217 code -> (display prefix, minor-unit exponent). The prefixes are the
#: ones :func:`format_amount` prints and :func:`parse_amount` reads back.
CURRENCIES: Final[Mapping[str, tuple[str, int]]] = MappingProxyType({
    "USD": ("US$", 2),
    "JPY": ("¥", 0),
    "KRW": ("₩", 0),
    "EUR": ("€", 2),
    "TWD": ("NT$", 2),
    "CNY": ("CN¥", 2),
    "GBP": ("£", 2),
    "SGD": ("S$", 2),
    "AUD": ("A$", 2),
    "HKD": ("HK$", 2),
    "CAD": ("C$", 2),
    "CHF": ("CHF ", 2),
    "INR": ("₹", 2),
    "MYR": ("RM", 2),
    "ZAR": ("R", 2),
})

#: Storage keeps every amount, in every currency, as integer hundredths.
STORAGE_EXPONENT: Final = 2
_CENT: Final = Decimal(1).scaleb(-STORAGE_EXPONENT)

#: The largest count of hundredths any money column holds (a signed 64-bit integer):
#: :func:`to_minor_units` refuses anything beyond it, whatever computed it.
MAX_MINOR_UNITS: Final = 2**63 - 1

#: The largest amount pledge accepts, in US dollars: amounts of US$10 trillion or more
#: are refused. The programmes are counted in hundreds of billions; ten trillion is
#: beyond any of them and far enough below the column's limit that the sums pledge
#: shows stay exact.
MAX_USD: Final = Decimal(10) ** 13

#: The same ceiling in each currency: US$10 trillion at a round rate close to the
#: rates of 2025 (per US dollar: ¥150, ₩1,400, NT$30, CN¥7, €0.9, £0.8, S$1.35, A$1.5,
#: HK$7.8, C$1.4, CHF 0.85, ₹85, RM4.5, R18). A fixed table,
#: so an amount is accepted or refused the same way whatever rates are loaded, and
#: before any conversion. An amount is refused when it is at or above its ceiling.
MAX_AMOUNT: Final[Mapping[str, Decimal]] = MappingProxyType({
    "USD": MAX_USD,
    "JPY": MAX_USD * 150,
    "KRW": MAX_USD * 1400,
    "EUR": MAX_USD * Decimal("0.9"),
    "TWD": MAX_USD * 30,
    "CNY": MAX_USD * 7,
    "GBP": MAX_USD * Decimal("0.8"),
    "SGD": MAX_USD * Decimal("1.35"), "AUD": MAX_USD * Decimal("1.5"),
    "HKD": MAX_USD * Decimal("7.8"), "CAD": MAX_USD * Decimal("1.4"),
    "CHF": MAX_USD * Decimal("0.85"), "INR": MAX_USD * 85,
    "MYR": MAX_USD * Decimal("4.5"), "ZAR": MAX_USD * 18,
})

# Wide enough that sums, products and rounding of any realistic amount are exact.
_WIDE: Final = Context(prec=80, rounding=ROUND_HALF_EVEN)

# Short display scales, largest first.
_SHORT_SCALES: Final = ((12, "tn"), (9, "bn"), (6, "m"))


def D(value: str | int | Decimal) -> Decimal:
    """Build a ``Decimal`` exactly from text, an int or a Decimal.

    Text may group digits with ``,`` or ``_`` (``"1,234.56"``); both are removed
    before conversion, as is surrounding whitespace. Floats are refused
    (``TypeError``) because they are not exact; so are bools.

    Raises ``InvalidInput`` (field ``"value"``, rule ``"money.bad_number"``) when
    the text is not a finite number.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"D() takes str, int or Decimal, not {type(value).__name__}")
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("_", "")
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise InvalidInput.single("value", value, "money.bad_number",
                                      "not a number") from None
    else:
        result = Decimal(value)
    if not result.is_finite():
        raise InvalidInput.single("value", value, "money.bad_number",
                                  "not a finite number")
    return result


def plain(value: Decimal) -> Decimal:
    """``value`` with trailing zeros dropped and no positive exponent.

    ``plain(Decimal("6E+12")) == Decimal("6000000000000")`` and
    ``format(plain(x), "f")`` prints plain digits; ``plain(Decimal("1.50"))`` is
    ``Decimal("1.5")``. The numeric value never changes.
    """
    reduced = value.normalize(_WIDE)
    exponent = reduced.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        reduced = reduced.quantize(Decimal(1), context=_WIDE)
    return reduced if reduced else ZERO


def _check_currency(code: object, field: str, problems: list[Problem]) -> None:
    if not isinstance(code, str) or code not in CURRENCIES:
        problems.append(Problem(field, code, "money.unknown_currency",
                                f"not a known currency code (known: {', '.join(CURRENCIES)})"))


def _check_decimal(value: object, field: str, problems: list[Problem]) -> None:
    if not isinstance(value, Decimal):
        problems.append(Problem(field, value, "money.not_decimal",
                                f"must be a Decimal, not {type(value).__name__}"))
    elif not value.is_finite():
        problems.append(Problem(field, value, "money.bad_number", "must be a finite number"))


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency.

    amount:   a finite ``Decimal`` in whole units of ``currency`` (may be negative)
    currency: an ISO 4217 code from :data:`CURRENCIES`

    Adding, subtracting and comparing need the same currency (``InvalidInput``,
    field ``"currency"``, rule ``"money.currency_mismatch"``, otherwise).
    Multiplying by a Decimal or an int scales the amount exactly. Construction
    raises ``InvalidInput`` naming each bad field (``"money.not_decimal"``,
    ``"money.unknown_currency"``).
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        _check_decimal(self.amount, "amount", problems)
        _check_currency(self.currency, "currency", problems)
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in ``currency``."""
        return cls(ZERO, currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput.single(
                "currency", other.currency, "money.currency_mismatch",
                f"cannot combine {self.currency} with {other.currency}; convert first")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(_WIDE.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(_WIDE.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(_WIDE.multiply(self.amount, Decimal(factor)), self.currency)

    __rmul__ = __mul__

    def _other_amount(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other)
        return other.amount

    def __lt__(self, other: object) -> bool:
        return self.amount < self._other_amount(other)

    def __le__(self, other: object) -> bool:
        return self.amount <= self._other_amount(other)

    def __gt__(self, other: object) -> bool:
        return self.amount > self._other_amount(other)

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._other_amount(other)

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)


@dataclass(frozen=True, slots=True)
class MoneyRange:
    """An amount as sources state it: a low and/or a high bound in one currency.

    low, high: ``Decimal`` bounds in whole units, or ``None`` when open
               ("up to X" has no low, "at least X" no high); at least one is
               present and ``low <= high`` when both are. A single amount has
               ``low == high``.
    currency:  an ISO 4217 code from :data:`CURRENCIES`
    text:      the text it was read from, if any (kept for provenance)

    Raises ``InvalidInput`` listing every broken rule (``"money.no_bounds"``,
    ``"money.reversed_range"``, ``"money.not_decimal"``, ``"money.unknown_currency"``).
    """

    low: Decimal | None
    high: Decimal | None
    currency: str
    text: str = ""

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if self.low is None and self.high is None:
            problems.append(Problem("low", None, "money.no_bounds",
                                    "a range needs a low or a high bound"))
        if self.low is not None:
            _check_decimal(self.low, "low", problems)
        if self.high is not None:
            _check_decimal(self.high, "high", problems)
        _check_currency(self.currency, "currency", problems)
        if (not problems and self.low is not None and self.high is not None
                and self.low > self.high):
            problems.append(Problem("low", self.low, "money.reversed_range",
                                    f"the low bound is above the high bound {self.high}"))
        if problems:
            raise InvalidInput(problems)

    @classmethod
    def exactly(cls, amount: Decimal, currency: str, text: str = "") -> MoneyRange:
        """A single amount (``low == high == amount``)."""
        return cls(amount, amount, currency, text)

    @property
    def is_single(self) -> bool:
        """Whether this is one amount rather than a span or an open bound."""
        return self.low is not None and self.low == self.high

    @property
    def midpoint(self) -> Decimal | None:
        """The exact middle of the two bounds, or ``None`` if either is open."""
        if self.low is None or self.high is None:
            return None
        return plain(_WIDE.divide(_WIDE.add(self.low, self.high), Decimal(2)))

    def low_money(self) -> Money | None:
        """The low bound as :class:`Money`, or ``None`` when open."""
        return None if self.low is None else Money(self.low, self.currency)

    def high_money(self) -> Money | None:
        """The high bound as :class:`Money`, or ``None`` when open."""
        return None if self.high is None else Money(self.high, self.currency)

    def __str__(self) -> str:
        return format_range(self)


def parse_amount(text: str) -> MoneyRange:
    """Read an amount as people write it ("US$550 billion", "6–7兆円", "최대 1000억 달러").

    Returns a :class:`MoneyRange` in whole currency units, exact and in plain
    (non-exponent) form, with ``text`` kept. Raises ``InvalidInput`` listing
    every problem found, each with field ``"amount"``, the offending substring
    and a stable rule (``"money.no_currency"``, ``"money.bad_number"``,
    ``"money.percentage"``...). See :mod:`pledge.domain.amount_parser`.
    """
    # Imported here: the parser builds on this module's types.
    from pledge.domain.amount_parser import parse_amount as _parse

    return _parse(text)


def _group(value: Decimal, places: int | None) -> str:
    """Digits of ``value`` grouped by thousands, with ``places`` decimals when exact."""
    if places is not None:
        fixed = value.quantize(Decimal(1).scaleb(-places), context=_WIDE)
        if fixed == value:
            return format(fixed, ",f")
    return format(plain(value), ",f")


def format_amount(value: Decimal, currency: str, *, short: bool = True) -> str:
    """Display ``value`` of ``currency``: ``"US$550bn"``, ``"¥5.2tn"``, ``"₩509tn"``.

    ``short`` writes amounts from a million up as a count of millions ("m"),
    billions ("bn") or trillions ("tn") with every significant digit kept (never
    rounded, so the text parses back to ``value``); smaller amounts are written
    in full. ``short=False`` writes grouped full digits with the currency's
    minor units (``"US$550,000,000,000.00"``, ``"¥5,200,000,000,000"``); digits
    beyond the minor unit are shown, not rounded away. For display only.

    Raises ``InvalidInput`` (``"money.unknown_currency"``) for an unknown code.
    """
    if currency not in CURRENCIES:
        raise InvalidInput.single("currency", currency, "money.unknown_currency",
                                  "not a known currency code")
    prefix, minor = CURRENCIES[currency]
    sign = "-" if value < 0 else ""
    magnitude = value.copy_abs()  # abs() would round to the default context's 28 digits
    if short:
        for exponent, suffix in _SHORT_SCALES:
            if magnitude >= Decimal(1).scaleb(exponent):
                count = plain(magnitude.scaleb(-exponent, _WIDE))
                return f"{sign}{prefix}{format(count, ',f')}{suffix}"
        integral = magnitude == magnitude.to_integral_value()
        return f"{sign}{prefix}{_group(magnitude, 0 if integral else minor)}"
    return f"{sign}{prefix}{_group(magnitude, minor)}"


def significant(value: Decimal, digits: int = 4) -> Decimal:
    """``value`` rounded half-even to ``digits`` significant digits, trailing zeros dropped
    (``6.50872168706E+9`` → ``6.509E+9``; ``12.70`` → ``12.7``). For reading only."""
    if not value.is_finite() or value == 0:
        return value
    exact = value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), context=_WIDE)
    return plain(exact)


def format_rounded(value: Decimal, currency: str, digits: int = 4) -> str:
    """``value`` for a person to read: ``format_amount`` of it rounded to ``digits``
    significant digits (``"US$6.509bn"``, ``"US$550bn"``, ``"¥1.5tn"``). The one short
    form of an amount the pages and the command line show; amounts of record are
    written in full beside it where exactness matters."""
    return format_amount(significant(value, digits), currency)


def format_rate(value: Decimal, digits: int = 6) -> str:
    """An exchange rate or other ratio to ``digits`` significant digits, never in
    exponent form (``0.006508721687060661`` → ``"0.00650872"``)."""
    return format(significant(value, digits), "f")


def format_range(r: MoneyRange, digits: int | None = None) -> str:
    """Display a range: ``"US$550bn"``, ``"¥6tn to ¥7tn"``, ``"up to US$25bn"``,
    ``"at least US$390bn"``. The text parses back to the same range; with ``digits``,
    each bound is rounded to that many significant digits for reading
    (:func:`format_rounded`)."""
    def one(value: Decimal) -> str:
        return (format_amount(value, r.currency) if digits is None
                else format_rounded(value, r.currency, digits))

    if r.low is not None and r.high is not None:
        if r.low == r.high:
            return one(r.low)
        return f"{one(r.low)} to {one(r.high)}"
    if r.high is not None:
        return f"up to {one(r.high)}"
    assert r.low is not None  # guaranteed by MoneyRange
    return f"at least {one(r.low)}"


def check_ceiling(value: Decimal, currency: str, field: str = "amount",
                  shown: object = None) -> list[Problem]:
    """The problem with ``value`` of ``currency`` when it is at or above the currency's
    ceiling (:data:`MAX_AMOUNT`, rule ``money.too_large``), as a list (empty when fine).

    ``shown`` is the value the problem quotes (the text as given; ``value`` by default).
    Negative amounts are measured by their size.
    """
    limit = MAX_AMOUNT.get(currency)
    if limit is None or abs(value) < limit:
        return []
    equivalent = "" if currency == "USD" else \
        f" (the equivalent of {format_amount(MAX_USD, 'USD')})"
    return [Problem(field, value if shown is None else shown, "money.too_large",
                    f"amounts must stay below {format_amount(limit, currency)}{equivalent}")]


def round_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to hundredths, ties to even (``ROUND_HALF_EVEN``)."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_EVEN, context=_WIDE)


def to_minor_units(amount: Decimal) -> int:
    """``amount`` as an integer count of hundredths, for storage (every currency).

    Raises ``InvalidInput`` (field ``"amount"``) with rule ``"money.sub_cent"``
    when ``amount`` has a non-zero digit past the second decimal place (round
    first with :func:`round_cents`), ``"money.too_large"`` when the count of
    hundredths does not fit a money column (:data:`MAX_MINOR_UNITS`), or
    ``"money.not_decimal"`` when it is not a Decimal.
    """
    problems: list[Problem] = []
    _check_decimal(amount, "amount", problems)
    if problems:
        raise InvalidInput(problems)
    with localcontext(_WIDE):
        scaled = amount.scaleb(STORAGE_EXPONENT)
        if scaled != scaled.to_integral_value():
            raise InvalidInput.single("amount", amount, "money.sub_cent",
                                      "has more than 2 decimal places; round to cents first")
        if abs(scaled) > MAX_MINOR_UNITS:
            raise InvalidInput.single("amount", amount, "money.too_large",
                                      "too large to record (amounts must stay below "
                                      "US$10tn or its equivalent)")
        return int(scaled)


def from_minor_units(n: int) -> Decimal:
    """The amount stored as ``n`` hundredths: ``from_minor_units(12345) == Decimal("123.45")``.

    Raises ``TypeError`` unless ``n`` is an int (bools refused).
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"minor units must be an int, not {type(n).__name__}")
    return Decimal(n).scaleb(-STORAGE_EXPONENT, _WIDE)


def format_stored(low: object, high: object, currency: object) -> str:
    """Display a range kept as decimal text (JSON payloads, stored facts): like
    ``format_range``; "no amount" when neither bound is there; values that are not a
    valid range are shown as they are (a missing one as "?"), never as ``None``."""
    if low in (None, "") and high in (None, ""):
        return "no amount"
    try:
        lo, hi = (None if v in (None, "") else Decimal(str(v)) for v in (low, high))
        return format_range(MoneyRange(lo, hi, str(currency)))
    except (PledgeError, ArithmeticError, ValueError):
        shown = ["?" if v in (None, "") else str(v) for v in (low, high, currency)]
        return f"{shown[0]} to {shown[1]} {shown[2]}"


#: The units a Japanese reader counts large amounts in, largest first: 兆, 億, 万.
_JAPANESE_UNITS = ((12, "兆"), (8, "億"), (4, "万"))


def format_japanese(value: Decimal, unit: str = "円", digits: int = 4) -> str:
    """An amount as Japanese is written: ``8兆2,500億円``, ``3,000億円``, ``1億5,000万円``,
    ``850円``; with ``unit="ドル"`` a dollar amount, ``5,500億ドル``. Rounded first to
    ``digits`` significant digits, as :func:`format_rounded` rounds, then counted in
    兆 (10^12), 億 (10^8) and 万 (10^4), each count's digits grouped by thousands and a
    unit whose count is zero left out. For display only."""
    rounded = significant(value.copy_abs(), digits)
    sign = "-" if value < 0 and rounded != 0 else ""
    parts: list[str] = []
    rest = rounded
    for exponent, word in _JAPANESE_UNITS:
        size = Decimal(1).scaleb(exponent)
        count = _WIDE.divide_int(rest, size)
        if count:
            parts.append(f"{format(count, ',f')}{word}")
            rest = _WIDE.subtract(rest, _WIDE.multiply(count, size))
    if rest or not parts:
        parts.append(format(plain(rest), ",f"))
    return f"{sign}{''.join(parts)}{unit}"
