"""CSV: UTF-8 without a byte-order mark, a header row, RFC 4180 line ends; money as text
with two decimals, dates as ``YYYY-MM-DD``, times in ISO 8601, yes/no as true/false,
lists joined with "; ", an unknown value as an empty cell, text never a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC
from typing import Any

from pledge.exports.table import Column, as_text, iso, money_text

__all__ = ["CSV_MEDIA_TYPE", "table_csv"]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "money":
        return money_text(value)
    if kind == "date":
        return iso(value)
    if kind == "datetime":  # a time stored without its zone is UTC, as pledge records it
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return str(aware.isoformat())
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        return as_text("; ".join(str(v) for v in value))
    if kind == "text":
        return as_text(str(value))
    return str(value)


def table_csv(columns: Sequence[Column], rows: Iterable[Any]) -> str:
    """Rows as CSV text (RFC 4180 line ends), header first."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(c.kind, c.get(row)) for c in columns])
    return buf.getvalue()
