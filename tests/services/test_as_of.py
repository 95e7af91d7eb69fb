"""The programme as known on a date: a known history is rebuilt with the times each
change was recorded, and the record is read back as it stood on three dates."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from pledge.domain.errors import NotFound
from pledge.services import as_of, funding, projects
from pledge.services.base import Actor
from tests.clirunner import Cli

IC = Actor.of("Investment Committee", "ic")
CC = Actor.of("Consultation Committee", "cc_jp")
COPPER, OHIO = 32, 24
BN = Decimal(10) ** 9


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00+00:00").astimezone(UTC)


def set_clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """Every service records ``when`` as the time of what it writes (the record's own
    tables are append-only: their times cannot be changed afterwards)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("pledge.services") and getattr(module, "now", None) is not None \
                and getattr(module.now, "__module__", "") in ("pledge.services.base", __name__):
            monkeypatch.setattr(module, "now", lambda: when)


def history(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> int:
    """Loaded today (before 2027); Mar 1 2027: copper taken up; Apr 1: copper renamed
    and re-estimated, a new project; May 1: copper short-listed, and Ohio's allocation
    raised with effect from Feb 20 2026 (recorded late). Returns the new project's id."""
    import pledge.services.funding
    import pledge.services.project_import
    import pledge.services.projects  # noqa: F401  # their clocks are set below
    set_clock(monkeypatch, at("2027-03-01"))
    projects.advance(engine, COPPER, "under_review", CC, date(2026, 3, 10))
    set_clock(monkeypatch, at("2027-04-01"))
    projects.update_project(engine, COPPER, {"name": "Falcon Copper smelter"}, IC)
    projects.add_estimate(engine, COPPER, "US$3bn", "https://example.org/copper-cost",
                          date(2026, 4, 1), IC, primary=True)
    new = projects.add_project(engine, projects.NewProject(
        name="Battery plant", sector="energy", framework="japan", location="Ohio",
        amount_text="US$1bn", reported_on="2026-04-01",
        source="https://example.org/battery"), IC).summary.id
    set_clock(monkeypatch, at("2027-05-01"))
    projects.advance(engine, COPPER, "finalist", IC, date(2026, 5, 1))
    funding.allocate(engine, OHIO, "34000000000", date(2026, 2, 20), IC, "revised plan")
    return new


def test_the_record_on_three_dates(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    new = history(engine, monkeypatch)
    feb = {p.id: p for p in as_of.list_projects_as_of(engine, date(2027, 2, 15))}
    apr = {p.id: p for p in as_of.list_projects_as_of(engine, date(2027, 4, 15))}
    may = {p.id: p for p in as_of.list_projects_as_of(engine, date(2027, 5, 15))}
    now = {p.id: p for p in projects.list_projects(engine)}

    # February 2027: as loaded; copper proposed, under its first name and estimate
    assert feb[COPPER].status == "proposed" and new not in feb
    assert feb[COPPER].name == now[COPPER].name.replace("Falcon Copper smelter",
                                                        feb[COPPER].name)
    assert feb[COPPER].name != "Falcon Copper smelter"
    assert feb[COPPER].amount_high_usd == Decimal("2000000000.00")
    # April: taken up, renamed, re-estimated; the new project is there
    assert apr[COPPER].status == "under_review"
    assert apr[COPPER].name == "Falcon Copper smelter"
    assert apr[COPPER].amount_high_usd == 3 * BN
    assert apr[new].name == "Battery plant" and apr[new].status == "proposed"
    # May: short-listed, as today
    assert may[COPPER].status == "finalist" == now[COPPER].status
    assert set(may) == set(now)
    # the filters read the stage then
    assert [p.id for p in as_of.list_projects_as_of(engine, date(2027, 4, 15),
                                                    status="under_review")] == [COPPER]

    # Ohio's raise took effect on Feb 20 but was recorded on May 1: the record of March
    # read as of April does not have it; read as of May it does
    mar_known_apr = funding.commitments(engine, "japan", date(2026, 3, 31),
                                        recorded_before=as_of.cutoff_of(date(2027, 4, 15)))
    mar_known_may = funding.commitments(engine, "japan", date(2026, 3, 31),
                                        recorded_before=as_of.cutoff_of(date(2027, 5, 15)))
    assert mar_known_may.allocated - mar_known_apr.allocated == Decimal("700000000.00")
    assert as_of.commitments_as_of(engine, "japan", date(2027, 5, 15)).allocated == \
        funding.commitments(engine, "japan", date(2027, 5, 15)).allocated
    with pytest.raises(NotFound) as err:
        as_of.commitments_as_of(engine, "japan", date(2020, 1, 9))
    assert err.value.first.rule == "framework.not_yet_recorded"


def test_as_of_from_the_command_line(cli: Cli) -> None:
    code, out, err = cli("projects", "list", "--as-of", "2020-01-01", "--json")
    assert code == 0, err
    assert out.strip() == "[]"
    code, out, err = cli("projects", "list", "--as-of", "1900-01-01", "--json")
    assert code != 0 and "as_of" in err.replace("-", "_")
    code, out, err = cli("commitments", "--framework", "japan", "--as-of", "2099-01-01",
                         "--json")
    assert code == 0, err
    code, out, err = cli("commitments", "--framework", "japan", "--as-of", "2020-01-01")
    assert code != 0 and "had not been recorded" in err


def test_as_of_over_the_api(sqlite_engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from pledge.app import create_app
    from pledge.domain.lifecycle import Role
    from pledge.services.users import add_user
    token = add_user(sqlite_engine, "reader", Role.ANALYST.value,
                     Actor("setup", Role.ADMIN)).token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(str(sqlite_engine.url))) as client:
        before = client.get("/api/v1/projects?as_of=2020-01-01", headers=auth).json()
        later = client.get("/api/v1/projects?as_of=2099-01-01&limit=5", headers=auth).json()
        bad = client.get("/api/v1/projects?as_of=1900-01-01", headers=auth)
        cap = client.get("/api/v1/frameworks/japan/commitments?as_of=2099-01-01",
                         headers=auth)
        none = client.get("/api/v1/frameworks/japan/commitments?as_of=2020-01-01",
                          headers=auth)
    assert (before["count"], before["data"]) == (0, [])
    assert later["count"] >= 30 and len(later["data"]) == 5
    assert bad.status_code == 400 and "as_of" in bad.text
    assert cap.status_code == 200 and cap.json()["as_of"] == "2099-01-01"
    assert none.status_code == 404 and "framework.not_yet_recorded" in none.text


def test_deadlines_as_known_on_a_date(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from pledge.services import deadlines
    today = [d.project_id for d in deadlines.project_deadlines(engine, framework="japan")]
    assert OHIO in today
    # withdrawn in May 2027 (recorded then): still due when read as of April 2027
    import pledge.services.projects  # noqa: F401  # its clock is set below
    set_clock(monkeypatch, at("2027-05-01"))
    projects.advance(engine, OHIO, "withdrawn", IC, date(2026, 4, 10), "sponsor pulled out")
    april = as_of.deadlines_known(engine, "japan", date(2027, 4, 15), date(2027, 4, 15))
    may = as_of.deadlines_known(engine, "japan", date(2027, 5, 15), date(2027, 5, 15))
    assert OHIO in [d.project_id for d in april] and OHIO not in [d.project_id for d in may]
    assert as_of.deadlines_known(engine, "japan", None, date(2020, 1, 1)) == []


def test_the_projects_page_reads_the_record_as_of_a_day(sqlite_engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from pledge.app import create_app
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        today = client.get("/projects")
        before = client.get("/projects?as_of=2020-01-01")
        later = client.get("/projects?as_of=2030-01-01&page=1")
        empty = client.get("/projects?framework=&status=&sector=&as_of=&page=1")
        bad = client.get("/projects?as_of=yesterday")
    assert before.status_code == 200 and "0 matching" in before.text
    assert 'data-testid="as-of-note"' in before.text
    assert 'data-testid="as-of-note"' not in today.text
    count = re.search(r"(\d+) matching", today.text)
    assert count and f"{count.group(1)} matching" in later.text and int(count.group(1)) > 30
    assert empty.status_code == 200 and f"{count.group(1)} matching" in empty.text
    assert bad.status_code == 400 and "as_of" in bad.text


def test_one_project_as_known_on_a_date(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    new = history(engine, monkeypatch)
    feb = as_of.show_project_as_of(engine, COPPER, date(2027, 2, 15))
    apr = as_of.show_project_as_of(engine, COPPER, date(2027, 4, 15))
    now = projects.show_project(engine, COPPER)
    assert feb.summary.status == "proposed" and len(feb.transitions) < len(apr.transitions)
    assert [t["to_stage"] for t in apr.transitions][-1] == "under_review"
    assert len(feb.estimates) + 1 == len(apr.estimates) == len(now.estimates)
    assert apr.summary.name == "Falcon Copper smelter" != feb.summary.name
    with pytest.raises(NotFound) as err:
        as_of.show_project_as_of(engine, new, date(2027, 3, 15))
    assert err.value.first.rule == "project.not_yet_recorded"
    # Ohio's raised allocation was recorded in May: April's reading has the first one
    ohio_apr = as_of.show_project_as_of(engine, OHIO, date(2027, 4, 15)).allocation
    ohio_now = projects.show_project(engine, OHIO).allocation
    assert ohio_apr is not None and ohio_now is not None
    assert ohio_now["amount"] - ohio_apr["amount"] == Decimal("700000000.00")


def test_the_oc4ids_package_as_known_on_two_dates(engine: Engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pledge.services import exports
    new = history(engine, monkeypatch)
    feb, apr, may = (exports.oc4ids_package(engine, "japan", as_of=d) for d in (
        date(2027, 2, 15), date(2027, 4, 15), date(2027, 5, 15)))
    now = exports.oc4ids_package(engine, "japan")
    for package in (feb, apr, may):
        assert exports.schema_errors(package) == []
    docs = [{d["pledge"]["projectId"]: d for d in p["projects"]} for p in (feb, apr, may, now)]
    f, a, m, n = docs
    # February: as loaded; April: copper taken up, renamed, re-estimated; the new project
    assert new not in f and a[new]["title"] == "Battery plant"
    assert f[COPPER]["pledge"]["stage"] == "proposed" != a[COPPER]["pledge"]["stage"]
    assert a[COPPER]["pledge"]["stage"] == "under_review"
    assert f[COPPER]["title"] != "Falcon Copper smelter" == a[COPPER]["title"]
    assert f[COPPER]["budget"]["amountRange"]["high"] == 2 * BN
    assert a[COPPER]["budget"]["amountRange"]["high"] == 3 * BN
    assert len(f[COPPER]["documents"]) < len(a[COPPER]["documents"])
    # the package is dated by the last change recorded by then
    assert feb["publishedDate"] < "2027-01-01" and apr["publishedDate"].startswith("2027-04-01")
    assert may["publishedDate"] == now["publishedDate"]
    # Ohio's raised allocation was recorded in May: not among April's transactions
    assert len(a[OHIO].get("transactions", [])) < len(m[OHIO].get("transactions", []))
    # read as of a day after the last change, the documents are today's
    assert m == n


def test_the_bulk_export_as_known_on_two_dates(engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from pledge.services import bulk
    new = history(engine, monkeypatch)
    apr, may = (bulk.bulk_export(engine, "japan", d) for d in (date(2027, 4, 15),
                                                               date(2027, 5, 15)))
    feb = {tb.name: tb.rows for tb in bulk.bulk_tables(engine, "japan", date(2027, 2, 15))}
    now = bulk.bulk_export(engine, "japan")

    def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(files[f"{name}.csv"].decode("utf-8"))))

    copper = {r["id"]: r for r in rows(apr, "projects")}[str(COPPER)]
    assert copper["status"] == "under_review" and copper["amount_high_usd"] == "3000000000.00"
    assert new not in {p.id for p in feb["projects"]}
    assert str(new) in {r["id"] for r in rows(apr, "projects")}
    # copper's second estimate (primary from April) and the new project's first
    feb_copper = [e for e in feb["estimates"] if e.project_id == COPPER]
    apr_copper = [r for r in rows(apr, "estimates") if r["project_id"] == str(COPPER)]
    assert len(apr_copper) == len(feb_copper) + 1
    assert [e.is_primary for e in feb_copper].count(True) == 1
    assert [r["is_primary"] for r in apr_copper][-1] == "true"
    assert len(rows(apr, "estimates")) == len(feb["estimates"]) + 2
    assert len(rows(apr, "transitions")) == len(feb["transitions"]) + 2  # taken up; new
    # the ledger entry recorded in May is in May's reading, not April's
    assert len(rows(apr, "ledger")) < len(rows(may, "ledger")) == len(rows(now, "ledger"))
    assert rows(may, "projects") == rows(now, "projects")
    assert b"as recorded by the end of 2027-04-15" in apr["datapackage.json"]


def test_exports_as_of_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("export", "oc4ids", "--as-of", "2020-01-01", "--no-check")
    assert code == 0, err
    assert json.loads(out)["projects"] == []
    code, out, err = cli("export", "oc4ids", "--as-of", "2020-01-01")  # OC4IDS: not empty
    assert code == 1 and "not written" in err
    code, out, err = cli("export", "oc4ids", "--framework", "japan", "--as-of", "2099-01-01")
    assert code == 0, err
    assert len(json.loads(out)["projects"]) > 30
    code, out, err = cli("export", "bulk", "--out", str(tmp_path), "--as-of", "2020-01-01")
    assert code == 0, err
    assert (tmp_path / "projects.csv").read_text(encoding="utf-8").count("\n") == 1
    code, out, err = cli("export", "bulk", "--out", str(tmp_path), "--as-of", "1900-01-01")
    assert code != 0 and "as_of" in err.replace("-", "_")


def test_the_deadlines_page_reads_the_record_as_of_a_day(sqlite_engine: Engine) -> None:
    from fastapi.testclient import TestClient

    from pledge.app import create_app
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        today = client.get("/deadlines")
        before = client.get("/deadlines?as_of=2020-01-01")
        empty = client.get("/deadlines?framework=&as_of=")
        bad = client.get("/deadlines?as_of=yesterday")
        package = client.get("/api/v1/public/oc4ids.json?as_of=2020-01-01")
    assert before.status_code == 200 and 'data-testid="as-of-note"' in before.text
    assert "No project is selected or notified." in before.text
    assert 'value="2020-01-01"' in before.text and "as_of=2020-01-01" in before.text
    assert 'data-testid="as-of-note"' not in today.text
    assert "No project is selected or notified." not in today.text
    assert empty.status_code == 200 and 'data-testid="as-of-note"' not in empty.text
    assert bad.status_code == 400 and "as_of" in bad.text
    assert package.status_code == 200 and package.json()["projects"] == []


def test_links_in_the_oc4ids_package_as_known_on_a_date(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import pledge.services.relations  # noqa: F401  # its clock is set below
    from pledge.services import exports, relations
    set_clock(monkeypatch, at("2027-03-01"))
    relations.link_projects(engine, 28, 29, "duplicate", "https://example.org/dup", IC)
    set_clock(monkeypatch, at("2027-05-01"))
    relations.unlink_projects(engine, 28, 29, IC, reason="two separate sites")

    def doc(day: date, pid: int) -> dict[str, Any]:
        package = exports.oc4ids_package(engine, as_of=day)
        assert exports.schema_errors(package) == []
        return next(d for d in package["projects"] if d["pledge"]["projectId"] == pid)

    def related(d: dict[str, Any]) -> list[str]:
        return [r["identifier"] for r in d.get("relatedProjects", [])]

    feb, apr, may = (doc(d, 29) for d in (date(2027, 2, 15), date(2027, 4, 15),
                                           date(2027, 5, 15)))
    assert exports.oc4ids_id(28) not in related(feb)
    assert exports.oc4ids_id(28) in related(apr)  # linked in March, withdrawn in May
    assert exports.oc4ids_id(28) not in related(may)
    assert apr["pledge"]["duplicateOf"] == 28
    assert feb["pledge"]["duplicateOf"] is None is may["pledge"]["duplicateOf"]


def test_an_extension_and_a_reported_stage_in_the_oc4ids_package_as_known_on_a_date(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from pledge.services import exports
    from tests.services.test_programme import NOTICE, walk_to_notified
    walk_to_notified(engine, COPPER, NOTICE)
    detail = projects.show_project(engine, COPPER)
    row = detail.summary
    latest = max(d for d in (row.funding_date, detail.extension_until, date(2026, 1, 1)) if d)
    import pledge.services.projects  # noqa: F401  # its clock is set below
    set_clock(monkeypatch, at("2027-03-01"))
    projects.extend(engine, row.id, latest + timedelta(days=30), IC, date(2026, 6, 1),
                    "the sponsor asked for time", ["https://example.org/extension"])
    set_clock(monkeypatch, at("2027-05-01"))
    projects.add_status_report(engine, OHIO, "finalist", "https://example.org/ohio-news",
                               date(2026, 5, 1), IC, wording="among the finalists")
    reported_now = projects.show_project(engine, OHIO).reported_status

    def doc(day: date, pid: int = row.id) -> dict[str, Any]:
        package = exports.oc4ids_package(engine, as_of=day)
        return next(d for d in package["projects"] if d["pledge"]["projectId"] == pid)

    def extensions(d: dict[str, Any]) -> int:
        return sum(x["documentType"] == "deadlineExtension" for x in d.get("documents", []))

    feb, apr = doc(date(2027, 2, 15)), doc(date(2027, 4, 15))
    assert apr["pledge"]["extensionUntil"] == (latest + timedelta(days=30)).isoformat()
    assert feb["pledge"]["extensionUntil"] == (
        None if detail.extension_until is None else detail.extension_until.isoformat())
    assert extensions(apr) == extensions(feb) + 1
    # the stage a source reported for Ohio was recorded in May
    ohio_apr, ohio_may = doc(date(2027, 4, 15), OHIO), doc(date(2027, 5, 15), OHIO)
    assert ohio_may["pledge"]["reportedStatus"] == reported_now == "finalist"
    assert ohio_apr["pledge"]["reportedStatus"] != "finalist"
    kinds = [[x["documentType"] for x in d.get("documents", [])] for d in (ohio_apr, ohio_may)]
    assert kinds[1].count("statusReport") == kinds[0].count("statusReport") + 1
    assert as_of.show_project_as_of(engine, OHIO, date(2027, 4, 15)).reported_status == \
        ohio_apr["pledge"]["reportedStatus"]
