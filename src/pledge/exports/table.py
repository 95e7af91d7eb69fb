"""What every table export shares: its columns, its sheets, and how a cell is written.

A ``Column`` names a header, a kind (``text``, ``int``, ``money``, ``date`` or
``list``) and how to get the value from a row; one column list drives CSV and XLSX
alike. Text is never a formula: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is kept as text (``as_text``); characters XML cannot hold become
U+FFFD in a workbook (``xml_text``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pledge.domain.chain import money_text as chain_money_text

__all__ = ["FORMULA_START", "Column", "Sheet", "as_text", "iso", "money_text", "utc_text",
           "xml_text"]


def money_text(value: Decimal | None) -> str:
    """Money as the CSV and JSON exports write it: two decimals, or empty when unknown."""
    return "" if value is None else chain_money_text(value)


def utc_text(value: datetime) -> str:
    """An RFC 3339 time in UTC to the second (``2026-03-01T12:00:00Z``); a time stored
    without its zone is UTC, as pledge records it."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def iso(value: date | None) -> str:
    """A date as ``YYYY-MM-DD``, or empty when unknown."""
    return "" if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an exported table.

    name:  header text (also the CSV header)
    kind:  "text", "int", "money", "date", "datetime", "bool" or "list"
    get:   the value from a row
    """

    name: str
    kind: str
    get: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet of a workbook: its title, its columns and rows, and each row's
    currency (for the money cells' number format)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Any]
    currency: Callable[[Any], str] = lambda _row: "USD"


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV
# injection"): a name such as "=HYPERLINK(...)" must arrive as the text it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0, and so an XLSX file, cannot hold: the C0 controls but tab and line breaks.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_text(value: str) -> str:
    """Text for a CSV cell that no spreadsheet runs: a leading ``'`` before a formula start."""
    return "'" + value if value.startswith(FORMULA_START) else value


def xml_text(value: str) -> str:
    """Text an XLSX cell can hold: each character XML forbids becomes U+FFFD."""
    return _NOT_IN_XML.sub("\ufffd", value)

