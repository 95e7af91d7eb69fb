"""The books over the API, on each backend: allocation at selection, a funding past the
allocation refused with nothing written, guarantees and their calls, the pace to the cap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import projects
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.api.test_api import database

Api = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    app = create_app(engine.url.render_as_string(hide_password=False))
    tokens = {}
    for role in Role:
        token = add_user(engine, f"u_{role.value}", role.value, Actor("setup", Role.ADMIN)).token
        tokens[role.value] = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        yield client, tokens


def recommend(engine: Engine, pid: int) -> None:
    on = date(2026, 4, 6)
    for stage in ("under_review", "finalist"):
        projects.advance(engine, pid, stage, Actor.of("ic", "ic"), on, "reviewed")
    projects.consult(engine, pid, "committee", Actor.of("cc", "cc_jp"), on)
    projects.advance(engine, pid, "recommended", Actor.of("ic", "ic"), on, "ready")


def test_the_books_over_the_api(api: Api, engine: Engine) -> None:
    client, tokens = api
    recommend(engine, 32)
    r = client.post("/api/v1/projects/32/transitions", headers=tokens["president"],
                    json={"to": "selected", "on": "2026-04-06", "amount": "US$1.5bn"})
    assert r.status_code == 201, r.json()
    assert r.json()["allocation"] == {
        "amount": "1500000000.00", "funded": "0.00", "available": "1500000000.00",
        "note": "approved at selection: the approved amount given at selection"}
    r = client.post("/api/v1/projects/32/transitions", headers=tokens["ic"],
                    json={"to": "notified", "on": "2026-04-06"})
    assert r.status_code == 201
    before = database(engine)
    r = client.post("/api/v1/projects/32/fundings", headers=tokens["funder"], json={
        "amount": "US$1.6bn", "on": "2026-05-01", "instrument": "loan", "provider": "JBIC"})
    assert r.status_code == 409
    err = r.json()["error"]
    assert (err["code"], err["field"]) == ("funding.over_allocation", "amount")
    assert "allocation of US$1.5bn" in err["message"] and "US$100m short" in err["message"]
    assert database(engine) == before
    r = client.post("/api/v1/projects/32/fundings", headers=tokens["funder"], json={
        "amount": "US$1.5bn", "on": "2026-05-01", "instrument": "guarantee", "provider": "NEXI"})
    assert r.status_code == 201, r.json()
    c = client.get("/api/v1/frameworks/japan/commitments?on=2026-05-01",
                   headers=tokens["analyst"]).json()
    assert (c["disbursed"], c["guaranteed"], c["allocated"]) == (
        "0.00", "1500000000.00", "37500000000.00")
    r = client.post("/api/v1/projects/32/guarantee-calls", headers=tokens["funder"],
                    json={"amount": "US$400m", "on": "2026-06-01"})
    assert r.status_code == 201, r.json()
    assert r.json() == {"project": 32, "on": "2026-06-01", "amount": "400000000.00",
                        "provider": "NEXI", "guaranteed": "1100000000.00"}
    c = client.get("/api/v1/frameworks/japan/commitments?on=2026-06-01",
                   headers=tokens["analyst"]).json()
    assert (c["disbursed"], c["guaranteed"]) == ("400000000.00", "1100000000.00")
    r = client.post("/api/v1/projects/32/allocation", headers=tokens["ic"],
                    json={"amount": "US$1bn", "reason": "smaller", "on": "2026-06-02"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "allocation.below_funded")
    korea = client.get("/api/v1/frameworks/korea/commitments?on=2026-12-05",
                       headers=tokens["analyst"]).json()
    assert (korea["reachable"], korea["max_reachable"]) == (False, "230000000000.00")
