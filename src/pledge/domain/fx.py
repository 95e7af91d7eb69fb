"""Exchange rates: dated reference points and conversion between currencies.

A :class:`Rate` says that on a date one unit of ``base`` was worth ``rate`` units
of ``quote`` (``Rate(date(2025, 11, 14), "USD", "KRW", Decimal("1454.29"), ...)``:
US$1 = ₩1,454.29). A :class:`RateTable` answers "which rate was in force on this
date?" with the latest rate on or before it, turning a pair round or crossing
through US dollars when it has to, and refusing (``NotFound``) rather than
guessing when it has nothing. The shipped reference points are in
``pledge/data/fx_rates.csv`` (read with :func:`parse_rates_csv`); users can add
their own with :meth:`RateTable.merged`.

Pure standard library; no I/O.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal
from typing import Final

from pledge.domain.bounds import PLAUSIBLE_DATES
from pledge.domain.errors import InvalidInput, NotFound, Problem
from pledge.domain.money import CURRENCIES, D, Money, MoneyRange, plain, round_cents

__all__ = ["CSV_COLUMNS", "Conversion", "Rate", "RateTable", "parse_rates_csv"]

#: Columns of a rates file, in order; ``note`` may be left out.
CSV_COLUMNS: Final = ("date", "base", "quote", "rate", "source", "note")
_REQUIRED: Final = CSV_COLUMNS[:5]

# Inverse and cross rates keep 28 significant digits (far below a cent on any amount).
_RATE_CONTEXT: Final = Context(prec=28)
_PRODUCT: Final = Context(prec=80)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VIA: Final = "USD"


@dataclass(frozen=True, slots=True)
class Rate:
    """On ``on``, 1 ``base`` = ``rate`` ``quote``.

    on:     the date the rate applies from (until a later one replaces it)
    base:   ISO code of the currency priced (e.g. ``"USD"``)
    quote:  ISO code of the currency it is priced in (e.g. ``"JPY"``)
    rate:   units of ``quote`` per unit of ``base``; a positive ``Decimal``
    source: where the rate comes from (a URL, or how it was derived)
    note:   anything a reader should know (the printed figures, approximations)

    Raises ``InvalidInput`` naming each bad field (rules ``"fx.bad_date"``,
    ``"fx.unknown_currency"``, ``"fx.bad_rate"``).
    """

    on: date
    base: str
    quote: str
    rate: Decimal
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.on, date):
            problems.append(Problem("on", self.on, "fx.bad_date", "must be a date"))
        for name in ("base", "quote"):
            code = getattr(self, name)
            if code not in CURRENCIES:
                problems.append(Problem(name, code, "fx.unknown_currency",
                                        f"not a known currency (known: {', '.join(CURRENCIES)})"))
        if not isinstance(self.rate, Decimal) or not self.rate.is_finite() or self.rate <= 0:
            problems.append(Problem("rate", self.rate, "fx.bad_rate",
                                    "must be a positive, finite Decimal"))
        if problems:
            raise InvalidInput(problems)

    def inverse(self) -> Rate:
        """The same rate seen the other way round (1 ``quote`` = 1/``rate`` ``base``)."""
        return Rate(self.on, self.quote, self.base, _RATE_CONTEXT.divide(Decimal(1), self.rate),
                    self.source, f"inverse of {self.base}/{self.quote} {self.rate}")


@dataclass(frozen=True, slots=True)
class Conversion:
    """The result of converting an amount, with the rate that was used.

    result:    the converted range, each bound rounded to cents (ROUND_HALF_EVEN)
    rate:      units of the target currency per unit of the original one
    rate_date: the date of the rate used (for a cross rate, the older leg's)
    source:    where that rate comes from
    """

    result: MoneyRange
    rate: Decimal
    rate_date: date
    source: str


class RateTable:
    """Dated exchange rates, answering which rate was in force on a day.

    Built from any iterable of :class:`Rate`. For one date and one pair of
    currencies only one rate is kept, whichever way round it is quoted: a later
    rate in the iterable replaces an earlier one (so user rates given after the
    shipped ones win; see :meth:`merged`).
    """

    def __init__(self, rates: Iterable[Rate] = ()) -> None:
        latest: dict[tuple[date, frozenset[str]], Rate] = {}
        for r in rates:
            if not isinstance(r, Rate):
                raise TypeError(f"RateTable takes Rate objects, not {type(r).__name__}")
            if r.base == r.quote:
                raise InvalidInput.single("quote", r.quote, "fx.same_currency",
                                          "a rate needs two different currencies")
            key = (r.on, frozenset((r.base, r.quote)))
            latest.pop(key, None)
            latest[key] = r
        self._rates: tuple[Rate, ...] = tuple(
            sorted(latest.values(), key=lambda r: (r.on, r.base, r.quote)))
        self._by_pair: dict[frozenset[str], list[Rate]] = {}
        for r in self._rates:
            self._by_pair.setdefault(frozenset((r.base, r.quote)), []).append(r)
        self._dates = {pair: [r.on for r in rs] for pair, rs in self._by_pair.items()}

    @classmethod
    def from_csv(cls, text: str) -> RateTable:
        """A table of the rates in a CSV text (see :func:`parse_rates_csv`)."""
        return cls(parse_rates_csv(text))

    @property
    def rates(self) -> tuple[Rate, ...]:
        """Every rate kept, by date then pair."""
        return self._rates

    def __len__(self) -> int:
        return len(self._rates)

    def merged(self, other_rates: Iterable[Rate]) -> RateTable:
        """A new table with ``other_rates`` added; one of them on the same date and
        pair as a rate here replaces it. This table is unchanged."""
        return RateTable([*self._rates, *other_rates])

    def _direct(self, base: str, quote: str, on: date) -> Rate | None:
        pair = frozenset((base, quote))
        dates = self._dates.get(pair)
        if not dates:
            return None
        i = bisect_right(dates, on)
        if i == 0:
            return None
        r = self._by_pair[pair][i - 1]
        return r if r.base == base else r.inverse()

    def rate_on(self, base: str, quote: str, on: date) -> Rate:
        """The rate (1 ``base`` = ``rate`` ``quote``) in force on ``on``.

        That is the latest rate for the pair dated on or before ``on``, taken as
        quoted or turned round (whichever is later; as quoted on a tie). With no
        such rate, the two legs through US dollars are multiplied: the result is
        dated by the older leg and its source names both. The same currency on
        both sides gives 1 (source ``"identity"``).

        Raises ``InvalidInput`` (``"fx.unknown_currency"``) for an unknown code
        and ``NotFound`` (field ``"on"``, rule ``"fx.no_rate"``) when no rate is
        in force on that date.
        """
        problems = [Problem(name, code, "fx.unknown_currency", "not a known currency")
                    for name, code in (("base", base), ("quote", quote))
                    if code not in CURRENCIES]
        if problems:
            raise InvalidInput(problems)
        if base == quote:
            return Rate(on, base, quote, Decimal(1), "identity")
        direct = self._direct(base, quote, on)
        if direct is not None:
            return direct
        if _VIA not in (base, quote):
            first = self._direct(base, _VIA, on)
            second = self._direct(_VIA, quote, on)
            if first is not None and second is not None:
                return Rate(min(first.on, second.on), base, quote,
                            _RATE_CONTEXT.multiply(first.rate, second.rate),
                            f"{first.source} + {second.source}",
                            f"cross via {_VIA}: {base}/{_VIA} of {first.on} x "
                            f"{_VIA}/{quote} of {second.on}")
        raise NotFound.single("on", on, "fx.no_rate", self._why_none(base, quote, on))

    def _why_none(self, base: str, quote: str, on: date) -> str:
        dates = self._dates.get(frozenset((base, quote)))
        if dates:
            return f"no {base}/{quote} rate in force on {on}; the first is dated {dates[0]}"
        return f"no {base}/{quote} rate in force on {on} (none directly, none through {_VIA})"

    def convert(self, value: MoneyRange | Money, to: str, on: date) -> Conversion:
        """``value`` in currency ``to`` at the rate in force on ``on`` (see :meth:`rate_on`).

        Each bound is multiplied by the rate and rounded to cents (ROUND_HALF_EVEN).
        Raises as :meth:`rate_on` does.
        """
        rng = MoneyRange.exactly(value.amount, value.currency) if isinstance(value, Money) \
            else value
        r = self.rate_on(rng.currency, to, on)

        def one(bound: Decimal | None) -> Decimal | None:
            return None if bound is None else round_cents(_PRODUCT.multiply(bound, r.rate))

        return Conversion(MoneyRange(one(rng.low), one(rng.high), to), r.rate, r.on, r.source)


def parse_rates_csv(text: str) -> list[Rate]:
    """The rates in a CSV text with a header row naming the columns
    ``date,base,quote,rate,source,note`` (any order; ``note`` optional).

    ``date`` is ISO (``2025-11-14``); ``base`` and ``quote`` are currency codes;
    ``rate`` is the number of ``quote`` units per ``base`` unit; ``source`` must
    not be empty. Blank lines are skipped.

    Raises ``InvalidInput`` listing every bad cell at once; each problem's field
    is ``"row N column X"`` where N is the line of the file the row starts on
    (the header is row 1). A missing or malformed header is reported with field
    ``"header"``.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    problems: list[Problem] = []
    rates: list[Rate] = []
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            row_no, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = _header(row)
                continue
            rate = _row(row_no, row, header, problems)
            if rate is not None:
                rates.append(rate)
    except csv.Error as exc:
        problems.append(Problem(f"row {line}", "", "fx.bad_csv", f"not valid CSV: {exc}"))
    if header is None and not problems:
        raise InvalidInput.single("header", "", "fx.no_header",
                                  f"the file needs a header row: {','.join(CSV_COLUMNS)}")
    if problems:
        raise InvalidInput(problems)
    return rates


def _header(row: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    missing = [c for c in _REQUIRED if c not in names]
    unknown = [c for c in names if c not in CSV_COLUMNS]
    duplicated = sorted({c for c in names if names.count(c) > 1})
    if missing or unknown or duplicated:
        parts = [f"missing {', '.join(missing)}" if missing else "",
                 f"unknown {', '.join(unknown)}" if unknown else "",
                 f"repeated {', '.join(duplicated)}" if duplicated else ""]
        raise InvalidInput.single(
            "header", ",".join(row), "fx.bad_header",
            f"expected the columns {','.join(CSV_COLUMNS)} ({'; '.join(p for p in parts if p)})")
    return names


def _row(n: int, row: list[str], header: list[str], problems: list[Problem]) -> Rate | None:
    if len(row) > len(header):
        problems.append(Problem(f"row {n}", ",".join(row), "fx.column_count",
                                f"has {len(row)} columns, the header {len(header)}"))
        return None
    cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
    before = len(problems)

    def bad(column: str, rule: str, message: str) -> None:
        problems.append(Problem(f"row {n} column {column}", cells[column], rule, message))

    on = None
    if not _ISO_DATE.fullmatch(cells["date"]):
        bad("date", "fx.bad_date", "must be a date written YYYY-MM-DD")
    else:
        try:
            on = date.fromisoformat(cells["date"])
        except ValueError:
            bad("date", "fx.bad_date", "is not a calendar date")
        else:
            out_of_range = PLAUSIBLE_DATES.problem("date", on)
            if out_of_range is not None:
                bad("date", out_of_range.rule, out_of_range.message)
                on = None
    base, quote = cells["base"].upper(), cells["quote"].upper()
    for column, code in (("base", base), ("quote", quote)):
        if code not in CURRENCIES:
            bad(column, "fx.unknown_currency",
                f"not a known currency (known: {', '.join(CURRENCIES)})")
    if base == quote and base in CURRENCIES:
        bad("quote", "fx.same_currency", "must differ from base")
    rate = None
    try:
        rate = plain(D(cells["rate"]))
    except InvalidInput:
        bad("rate", "fx.bad_rate", "must be a number")
    if rate is not None and rate <= 0:
        bad("rate", "fx.bad_rate", "must be greater than zero")
    if not cells["source"]:
        bad("source", "fx.missing_source", "say where the rate comes from")
    if len(problems) > before or on is None or rate is None:
        return None
    return Rate(on, base, quote, rate, cells["source"], cells.get("note", ""))
