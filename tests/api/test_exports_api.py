"""The export endpoints: media types, file names, every role, and the one error shape."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]  # openpyxl has no inline types; see pyproject.toml on its stubs
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.access import MATRIX, Action
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user

ADMIN = Actor("setup", Role.ADMIN)
ROLES = [r.value for r in Role]
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICS = "text/calendar; charset=utf-8"
JSON = "application/json"
ATOM = "application/atom+xml; charset=utf-8"

Api = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[Api]:
    app = create_app(str(sqlite_engine.url))
    tokens = {}
    for role in ROLES:
        token = add_user(sqlite_engine, f"u_{role}", role, ADMIN).token
        tokens[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


# (path, action, media type, Content-Disposition)
ENDPOINTS: list[tuple[str, Action, str, str]] = [
    ("/api/v1/exports/projects.csv", Action.READ_PUBLIC, CSV,
     'attachment; filename="projects.csv"'),
    ("/api/v1/exports/projects.csv?framework=japan&status=selected", Action.READ_PUBLIC, CSV,
     'attachment; filename="projects-japan.csv"'),
    ("/api/v1/exports/projects.xlsx", Action.READ_PUBLIC, XLSX,
     'attachment; filename="projects.xlsx"'),
    ("/api/v1/frameworks/japan/ledger.csv", Action.READ, CSV,
     'attachment; filename="ledger-japan.csv"'),
    ("/api/v1/frameworks/japan/ledger.xlsx", Action.READ, XLSX,
     'attachment; filename="ledger-japan.xlsx"'),
    ("/api/v1/exports/deadlines.ics", Action.READ_PUBLIC, ICS,
     'attachment; filename="deadlines.ics"'),
    ("/api/v1/exports/deadlines.ics?framework=japan", Action.READ_PUBLIC, ICS,
     'attachment; filename="deadlines-japan.ics"'),
    ("/api/v1/projects/24/oc4ids", Action.READ_PUBLIC, JSON,
     'inline; filename="oc4ids-pledge-24.json"'),
    ("/api/v1/public/oc4ids.json?framework=japan", Action.READ_PUBLIC, JSON,
     'inline; filename="oc4ids-japan.json"'),
    ("/api/v1/feeds/changes.atom?framework=japan", Action.READ_PUBLIC, ATOM,
     'inline; filename="changes-japan.atom"'),
    ("/api/v1/projects/24/changes.atom", Action.READ_PUBLIC, ATOM,
     'inline; filename="changes-project-24.atom"'),
    ("/api/v1/projects/24/sensitivity?discount_rate=4%25", Action.ANALYSE, JSON,
     'inline; filename="sensitivity-24.json"'),
    ("/api/v1/projects/24/sensitivity/sweep?name=capex&steps=3", Action.ANALYSE, JSON,
     'inline; filename="sensitivity-24-capex.json"'),
    ("/api/v1/exports/risk.json", Action.READ_PUBLIC, JSON, 'inline; filename="risk.json"'),
    ("/api/v1/projects/25/capital-structure", Action.ANALYSE, JSON,
     'inline; filename="capital-structure-25.json"'),
]


def assert_error(body: dict[str, object], code: str) -> None:
    err = body["error"]
    assert isinstance(err, dict) and set(err) >= {"code", "message", "field"}
    assert err["code"] == code and err["message"]


@pytest.mark.parametrize(("path", "action", "media", "disposition"), ENDPOINTS,
                         ids=[p for p, _, _, _ in ENDPOINTS])
def test_every_export_for_every_role(api: Api, path: str, action: Action, media: str,
                                     disposition: str) -> None:
    client, tokens = api
    for role in ROLES:
        r = client.get(path, headers=tokens[role])
        if Role(role) in MATRIX[action]:
            assert r.status_code == 200, (role, r.text[:200])
            assert r.headers["content-type"] == media
            assert r.headers["content-disposition"] == disposition
        else:
            assert r.status_code == 403
            assert_error(r.json(), "auth.forbidden")
    anonymous = client.get(path)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == JSON
    assert_error(anonymous.json(), "auth.required")


def test_public_read_opens_the_public_exports_only(sqlite_engine: Engine) -> None:
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        for path, action, media, _ in ENDPOINTS:
            r = client.get(path)
            if action is Action.READ_PUBLIC:
                assert r.status_code == 200 and r.headers["content-type"] == media, path
            else:
                assert r.status_code == 401, path
                assert_error(r.json(), "auth.required")


@pytest.mark.parametrize(("path", "status", "code"), [
    ("/api/v1/projects/999/oc4ids", 404, "project.unknown"),
    ("/api/v1/projects/abc/oc4ids", 422, "request.invalid"),
    ("/api/v1/frameworks/atlantis/ledger.csv", 404, "framework.unknown"),
    ("/api/v1/frameworks/atlantis/ledger.xlsx", 404, "framework.unknown"),
    ("/api/v1/exports/projects.csv?status=sideways", 400, "lifecycle.unknown_stage"),
    ("/api/v1/exports/projects.xlsx?framework=atlantis", 404, "framework.unknown"),
    ("/api/v1/exports/deadlines.ics?framework=atlantis", 404, "framework.unknown"),
])
def test_errors_keep_the_one_shape(api: Api, path: str, status: int, code: str) -> None:
    client, tokens = api
    r = client.get(path, headers=tokens["analyst"])
    assert r.status_code == status and r.headers["content-type"] == JSON
    assert_error(r.json(), code)


def test_the_exports_after_a_committee_walk_and_a_funding(api: Api) -> None:
    client, tokens = api
    steps = [("cc_us", "transitions", {"to": "under_review", "on": "2026-03-31"}),
             ("ic", "transitions", {"to": "finalist", "on": "2026-03-31"}),
             ("cc_jp", "consultations", {"kind": "committee", "on": "2026-04-01"}),
             ("ic", "transitions", {"to": "recommended", "on": "2026-04-02"}),
             ("president", "transitions", {"to": "selected", "on": "2026-04-03"}),
             ("ic", "transitions", {"to": "notified", "on": "2026-04-06"})]
    for role, what, body in steps:
        r = client.post(f"/api/v1/projects/32/{what}", json=body, headers=tokens[role])
        assert r.status_code == 201, r.json()
    analyst = tokens["analyst"]
    feed = Calendar.from_ical(client.get("/api/v1/exports/deadlines.ics",
                                         headers=analyst).content)
    [copper] = [e for e in feed.walk("VEVENT") if str(e["UID"]) == "project-32-funding@pledge"]
    assert copper.decoded("DTSTART") == date(2026, 6, 9)

    r = client.post("/api/v1/projects/32/fundings", headers=tokens["funder"], json={
        "amount": "1000000000.01", "on": "2026-05-01", "instrument": "loan",
        "provider": "JBIC"})
    assert r.status_code == 201, r.json()

    rows = list(csv.DictReader(io.StringIO(client.get(
        "/api/v1/exports/projects.csv?status=funded", headers=analyst).text)))
    assert [(r["id"], r["disbursed_usd"], r["funding_date"]) for r in rows] == [
        ("32", "1000000000.01", "2026-06-09")]
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/api/v1/frameworks/japan/ledger.xlsx", headers=analyst).content))
    invested = [r for r in book["Postings"].iter_rows(min_row=2, values_only=True)
                if str(r[4]).endswith(":spv:invested")]
    assert [Decimal(str(r[10])) for r in invested] == [Decimal("1000000000.01")]

    doc = client.get("/api/v1/projects/32/oc4ids", headers=analyst).json()
    assert doc["status"] == "implementation"
    [loan] = doc["budget"]["finance"]
    assert (loan["financingParty"]["name"], loan["type"], loan["value"]["amount"]) == (
        "JBIC", "loan", 1000000000.01)
    assert {"funder", "payer"} <= set(
        next(p for p in doc["parties"] if p["name"] == "JBIC")["roles"])


def test_openapi_lists_the_exports(api: Api) -> None:
    client, _ = api
    doc = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {"exports-projects_csv", "exports-projects_xlsx", "exports-ledger_csv",
            "exports-ledger_xlsx", "exports-deadlines_ics", "exports-project_oc4ids"} <= ids
    assert "text/csv" in doc["paths"]["/api/v1/exports/projects.csv"]["get"]["responses"][
        "200"]["content"]
