"""Exports: projects and the ledger as CSV and XLSX, deadlines as iCalendar, projects as OC4IDS.

Every export is built in memory and returned as text, bytes or a dict; writing it
anywhere is the caller's business (``write_atomic`` writes a file so that a
failure never leaves half of one behind).

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
* OC4IDS: one project document (see ``project_oc4ids``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event
from openpyxl import Workbook  # type: ignore[import-untyped]  # no inline types
from openpyxl.styles import Font  # type: ignore[import-untyped]  # no inline types
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]  # no inline types
from sqlalchemy import Engine, func, select, type_coerce
from sqlalchemy.orm import Session

from pledge.domain.chain import money_text as chain_money_text
from pledge.domain.errors import InvalidInput
from pledge.domain.framework import Framework, FundingWindow, WindowMeaning
from pledge.domain.ledger import (
    ALLOCATED,
    CALLED_GUARANTEE,
    GUARANTEED,
    INVESTED,
    RECEIVED,
    SPV_IN_KIND,
    US_PARTY,
    USED,
    EntryKind,
)
from pledge.domain.lifecycle import Stage
from pledge.domain.project import SponsorRole
from pledge.domain.relations import Seen
from pledge.domain.sources import web_address
from pledge.services import deadlines as deadlines_svc
from pledge.services import projects as projects_svc
from pledge.services import relations
from pledge.services.base import framework_row, load_framework, now, project_row
from pledge.store import tables as t
from pledge.store.db import reading

CENT = Decimal("0.01")
TABLE_FORMATS = ("csv", "xlsx")

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


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


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` all at once: a temporary file beside it, then a rename.

    Readers see the old file or the new one, never a part; on any failure the
    temporary file is removed and an existing file at ``path`` is left as it was.
    A new file gets the usual permissions (``0o666`` less the umask); a replaced
    file keeps its own.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                   suffix=".tmp")
    except OSError as exc:  # report the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _umask() -> int:
    """The process umask (read by setting it and back: fine for a command, not for threads)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def money_text(value: Decimal | None) -> str:
    """Money as the CSV and JSON exports write it: two decimals, or empty when unknown."""
    return "" if value is None else chain_money_text(value)


def _iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


# ---------------------------------------------------------------------------------------
# Tables: one column list drives CSV and XLSX alike.


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an exported table.

    name:  header text (also the CSV header)
    kind:  "text", "int", "money", "date" or "list"
    get:   the value from a row
    """

    name: str
    kind: str
    get: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Sheet:
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


def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "money":
        return money_text(value)
    if kind == "date":
        return _iso(value)
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


# ---------------------------------------------------------------------------------------
# Projects


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """One project as the projects export shows it.

    amount_low_usd, amount_high_usd: the primary estimate's US-dollar bounds
    lead: lead sponsors; partners: every other sponsor (its role named unless "partner")
    allocated_usd: the project's allocation under the cap (reserved plus drawn by fundings)
    disbursed_usd: cash put into the project's SPV (a guarantee only once it is called)
    Both are None for a project of a pledge framework (no ledger machinery).
    """

    id: int
    name: str
    framework: str
    sector: str
    sector_detail: str
    status: str
    amount_low_usd: Decimal | None
    amount_high_usd: Decimal | None
    location: str
    states: tuple[str, ...]
    lead: str
    partners: str
    funding_date: date | None
    allocated_usd: Decimal | None
    disbursed_usd: Decimal | None


PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("id", "int", lambda r: r.id),
    Column("name", "text", lambda r: r.name),
    Column("framework", "text", lambda r: r.framework),
    Column("sector", "text", lambda r: r.sector),
    Column("sector_detail", "text", lambda r: r.sector_detail),
    Column("status", "text", lambda r: r.status),
    Column("amount_low_usd", "money", lambda r: r.amount_low_usd),
    Column("amount_high_usd", "money", lambda r: r.amount_high_usd),
    Column("location", "text", lambda r: r.location),
    Column("states", "list", lambda r: r.states),
    Column("lead_sponsor", "text", lambda r: r.lead),
    Column("partners", "text", lambda r: r.partners),
    Column("funding_date", "date", lambda r: r.funding_date),
    Column("allocated_usd", "money", lambda r: r.allocated_usd),
    Column("disbursed_usd", "money", lambda r: r.disbursed_usd),
)


def _suffix(account: str) -> str:
    """``strategic:capacity:used`` -> ``capacity:used`` (the account without its component)."""
    return account.split(":", 1)[1] if ":" in account else account


def project_rows(engine: Engine, *, framework: str | None = None, status: str | None = None,
                 sector: str | None = None) -> list[ProjectRow]:
    """The projects ``list_projects`` selects (same filters), with sponsors and ledger sums."""
    summaries = projects_svc.list_projects(engine, framework=framework, status=status,
                                           sector=sector)
    with reading(engine) as s:
        components = {int(pid): comp for pid, comp in s.execute(
            select(t.projects.c.id, t.projects.c.component))}
        lead: dict[int, list[str]] = defaultdict(list)
        others: dict[int, list[str]] = defaultdict(list)
        for sp in s.execute(select(t.sponsors).order_by(t.sponsors.c.id)):
            if sp.role == SponsorRole.LEAD.value:
                lead[sp.project_id].append(sp.name)
            else:
                others[sp.project_id].append(
                    sp.name if sp.role == SponsorRole.PARTNER.value else f"{sp.name} ({sp.role})")
        q = t.postings
        sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for pid, account, amount in s.execute(
                select(q.c.project_id, q.c.account, type_coerce(func.sum(q.c.amount), t.Cents))
                .where(q.c.project_id.is_not(None)).group_by(q.c.project_id, q.c.account)):
            sums[(int(pid), _suffix(account))] += amount or Decimal(0)

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
                 sector: str | None = None) -> str:
    """The projects table as CSV text."""
    return table_csv(PROJECT_COLUMNS, project_rows(engine, framework=framework, status=status,
                                                   sector=sector))


def projects_xlsx(engine: Engine, *, framework: str | None = None, status: str | None = None,
                  sector: str | None = None) -> bytes:
    """The projects table as an XLSX workbook (one sheet, "Projects")."""
    rows = project_rows(engine, framework=framework, status=status, sector=sector)
    return workbook([Sheet("Projects", PROJECT_COLUMNS, rows)])


def export_projects(engine: Engine, fmt: str = "csv", *, framework: str | None = None,
                    status: str | None = None, sector: str | None = None) -> bytes:
    """The projects table in ``fmt`` ("csv" or "xlsx") as bytes."""
    if parse_format(fmt) == "xlsx":
        return projects_xlsx(engine, framework=framework, status=status, sector=sector)
    return projects_csv(engine, framework=framework, status=status,
                        sector=sector).encode("utf-8")


# ---------------------------------------------------------------------------------------
# The ledger


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One posting with its entry's date, kind and memo."""

    entry_id: int
    on: date
    kind: str
    memo: str
    account: str
    project_id: int | None
    party: str | None
    instrument: str | None
    provider: str | None
    currency: str
    amount: Decimal


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("entry_id", "int", lambda r: r.entry_id),
    Column("date", "date", lambda r: r.on),
    Column("kind", "text", lambda r: r.kind),
    Column("memo", "text", lambda r: r.memo),
    Column("account", "text", lambda r: r.account),
    Column("project_id", "int", lambda r: r.project_id),
    Column("party", "text", lambda r: r.party),
    Column("instrument", "text", lambda r: r.instrument),
    Column("provider", "text", lambda r: r.provider),
    Column("currency", "text", lambda r: r.currency),
    Column("amount", "money", lambda r: r.amount),
)


@dataclass(frozen=True, slots=True)
class BalanceRow:
    account: str
    currency: str
    balance: Decimal


BALANCE_COLUMNS: tuple[Column, ...] = (
    Column("account", "text", lambda r: r.account),
    Column("currency", "text", lambda r: r.currency),
    Column("balance", "money", lambda r: r.balance),
)


def ledger_rows(engine: Engine, framework: str) -> list[LedgerRow]:
    """Every posting of the framework's ledger, in entry order (debits positive)."""
    p, e = t.postings, t.ledger_entries
    with reading(engine) as s:
        fw = framework_row(s, framework)
        return [LedgerRow(r.entry_id, r.on, r.kind, r.memo, r.account, r.project_id, r.party,
                          r.instrument, r.provider, r.currency, r.amount)
                for r in s.execute(
                    select(p.c.entry_id, e.c.on, e.c.kind, e.c.memo, p.c.account,
                           p.c.project_id, p.c.party, p.c.instrument, p.c.provider,
                           p.c.currency, p.c.amount)
                    .join(e, e.c.id == p.c.entry_id)
                    .where(p.c.framework_id == fw.id)
                    .order_by(p.c.entry_id, p.c.id))]


def balances_of(rows: Iterable[LedgerRow]) -> list[BalanceRow]:
    """The balance of every account (per currency) over ``rows``, by account name."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        totals[(r.account, r.currency)] += r.amount
    return [BalanceRow(a, c, v) for (a, c), v in sorted(totals.items())]


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

PRODID = "-//pledge//funding deadlines//EN"
CALENDAR_NAMES = {"us": "US", "jp": "Japanese", "joint": "joint US and Japanese"}


def deadline_uid(project_id: int) -> str:
    """The event UID of a project's funding date; stable, so a calendar updates in place."""
    return f"project-{project_id}-funding@pledge"


def _days(n: int, unit: str) -> str:
    return f"{n} {unit} day{'' if abs(n) == 1 else 's'}"


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

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "pledge funding deadlines" + (f" ({framework.strip().lower()})"
                                                          if framework else ""))
    for d in rows:
        deadline = d.meaning == WindowMeaning.DEADLINE.value
        day = max(d.due, d.extension_until) if (deadline and d.extension_until) else d.due
        word = "Fund by" if deadline else "Fund no earlier than"
        summary = f"{word} {day.isoformat()}: {d.name} ({d.status})"
        if d.provisional:
            summary = f"Provisional - {summary}"
        lines = [f"Project {d.project_id} ({d.framework}), stage: {d.status}."]
        if deadline:
            lines.append(f"Deadline: the funding must arrive on or before {day.isoformat()}.")
        else:
            lines.append(f"Earliest date: the funding may not arrive before {day.isoformat()}.")
        window = windows.get((d.framework, d.clock_start))
        calendar = CALENDAR_NAMES.get(d.calendar, d.calendar)
        if window is not None and d.provisional:
            lines.append(f"Window: {_days(window.length, window.unit.value)} on the "
                         f"{calendar} calendar from the {window.start.value}.")
        elif window is not None:
            lines.append(f"Window: {_days(window.length, window.unit.value)} on the "
                         f"{calendar} calendar from the {window.start.value} of "
                         f"{d.clock_start.isoformat()}.")
        if d.provisional:
            lines.append(f"Provisional: no funding notice yet; the date assumes the clock "
                         f"started on {d.clock_start.isoformat()}.")
        if deadline and d.extension_until and d.extension_until > d.due:
            lines.append(f"Extended until {d.extension_until.isoformat()} (the window's date "
                         f"was {d.due.isoformat()}).")
        calendar_days = (day - as_of).days
        if calendar_days >= 0:
            lines.append(f"As of {as_of.isoformat()}: {_days(d.business_days_left, 'business')}"
                         f" ({_days(calendar_days, 'calendar')}) left.")
        else:
            lines.append(f"As of {as_of.isoformat()}: passed "
                         f"{_days(-d.business_days_left, 'business')} "
                         f"({_days(-calendar_days, 'calendar')}) ago.")
        ev = Event()
        ev.add("uid", deadline_uid(d.project_id))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        ev.add("summary", summary)
        ev.add("description", "\n".join(lines))
        ev.add("categories", ["funding", d.framework])
        ev.add("status", "TENTATIVE" if d.provisional else "CONFIRMED")
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    feed: bytes = cal.to_ical()
    return feed


# ---------------------------------------------------------------------------------------
# OC4IDS

OC4IDS_PREFIX = "oc4ids-pledge"

# Our stages on the OC4IDS projectStatus codelist (closed).
OC4IDS_STATUS: dict[str, str] = {
    Stage.PROPOSED.value: "identification",
    Stage.UNDER_REVIEW.value: "identification",
    Stage.FINALIST.value: "preparation",
    Stage.RECOMMENDED.value: "preparation",
    Stage.SELECTED.value: "preparation",
    Stage.NOTIFIED.value: "preparation",
    Stage.FUNDED.value: "implementation",
    Stage.OPERATING.value: "completion",
    Stage.RECOUPED.value: "completion",
    Stage.CLOSED.value: "completed",
    Stage.DECLINED.value: "cancelled",
    Stage.WITHDRAWN.value: "cancelled",
}

# Our sector keys on the OC4IDS projectSector codelist (open); the key itself is kept
# in ``additionalClassifications``.
OC4IDS_SECTORS: dict[str, tuple[str, ...]] = {
    "energy": ("energy",),
    "ai_infrastructure": ("communications",),
    "ai_quantum": ("communications",),
    "semiconductors": ("economy",),
    "electronics": ("economy",),
    "pharmaceuticals": ("health",),
    "metals": ("economy",),
    "steel": ("economy",),
    "critical_minerals": ("economy",),
    "automobiles": ("economy",),
    "manufacturing_logistics": ("economy", "transport"),
    "shipbuilding": ("transport", "transport.water"),
    "aviation": ("transport", "transport.air"),
}
_ENERGY_SOURCES = ("solar", "wind", "hydropower", "biomass", "geothermal")

# Sponsor roles on the partyRole codelist (open).
SPONSOR_ROLES: dict[str, tuple[str, ...]] = {
    SponsorRole.LEAD.value: ("supplier",),
    SponsorRole.PARTNER.value: ("supplier",),
    SponsorRole.SUPPLIER.value: ("supplier",),
    SponsorRole.LENDER.value: ("funder",),
    SponsorRole.OFFTAKER.value: ("interestedParty",),
}

# Providers known to be state lenders or insurers of a partner government; they are
# "bilateral" on the financingPartyType codelist. Others are left without a type.
STATE_LENDERS = frozenset({"jbic", "nexi", "kexim", "k-sure", "ksure", "kdb"})

# Each instrument on the assetClass and financingArrangementType codelists.
_INSTRUMENT_FINANCE: dict[str, dict[str, Any]] = {
    "equity": {"assetClass": ["equity"]},
    "loan": {"assetClass": ["debt"], "type": "loan"},
    "guarantee": {"type": "guarantee"},
}


# What a linked project is to this one, on the relatedProject codelist (open). Only a
# later tranche fits a code of it: it may expand the same set of assets ("expansion").
# The others are our codes: the same project reported twice, an earlier tranche, the
# umbrella programme a project is part of, a part of this programme, related otherwise.
OC4IDS_RELATIONSHIPS: dict[str, str] = {
    Seen.LATER_TRANCHE.value: "expansion",
    Seen.EARLIER_TRANCHE.value: "earlierTranche",
    Seen.DUPLICATE.value: "duplicate",
    Seen.UMBRELLA.value: "umbrellaProgramme",
    Seen.PART.value: "componentProject",
    Seen.RELATED.value: "related",
}


def oc4ids_id(project_id: int) -> str:
    """The project's OC4IDS identifier: the publisher prefix and the project id."""
    return f"{OC4IDS_PREFIX}-{project_id}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "party"


def _when(value: date | datetime | None) -> str | None:
    """An OC4IDS date-time: a date is midnight UTC; a naive datetime is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00Z"


def _value(amount: Decimal, currency: str = "USD") -> dict[str, str]:
    return {"amount": money_text(amount), "currency": currency}


def _is_url(text: str) -> bool:
    """Whether a source is a web address (the rule pages link by, ``web_address``)."""
    return web_address(text) is not None


class _Parties:
    """The parties list, one entry per organisation name, roles merged in order."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}

    def add(self, name: str, roles: Iterable[str], *, party_id: str | None = None,
            **details: Any) -> dict[str, str]:
        pid = party_id or _slug(name)
        party = self.by_id.setdefault(pid, {"id": pid, "name": name, "roles": []})
        for role in roles:
            if role not in party["roles"]:
                party["roles"].append(role)
        for key, value in details.items():
            if value:
                bucket = party.setdefault("details", {}).setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
        return {"id": pid, "name": name}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.by_id.values())


def project_oc4ids(engine: Engine, project_id: int | str, *,
                   base_url: str | None = None) -> dict[str, Any]:
    """The project as an OC4IDS project document (Open Contracting for Infrastructure).

    Money is text with two decimals (``{"amount": "1000000000.00", "currency":
    "USD"}``) like every JSON pledge writes; dates are OC4IDS date-times (a date is
    midnight UTC).

    * ``id``: ``oc4ids-pledge-<project id>`` (publisher prefix, then our id).
    * ``status``: proposed and under review are *identification*; finalist to
      notified (committee review, selection, the funding notice) *preparation*;
      funded *implementation*; operating and recouped (the asset is handed over,
      the split runs) *completion*; closed *completed*; declined and withdrawn
      *cancelled*. The stage itself is under ``pledge.stage``.
    * ``sector``: our sector on the projectSector codelist (energy -> energy,
      AI infrastructure -> communications, shipbuilding -> transport.water, the
      industrial sectors -> economy, pharmaceuticals -> health); our key and its
      detail are an ``additionalClassifications`` entry (scheme ``pledge-sector``).
    * ``locations``: one per US state named in the location (``address.region``),
      else one for the location text; the country is always the United States.
    * ``parties`` and their ``roles`` (partyRole codelist). For a framework with
      the funding machinery: the United States government is the
      *publicAuthority* (its investment committee recommends and its President
      selects), and a *funder* once it contributes in kind; the partner
      government is a *funder* (its commitment pays for the project); each
      provider in the ledger (JBIC, NEXI, a bank) is a *funder*; the project's
      SPV appears once money moves. Every party named in a transaction is also
      its *payer* or *payee* (a provider pays a funding to the SPV, the SPV pays
      distributions to each side). Sponsors: lead and partner companies develop and build
      the project for the programme, so *supplier* (as the private party is in
      OCDS for PPPs); suppliers *supplier*; lenders *funder*; offtakers, who buy
      the output rather than take part in the financing, *interestedParty*. The
      sponsor role as recorded is kept in ``details.sponsorRoles``. A pledge
      framework (no committees, no SPV) lists its sponsors only.
    * ``budget.amount``: the primary estimate in US dollars (a range's midpoint,
      else its one bound), with both bounds in ``budget.amountRange`` and the
      wording and source in ``budget.description``; ``approvalDate`` is the
      President's selection. ``budget.finance``: one entry per instrument and
      provider of the money in the SPV (equity: asset class equity; loan: debt,
      type loan), the provider as ``financingParty``; a guarantee is financing
      (type guarantee, its face value, what is outstanding and called in its
      ``description``), never a transaction: no cash moves unless it is called.
    * ``transactions``: every ledger movement for the project: cash fundings (provider
      to SPV; a called guarantee's cash among them), allocations and releases of
      capacity under the cap (partner to SPV and back; no cash moves, as
      ``description`` says), in-kind contributions
      (United States to SPV), distributions (SPV to each side).
    * ``documents``: every source on record; documentType ``costEstimate`` for an
      estimate's source, ``stageDecision`` for a stage's, ``minutes`` for a
      consultation's, ``deadlineExtension`` for an extension's, ``siteReport`` and
      ``statusReport`` for a reported site's or stage's (the documentType codelist
      is open; only ``minutes`` is in it, the others are our codes).
    * ``period``: from the first recorded stage to a closing, decline or
      withdrawal; ``completion``: its date, reason and (when money was put in)
      the final value.
    * ``relatedProjects``: one per active link (``services.relations``): the link's
      id, scheme ``oc4ids`` with the other project's OC4IDS id, its title, what it is
      to this project (``OC4IDS_RELATIONSHIPS``) and, given the server's ``base_url``,
      the address of its OC4IDS document. ``pledge.duplicateOf``: the project whose
      row stands for this one when this row reports it again.
    """
    with reading(engine) as s:
        return _oc4ids(s, project_row(s, project_id), base_url)


def _related_projects(s: Session, pid: int, base_url: str | None) -> list[dict[str, Any]]:
    out = []
    for r in relations.related_of(s, pid):
        item = {"id": str(r.link_id), "scheme": "oc4ids", "identifier": oc4ids_id(r.other_id),
                "relationship": OC4IDS_RELATIONSHIPS[r.relation], "title": r.other_name}
        if base_url:
            item["uri"] = f"{base_url.rstrip('/')}/api/v1/projects/{r.other_id}/oc4ids"
        out.append(item)
    return out


def _oc4ids(s: Session, row: Any, base_url: str | None = None) -> dict[str, Any]:
    pid = row.id
    fw = s.execute(select(t.frameworks).where(t.frameworks.c.id == row.framework_id)).one()
    machinery = bool(row.component)

    def rows(table: Any) -> list[Any]:
        return list(s.execute(select(table).where(table.c.project_id == pid)
                              .order_by(table.c.id)))

    sponsors, estimates = rows(t.sponsors), rows(t.estimates)
    transitions, consultations, extensions = (rows(t.transitions), rows(t.consultations),
                                              rows(t.extensions))
    p, e = t.postings, t.ledger_entries
    postings = list(s.execute(
        select(p.c.id, p.c.entry_id, p.c.account, p.c.amount, p.c.currency, p.c.party,
               p.c.instrument, p.c.provider, e.c.on, e.c.kind, e.c.memo)
        .join(e, e.c.id == p.c.entry_id).where(p.c.project_id == pid)
        .order_by(p.c.entry_id, p.c.id)))
    updated = s.execute(select(func.max(t.audit_log.c.at))
                        .where(t.audit_log.c.project_id == pid)).scalar()

    parties = _Parties()
    us = partner = None
    if machinery:
        us = parties.add(US_PARTY, ["publicAuthority"], party_id="government-united-states")
        partner = parties.add(fw.partner, ["funder"],
                              party_id=f"government-{_slug(fw.partner)}")
    for sp in sponsors:
        parties.add(sp.name, SPONSOR_ROLES.get(sp.role, ("supplier",)),
                    sponsorRoles=sp.role, notes=sp.note)
    spv = {"id": "spv", "name": f"Special purpose vehicle of project {pid}"}

    def party_ref(name: str) -> dict[str, str]:
        if us is not None and name == US_PARTY:
            return us
        if partner is not None and name == fw.partner:
            return partner
        return {"id": _slug(name), "name": name}

    transactions: list[dict[str, Any]] = []
    finance: dict[tuple[str, str], dict[str, Any]] = {}
    totals: dict[tuple[str, str], list[Any]] = {}  # total, currency, first date, last date
    invested = Decimal(0)

    def move(posting: Any, payer: dict[str, str], payee: dict[str, str], description: str,
             amount: Decimal) -> None:
        parties.add(payer["name"], ["payer"], party_id=payer["id"])
        parties.add(payee["name"], ["payee"], party_id=payee["id"])
        transactions.append({
            "id": f"{posting.entry_id}-{posting.id}", "date": _when(posting.on),
            "value": _value(amount, posting.currency), "payer": payer, "payee": payee,
            "description": description, "kind": posting.kind})

    def finance_entry(po: Any, instrument: str, provider: str) -> tuple[str, str]:
        ref = parties.add(provider, ["funder"])
        key = (instrument, provider)
        if key not in finance:
            finance[key] = {
                "id": f"{instrument}-{_slug(provider)}",
                "title": f"{instrument.capitalize()} from {provider}",
                "financingParty": ref,
                **({"financingPartyType": "bilateral"}
                   if _slug(provider) in STATE_LENDERS else {}),
                **_INSTRUMENT_FINANCE.get(instrument, {})}
            totals[key] = [Decimal(0), po.currency, po.on, po.on]
        return key

    guarantees: dict[tuple[str, str], list[Decimal]] = {}  # outstanding, called
    for po in postings:
        account = _suffix(po.account)
        if account == GUARANTEED:
            # A guarantee is financing, never a transaction: no cash moves unless it is
            # called, and then the cash paid is the transaction.
            provider = po.provider or "unnamed provider"
            key = finance_entry(po, "guarantee", provider)
            state = guarantees.setdefault(key, [Decimal(0), Decimal(0)])
            state[0] += po.amount
            if po.amount > 0:
                totals[key][0] += po.amount
                totals[key][3] = po.on
            else:
                state[1] -= po.amount
        elif account == INVESTED and po.instrument == CALLED_GUARANTEE:
            provider = po.provider or "unnamed provider"
            ref = parties.add(provider, ["funder"])
            move(po, ref, spv, f"guarantee from {provider} called: cash paid in", po.amount)
            invested += po.amount
        elif account == INVESTED:
            provider = po.provider or "unnamed provider"
            instrument = po.instrument or "funding"
            ref = parties.add(provider, ["funder"])
            move(po, ref, spv, f"{instrument} from {provider}", po.amount)
            invested += po.amount
            key = finance_entry(po, instrument, provider)
            totals[key][0] += po.amount
            totals[key][3] = po.on
        elif account == ALLOCATED and po.kind in (EntryKind.ALLOCATION.value,
                                                 EntryKind.RELEASE.value):
            gov = party_ref(fw.partner)
            if po.amount >= 0:
                move(po, gov, spv, "capacity allocated under the cap (no cash moves)",
                     po.amount)
            else:
                move(po, spv, gov, "allocation released to the cap (no cash moves)",
                     -po.amount)
        elif account == SPV_IN_KIND:
            giver = party_ref(po.party or US_PARTY)
            parties.add(giver["name"], ["funder"], party_id=giver["id"])
            move(po, giver, spv, f"in kind: {po.instrument}", po.amount)
        elif account == RECEIVED:
            move(po, spv, party_ref(po.party or "unnamed party"),
                 f"distribution to {po.party or 'an unnamed party'}", po.amount)
    for key, (total, currency, first, last) in totals.items():
        finance[key]["value"] = _value(total, currency)
        finance[key]["period"] = {"startDate": _when(first), "endDate": _when(last)}
    for key, (outstanding, called) in guarantees.items():
        finance[key]["description"] = (
            f"a guarantee: contingent exposure, no cash in the SPV unless called; "
            f"outstanding {money_text(outstanding)}, called {money_text(called)} "
            f"(the called cash is among the transactions)")

    documents = _documents(estimates, transitions, consultations, extensions,
                           rows(t.site_reports), rows(t.status_reports))

    budget = _budget(estimates, transitions, list(finance.values()))

    doc: dict[str, Any] = {
        "id": oc4ids_id(pid),
        "updated": _when(updated if isinstance(updated, datetime) else row.created_at),
        "title": row.name,
        "description": (f"A project under the {fw.name} framework, at the "
                        f"'{row.status.replace('_', ' ')}' stage."),
        "status": OC4IDS_STATUS.get(row.status, "identification"),
        "sector": _sectors(row.sector, row.sector_detail),
        "additionalClassifications": [{
            "scheme": "pledge-sector", "id": row.sector,
            "description": row.sector_detail or row.sector.replace("_", " ")}],
    }
    locations = [{"id": str(i), "description": row.location or state,
                  "address": {"region": state, "countryName": "United States",
                              "country": "US"}}
                 for i, state in enumerate(row.states or [], start=1)]
    if not locations and row.location:
        locations = [{"id": "1", "description": row.location,
                      "address": {"countryName": "United States", "country": "US"}}]
    if locations:
        doc["locations"] = locations
    if budget:
        doc["budget"] = budget
    doc["parties"] = parties.as_list()
    if us is not None:
        doc["publicAuthority"] = us
    if transactions:
        doc["transactions"] = transactions
    if documents:
        doc["documents"] = documents
    related = _related_projects(s, pid, base_url)
    if related:
        doc["relatedProjects"] = related
    end = next((tr for tr in reversed(transitions) if tr.to_stage in (
        Stage.CLOSED.value, Stage.DECLINED.value, Stage.WITHDRAWN.value)), None)
    if transitions:
        doc["period"] = {"startDate": _when(transitions[0].on)}
        if end is not None and row.status == end.to_stage:
            doc["period"]["endDate"] = _when(end.on)
    if end is not None and row.status == end.to_stage:
        completion: dict[str, Any] = {
            "endDate": _when(end.on),
            "endDateDetails": f"{end.to_stage}" + (f": {end.reason}" if end.reason else "")}
        if invested:
            completion["finalValue"] = _value(invested)
            completion["finalValueDetails"] = "money put into the project's SPV"
        doc["completion"] = completion
    doc["pledge"] = {
        "projectId": pid, "framework": fw.key, "stage": row.status,
        "reportedStatus": row.reported_status, "component": row.component,
        "fundingDate": _iso(row.funding_date) or None, "windowMeaning": row.window_meaning,
        "extensionUntil": _iso(row.extension_until) or None,
        "disbursed": money_text(invested) if machinery else None,
        "guaranteed": money_text(sum((g[0] for g in guarantees.values()), Decimal(0)))
        if machinery else None,
        "duplicateOf": _duplicate_of(s, row)}
    return doc


def _duplicate_of(s: Session, row: Any) -> int | None:
    head = relations.stands_for(s, row.id)
    return None if head == row.id else head


def _documents(estimates: Sequence[Any], transitions: Sequence[Any],
               consultations: Sequence[Any], extensions: Sequence[Any],
               sites: Sequence[Any] = (), reports: Sequence[Any] = ()
               ) -> list[dict[str, Any]]:
    """Every source on record as an OC4IDS document (a source that is no URL is described)."""
    documents: list[dict[str, Any]] = []

    def document(doc_id: str, doc_type: str, title: str, source: str, on: date | None,
                 description: str = "") -> None:
        source = source.strip()
        if not source:
            return
        doc: dict[str, Any] = {"id": doc_id, "documentType": doc_type, "title": title}
        if _is_url(source):
            doc["url"] = source
            if description:
                doc["description"] = description
        else:
            doc["description"] = f"{description} Source: {source}".strip()
        if on is not None:
            doc["datePublished"] = _when(on)
        documents.append(doc)

    for est in estimates:
        known = [v for v in (est.low, est.high) if v is not None]
        bounds = " to ".join(money_text(v) for v in dict.fromkeys(known))
        document(f"estimate-{est.id}", "costEstimate",
                 f"Cost estimate: {est.text or bounds or 'unspecified'}", est.source,
                 est.as_of, f"{est.currency} {bounds}" if bounds else "")
    for tr in transitions:
        for n, src in enumerate(tr.sources or [], start=1):
            document(f"stage-{tr.id}-{n}", "stageDecision",
                     f"{tr.to_stage.replace('_', ' ').capitalize()} on {tr.on.isoformat()}",
                     str(src), tr.on, tr.reason or "")
    for co in consultations:
        for n, src in enumerate(co.sources or [], start=1):
            document(f"consultation-{co.id}-{n}", "minutes",
                     f"{co.kind.capitalize()} consultation on {co.on.isoformat()}",
                     str(src), co.on, co.note or "")
    for ex in extensions:
        for n, src in enumerate(ex.sources or [], start=1):
            document(f"extension-{ex.id}-{n}", "deadlineExtension",
                     f"Funding deadline extended until {ex.until.isoformat()}", str(src),
                     ex.on, ex.reason or "")
    for si in sites:
        document(f"site-{si.id}", "siteReport", f"Reported site: {si.location}", si.source,
                 si.as_of, ", ".join(si.states or []))
    for rp in reports:
        document(f"status-report-{rp.id}", "statusReport",
                 f"Reported as {rp.stage.replace('_', ' ')}", rp.source, rp.as_of,
                 f"As written: {rp.wording}" if rp.wording else "")
    return documents


def _budget(estimates: Sequence[Any], transitions: Sequence[Any],
            finance: list[dict[str, Any]]) -> dict[str, Any]:
    """The primary estimate in US dollars, the selection date and the finance entries."""
    budget: dict[str, Any] = {}
    primary = next((x for x in estimates if x.is_primary), None)
    if primary is not None and (primary.usd_low is not None or primary.usd_high is not None):
        low, high = primary.usd_low, primary.usd_high
        amount = (low + high) / 2 if (low is not None and high is not None) else (
            high if high is not None else low)
        budget["amount"] = _value(amount)
        budget["amountRange"] = {"low": money_text(low) or None,
                                 "high": money_text(high) or None, "currency": "USD"}
        wording = "; ".join(x for x in (primary.text, primary.source) if x)
        if wording:
            budget["description"] = f"As reported: {wording}"
    selected_on = next((tr.on for tr in reversed(transitions)
                        if tr.to_stage == Stage.SELECTED.value), None)
    if selected_on is not None:
        budget["approvalDate"] = _when(selected_on)
    if finance:
        budget["finance"] = finance
    return budget


def _sectors(sector: str, detail: str) -> list[str]:
    codes = list(OC4IDS_SECTORS.get(sector, ()))
    if sector == "energy":
        codes += [f"energy.{src}" for src in _ENERGY_SOURCES if src in detail.lower()]
    return codes
