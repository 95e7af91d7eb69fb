"""The REST API in-process: every endpoint against every role, and one error shape."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.cli import run
from pledge.domain.access import MATRIX, Action
from pledge.domain.lifecycle import Role
from pledge.services import news, projects
from pledge.services.base import Actor
from pledge.services.jobs import JobRunner
from pledge.services.users import add_user, revoke_user
from pledge.store import tables

ADMIN = Actor("setup", Role.ADMIN)
DATA = Path(__file__).resolve().parents[1] / "data"
ROLES = [r.value for r in Role]


@pytest.fixture
def api(sqlite_engine: Engine) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    app = create_app(str(sqlite_engine.url))
    tokens = {}
    for role in ROLES:
        token = add_user(sqlite_engine, f"u_{role}", role, ADMIN).token
        tokens[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


# (method, path, body, action, status and error code for an allowed role). Bodies are
# well-formed but refused by the rules for every role (the code says which rule), or the
# request only reads; so nothing may change, whoever asks.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Action, int, str | None]] = [
    ("GET", "/api/v1/frameworks", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/frameworks/japan", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/frameworks/japan/commitments", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/frameworks/japan/ledger", None, Action.READ, 200, None),
    ("GET", "/api/v1/frameworks/japan/deadline?notice=2026-02-17", None, Action.READ_PUBLIC,
     200, None),
    ("GET", "/api/v1/deadlines", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/projects", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/projects/24", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/projects/24/history", None, Action.READ, 200, None),
    ("GET", "/api/v1/projects/24/links", None, Action.READ_PUBLIC, 200, None),
    ("GET", "/api/v1/projects/24/statement", None, Action.READ, 200, None),
    ("POST", "/api/v1/projects/24/distributions", {"on": "2026-04-01", "amount": "US$1m"},
     Action.LEDGER_EDIT, 409, "ledger.not_funded"),
    ("POST", "/api/v1/projects/24/links",
     {"other": 24, "kind": "duplicate", "source": "https://x"}, Action.PROJECT_EDIT, 400,
     "link.self"),
    ("POST", "/api/v1/projects/24/links/withdrawals", {"other": 25, "reason": "r"},
     Action.PROJECT_EDIT, 404, "link.unknown"),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, Action.PROJECT_EDIT,
     400, "project.unknown_sector"),
    ("POST", "/api/v1/projects/24/transitions", {"to": "sideways", "on": "2026-04-01"},
     Action.ADVANCE, 400, "lifecycle.unknown_stage"),
    ("POST", "/api/v1/projects/24/consultations", {"kind": "chat", "on": "2026-04-01"},
     Action.CONSULT, 400, "lifecycle.unknown_consultation"),
    ("POST", "/api/v1/projects/999/extensions",
     {"until": "2026-06-01", "on": "2026-04-01", "reason": "r"}, Action.EXTEND, 404,
     "project.unknown"),
    ("POST", "/api/v1/projects/24/fundings",
     {"amount": "US$1bn", "on": "2026-04-01", "instrument": "gift", "provider": "JBIC"},
     Action.FUND, 400, "funding.unknown_instrument"),
    ("POST", "/api/v1/projects/24/estimates",
     {"amount": "about US$", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT,
     400, "money.no_number"),
    ("POST", "/api/v1/projects/24/allocation",
     {"amount": "US$1bn to US$2bn", "reason": "r", "on": "2026-04-01"}, Action.LEDGER_EDIT,
     400, "money.range_not_allowed"),
    ("POST", "/api/v1/projects/24/guarantee-calls", {"amount": "US$1bn", "on": "2026-04-01"},
     Action.FUND, 409, "guarantee.over_outstanding"),
    ("PATCH", "/api/v1/projects/24", {"sector": "astrology"}, Action.PROJECT_EDIT, 400,
     "project.unknown_sector"),
    ("POST", "/api/v1/projects/24/status-reports",
     {"stage": "rumoured", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT,
     400, "project.unknown_status"),
    ("POST", "/api/v1/projects/24/sites",
     {"location": " ", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT, 400,
     "project.site_missing"),
    ("GET", "/api/v1/projects/24/scores", None, Action.READ, 200, None),
    ("POST", "/api/v1/projects/24/scores",
     {"side": "sideways", "criterion": "strategic", "value": 5}, Action.SCORE, 400,
     "priorities.unknown_side"),
    ("GET", "/api/v1/frameworks/japan/weights", None, Action.READ, 200, None),
    ("POST", "/api/v1/frameworks/japan/weights",
     {"side": "sideways", "criterion": "strategic", "weight": 1}, Action.SCORE, 400,
     "priorities.unknown_side"),
    # No project is recorded under the Korean framework yet.
    ("GET", "/api/v1/frameworks/korea/rankings", None, Action.READ, 409,
     "priorities.no_projects"),
    ("POST", "/api/v1/frameworks/atlantis/batches", {}, Action.ANALYSE, 404,
     "framework.unknown"),
    ("POST", "/api/v1/frameworks/atlantis/pareto", {}, Action.ANALYSE, 404,
     "framework.unknown"),
    ("GET", "/api/v1/projects/999/decline-advice", None, Action.ANALYSE, 404,
     "project.unknown"),
    ("POST", "/api/v1/simulations", {"project_id": 999, "paths": 10}, Action.ANALYSE, 404,
     "project.unknown"),
    ("GET", "/api/v1/simulations/999", None, Action.ANALYSE, 404, "job.unknown"),
    ("GET", "/api/v1/simulations/999/result", None, Action.ANALYSE, 404, "job.unknown"),
    ("GET", "/api/v1/jobs/999", None, Action.ANALYSE, 404, "job.unknown"),
    ("GET", "/api/v1/jobs/999/result", None, Action.ANALYSE, 404, "job.unknown"),
    ("GET", "/api/v1/review", None, Action.READ, 200, None),
    ("GET", "/api/v1/frameworks/japan/claims", None, Action.READ, 200, None),
    ("GET", "/api/v1/frameworks/atlantis/tranches", None, Action.READ, 404,
     "framework.unknown"),
    ("GET", "/api/v1/review/999", None, Action.READ, 404, "review.unknown"),
    ("GET", "/api/v1/review/articles/999", None, Action.READ, 404, "review.unknown_article"),
    ("GET", "/api/v1/review/articles?project_id=24", None, Action.READ, 200, None),
    ("POST", "/api/v1/review/999/accept", {}, Action.REVIEW, 404, "review.unknown"),
    ("POST", "/api/v1/review/999/reject", {"reason": "not news"}, Action.REVIEW, 404,
     "review.unknown"),
    ("POST", "/api/v1/ingest", {"source": "x", "text": " "}, Action.REVIEW, 400, "news.empty"),
    ("GET", "/api/v1/audit/verify", None, Action.ADMIN, 200, None),
]


# Records of use, not of the programme: a token's last use and login bookkeeping change
# on every request by design.
USE_RECORDS = {("tokens", "last_used_at"), ("sessions", "last_seen_at")}
USE_TABLES = {"login_failures"}


def database(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: what "nothing changed" is checked against."""
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(
                    select(*[c for c in table.columns
                             if (table.name, c.name) not in USE_RECORDS])
                    .order_by(*table.primary_key.columns))]
                for table in tables.metadata.sorted_tables if table.name not in USE_TABLES}


@pytest.mark.parametrize(("method", "path", "body", "action", "status", "code"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_every_endpoint_for_every_role(api: tuple[TestClient, dict[str, dict[str, str]]],
                                       sqlite_engine: Engine, method: str, path: str,
                                       body: dict[str, Any] | None, action: Action,
                                       status: int, code: str | None) -> None:
    client, tokens = api
    before = database(sqlite_engine)
    for role in ROLES:
        r = client.request(method, path, json=body, headers=tokens[role])
        if Role(role) in MATRIX[action]:
            # Past the role check and on to the rule that refuses the body (or the read).
            assert r.status_code == status, (role, r.json())
            if code is not None:
                assert r.json()["error"]["code"] == code, role
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json()["error"]["code"] == "auth.forbidden"
        assert database(sqlite_engine) == before, role
    anonymous = client.request(method, path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "auth.required"
    assert database(sqlite_engine) == before


SETUP_DAY = date(2026, 4, 1)    # what a case prepares through the services
ON = "2026-04-02"               # the day the requests are made
SETUP = Actor("setup", Role.ADMIN)


def staged(engine: Engine) -> None:
    """Projects ready for every kind of transition: 32 recommended (after the committee
    consultation), 26 notified with the partner's consultation of the US recorded."""
    for stage in ("under_review", "finalist"):  # 32 is created at the entry stage
        projects.advance(engine, 32, stage, Actor("cc", Role.CC_US), SETUP_DAY)
    projects.consult(engine, 32, "committee", Actor("cc", Role.CC_JP), SETUP_DAY)
    projects.advance(engine, 32, "recommended", Actor("ic", Role.IC), SETUP_DAY)
    projects.advance(engine, 26, "notified", Actor("ic", Role.IC), SETUP_DAY)
    projects.consult(engine, 26, "decline", Actor("jbic", Role.FUNDER), SETUP_DAY)


def notified(engine: Engine) -> None:
    projects.advance(engine, 24, "notified", Actor("ic", Role.IC), SETUP_DAY)


def queued(engine: Engine) -> None:
    """Eleven proposals waiting: 1 an estimate for 24, 2 a site for 25, 3 a sponsor for 24,
    4 a tranche of the programme, 5 an estimate for 30, 6 a stage for 17 (a candidate for
    the next round: finalist), 7 an estimate for 30, 8 a site for 30, 9 and 10 new
    projects, 11 a claim about Taiwan's tariff."""
    files = [DATA / "000_c962c52e75ce5afa.txt", *(DATA / "news" / f"en_{n}.txt" for n in (
        "copper_finalists", "westinghouse_fleet", "hyundai_steel_louisiana",
        "taiwan_deal_blog"))]
    news.ingest(engine, [news.ArticleInput(f.name, f.read_text(encoding="utf-8"))
                         for f in files], SETUP, on=SETUP_DAY)


def article(name: str) -> dict[str, str]:
    path = DATA / "news" / f"en_{name}.txt"
    return {"source": path.name, "text": path.read_text(encoding="utf-8")}


def request(method: str, path: str, body: dict[str, Any], *audit: str) -> Request:
    """One request and the audit actions it records when it takes effect."""
    return method, path, body, audit


def source(role: str) -> str:
    return f"https://example.org/{role}"


US_SIDE, PARTNER_SIDE = ("admin", "ic", "cc_us"), ("cc_jp", "funder")

Request = tuple[str, str, dict[str, Any], tuple[str, ...]]


class Write(NamedTuple):
    """A change through the API and who may make it.

    done:      each role whose change takes effect: its request and the audit actions
    ruled_out: roles the matrix lets try but the rules refuse, with the rule
    tried:     the request refused roles send (default: the first role's)
    Every other role is refused by the matrix.
    """

    name: str
    action: Action
    setup: Callable[[Engine], None] | None
    done: dict[str, Request]
    ruled_out: dict[str, str]
    tried: Request | None = None


WRITES = [
    Write("add project", Action.PROJECT_EDIT, None, {
        role: request("POST", "/api/v1/projects", {"name": f"New plant ({role})",
                                                   "sector": "energy"}, "project.add")
        for role in ("admin", "ic", "cc_us", "cc_jp")}, {}),
    Write("update project", Action.PROJECT_EDIT, None, {
        role: request("PATCH", "/api/v1/projects/24", {"name": f"Portsmouth ({role})"},
                      "project.update") for role in ("admin", "ic", "cc_us", "cc_jp")}, {}),
    Write("estimate", Action.PROJECT_EDIT, None, {
        role: request("POST", "/api/v1/projects/24/estimates", {
            "amount": "US$34bn", "source": source(role), "on": ON}, "project.estimate")
        for role in ("admin", "ic", "cc_us", "cc_jp")}, {}),
    Write("status report", Action.PROJECT_EDIT, None, {
        role: request("POST", "/api/v1/projects/24/status-reports", {
            "stage": "notified", "source": source(role), "on": ON}, "project.status_report")
        for role in ("admin", "ic", "cc_us", "cc_jp")}, {}),
    Write("site", Action.PROJECT_EDIT, None, {
        role: request("POST", "/api/v1/projects/24/sites", {
            "location": "Pike County, Ohio", "source": source(role), "on": ON},
            "project.site_report") for role in ("admin", "ic", "cc_us", "cc_jp")}, {}),
    # A link is audited on both projects.
    Write("link", Action.PROJECT_EDIT, None, {
        role: request("POST", f"/api/v1/projects/{a}/links", {
            "other": b, "kind": "related", "source": source(role)}, "project.link",
            "project.link")
        for role, (a, b) in (("admin", (3, 4)), ("ic", (5, 9)), ("cc_us", (10, 11)),
                             ("cc_jp", (12, 13)))}, {}),
    Write("unlink", Action.PROJECT_EDIT, None, {
        role: request("POST", f"/api/v1/projects/{a}/links/withdrawals", {
            "other": b, "reason": f"withdrawn by {role}"}, "project.unlink", "project.unlink")
        for role, (a, b) in (("admin", (23, 1)), ("ic", (23, 30)), ("cc_us", (27, 2)),
                             ("cc_jp", (6, 24)))}, {}),
    # Each role makes a transition the lifecycle gives it.
    Write("transition", Action.ADVANCE, staged, {
        "admin": request("POST", "/api/v1/projects/25/transitions",
                         {"to": "withdrawn", "on": ON}, "project.withdrawn"),
        "ic": request("POST", "/api/v1/projects/24/transitions", {"to": "notified", "on": ON},
                      "project.notified"),
        "president": request("POST", "/api/v1/projects/32/transitions",
                             {"to": "selected", "on": ON}, "project.selected",
                             "project.allocate"),
        "cc_us": request("POST", "/api/v1/projects/1/transitions",
                         {"to": "under_review", "on": ON}, "project.under_review"),
        "cc_jp": request("POST", "/api/v1/projects/2/transitions",
                         {"to": "under_review", "on": ON}, "project.under_review"),
        "funder": request("POST", "/api/v1/projects/26/transitions",
                          {"to": "declined", "on": ON}, "project.declined")}, {}),
    # The committee consultation is the committees', the consultation of the US before a
    # decline the partner's; an administrator records neither.
    Write("consultation", Action.CONSULT, None, {
        **{role: request("POST", "/api/v1/projects/32/consultations",
                         {"kind": "committee", "on": ON}, "project.consult")
           for role in ("ic", "cc_us", "cc_jp")},
        "funder": request("POST", "/api/v1/projects/32/consultations",
                          {"kind": "decline", "on": ON}, "project.consult")},
     {"admin": "lifecycle.role_not_allowed"}),
    Write("extension", Action.EXTEND, notified, {
        "admin": request("POST", "/api/v1/projects/24/extensions", {
            "until": "2026-07-01", "on": ON, "reason": "permits"}, "project.extend"),
        "ic": request("POST", "/api/v1/projects/24/extensions", {
            "until": "2026-08-03", "on": ON, "reason": "turbines"}, "project.extend")}, {}),
    Write("funding", Action.FUND, notified, {
        "funder": request("POST", "/api/v1/projects/24/fundings", {
            "amount": "US$1bn", "on": ON, "instrument": "loan", "provider": "JBIC"},
            "project.fund")}, {}),
    # Only the committee changes an allocation; an administrator may touch the ledger but
    # not this.
    Write("allocation", Action.LEDGER_EDIT, None, {
        "ic": request("POST", "/api/v1/projects/24/allocation", {
            "amount": "US$33bn", "reason": "the Department of Commerce's figure", "on": ON},
            "project.allocate")}, {"admin": "allocation.role_not_allowed"}),
    Write("score", Action.SCORE, None, {
        role: request("POST", "/api/v1/projects/27/scores", {
            "side": "us" if role in US_SIDE else "partner", "criterion": "strategic",
            "value": 5}, "project.score") for role in US_SIDE + PARTNER_SIDE}, {}),
    Write("weight", Action.SCORE, None, {
        role: request("POST", "/api/v1/frameworks/japan/weights", {
            "side": "us" if role in US_SIDE else "partner", "criterion": "strategic",
            "weight": 0.5}, "framework.weight") for role in US_SIDE + PARTNER_SIDE}, {}),
    Write("reject", Action.REVIEW, queued, {
        role: request("POST", f"/api/v1/review/{k}/reject", {"reason": "old news"},
                      "news.reject")
        for k, role in enumerate(("admin", "ic", "president", "cc_us", "cc_jp", "analyst"),
                                 start=1)}, {}),
    # Accepting applies the change, so it also needs the right to make it: here a project
    # edit, which the President and the analysts do not have.
    Write("accept", Action.REVIEW, queued, {
        "admin": request("POST", "/api/v1/review/1/accept", {}, "project.estimate",
                         "news.accept"),
        "ic": request("POST", "/api/v1/review/2/accept", {}, "project.site_report",
                      "news.accept"),
        "cc_us": request("POST", "/api/v1/review/5/accept", {}, "project.estimate",
                         "news.accept"),
        "cc_jp": request("POST", "/api/v1/review/8/accept", {}, "project.site_report",
                         "news.accept")},
     {"president": "auth.forbidden", "analyst": "auth.forbidden"},
     request("POST", "/api/v1/review/7/accept", {})),
    Write("ingest", Action.REVIEW, None, {
        role: request("POST", "/api/v1/ingest", article(name), "news.ingest")
        for role, name in (("admin", "copper_finalists"), ("ic", "eu_intentions"),
                           ("president", "gulflink_terminal"), ("cc_us", "newsletter_roundup"),
                           ("cc_jp", "tranche1_wire"), ("analyst", "westinghouse_fleet"))},
     {}),
]


def audit_since(engine: Engine, last: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        return [(r.action, r.actor, r.role) for r in conn.execute(
            select(tables.audit_log).where(tables.audit_log.c.id > last)
            .order_by(tables.audit_log.c.id))]


def last_audit(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(tables.audit_log.c.id), 0)))
                   .scalar_one())


@pytest.mark.parametrize("change", WRITES, ids=[w.name for w in WRITES])
def test_a_change_takes_effect_for_the_roles_allowed_and_for_no_other(
        api: tuple[TestClient, dict[str, dict[str, str]]], sqlite_engine: Engine,
        change: Write) -> None:
    client, tokens = api
    # The roles written out above are the ones the matrix lets try, no more and no fewer.
    assert {Role(r) for r in [*change.done, *change.ruled_out]} == MATRIX[change.action]
    if change.setup is not None:
        change.setup(sqlite_engine)
    tried = change.tried or next(iter(change.done.values()))
    for role in ROLES:
        method, path, body, actions = change.done.get(role, tried)
        before, last = database(sqlite_engine), last_audit(sqlite_engine)
        r = client.request(method, path, json=body, headers=tokens[role])
        if role in change.done:
            assert r.status_code == (200 if method == "PATCH" or "/review/" in path else 201), (
                role, r.json())
            assert audit_since(sqlite_engine, last) == [(a, f"u_{role}", role)
                                                        for a in actions], role
        else:
            assert r.status_code == 403, (role, r.json())
            assert r.json()["error"]["code"] == change.ruled_out.get(role, "auth.forbidden")
            assert database(sqlite_engine) == before, role


# Operations that need no login and say nothing about the programme (the trivial answer
# the speed bench compares every endpoint with).
OPEN_TO_ALL = ("/api/v1/ping",)


def test_the_open_operations_answer_everyone_and_tell_nothing(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    for path in OPEN_TO_ALL:
        for headers in [{}, *tokens.values()]:
            r = client.get(path, headers=headers)
            assert (r.status_code, r.json()) == (200, {"status": "ok"}), (path, headers)


def test_the_matrix_walks_every_operation_of_the_api(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    # Every operation in the OpenAPI document is walked for every role, here or in the
    # export endpoints' matrix: a new endpoint must join one of them.
    from tests.api.test_exports_api import ENDPOINTS as EXPORTS

    def shape(path: str) -> str:
        path = re.sub(r"/\d+(?=/|$)", "/{}", path.split("?")[0])
        return re.sub(r"/frameworks/[a-z]+", "/frameworks/{}", path)

    client, _ = api
    walked = {(m, shape(p)) for m, p, *_ in ENDPOINTS} | {
        ("GET", shape(p)) for p, *_ in EXPORTS} | {("GET", p) for p in OPEN_TO_ALL}
    operations = {(m.upper(), re.sub(r"\{[^}]+\}", "{}", p))
                  for p, item in client.get("/openapi.json").json()["paths"].items()
                  for m in item}
    assert operations - walked == set()


def test_public_read_lets_anonymous_read_the_public_subset(sqlite_engine: Engine) -> None:
    with TestClient(create_app(str(sqlite_engine.url), public_read=True)) as client:
        assert client.get("/api/v1/projects").status_code == 200
        assert client.get("/api/v1/frameworks/japan/ledger").status_code == 401
        assert client.post("/api/v1/projects", json={"name": "X", "sector": "energy"}
                           ).status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "role", "status", "code"), [
    ("GET", "/api/v1/projects/999", None, "analyst", 404, "project.unknown"),
    ("GET", "/api/v1/frameworks/atlantis", None, "analyst", 404, "framework.unknown"),
    ("GET", "/api/v1/projects?limit=0", None, "analyst", 422, "request.invalid"),
    ("POST", "/api/v1/projects", {"sector": "energy"}, "ic", 422, "request.invalid"),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, "ic", 400,
     "project.unknown_sector"),
    ("POST", "/api/v1/projects", {"name": "Texas GulfLink deepwater crude oil export terminal",
                                  "sector": "energy"}, "ic", 409, "project.duplicate_name"),
    # 32 is proposed (the list's "finalist" is a stage report): it cannot be recommended
    ("POST", "/api/v1/projects/32/transitions", {"to": "recommended", "on": "2026-04-01"},
     "ic", 409, "lifecycle.illegal_transition"),
    ("POST", "/api/v1/projects/24/transitions", {"to": "notified", "on": "2026-04-01"},
     "cc_us", 403, "lifecycle.role_not_allowed"),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "energy", "status": "funded"},
     "cc_jp", 422, "lifecycle.not_entry_stage"),
    ("PATCH", "/api/v1/projects/24", {"sector": "astrology"}, "ic", 400,
     "project.unknown_sector"),
    ("PATCH", "/api/v1/projects/24", {"colour": "red"}, "ic", 422, "request.invalid"),
    ("PATCH", "/api/v1/projects/24", {}, "ic", 400, "project.no_changes"),
    ("PATCH", "/api/v1/projects/24", {"name": None}, "ic", 400, "input.not_text"),
    ("PATCH", "/api/v1/projects/24",
     {"name": "Texas GulfLink deepwater crude oil export terminal"}, "ic", 409,
     "project.duplicate_name"),
    ("PATCH", "/api/v1/projects/999", {"name": "X"}, "ic", 404, "project.unknown"),
    ("PATCH", "/api/v1/projects/24", {"name": "X"}, "analyst", 403, "auth.forbidden"),
    ("POST", "/api/v1/projects/27/scores", {"side": "partner", "criterion": "strategic",
                                            "value": 5}, "ic", 403, "priorities.wrong_side"),
    ("POST", "/api/v1/projects/27/scores", {"side": "us", "criterion": "strategic",
                                            "value": 11}, "ic", 400, "priorities.out_of_range"),
    ("POST", "/api/v1/projects/27/scores", {"side": "us", "criterion": "strategic",
                                            "value": 5}, "analyst", 403, "auth.forbidden"),
    ("POST", "/api/v1/frameworks/japan/weights", {"side": "us", "criterion": "astrology",
                                                  "weight": 1}, "ic", 400,
     "priorities.unknown_criterion"),
    ("GET", "/api/v1/frameworks/korea/rankings", None, "analyst", 409,
     "priorities.no_projects"),
    ("GET", "/api/v1/frameworks/japan/rankings?paths=0", None, "analyst", 422,
     "request.invalid"),
    ("POST", "/api/v1/frameworks/japan/batches", {"objective": "greed"}, "analyst", 400,
     "batch.unknown_objective"),
    ("POST", "/api/v1/frameworks/japan/batches", {"budget": "¥1tn"}, "analyst", 400,
     "money.not_usd"),
    ("POST", "/api/v1/frameworks/japan/batches", {"must_include": [999], "paths": 20},
     "analyst", 400, "batch.unknown_candidate"),
    ("POST", "/api/v1/frameworks/japan/pareto", {"max_points": 0}, "analyst", 422,
     "request.invalid"),
    ("GET", "/api/v1/projects/24/decline-advice?exports=lots", None, "analyst", 400,
     "money.trailing_text"),
    ("POST", "/api/v1/simulations", {"project_id": 24, "framework": "japan"}, "analyst", 400,
     "simulation.target"),
    ("POST", "/api/v1/simulations", {"framework": "korea"}, "analyst", 409,
     "simulation.empty_portfolio"),
    ("POST", "/api/v1/simulations", {"project_id": 24, "paths": 0}, "analyst", 422,
     "request.invalid"),
    ("GET", "/api/v1/simulations/999", None, "analyst", 404, "job.unknown"),
    ("GET", "/api/v1/simulations/999/result", None, "analyst", 404, "job.unknown"),
    ("GET", "/api/v1/simulations/999", None, None, 401, "auth.required"),
    ("GET", "/api/v1/nowhere", None, "analyst", 404, "http.not_found"),
    ("GET", "/api/v1/projects", None, None, 401, "auth.required"),
])
def test_every_error_has_the_one_shape(api: tuple[TestClient, dict[str, dict[str, str]]],
                                       method: str, path: str, body: dict[str, Any] | None,
                                       role: str | None, status: int, code: str) -> None:
    client, tokens = api
    r = client.request(method, path, json=body, headers=tokens[role] if role else {})
    assert r.status_code == status
    err = r.json()["error"]
    assert set(err) >= {"code", "message", "field"}
    assert err["code"] == code and err["message"]


def test_a_committee_walk_over_the_api(api: tuple[TestClient, dict[str, dict[str, str]]]
                                       ) -> None:
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
    assert r.json()["status"] == "notified" and r.json()["funding_date"] == "2026-06-09"
    r = client.post("/api/v1/projects/32/fundings", headers=tokens["funder"], json={
        "amount": "US$1bn", "on": "2026-05-01", "instrument": "loan", "provider": "JBIC"})
    assert r.status_code == 201 and r.json()["status"] == "funded"
    history = client.get("/api/v1/projects/32/history", headers=tokens["analyst"]).json()
    assert [a["actor"] for a in history["audit"][-3:]] == ["u_president", "u_ic", "u_funder"]


def test_revoked_tokens_stop_working(api: tuple[TestClient, dict[str, dict[str, str]]],
                                     sqlite_engine: Engine) -> None:
    client, tokens = api
    assert client.get("/api/v1/projects", headers=tokens["analyst"]).status_code == 200
    revoke_user(sqlite_engine, "u_analyst", ADMIN)
    assert client.get("/api/v1/projects", headers=tokens["analyst"]).status_code == 401


def test_openapi_has_stable_operation_ids(api: tuple[TestClient, dict[str, dict[str, str]]]
                                          ) -> None:
    client, _ = api
    doc = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {"projects-list_projects", "projects-create_transition",
            "frameworks-get_commitments", "projects-update_project", "priorities-get_scores",
            "priorities-create_score", "priorities-get_weights", "priorities-create_weight",
            "priorities-get_rankings", "priorities-create_batch", "priorities-create_pareto",
            "priorities-get_decline_advice", "simulations-create_simulation",
            "simulations-get_simulation", "simulations-get_simulation_result"} <= ids


def test_patch_changes_a_project_and_is_audited(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    r = client.patch("/api/v1/projects/24", headers=tokens["cc_us"], json={
        "name": "Portsmouth gas power plant", "sector": "energy (gas turbines)",
        "location": "Portsmouth, Ohio; later Texas", "lead": "SB Energy; Toshiba"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["name"], body["sector"], body["sector_detail"]) == (
        "Portsmouth gas power plant", "energy", "gas turbines")
    assert body["states"] == ["Ohio", "Texas"]
    assert [s["name"] for s in body["sponsors"] if s["role"] == "lead"] == [
        "SB Energy", "Toshiba"]
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == body
    audit = client.get("/api/v1/projects/24/history", headers=tokens["analyst"]).json()["audit"]
    last = audit[-1]
    assert (last["action"], last["actor"], last["role"]) == ("project.update", "u_cc_us",
                                                             "cc_us")
    assert last["before"]["states"] == ["Ohio"] and last["after"]["states"] == ["Ohio", "Texas"]
    assert last["after"]["name"] == "Portsmouth gas power plant"
    assert set(last["after"]) == {"name", "sector_detail", "location", "states", "lead"}


def test_a_reported_site_is_recorded_with_its_source_and_shown(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    before = client.get("/api/v1/projects/24", headers=tokens["analyst"]).json()
    r = client.post("/api/v1/projects/24/sites", headers=tokens["cc_jp"], json={
        "location": "Gulf of Mexico, offshore", "states": ["texas", "Louisiana"],
        "source": "https://example.org/b", "on": "2026-05-02"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["sites"] == [{"location": "Gulf of Mexico, offshore",
                              "states": ["Texas", "Louisiana"], "source": "https://example.org/b",
                              "as_of": "2026-05-02", "recorded_by": "u_cc_jp",
                              "confidence": "reported"}]
    assert (body["location"], body["states"]) == (before["location"], before["states"])
    bad = client.post("/api/v1/projects/24/sites", headers=tokens["ic"], json={
        "location": "somewhere", "states": ["Atlantis"], "source": "https://x",
        "on": "2026-05-02"})
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "states"
    assert bad.json()["error"]["code"] == "project.unknown_state"
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == body


def test_patch_rejects_a_bad_sector_naming_the_field_and_changes_nothing(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    before = client.get("/api/v1/projects/24", headers=tokens["analyst"]).json()
    r = client.patch("/api/v1/projects/24", headers=tokens["ic"],
                     json={"sector": "astrology", "location": "Austin, Texas", "name": " "})
    assert r.status_code == 400
    err = r.json()["error"]
    assert {(p["field"], p["code"]) for p in err["problems"]} == {
        ("sector", "project.unknown_sector"), ("name", "project.no_name")}
    assert client.get("/api/v1/projects/24", headers=tokens["analyst"]).json() == before


def test_scores_and_weights_round_trip(api: tuple[TestClient, dict[str, dict[str, str]]]
                                       ) -> None:
    client, tokens = api
    r = client.post("/api/v1/projects/27/scores", headers=tokens["cc_jp"], json={
        "side": "partner", "criterion": "jobs", "value": 7.5, "on": "2026-04-01",
        "note": "plant jobs"})
    assert r.status_code == 201, r.json()
    scores = client.get("/api/v1/projects/27/scores", headers=tokens["analyst"]).json()
    assert scores == r.json()
    assert scores["project_id"] == 27 and scores["us"] == {}
    assert scores["partner"]["jobs"] == {"value": 7.5, "author": "u_cc_jp", "role": "cc_jp",
                                         "on": "2026-04-01", "note": "plant jobs"}
    r = client.post("/api/v1/frameworks/japan/weights", headers=tokens["ic"],
                    json={"side": "us", "criterion": "risk", "weight": 0.5})
    assert r.status_code == 201, r.json()
    weights = client.get("/api/v1/frameworks/japan/weights", headers=tokens["analyst"]).json()
    assert weights == r.json() and weights["us"]["risk"] == 0.5
    assert set(weights) == {"us", "partner"}


def test_rankings_match_the_cli(api: tuple[TestClient, dict[str, dict[str, str]]],
                                sqlite_engine: Engine,
                                capsys: pytest.CaptureFixture[str]) -> None:
    client, tokens = api
    for pid, us, jp in ((27, 9, 2), (32, 2, 9)):
        for side, value, role in (("us", us, "ic"), ("partner", jp, "cc_jp")):
            assert client.post(f"/api/v1/projects/{pid}/scores", headers=tokens[role], json={
                "side": side, "criterion": "strategic", "value": value}).status_code == 201
    r = client.get("/api/v1/frameworks/japan/rankings?top=3&paths=50",
                   headers=tokens["analyst"])
    assert r.status_code == 200, r.json()
    body = r.json()
    assert set(body) == {"framework", "kendall_tau", "top_k", "top_k_overlap", "projects"}
    assert body["top_k"] == 3 and -1 <= body["kendall_tau"] <= 1
    ranks = {p["id"]: p for p in body["projects"]}
    assert ranks[27]["us_rank"] < ranks[32]["us_rank"]
    assert ranks[32]["partner_rank"] < ranks[27]["partner_rank"]
    assert {"criterion", "us_minus_partner"} == set(ranks[27]["drivers"][0])
    assert run(["--db", str(sqlite_engine.url), "prioritise", "--framework", "japan",
                "--top", "3", "--paths", "50", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == body


def test_a_batch_is_chosen_under_its_budget(api: tuple[TestClient, dict[str, dict[str, str]]]
                                            ) -> None:
    client, tokens = api
    r = client.post("/api/v1/frameworks/japan/batches", headers=tokens["analyst"], json={
        "objective": "maxmin", "budget": "US$20bn", "sector_max": {"energy": 2},
        "paths": 50})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert {"selected", "cost", "u_us", "u_partner", "objective", "status", "gap"} <= set(body)
    assert body["selected"] and body["status"] == "optimal"
    assert Decimal(body["budget"]) == Decimal("20e9")
    assert Decimal(body["cost"]) <= Decimal(body["budget"])
    assert body["maximised"] == "maxmin" and body["framework"] == "japan"
    # A frontier is one optimisation per point: it runs as a job, followed to its result.
    queued = client.post("/api/v1/frameworks/japan/pareto", headers=tokens["analyst"],
                         json={"budget": "US$20bn", "paths": 50})
    assert queued.status_code == 202, queued.json()
    job = queued.json()
    assert job["kind"] == "frontier" and queued.headers["location"] == job["links"]["self"]
    assert _wait_for(client, job["links"]["self"], tokens["analyst"])["state"] == "done"
    frontier = client.get(job["links"]["result"], headers=tokens["analyst"]).json()
    assert frontier["count"] == len(frontier["data"]) >= 1
    assert all(Decimal(p["cost"]) <= Decimal("20e9") for p in frontier["data"])
    u_us = [p["u_us"] for p in frontier["data"]]
    assert u_us == sorted(u_us, reverse=True)


def test_decline_advice_over_the_api(api: tuple[TestClient, dict[str, dict[str, str]]],
                                     sqlite_engine: Engine) -> None:
    from pledge.services import simulation
    from pledge.services.base import Actor
    from tests.services.test_priorities import present_values

    client, tokens = api
    # the advice's arithmetic on the generic model, as worked out in the comments below
    simulation.set_economics(sqlite_engine, 24, {"model": "generic"},
                             Actor.of("analyst one", "admin"))
    r = client.get("/api/v1/projects/24/decline-advice?paths=200&probability=0.3"
                   "&exports=US$100bn", headers=tokens["analyst"])
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["inputs"]["exports"] == 100e9 and body["inputs"]["probability"] == 0.3
    # Declining costs 0.3 * 10 points * $100bn = $3bn; funding costs the partner the present
    # value of its funding less that of its receipts at 4%, recomputed here by a second
    # route (see tests/services/test_priorities.py): well under $3bn, so fund.
    pv_funding, pv_receipts = present_values(sqlite_engine, 24, 200, 0.04)
    assert body["cost_decline"] == pytest.approx(3e9)
    assert body["cost_fund"] == pytest.approx(pv_funding - pv_receipts, rel=1e-6)
    assert pv_funding - pv_receipts < 3e9
    assert body["advice"] == "fund"
    # At a 15% cost of funds the receipts are worth about a third of the funding: decline.
    body = client.get("/api/v1/projects/24/decline-advice?paths=200&probability=0.3"
                      "&exports=US$100bn&funding_cost=0.15", headers=tokens["analyst"]).json()
    pv_funding, pv_receipts = present_values(sqlite_engine, 24, 200, 0.15)
    assert body["cost_fund"] == pytest.approx(pv_funding - pv_receipts, rel=1e-6)
    assert pv_funding - pv_receipts > 3e9
    assert body["advice"] == "decline"
    bad = client.get("/api/v1/projects/24/decline-advice?exports=lots",
                     headers=tokens["analyst"]).json()["error"]
    assert bad["field"] == "exports"


def _wait_for(client: TestClient, job: str, headers: dict[str, str],
              timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(job, headers=headers).json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_a_simulation_job_runs_to_done_and_has_the_irr_summary(
        api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = api
    r = client.post("/api/v1/simulations", headers=tokens["analyst"],
                    json={"project_id": 24, "paths": 300, "seed": 7})
    assert r.status_code == 202, r.json()
    body = r.json()
    assert set(body) == {"id", "state", "links"} and body["state"] in ("queued", "running",
                                                                        "done")
    assert r.headers["location"] == body["links"]["self"] == f"/api/v1/simulations/{body['id']}"
    status = _wait_for(client, body["links"]["self"], tokens["analyst"])
    assert status["state"] == "done", status
    assert status["progress"] == 1.0 and status["error"] is None
    assert status["created_by"] == "u_analyst" and status["params"]["paths"] == 300
    result = client.get(body["links"]["result"], headers=tokens["analyst"])
    assert result.status_code == 200
    res = result.json()
    assert (res["project_id"], res["paths"], res["seed"]) == (24, 300, 7)
    irr = res["partner_irr"]
    assert set(irr) == {"p5", "p50", "p95"} and irr["p5"] <= irr["p50"] <= irr["p95"]
    assert 0 <= res["prob_recover"] <= 1
    for money in ("us_expected_take", "partner_expected_take", "expected_funding"):
        assert isinstance(res[money], str) and Decimal(res[money]) > 0
    # each estimate's sampling error; money as exact text, rates as numbers
    p = res["prob_recover"]
    assert res["standard_errors"]["prob_recover"] == pytest.approx((p * (1 - p) / 300) ** 0.5)
    low, high = res["ci95"]["prob_recover"]
    assert low <= p <= high
    se = res["standard_errors"]["partner_expected_take"]
    assert isinstance(se, str) and Decimal(se) > 0
    assert res["discount_basis"] == "the deemed rate in force" and res["discount_rate"] > 0
    assert Decimal(res["partner_expected_pv"]) < Decimal(res["partner_expected_take"])
    assert res["recover_definition"] == "project" and res["irr_total_loss_share"] >= 0
    given = client.post("/api/v1/simulations", headers=tokens["analyst"],
                        json={"project_id": 24, "paths": 50, "seed": 7,
                              "discount_rate": "3%"})
    assert given.status_code == 202, given.json()
    done = _wait_for(client, given.json()["links"]["self"], tokens["analyst"])
    assert done["params"]["discount_rate"] == "3%"
    again = client.get(given.json()["links"]["result"], headers=tokens["analyst"]).json()
    assert (again["discount_rate"], again["discount_basis"]) == (0.03, "given")


class HeldRunner(JobRunner):
    """A runner that keeps submitted jobs queued until the test releases them."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.held: list[tuple[int, Callable[[int, JobRunner], None]]] = []

    def submit(self, job_id: int, work: Callable[[int, JobRunner], None]) -> None:
        self.held.append((job_id, work))

    def release(self) -> None:
        for job_id, work in self.held:
            work(job_id, self)


def test_a_result_before_the_job_is_done_is_a_conflict(
        api: tuple[TestClient, dict[str, dict[str, str]]], sqlite_engine: Engine) -> None:
    client, tokens = api
    held = HeldRunner(sqlite_engine)
    client.app.state.jobs = held  # type: ignore[attr-defined]  # the app is a FastAPI app
    body = client.post("/api/v1/simulations", headers=tokens["ic"],
                       json={"framework": "japan", "paths": 100}).json()
    status = client.get(body["links"]["self"], headers=tokens["ic"]).json()
    assert (status["state"], status["progress"]) == ("queued", 0.0)
    r = client.get(body["links"]["result"], headers=tokens["ic"])
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "job.not_finished" and err["message"] and "field" in err
    held.release()
    r = client.get(body["links"]["result"], headers=tokens["ic"])
    assert r.status_code == 200, r.json()
    assert r.json()["framework"] == "japan" and len(r.json()["projects"]) == 3
