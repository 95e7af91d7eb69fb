"""Exports: projects and the ledger as CSV and XLSX, deadlines as iCalendar, projects as OC4IDS.

Every export is built in memory and returned as text, bytes or a dict; writing it
anywhere is the caller's business (``write_atomic`` writes a file so that a
failure never leaves half of one behind). This module reads what each export needs
(the SQL is ``store.export_queries``); the writers, one per format, are the
``pledge.exports`` package.

Formats, once for every edge:

* CSV: UTF-8 without a byte-order mark, a header row, the column order of
  ``PROJECT_COLUMNS`` / ``LEDGER_COLUMNS`` (stable: new columns go at the end);
  money as text with two decimals ("2000000000.00"), dates as ``YYYY-MM-DD``,
  lists (states) joined with "; ", an unknown value as an empty cell.
* XLSX: the same columns; a bold, frozen header row with a filter; money cells
  hold the exact Decimal (no float rounding on the way in) with a currency
  number format; dates are date cells.
* Text is never a formula: a CSV cell starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return gets a leading ``'``; an XLSX text cell is a string
  cell (with the quote prefix for those starts), and characters XML cannot hold
  (control characters recorded before input was checked) become U+FFFD.
* iCalendar: one all-day event per selected or notified project (see
  ``deadlines_ics``).
* OC4IDS: one project document (see ``project_oc4ids``), or every project of a
  framework in one project package (``oc4ids_package``), money as JSON numbers.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pledge.domain.bounds import check_dates
from pledge.domain.errors import InvalidInput
from pledge.domain.framework import Framework, FundingWindow
from pledge.domain.ledger import ALLOCATED, INVESTED, USED
from pledge.domain.sources import check_uri
from pledge.domain.text import clean_name
from pledge.exports.atomic import write_atomic
from pledge.exports.csv import CSV_MEDIA_TYPE, table_csv
from pledge.exports.ical import ICS_MEDIA_TYPE, deadline_uid, deadlines_feed
from pledge.exports.oc4ids import ProjectRecord, account_suffix, oc4ids_id, project_document
from pledge.exports.oc4ids_package import codelist_extensions, project_package, schema_errors
from pledge.exports.rows import (
    BALANCE_COLUMNS,
    LEDGER_COLUMNS,
    PROJECT_COLUMNS,
    BalanceRow,
    LedgerRow,
    ProjectRow,
    balances_of,
)
from pledge.exports.table import FORMULA_START, Column, Sheet, as_text, money_text, xml_text
from pledge.exports.xlsx import XLSX_MEDIA_TYPE, money_format, workbook
from pledge.services import as_of as as_of_svc
from pledge.services import deadlines as deadlines_svc
from pledge.services import relations
from pledge.services.base import framework_row, load_framework, now, project_row
from pledge.services.oc4ids_then import record_then, then_of
from pledge.store import export_queries as xq
from pledge.store import tables as t
from pledge.store.db import reading

__all__ = [
    "BALANCE_COLUMNS", "CSV_MEDIA_TYPE", "FORMULA_START", "ICS_MEDIA_TYPE", "LEDGER_COLUMNS",
    "PROJECT_COLUMNS", "PUBLISHER", "TABLE_FORMATS", "XLSX_MEDIA_TYPE", "BalanceRow", "Column",
    "LedgerRow", "ProjectRow", "Sheet", "as_text", "balances_of", "codelist_extensions",
    "deadline_uid", "deadlines_ics", "export_ledger", "export_projects", "ledger_csv",
    "ledger_rows", "ledger_xlsx", "money_format", "money_text", "oc4ids_id", "oc4ids_package",
    "parse_format", "project_oc4ids", "project_rows", "projects_csv", "projects_xlsx",
    "schema_errors", "workbook", "write_atomic", "xml_text"
]

CENT = Decimal("0.01")
TABLE_FORMATS = ("csv", "xlsx")
PUBLISHER = "pledge"
"""Who an OC4IDS package names as its publisher unless told otherwise."""


def parse_format(text: str | None, allowed: Sequence[str] = TABLE_FORMATS, *,
                 default: str = "csv", path: str | os.PathLike[str] | None = None) -> str:
    """The export format asked for; without one, the file's suffix decides, else ``default``."""
    if text is None or not text.strip():
        suffix = Path(path).suffix.lower().lstrip(".") if path is not None else ""
        return suffix if suffix in allowed else default
    fmt = text.strip().lower()
    if fmt not in allowed:
        raise InvalidInput.single("format", text, "export.unknown_format",
                                  f"format is one of: {', '.join(allowed)}")
    return fmt


# ---------------------------------------------------------------------------------------
# Projects


def project_rows(engine: Engine, *, framework: str | None = None, status: str | None = None,
                 sector: str | None = None, as_of: date | None = None) -> list[ProjectRow]:
    """The projects ``list_projects`` selects (same filters), with sponsors and ledger sums;
    ``as_of``: as recorded by the end of that day (``services.as_of``: the projects, their
    stages and estimates then, and the ledger entries recorded by then)."""
    summaries = as_of_svc.list_projects_known(engine, as_of, framework=framework,
                                              status=status, sector=sector)
    known = None if as_of is None else as_of_svc.cutoff_of(as_of)
    with reading(engine) as s:
        components = xq.components(s)
        lead, others = xq.sponsor_names(s)
        sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for pid, account, amount in xq.posting_sums(s, recorded_before=known):
            sums[(pid, account_suffix(account))] += amount

    def machinery(pid: int, *accounts: str) -> Decimal | None:
        if not components.get(pid):
            return None
        return sum((sums[(pid, a)] for a in accounts), Decimal(0)).quantize(CENT)

    return [ProjectRow(
        id=p.id, name=p.name, framework=p.framework, sector=p.sector,
        sector_detail=p.sector_detail, status=p.status, amount_low_usd=p.amount_low_usd,
        amount_high_usd=p.amount_high_usd, location=p.location, states=p.states,
        lead="; ".join(lead[p.id]), partners="; ".join(others[p.id]),
        funding_date=p.funding_date, allocated_usd=machinery(p.id, ALLOCATED, USED),
        disbursed_usd=machinery(p.id, INVESTED)) for p in summaries]


def projects_csv(engine: Engine, *, framework: str | None = None, status: str | None = None,
                 sector: str | None = None, as_of: date | None = None) -> str:
    """The projects table as CSV text (as recorded by the end of ``as_of`` when given)."""
    return table_csv(PROJECT_COLUMNS, project_rows(engine, framework=framework, status=status,
                                                   sector=sector, as_of=as_of))


def projects_xlsx(engine: Engine, *, framework: str | None = None, status: str | None = None,
                  sector: str | None = None, as_of: date | None = None) -> bytes:
    """The projects table as an XLSX workbook (one sheet, "Projects")."""
    rows = project_rows(engine, framework=framework, status=status, sector=sector,
                        as_of=as_of)
    return workbook([Sheet("Projects", PROJECT_COLUMNS, rows)])


def export_projects(engine: Engine, fmt: str = "csv", *, framework: str | None = None,
                    status: str | None = None, sector: str | None = None,
                    as_of: date | None = None) -> bytes:
    """The projects table in ``fmt`` ("csv" or "xlsx") as bytes."""
    if parse_format(fmt) == "xlsx":
        return projects_xlsx(engine, framework=framework, status=status, sector=sector,
                             as_of=as_of)
    return projects_csv(engine, framework=framework, status=status, sector=sector,
                        as_of=as_of).encode("utf-8")



# ---------------------------------------------------------------------------------------
# The ledger


def ledger_rows(engine: Engine, framework: str) -> list[LedgerRow]:
    """Every posting of the framework's ledger, in entry order (debits positive)."""
    with reading(engine) as s:
        fw = framework_row(s, framework)
        return [LedgerRow(r.entry_id, r.on, r.kind, r.memo, r.account, r.project_id, r.party,
                          r.instrument, r.provider, r.currency, r.amount)
                for r in xq.ledger_postings(s, fw.id)]


def ledger_csv(engine: Engine, framework: str) -> str:
    """Every posting of the framework's ledger as CSV text."""
    return table_csv(LEDGER_COLUMNS, ledger_rows(engine, framework))


def ledger_xlsx(engine: Engine, framework: str) -> bytes:
    """The ledger as a workbook: a "Postings" sheet and a "Balances" sheet by account."""
    rows = ledger_rows(engine, framework)
    return workbook([
        Sheet("Postings", LEDGER_COLUMNS, rows, currency=lambda r: r.currency),
        Sheet("Balances", BALANCE_COLUMNS, balances_of(rows), currency=lambda r: r.currency),
    ])


def export_ledger(engine: Engine, framework: str, fmt: str = "csv") -> bytes:
    """The framework's ledger in ``fmt`` ("csv" or "xlsx") as bytes."""
    if parse_format(fmt) == "xlsx":
        return ledger_xlsx(engine, framework)
    return ledger_csv(engine, framework).encode("utf-8")


# ---------------------------------------------------------------------------------------
# Deadlines as iCalendar


def deadlines_ics(engine: Engine, *, framework: str | None = None, as_of: date | None = None,
                  stamp: datetime | None = None) -> bytes:
    """Every selected or notified project's funding date as an iCalendar feed.

    One all-day VEVENT per project, on its funding date (the extension's end when
    a deadline was extended). The summary names the project and its stage; the
    description says what the date means (fund by it, or not before it), the
    window that produced it (length, unit, calendar, the event that started the
    clock) and the business and calendar days left as of ``as_of`` (default
    today). A date computed before the notice exists is provisional: marked in
    the summary, the description and with STATUS:TENTATIVE. UIDs are stable
    (``project-32-funding@pledge``); ``stamp`` (default now) is the DTSTAMP.
    """
    as_of = as_of or date.today()
    stamp = stamp or now()
    rows = deadlines_svc.project_deadlines(engine, framework=framework, as_of=as_of)
    windows: dict[tuple[str, date], FundingWindow | None] = {}
    with reading(engine) as s:
        loaded: dict[str, Framework] = {}
        for d in rows:
            if d.framework not in loaded:
                loaded[d.framework] = load_framework(s, framework_row(s, d.framework))
            windows[(d.framework, d.clock_start)] = loaded[d.framework].terms_on(
                d.clock_start).window
    return deadlines_feed(rows, windows, framework=framework, as_of=as_of, stamp=stamp)


# ---------------------------------------------------------------------------------------
# OC4IDS


def _oc4ids_record(s: Any, row: Any, framework: Any) -> ProjectRecord:
    """Everything on record for one project that its OC4IDS document shows."""
    pid = row.id
    head = relations.stands_for(s, pid)
    return ProjectRecord(
        project=row, framework=framework,
        sponsors=xq.project_table(s, t.sponsors, pid),
        estimates=xq.project_table(s, t.estimates, pid),
        transitions=xq.project_table(s, t.transitions, pid),
        consultations=xq.project_table(s, t.consultations, pid),
        extensions=xq.project_table(s, t.extensions, pid),
        sites=xq.project_table(s, t.site_reports, pid),
        reports=xq.project_table(s, t.status_reports, pid),
        postings=xq.project_postings(s, pid), updated=xq.last_change(s, pid),
        related=relations.related_of(s, pid), duplicate_of=None if head == pid else head)


def project_oc4ids(engine: Engine, project_id: int | str, *,
                   base_url: str | None = None) -> dict[str, Any]:
    """The project as an OC4IDS project document (Open Contracting for Infrastructure):
    see ``pledge.exports.oc4ids.project_document`` for the mapping. ``base_url``: the
    server's address, for the address of each related project's document."""
    with reading(engine) as s:
        row = project_row(s, project_id)
        record = _oc4ids_record(s, row, xq.framework_by_id(s, row.framework_id))
        return project_document(record, base_url)


def oc4ids_package(engine: Engine, framework: str | None = None, *,
                   base_url: str | None = None, uri: str | None = None,
                   publisher: str = PUBLISHER, as_of: date | None = None,
                   progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Every project of ``framework`` (of every framework when None) in one OC4IDS
    project package, read in one transaction (one consistent state), projects in id
    order. ``uri`` names the package (default: a URN naming pledge and the framework);
    its ``publishedDate`` is the last recorded change of what it holds. ``as_of``: as
    recorded by the end of that day (``services.oc4ids_then``: the projects recorded by
    then, each from the rows recorded by then; ``publishedDate`` the last change recorded
    by then). ``progress`` is called with (done, total) as the documents are made.
    ``uri`` and ``publisher`` are checked as they come in (an http(s) address or a URN; a
    name without control characters, at most 200 characters)."""
    uri = None if uri is None else check_uri(uri, "uri")
    publisher = clean_name("publisher", publisher, 200)
    if as_of is not None:
        check_dates(as_of=as_of)
    with reading(engine) as s:
        fw = None if framework is None else framework_row(s, framework)
        then = None if as_of is None else then_of(engine, s, as_of)
        rows = [r for r in xq.projects_of(s, None if fw is None else fw.id)
                if then is None or r.id in then.summaries]
        frameworks: dict[int, Any] = {}
        docs = []
        for n, row in enumerate(rows, 1):
            if row.framework_id not in frameworks:
                frameworks[row.framework_id] = xq.framework_by_id(s, row.framework_id)
            record = (_oc4ids_record(s, row, frameworks[row.framework_id]) if then is None
                      else record_then(s, then, row, frameworks[row.framework_id]))
            if record is not None:
                docs.append(project_document(record, base_url))
            if progress is not None:
                progress(n, len(rows))
        cutoff = None if as_of is None else as_of_svc.cutoff_of(as_of)
        changed = xq.last_change_of(s, fw, before=cutoff) or min(cutoff or now(), now())
    name = uri or f"urn:pledge:oc4ids:{fw.key if fw is not None else 'all'}"
    return project_package(docs, uri=name, publisher=publisher, published=changed)
