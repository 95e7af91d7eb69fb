"""The REST API in-process: every endpoint against every role, and one error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.api.app import create_app
from pledge.domain.access import MATRIX, Action
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user, revoke_user

ADMIN = Actor("setup", Role.ADMIN)
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


# (method, path, body, action). Bodies are well-formed but refused by the rules for every
# role, so an allowed role gets a 4xx that is not 401/403 and nothing changes.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Action]] = [
    ("GET", "/api/v1/frameworks", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan/commitments", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/frameworks/japan/ledger", None, Action.READ),
    ("GET", "/api/v1/frameworks/japan/deadline?notice=2026-02-17", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/deadlines", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects/24", None, Action.READ_PUBLIC),
    ("GET", "/api/v1/projects/24/history", None, Action.READ),
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, Action.PROJECT_EDIT),
    ("POST", "/api/v1/projects/24/transitions", {"to": "sideways", "on": "2026-04-01"},
     Action.ADVANCE),
    ("POST", "/api/v1/projects/24/consultations", {"kind": "chat", "on": "2026-04-01"},
     Action.CONSULT),
    ("POST", "/api/v1/projects/999/extensions",
     {"until": "2026-06-01", "on": "2026-04-01", "reason": "r"}, Action.EXTEND),
    ("POST", "/api/v1/projects/24/fundings",
     {"amount": "US$1bn", "on": "2026-04-01", "instrument": "gift", "provider": "JBIC"},
     Action.FUND),
    ("POST", "/api/v1/projects/24/estimates",
     {"amount": "lots", "source": "https://x", "on": "2026-04-01"}, Action.PROJECT_EDIT),
]


@pytest.mark.parametrize(("method", "path", "body", "action"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_every_endpoint_for_every_role(api: tuple[TestClient, dict[str, dict[str, str]]],
                                       method: str, path: str, body: dict[str, Any] | None,
                                       action: Action) -> None:
    client, tokens = api
    for role in ROLES:
        r = client.request(method, path, json=body, headers=tokens[role])
        allowed = Role(role) in MATRIX[action]
        if allowed:
            assert r.status_code not in (401, 403), (role, r.json())
        else:
            assert r.status_code == 403, (role, r.status_code)
            assert r.json()["error"]["code"] == "auth.forbidden"
    anonymous = client.request(method, path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "auth.required"


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
                                  "sector": "energy"}, "ic", 409, "project.exists"),
    ("POST", "/api/v1/projects/32/transitions", {"to": "recommended", "on": "2026-04-01"},
     "ic", 409, "lifecycle.cc_consultation_required"),
    ("POST", "/api/v1/projects/32/transitions", {"to": "recommended", "on": "2026-04-01"},
     "cc_us", 403, "lifecycle.role_not_allowed"),
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
    steps = [("cc_jp", "consultations", {"kind": "committee", "on": "2026-04-01"}),
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
            "frameworks-get_commitments"} <= ids
