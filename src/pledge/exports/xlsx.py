"""XLSX: one worksheet per ``Sheet``; a bold, frozen header row with a filter; money
cells hold the exact Decimal (no float on the way in) with a currency number format;
dates are date cells; text is a string cell, never a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook  # type: ignore[import-untyped]  # no inline types
from openpyxl.styles import Font  # type: ignore[import-untyped]  # no inline types
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]  # no inline types

from pledge.exports.table import FORMULA_START, Sheet, xml_text

__all__ = ["DATE_FORMAT", "MAX_WIDTH", "XLSX_MEDIA_TYPE", "money_format", "workbook"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def money_format(currency: str) -> str:
    """The spreadsheet number format for amounts in ``currency``."""
    if currency == "USD":
        return '"US$"#,##0.00;-"US$"#,##0.00'
    return f'#,##0.00 "{currency}";-#,##0.00 "{currency}"'


DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook with one worksheet per ``Sheet``.

    Header bold and frozen, an auto-filter over the table, widths from the
    content; money cells are the exact Decimals with a currency format, dates
    are date cells.
    """
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "pledge"
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append([c.name for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
        widths = [len(c.name) for c in sheet.columns]
        for r, row in enumerate(sheet.rows, start=2):
            for i, col in enumerate(sheet.columns):
                value = col.get(row)
                if col.kind == "list":
                    value = "; ".join(str(v) for v in value) if value else None
                if isinstance(value, str):
                    value = xml_text(value)
                cell = ws.cell(row=r, column=i + 1, value=value)
                if value is None:
                    continue
                if isinstance(value, str):
                    # Text stays text: never a formula, and shown as typed when edited.
                    cell.data_type = "s"
                    if value.startswith(FORMULA_START):
                        cell.quotePrefix = True
                if col.kind == "money":
                    cell.number_format = money_format(sheet.currency(row))
                    shown = len(f"{value:,.2f}") + 4
                elif col.kind == "date":
                    cell.number_format = DATE_FORMAT
                    shown = 10
                else:
                    shown = len(str(value))
                widths[i] = max(widths[i], shown)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
