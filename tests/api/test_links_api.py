"""Links between projects through the API: create, list, withdraw; the project JSON and its
OC4IDS document show them. On SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.services import audit as audit_svc
from pledge.services.base import Actor
from pledge.services.users import add_user


@pytest.fixture
def client(engine: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = add_user(engine, "cc member", "cc_us", Actor.of("setup", "admin")).token
    with TestClient(create_app(engine.url.render_as_string(hide_password=False))) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_links_through_the_api(client: tuple[TestClient, dict[str, str]],
                               engine: Engine) -> None:
    c, auth = client
    r = c.post("/api/v1/projects/28/links", headers=auth, json={
        "other": 29, "kind": "later_tranche", "source": "https://example.org/t",
        "on": "2026-03-19", "note": "the Texas plant follows"})
    assert r.status_code == 201, r.json()
    made = r.json()
    assert (made["project_id"], made["relation"], made["kind"], made["recorded_by"]) == (
        29, "earlier_tranche", "later_tranche", "cc member")
    listed = c.get("/api/v1/projects/29/links", headers=auth).json()
    assert listed["count"] == 1 and listed["data"][0]["relation"] == "later_tranche"
    six = c.get("/api/v1/projects/6", headers=auth).json()
    assert six["duplicate_of"] == 24
    assert [(x["project_id"], x["relation"]) for x in six["related"]] == [(24, "duplicate")]
    doc = c.get("/api/v1/projects/30/oc4ids", headers=auth).json()
    [item] = doc["relatedProjects"]
    assert (item["identifier"], item["relationship"]) == ("oc4ids-pledge-23", "duplicate")
    assert item["uri"] == "http://testserver/api/v1/projects/23/oc4ids"

    for body, status, rule in (
            ({"other": 28, "kind": "duplicate", "source": "https://example.org/x"}, 400,
             "link.self"),
            ({"other": 29, "kind": "related", "source": "https://example.org/x"}, 409,
             "link.exists"),
            ({"other": 999, "kind": "related", "source": "https://example.org/x"}, 404,
             "project.unknown")):
        r = c.post("/api/v1/projects/28/links", headers=auth, json=body)
        assert r.status_code == status, r.json()
        assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (rule, "other")

    r = c.post("/api/v1/projects/29/links/withdrawals", headers=auth,
               json={"other": 28, "reason": "one plant after all"})
    assert r.status_code == 201 and r.json()["withdrawn_reason"] == "one plant after all"
    assert c.get("/api/v1/projects/28/links", headers=auth).json()["count"] == 0
    kept = c.get("/api/v1/projects/28/links?withdrawn=true", headers=auth).json()
    assert kept["count"] == 1 and kept["data"][0]["withdrawn_at"] is not None
    assert c.get("/api/v1/projects/28", headers=auth).json()["related"] == []
    assert audit_svc.verify(engine).ok
