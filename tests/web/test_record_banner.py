"""The server verifies the record when it starts, answers admins who ask, and warns admins on
the dashboard when the record does not verify."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import audit as audit_svc
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import make_engine
from tests.web.test_pages import log_in


def forge(url: str) -> int:
    """Edit the newest audit row about project 24 (the trigger dropped first)."""
    with make_engine(url).begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        target = int(conn.execute(select(func.max(t.audit_log.c.id))
                                  .where(t.audit_log.c.project_id == 24)).scalar_one())
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"),
                     {"id": target})
    return target


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_admins_see_a_warning_when_the_record_does_not_verify(client: TestClient,
                                                               demo_url: str) -> None:
    log_in(client, Role.ADMIN)
    audit_svc.check(make_engine(demo_url))
    assert 'data-testid="record-broken"' not in client.get("/").text
    target = forge(demo_url)
    audit_svc.check(make_engine(demo_url))  # what the server's background check does
    page = client.get("/").text
    assert 'data-testid="record-broken"' in page
    assert f"row {target} was edited" in page


def test_other_roles_do_not_see_the_warning(client: TestClient, demo_url: str) -> None:
    forge(demo_url)
    audit_svc.check(make_engine(demo_url))
    log_in(client, Role.IC)
    page = client.get("/").text
    assert "Pace to the cap" in page and 'data-testid="record-broken"' not in page


def test_the_server_verifies_the_record_when_it_starts(demo_url: str,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    target = forge(demo_url)
    caplog.set_level(logging.WARNING, logger="pledge.services.audit")
    with TestClient(create_app(demo_url)):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not caplog.records:
            time.sleep(0.05)
    assert any(f"row {target} was edited" in r.getMessage() for r in caplog.records)


def test_admins_can_ask_the_api_to_verify(demo_url: str) -> None:
    engine = make_engine(demo_url)
    token = add_user(engine, "auditor", "admin", Actor("setup", Role.ADMIN)).token
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(demo_url)) as client:
        body = client.get("/api/v1/audit/verify", headers=headers).json()
        assert body["ok"] is True and body["problems"] == []
        assert body["audit"]["rows"] > 100
        target = forge(demo_url)
        r = client.get("/api/v1/audit/verify", headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert body["ok"] is False
        assert [(p["table"], p["id"], p["kind"]) for p in body["problems"]] == [
            ("audit_log", target, "edited")]
        ledger = client.get("/api/v1/frameworks/japan/ledger", headers=headers).json()
        assert ledger["ledger_balanced"] is True


def test_the_record_is_checked_again_after_the_data_changes(
        demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from pledge.services import projects

    engine = make_engine(demo_url)
    monkeypatch.setattr(audit_svc, "MIN_INTERVAL_SECONDS", 0.0)
    first = audit_svc.check(engine)
    assert first.ok and audit_svc.latest(engine) is first
    target = forge(demo_url)  # rewriting a row is not a change the version sees...
    assert audit_svc.latest(engine) is first
    projects.add_estimate(engine, 27, "US$3bn", "https://example.org/e", date(2026, 4, 1),
                          Actor.of("Akazawa", "cc_jp"))  # ...but the next change is
    deadline = time.monotonic() + 30
    result = audit_svc.latest(engine)
    while time.monotonic() < deadline and (result is None or result.version == first.version):
        time.sleep(0.05)
        result = audit_svc.latest(engine)
    assert result is not None and result.version > first.version
    assert [(p.id, p.kind) for p in result.problems] == [(target, "edited")]
