"""The Idempotency-Key header: a replayed funding funds once (SQLite and PostgreSQL), and
every operation of the API that changes data honours the header (walked from the OpenAPI
document, so a new one cannot forget it)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import transaction
from tests.ingest.helpers import SEED_000

ADMIN = Actor("setup", Role.ADMIN)
Api = tuple[TestClient, dict[str, dict[str, str]]]
BN = Decimal(10) ** 9
FUNDING = {"amount": "US$1bn", "on": "2026-05-01", "instrument": "loan", "provider": "JBIC"}


def _client(engine: Engine) -> Iterator[Api]:
    app = create_app(engine.url.render_as_string(hide_password=False))
    tokens = {}
    for role in Role:
        token = add_user(engine, f"u_{role.value}", role.value, ADMIN).token
        tokens[role.value] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    """The API on each backend."""
    yield from _client(engine)


@pytest.fixture
def sqlite_api(sqlite_engine: Engine) -> Iterator[Api]:
    yield from _client(sqlite_engine)


def notify(engine: Engine, pid: int, amount: str | None = None) -> None:
    """Selected (allocated ``amount``, default the estimate's top) and notified."""
    on = date(2026, 4, 6)
    for stage in ("under_review", "finalist"):  # projects are created at the entry stage
        projects.advance(engine, pid, stage, Actor.of("ic", "ic"), on, "reviewed")
    projects.consult(engine, pid, "committee", Actor.of("cc", "cc_jp"), on)
    projects.advance(engine, pid, "recommended", Actor.of("ic", "ic"), on, "ready")
    projects.advance(engine, pid, "selected", Actor.of("potus", "president"), on, "chosen",
                     amount=amount)
    projects.advance(engine, pid, "notified", Actor.of("ic", "ic"), on, "notice sent")


def invested(engine: Engine, pid: int) -> Decimal:
    return funding.commitments(engine, "japan").by_project.get(pid, Decimal(0))


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_a_replayed_funding_funds_once_and_answers_the_same(api: Api, engine: Engine) -> None:
    client, tokens = api
    notify(engine, 32)
    headers = {**tokens["funder"], **key()}
    first = client.post("/api/v1/projects/32/fundings", json=FUNDING, headers=headers)
    again = client.post("/api/v1/projects/32/fundings", json=FUNDING, headers=headers)
    assert first.status_code == 201, first.json()
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert invested(engine, 32) == BN
    # Without a key every request is a new one: this one funds again.
    assert client.post("/api/v1/projects/32/fundings", json=FUNDING,
                       headers=tokens["funder"]).status_code == 201
    assert invested(engine, 32) == 2 * BN


def test_a_key_reused_for_another_body_is_409(api: Api, engine: Engine) -> None:
    client, tokens = api
    notify(engine, 32)
    headers = {**tokens["funder"], **key()}
    assert client.post("/api/v1/projects/32/fundings", json=FUNDING,
                       headers=headers).status_code == 201
    r = client.post("/api/v1/projects/32/fundings", json={**FUNDING, "amount": "US$2bn"},
                    headers=headers)
    assert r.status_code == 409
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("idempotency.key_reused", "Idempotency-Key")
    assert "POST /api/v1/projects/32/fundings" in err["message"]
    # Spacing and the order of names are not a different body.
    same = client.post("/api/v1/projects/32/fundings", headers={
        **headers, "Content-Type": "application/json"},
        content=b'{ "provider": "JBIC", "instrument": "loan", "on": "2026-05-01",'
                b' "amount": "US$1bn" }')
    assert same.status_code == 201 and same.headers["Idempotent-Replayed"] == "true"
    assert invested(engine, 32) == BN


def test_keys_are_per_user_over_the_api(sqlite_api: Api, sqlite_engine: Engine) -> None:
    client, tokens = sqlite_api
    notify(sqlite_engine, 32)
    add = add_user(sqlite_engine, "u_funder2", "funder", ADMIN).token
    shared = key()
    for who in (tokens["funder"], {"Authorization": f"Bearer {add}"}):
        r = client.post("/api/v1/projects/32/fundings", json=FUNDING, headers={**who, **shared})
        assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert invested(sqlite_engine, 32) == 2 * BN


@pytest.mark.parametrize("bad", ["", "x" * 256, " padded ", "clé"])
def test_a_malformed_key_is_400_naming_the_header(sqlite_api: Api, sqlite_engine: Engine,
                                                  bad: str) -> None:
    client, tokens = sqlite_api
    notify(sqlite_engine, 32)
    r = client.post("/api/v1/projects/32/fundings", json=FUNDING,
                    headers={**tokens["funder"], "Idempotency-Key": bad.encode("utf-8")})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (
        "idempotency.bad_key", "Idempotency-Key")
    assert invested(sqlite_engine, 32) == 0


def test_a_refusal_is_answered_again_with_the_same_body(sqlite_api: Api,
                                                        sqlite_engine: Engine) -> None:
    client, tokens = sqlite_api
    headers = {**tokens["funder"], **key()}
    first = client.post("/api/v1/projects/32/fundings", json=FUNDING, headers=headers)
    assert first.status_code == 409  # not notified yet
    notify(sqlite_engine, 32)
    again = client.post("/api/v1/projects/32/fundings", json=FUNDING, headers=headers)
    assert (again.status_code, again.json()) == (409, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert invested(sqlite_engine, 32) == 0


def test_a_replayed_simulation_is_the_same_job_and_it_runs(api: Api) -> None:
    client, tokens = api
    headers = {**tokens["analyst"], **key()}
    body = {"project_id": 24, "paths": 50, "seed": 3}
    first = client.post("/api/v1/simulations", json=body, headers=headers)
    again = client.post("/api/v1/simulations", json=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"] == (
        f"/api/v1/simulations/{first.json()['id']}")
    # The job went to a worker only once its row was committed, so the worker found it.
    deadline = time.monotonic() + 60
    while True:
        status = client.get(first.headers["location"], headers=tokens["analyst"]).json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert (status["state"], status["error"]) == ("done", None)


# ---- every operation that changes data, walked from the OpenAPI document ----------------

# POST operations that store nothing (analyses answered in the request): a retry is harmless.
READ_ONLY = {"priorities-create_batch", "priorities-create_pareto"}

# One request per operation that changes data, run in this order on one database (project
# 28 is notified first); each succeeds the first time. ``{estimate}`` and ``{site}`` are
# the proposals the ingested article makes.
CHANGES: list[tuple[str, str, str, str, Any]] = [
    ("projects-create_project", "admin", "POST", "/api/v1/projects",
     {"name": "Idempotent test plant", "sector": "energy"}),
    ("projects-update_project", "cc_us", "PATCH", "/api/v1/projects/24",
     {"location": "Portsmouth, Ohio; Texas"}),
    ("projects-create_consultation", "cc_jp", "POST", "/api/v1/projects/32/consultations",
     {"kind": "committee", "on": "2026-04-01"}),
    ("projects-create_transition", "ic", "POST", "/api/v1/projects/32/transitions",
     {"to": "under_review", "on": "2026-04-02"}),
    ("projects-create_extension", "ic", "POST", "/api/v1/projects/28/extensions",
     {"until": "2026-12-31", "on": "2026-05-01", "reason": "permits"}),
    ("projects-create_funding", "funder", "POST", "/api/v1/projects/28/fundings", FUNDING),
    ("projects-change_allocation", "ic", "POST", "/api/v1/projects/28/allocation",
     {"amount": "US$6bn", "reason": "a larger plant", "on": "2026-05-01"}),
    ("projects-create_funding", "funder", "POST", "/api/v1/projects/28/fundings",
     {"amount": "US$500m", "on": "2026-05-02", "instrument": "guarantee", "provider": "NEXI"}),
    ("projects-create_guarantee_call", "funder", "POST",
     "/api/v1/projects/28/guarantee-calls", {"amount": "US$100m", "on": "2026-06-01"}),
    ("books-create_distribution", "ic", "POST", "/api/v1/projects/28/distributions",
     {"on": "2026-09-01", "amount": "US$1m"}),
    ("projects-create_estimate", "cc_jp", "POST", "/api/v1/projects/24/estimates",
     {"amount": "US$3bn", "source": "https://example.org/e", "on": "2026-04-01"}),
    ("projects-create_site_report", "cc_jp", "POST", "/api/v1/projects/24/sites",
     {"location": "Gulf of Mexico, offshore", "source": "https://example.org/s",
      "on": "2026-04-01"}),
    ("projects-create_status_report", "cc_jp", "POST", "/api/v1/projects/31/status-reports",
     {"stage": "selected", "source": "https://example.org/r", "on": "2026-04-01"}),
    ("projects-create_link", "cc_us", "POST", "/api/v1/projects/29/links",
     {"other": 28, "kind": "related", "source": "https://example.org/l", "on": "2026-04-01"}),
    ("projects-withdraw_link", "cc_us", "POST", "/api/v1/projects/29/links/withdrawals",
     {"other": 28, "reason": "a reading, not a report"}),
    ("priorities-create_score", "cc_jp", "POST", "/api/v1/projects/27/scores",
     {"side": "partner", "criterion": "jobs", "value": 7.5, "on": "2026-04-01"}),
    ("priorities-create_weight", "ic", "POST", "/api/v1/frameworks/japan/weights",
     {"side": "us", "criterion": "risk", "weight": 0.5}),
    ("simulations-create_simulation", "analyst", "POST", "/api/v1/simulations",
     {"project_id": 24, "paths": 50}),
    ("review-ingest", "analyst", "POST", "/api/v1/ingest",
     {"source": "https://news.example/000", "text": SEED_000.read_text(encoding="utf-8")}),
    ("review-accept_proposal", "ic", "POST", "/api/v1/review/{estimate}/accept",
     {"on": "2026-04-01"}),
    ("review-reject_proposal", "cc_jp", "POST", "/api/v1/review/{site}/reject",
     {"reason": "a guess"}),
]


def rows(engine: Engine) -> dict[str, int]:
    """How many rows each table holds (the keys' own table aside)."""
    with transaction(engine) as s:
        return {name: int(s.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in t.metadata.tables.items() if name != "idempotency_keys"}


def test_every_change_of_the_api_honours_the_idempotency_key(sqlite_api: Api,
                                                             sqlite_engine: Engine) -> None:
    client, tokens = sqlite_api
    doc = client.get("/openapi.json").json()
    changing = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch", "delete") and op["operationId"] not in READ_ONLY:
                changing[op["operationId"]] = op
                params = {(p["name"], p["in"]) for p in op.get("parameters", [])}
                assert ("Idempotency-Key", "header") in params, (method, path)
    assert set(changing) == {c[0] for c in CHANGES}, "add an example of the new operation here"

    notify(sqlite_engine, 28, "US$5bn")  # no estimate in US dollars: the amount is given
    made: dict[str, int] = {}
    for op_id, role, method, path, body in CHANGES:
        path = path.format(**made)
        headers = {**tokens[role], **key()}
        before = rows(sqlite_engine)
        first = client.request(method, path, json=body, headers=headers)
        assert 200 <= first.status_code < 300, (op_id, first.json())
        after = rows(sqlite_engine)
        assert after != before, f"{op_id}: the example changed nothing"
        again = client.request(method, path, json=body, headers=headers)
        assert (again.status_code, again.json()) == (first.status_code, first.json()), op_id
        assert again.headers.get("Idempotent-Replayed") == "true", op_id
        assert rows(sqlite_engine) == after, f"{op_id}: the replay changed data"
        other = client.request(method, f"{path}?another=request", json=body, headers=headers)
        assert other.status_code == 409, op_id
        assert other.json()["error"]["code"] == "idempotency.key_reused", op_id
        if op_id == "review-ingest":
            proposals = first.json()[0]["proposals"]
            made = {"estimate": next(p["id"] for p in proposals
                                     if p["kind"] == "additional_estimate"),
                    "site": next(p["id"] for p in proposals if p["kind"] == "site_report")}
