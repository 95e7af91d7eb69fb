"""Bulk open data: the programme's tables as CSV and Parquet, with a data dictionary.

Pure: the services hand over :class:`Table` values (columns and rows); this module turns
them into files. Each table is written twice, as CSV (the format every tool reads; money
as text with two decimals, as every pledge CSV) and as Parquet (typed: money as
``decimal128`` so that no amount is rounded through a float, dates as dates, times as
UTC timestamps, lists as lists). ``dictionary.csv`` names every column with its type and
meaning, and ``datapackage.json`` describes the CSV files as a Frictionless Data
package, so that a reader's tools can load them with their types.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pledge.exports.csv import table_csv
from pledge.exports.table import Column

__all__ = ["DICTIONARY_COLUMNS", "Table", "bulk_files", "table_parquet"]

_CENT = Decimal("0.01")
_MONEY_DIGITS = 22  # below 10^20 in any currency, two decimals (MAX_AMOUNT is far below)

#: Frictionless Table Schema types of the column kinds
_FRICTIONLESS = {"text": "string", "int": "integer", "money": "number", "date": "date",
                 "datetime": "datetime", "list": "string", "bool": "boolean"}


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the bulk export: its file stem, what a row is, its columns, their
    meanings (column name -> sentence) and its rows."""

    name: str
    title: str
    columns: Sequence[Column]
    meanings: Mapping[str, str]
    rows: Sequence[Any] = field(default_factory=list)


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa
    return {"text": pa.string(), "int": pa.int64(), "money": pa.decimal128(_MONEY_DIGITS, 2),
            "date": pa.date32(), "datetime": pa.timestamp("us", tz="UTC"),
            "list": pa.list_(pa.string()), "bool": pa.bool_()}[kind]


def _arrow_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "money":
        return Decimal(value).quantize(_CENT)
    if kind == "list":
        return [str(v) for v in value]
    if kind == "text":
        return str(value)
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if kind == "date" and isinstance(value, date):
        return value
    return value


def table_parquet(table: Table) -> bytes:
    """``table`` as a Parquet file (typed columns, each described in its metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [pa.field(c.name, _arrow_type(c.kind),
                       metadata={"description": table.meanings.get(c.name, "")})
              for c in table.columns]
    arrays = [pa.array([_arrow_value(c.kind, c.get(r)) for r in table.rows],
                       type=_arrow_type(c.kind)) for c in table.columns]
    schema = pa.schema(fields, metadata={"title": table.title})
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buf)
    return buf.getvalue()


DICTIONARY_COLUMNS: tuple[Column, ...] = (
    Column("table", "text", lambda r: r[0]),
    Column("column", "text", lambda r: r[1]),
    Column("type", "text", lambda r: r[2]),
    Column("description", "text", lambda r: r[3]),
)


def _datapackage(tables: Sequence[Table], name: str, title: str) -> dict[str, Any]:
    return {
        "name": name, "title": title, "profile": "tabular-data-package",
        "resources": [{
            "name": t.name, "title": t.title, "path": f"{t.name}.csv", "format": "csv",
            "encoding": "utf-8", "profile": "tabular-data-resource",
            "schema": {"fields": [
                {"name": c.name, "type": _FRICTIONLESS[c.kind],
                 "description": t.meanings.get(c.name, "")} for c in t.columns]},
        } for t in tables]}


def bulk_files(tables: Sequence[Table], *, name: str, title: str) -> dict[str, bytes]:
    """Every file of the bulk export, by file name: each table as ``.csv`` and
    ``.parquet``, ``dictionary.csv`` and ``datapackage.json``. A column without a
    meaning is an error (the dictionary would be incomplete)."""
    missing = [f"{t.name}.{c.name}" for t in tables for c in t.columns
               if not t.meanings.get(c.name)]
    if missing:
        raise ValueError(f"columns without a meaning: {', '.join(missing)}")
    files: dict[str, bytes] = {}
    for t in tables:
        files[f"{t.name}.csv"] = table_csv(t.columns, t.rows).encode("utf-8")
        files[f"{t.name}.parquet"] = table_parquet(t)
    entries = [(t.name, c.name, c.kind, t.meanings[c.name]) for t in tables for c in t.columns]
    files["dictionary.csv"] = table_csv(DICTIONARY_COLUMNS, entries).encode("utf-8")
    files["datapackage.json"] = (json.dumps(_datapackage(tables, name, title), indent=2,
                                            ensure_ascii=False) + "\n").encode("utf-8")
    return files
