"""Exports read back exactly: CSV and XLSX to the cent, iCalendar per deadline, OC4IDS."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]  # openpyxl has no inline types; see pyproject.toml on its stubs
import pytest
from icalendar import Calendar
from sqlalchemy import Engine, func, select, type_coerce

from pledge.domain.errors import InvalidInput, NotFound
from pledge.services import deadlines, exports, funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import transaction

IC = Actor.of("Investment Committee", "ic")
CC = Actor.of("Consultation Committee", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
FUNDER = Actor.of("JBIC", "funder")
COPPER = 32  # reported a finalist in the public list (a stage report), US$2bn; proposed
OHIO = 24  # selected, in Ohio, sponsors SB Energy and Toshiba
FUNDING_DATE = date(2026, 6, 9)
NOTICE = date(2026, 4, 6)
MONEY = re.compile(r"^-?\d+\.\d{2}$")

HEADER = ["id", "name", "framework", "sector", "sector_detail", "status", "amount_low_usd",
          "amount_high_usd", "location", "states", "lead_sponsor", "partners", "funding_date",
          "allocated_usd", "disbursed_usd"]


def cents_number(value: object) -> bool:
    """Whether ``value`` is a JSON number of money: whole, or with at most two decimals."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and Decimal(repr(value)) == Decimal(repr(value)).quantize(Decimal("0.01")))


def notify_copper(engine: Engine) -> None:
    """The committee walk: taken up, short-listed, consulted, recommended, selected,
    notified; fund by 2026-06-09."""
    projects.advance(engine, COPPER, "under_review", CC, date(2026, 3, 31))
    projects.advance(engine, COPPER, "finalist", IC, date(2026, 3, 31))
    projects.consult(engine, COPPER, "committee", CC, date(2026, 4, 1),
                     sources=["https://example.org/committee-minutes"])
    projects.advance(engine, COPPER, "recommended", IC, date(2026, 4, 2))
    projects.advance(engine, COPPER, "selected", PRESIDENT, date(2026, 4, 3), "first batch",
                     ["https://example.org/selection"])
    detail = projects.advance(engine, COPPER, "notified", IC, NOTICE)
    assert detail.summary.funding_date == FUNDING_DATE


def fund_copper(engine: Engine) -> None:
    notify_copper(engine)
    # Selected at its estimate, US$2bn; the committee then sets the allocation to the
    # financing plan, which the three fundings draw down exactly.
    funding.allocate(engine, COPPER, "1583333333.38", date(2026, 4, 7), IC,
                     "the financing plan")
    funding.fund(engine, COPPER, "1000000000.05", date(2026, 5, 1), "loan", "JBIC", FUNDER)
    funding.fund(engine, COPPER, "US$250m", date(2026, 5, 4), "guarantee", "NEXI", FUNDER)
    funding.fund(engine, COPPER, "333333333.33", date(2026, 5, 5), "equity", "JBIC", FUNDER)


def db_sum(engine: Engine, column: Any, *where: Any) -> Decimal:
    """A money column's total straight from the database (stored as integer hundredths)."""
    with transaction(engine) as s:
        value = s.execute(select(type_coerce(func.sum(column), t.Cents)).where(*where)).scalar()
    return Decimal(0) if value is None else Decimal(value)


def dec(text: str) -> Decimal:
    return Decimal(text) if text else Decimal(0)


def test_projects_csv_parses_back_and_matches_the_database_to_the_cent(engine: Engine
                                                                       ) -> None:
    fund_copper(engine)
    text = exports.projects_csv(engine)
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == HEADER
    rows = list(reader)
    assert [int(r["id"]) for r in rows] == list(range(1, 33))
    for r in rows:
        for col in ("amount_low_usd", "amount_high_usd", "allocated_usd", "disbursed_usd"):
            assert r[col] == "" or MONEY.match(r[col]), (col, r[col])
    e, p = t.estimates, t.postings
    assert sum(dec(r["amount_high_usd"]) for r in rows) == db_sum(engine, e.c.usd_high,
                                                                   e.c.is_primary)
    assert sum(dec(r["amount_low_usd"]) for r in rows) == db_sum(engine, e.c.usd_low,
                                                                  e.c.is_primary)
    disbursed = db_sum(engine, p.c.amount, p.c.account.like("%:spv:invested"))
    assert disbursed == Decimal("1333333333.38")  # cash: the loan and the equity
    assert sum(dec(r["disbursed_usd"]) for r in rows) == disbursed
    copper = next(r for r in rows if r["id"] == str(COPPER))
    assert copper["status"] == "funded" and copper["funding_date"] == "2026-06-09"
    # the allocation is drawn down exactly; the guarantee counts toward it, not as cash
    assert (copper["allocated_usd"], copper["disbursed_usd"]) == ("1583333333.38",
                                                                  "1333333333.38")
    ohio = next(r for r in rows if r["id"] == str(OHIO))
    assert ohio["states"] == "Ohio" and ohio["amount_high_usd"] == "33300000000.00"
    assert "SB Energy" in ohio["lead_sponsor"] + ohio["partners"]


def test_projects_csv_filters_like_the_project_list(engine: Engine) -> None:
    cases: tuple[dict[str, str], ...] = (
        {"status": "selected"}, {"framework": "japan"}, {"sector": "energy"},
        {"sector": "critical minerals", "status": "finalist"})
    for filters in cases:
        listed = [p.id for p in projects.list_projects(engine, **filters)]
        rows = list(csv.DictReader(io.StringIO(exports.projects_csv(
            engine, framework=filters.get("framework"), status=filters.get("status"),
            sector=filters.get("sector")))))
        assert [int(r["id"]) for r in rows] == listed, filters
    # as recorded by the end of a day before anything was: nothing
    assert exports.projects_csv(engine, as_of=date(2020, 1, 1)).count("\n") == 1
    with pytest.raises(InvalidInput):
        exports.projects_csv(engine, status="sideways")
    with pytest.raises(NotFound):
        exports.projects_csv(engine, framework="atlantis")


def test_projects_xlsx_holds_exact_amounts_and_real_dates(engine: Engine) -> None:
    fund_copper(engine)
    data = exports.projects_xlsx(engine)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Projects"]
    assert [c.value for c in ws[1]] == HEADER
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    by_id = {r.id: r for r in exports.project_rows(engine)}
    col = {name: i for i, name in enumerate(HEADER)}
    for row in ws.iter_rows(min_row=2):
        expected = by_id[row[0].value]
        for name in ("amount_low_usd", "amount_high_usd", "allocated_usd", "disbursed_usd"):
            cell, want = row[col[name]], getattr(expected, name)
            if want is None:
                assert cell.value is None
            else:
                assert Decimal(str(cell.value)) == want, (name, cell.value, want)
                assert "US$" in cell.number_format and "0.00" in cell.number_format
    copper = next(r for r in ws.iter_rows(min_row=2) if r[0].value == COPPER)
    deadline = copper[col["funding_date"]]
    assert deadline.is_date and deadline.value.date() == FUNDING_DATE
    # Written as the exact decimal text, not a float's binary approximation.
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>1583333333.38</v>" in sheet


def test_ledger_exports_every_posting_and_the_balances(engine: Engine) -> None:
    fund_copper(engine)
    rows = list(csv.DictReader(io.StringIO(exports.ledger_csv(engine, "japan"))))
    assert list(rows[0]) == ["entry_id", "date", "kind", "memo", "account", "project_id",
                             "party", "instrument", "provider", "currency", "amount"]
    with transaction(engine) as s:
        fw_id = s.execute(select(t.frameworks.c.id).where(t.frameworks.c.key == "japan")
                          ).scalar_one()
        count = s.execute(select(func.count()).select_from(t.postings)
                          .where(t.postings.c.framework_id == fw_id)).scalar_one()
    assert len(rows) == count
    per_entry: dict[str, Decimal] = {}
    for r in rows:
        assert MONEY.match(r["amount"])
        per_entry[r["entry_id"]] = per_entry.get(r["entry_id"], Decimal(0)) + Decimal(
            r["amount"])
    assert set(per_entry.values()) == {Decimal(0)}  # every entry balances, to the cent
    loans = [r for r in rows if r["account"].endswith(":spv:invested") and
             r["instrument"] == "loan"]
    assert [(r["date"], r["provider"], r["amount"], r["project_id"]) for r in loans] == [
        ("2026-05-01", "JBIC", "1000000000.05", str(COPPER))]

    book = openpyxl.load_workbook(io.BytesIO(exports.ledger_xlsx(engine, "japan")))
    assert book.sheetnames == ["Postings", "Balances"]
    assert book["Postings"].max_row == count + 1
    balances = {r[0].value: Decimal(str(r[2].value))
                for r in book["Balances"].iter_rows(min_row=2)}
    expected = funding.ledger_balances(engine, "japan")
    assert {a: v for a, v in balances.items() if v} == {a: v for (a, _), v in expected.items()}
    with pytest.raises(NotFound):
        exports.ledger_csv(engine, "atlantis")


def test_deadlines_feed_has_one_event_per_deadline(engine: Engine) -> None:
    notify_copper(engine)
    stamp = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    feed = exports.deadlines_ics(engine, framework="japan", as_of=NOTICE, stamp=stamp)
    cal = Calendar.from_ical(feed)
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    expected = deadlines.project_deadlines(engine, framework="japan", as_of=NOTICE)
    assert len(events) == len(expected) == 4
    for d in expected:
        ev = events[f"project-{d.project_id}-funding@pledge"]
        start = ev.decoded("DTSTART")
        assert start == d.due and not isinstance(start, datetime)  # all day
        assert ev.decoded("DTEND") == date.fromordinal(d.due.toordinal() + 1)
        assert d.name in str(ev["SUMMARY"]) and d.status in str(ev["SUMMARY"])
        assert str(ev["STATUS"]) == ("TENTATIVE" if d.provisional else "CONFIRMED")
        assert ("Provisional" in str(ev["SUMMARY"])) is d.provisional
    copper = events["project-32-funding@pledge"]
    assert copper.decoded("DTSTART") == FUNDING_DATE
    text = str(copper["DESCRIPTION"])
    assert "on or before 2026-06-09" in text
    assert "45 business days on the US calendar from the notice of 2026-04-06" in text
    assert "45 business days (64 calendar days) left" in text
    # UIDs are stable: another export, another stamp, the same events
    again = Calendar.from_ical(exports.deadlines_ics(engine, framework="japan", as_of=NOTICE))
    assert {str(ev["UID"]) for ev in again.walk("VEVENT")} == set(events)


def test_an_extended_deadline_moves_the_event(engine: Engine) -> None:
    notify_copper(engine)
    projects.extend(engine, COPPER, date(2026, 6, 30), IC, date(2026, 6, 1), "permits late")
    cal = Calendar.from_ical(exports.deadlines_ics(engine, as_of=date(2026, 6, 1)))
    [ev] = [e for e in cal.walk("VEVENT") if str(e["UID"]) == "project-32-funding@pledge"]
    assert ev.decoded("DTSTART") == date(2026, 6, 30)
    assert "Extended until 2026-06-30 (the window's date was 2026-06-09)" in str(
        ev["DESCRIPTION"])


def floats_in(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


def test_oc4ids_of_a_funded_project(engine: Engine) -> None:
    fund_copper(engine)
    funding.contribute_in_kind(engine, COPPER, "land", "US$10m", date(2026, 5, 6), IC)
    # 1,900,000.30 while the partner is owed its balance: the rule splits it 50/50
    funding.distribute(engine, COPPER, "950000.15", "950000.15", date(2026, 9, 1), IC)
    doc = exports.project_oc4ids(engine, COPPER)
    # money with cents is a float whose JSON text is the exact decimal
    assert json.loads(json.dumps(doc)) == doc
    assert floats_in(doc) and all(cents_number(f) for f in floats_in(doc))
    assert doc["id"] == "oc4ids-pledge-32"
    assert doc["title"].startswith("Copper smelting")
    assert doc["status"] == "implementation"
    assert doc["sector"] == ["economy"]
    assert doc["additionalClassifications"][0]["id"] == "critical_minerals"
    roles = {p["name"]: p["roles"] for p in doc["parties"]}
    assert {"publicAuthority", "funder", "payer", "payee"} <= set(roles["United States"])
    assert {"funder", "payer", "payee"} <= set(roles["Japan"])
    # NEXI's guarantee moved no cash: NEXI finances, it pays nothing
    assert (set(roles["JBIC"]), set(roles["NEXI"])) == ({"funder", "payer"}, {"funder"})
    assert doc["publicAuthority"]["name"] == "United States"
    ids = {p["id"] for p in doc["parties"]}
    for tx in doc["transactions"]:
        assert tx["payer"]["id"] in ids and tx["payee"]["id"] in ids
        assert cents_number(tx["value"]["amount"]) and tx["value"]["currency"] == "USD"
    budget = doc["budget"]
    assert budget["amount"] == {"amount": 2000000000, "currency": "USD"}
    assert budget["approvalDate"] == "2026-04-03T00:00:00Z"
    finance = {(f["financingParty"]["name"], f.get("type"), tuple(f.get("assetClass", ()))):
               f["value"]["amount"] for f in budget["finance"]}
    assert finance == {("JBIC", "loan", ("debt",)): 1000000000.05,
                       ("NEXI", "guarantee", ()): 250000000,
                       ("JBIC", None, ("equity",)): 333333333.33}
    assert {f["financingPartyType"] for f in budget["finance"]} == {"bilateral"}
    [guarantee] = [f for f in budget["finance"] if f.get("type") == "guarantee"]
    assert "outstanding 250000000.00, called 0.00" in guarantee["description"]
    assert (doc["pledge"]["disbursed"], doc["pledge"]["guaranteed"]) == ("1333333333.38",
                                                                        "250000000.00")
    kinds = [(tx["kind"], tx["payer"]["name"], tx["payee"]["name"], tx["value"]["amount"])
             for tx in doc["transactions"]]
    spv = "Special purpose vehicle of project 32"
    assert kinds == [
        ("allocation", "Japan", spv, 2000000000),
        ("release", spv, "Japan", 416666666.62),
        ("disbursement", "JBIC", spv, 1000000000.05),
        ("disbursement", "JBIC", spv, 333333333.33),
        ("in_kind", "United States", spv, 10000000),
        ("distribution", spv, "Japan", 950000.15),
        ("distribution", spv, "United States", 950000.15),
    ]
    docs = {(d["documentType"], d.get("url")) for d in doc["documents"]}
    assert ("costEstimate", "https://news.az/news/japan-us-consider-nuclear-project-in-550b-"
            "investment-package") in docs
    assert ("stageDecision", "https://example.org/selection") in docs
    assert ("minutes", "https://example.org/committee-minutes") in docs
    assert doc["pledge"]["fundingDate"] == "2026-06-09"
    assert doc["period"]["startDate"] == "2026-03-04T00:00:00Z" and "completion" not in doc


def test_oc4ids_locations_sponsors_and_a_withdrawal(engine: Engine) -> None:
    doc = exports.project_oc4ids(engine, OHIO)
    assert [loc["address"]["region"] for loc in doc["locations"]] == ["Ohio"]
    assert doc["status"] == "preparation" and doc["sector"] == ["energy"]
    roles = {p["name"]: p for p in doc["parties"]}
    assert roles["SB Energy"]["roles"] == ["supplier"]
    # selected at init: its allocation under the cap is the one movement (no cash)
    assert [(tx["kind"], tx["value"]["amount"]) for tx in doc["transactions"]] == [
        ("allocation", 33300000000)]
    assert "finance" not in doc["budget"]

    projects.advance(engine, 27, "withdrawn", IC, date(2026, 4, 10), "sponsor pulled out")
    gone = exports.project_oc4ids(engine, 27)
    assert gone["status"] == "cancelled"
    assert gone["completion"] == {"endDate": "2026-04-10T00:00:00Z",
                                  "endDateDetails": "withdrawn: sponsor pulled out"}
    assert gone["period"]["endDate"] == "2026-04-10T00:00:00Z"
    with pytest.raises(NotFound):
        exports.project_oc4ids(engine, 999)


def test_oc4ids_documents_include_reported_sites_and_stages(engine: Engine) -> None:
    projects.add_site_report(engine, OHIO, "Piketon, Ohio", "https://example.org/site",
                             date(2026, 4, 2), IC)
    projects.add_status_report(engine, OHIO, "selected", "a wire report", date(2026, 4, 3),
                               IC, wording="picked")
    docs = {d["id"]: d for d in exports.project_oc4ids(engine, OHIO)["documents"]}
    site = next(d for k, d in docs.items() if k.startswith("site-"))
    assert site == {"id": site["id"], "documentType": "siteReport",
                    "title": "Reported site: Piketon, Ohio", "url": "https://example.org/site",
                    "description": "Ohio", "datePublished": "2026-04-02T00:00:00Z"}
    report = next(d for k, d in docs.items() if k.startswith("status-report-"))
    assert report["documentType"] == "statusReport" and "url" not in report
    assert report["title"] == "Reported as selected"
    assert report["description"] == "As written: picked Source: a wire report"
    # What pages would link, and only that, is a document's url; a script recorded
    # before sources were checked is described, never a url.
    with transaction(engine) as s:
        s.execute(t.site_reports.update().values(source="HTTPS://EXAMPLE.ORG/SITE"))
        s.execute(t.status_reports.update().values(source="JavaScript:alert(1)"))
    docs = {d["id"]: d for d in exports.project_oc4ids(engine, OHIO)["documents"]}
    assert docs[site["id"]]["url"] == "HTTPS://EXAMPLE.ORG/SITE"
    assert "url" not in docs[report["id"]]
    assert docs[report["id"]]["description"].endswith("Source: JavaScript:alert(1)")


def test_formats_are_named_or_taken_from_the_suffix() -> None:
    assert exports.parse_format(None, path="out/projects.XLSX") == "xlsx"
    assert exports.parse_format(None, path="projects.txt") == "csv"
    assert exports.parse_format(" XLSX ") == "xlsx"
    with pytest.raises(InvalidInput) as err:
        exports.parse_format("pdf")
    assert (err.value.first.field, err.value.first.rule) == ("format", "export.unknown_format")


def test_write_atomic_replaces_whole_or_leaves_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    exports.write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # a new file's usual mode

    real_replace = os.replace

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        exports.write_atomic(target, "second\n")
    monkeypatch.setattr(os, "replace", real_replace)
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


FORMULAS = ['=HYPERLINK("https://evil.example","open")', "+1+1", "-2+3", "@SUM(1,2)"]


def _rename(engine: Engine, pid: int, name: str) -> None:
    """Store a name as rows recorded before input was checked may hold it."""
    with transaction(engine) as s:
        s.execute(t.projects.update().where(t.projects.c.id == pid).values(name=name))


def _force_memo(engine: Engine, memo: str) -> None:
    """Give every ledger entry ``memo``, past the append-only guard (as rows written before
    the guard, or by the database's owner, may read): the exports must cope with them."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER ledger_entries_no_update")
            conn.execute(t.ledger_entries.update().values(memo=memo))
        else:
            conn.exec_driver_sql("ALTER TABLE ledger_entries DISABLE TRIGGER USER")
            conn.execute(t.ledger_entries.update().values(memo=memo))
            conn.exec_driver_sql("ALTER TABLE ledger_entries ENABLE TRIGGER USER")


def test_text_that_looks_like_a_formula_is_exported_as_text(engine: Engine) -> None:
    ids = [projects.add_project(engine, projects.NewProject(
        name=name, sector="energy", lead="=cmd|' /C calc'!A0"), IC).summary.id
        for name in FORMULAS]
    _rename(engine, 1, "\tTabbed")
    _rename(engine, 2, "\rReturned")
    fund_copper(engine)
    _force_memo(engine, "=1+1")
    want = {**dict(zip(ids, FORMULAS, strict=True)), 1: "\tTabbed", 2: "\rReturned"}

    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(exports.projects_csv(engine)))}
    for pid, name in want.items():
        assert rows[pid]["name"] == "'" + name
    assert rows[ids[0]]["lead_sponsor"] == "'=cmd|' /C calc'!A0"
    assert rows[OHIO]["name"][0] != "'"
    postings = list(csv.DictReader(io.StringIO(exports.ledger_csv(engine, "japan"))))
    assert postings and {r["memo"] for r in postings} == {"'=1+1"}
    # Amounts are numbers, not text: a negative amount keeps its sign.
    assert any(r["amount"].startswith("-") for r in postings)

    data = exports.projects_xlsx(engine)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Projects"]
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for pid, name in want.items():
        cell = cells[pid][HEADER.index("name")]
        # (XML reads a bare carriage return back as a line feed.)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (
            name.replace("\r", "\n"), "s", True)
    assert cells[ids[0]][HEADER.index("lead_sponsor")].value == "=cmd|' /C calc'!A0"
    assert cells[OHIO][HEADER.index("name")].quotePrefix is False
    for sheet in ("sheet1",):
        xml = zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/{sheet}.xml").decode()
        assert "<f>" not in xml and "<f " not in xml
    ledger = zipfile.ZipFile(io.BytesIO(exports.ledger_xlsx(engine, "japan")))
    assert all("<f>" not in ledger.read(name).decode()
               for name in ledger.namelist() if name.startswith("xl/worksheets/"))


def test_control_characters_already_stored_do_not_break_the_xlsx_exports(
        engine: Engine) -> None:
    _rename(engine, COPPER, "Copper\x01smelter\x1f\x0b")
    fund_copper(engine)
    _force_memo(engine, "paid\x02")
    ws = openpyxl.load_workbook(io.BytesIO(exports.projects_xlsx(engine)))["Projects"]
    copper = next(r for r in ws.iter_rows(min_row=2) if r[0].value == COPPER)
    assert copper[HEADER.index("name")].value == "Copper\ufffdsmelter\ufffd\ufffd"
    ledger = openpyxl.load_workbook(io.BytesIO(exports.ledger_xlsx(engine, "japan")))
    memos = {r[3].value for r in ledger["Postings"].iter_rows(min_row=2)}
    assert memos == {"paid\ufffd"}
    # CSV holds any character: the name is exported as stored.
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(exports.projects_csv(engine)))}
    assert rows[COPPER]["name"] == "Copper\x01smelter\x1f\x0b"
