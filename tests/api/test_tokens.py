"""API tokens that end: expiry, rotation (with or without a grace period) and the time of
last use, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pledge.app import create_app
from pledge.domain.errors import InvalidInput, NotFound
from pledge.domain.lifecycle import Role
from pledge.services import users
from pledge.services.base import Actor, now
from pledge.store import tables as t
from pledge.store.db import transaction

ADMIN = Actor("setup", Role.ADMIN)
LEDGER = "/api/v1/frameworks/japan/ledger"  # needs an identity: anonymous is 401


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine.url.render_as_string(hide_password=False)))


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _token_rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.tokens).order_by(t.tokens.c.id)))


def test_a_new_token_expires_after_the_default_lifetime(engine: Engine) -> None:
    before = now()
    u = users.add_user(engine, "ana", "analyst", ADMIN)
    [row] = _token_rows(engine)
    expires = _aware(row.expires_at)
    assert expires is not None and u.token_expires_at is not None
    assert before + timedelta(days=90) <= expires <= now() + timedelta(days=90)
    assert abs(expires - u.token_expires_at) < timedelta(seconds=1)


def test_an_expired_token_is_refused_with_a_message_saying_so(engine: Engine) -> None:
    u = users.add_user(engine, "ana", "analyst", ADMIN, expires="1d")
    c = _client(engine)
    assert c.get(LEDGER, headers=_bearer(u.token)).status_code == 200
    with transaction(engine) as s:
        s.execute(t.tokens.update().values(expires_at=now() - timedelta(minutes=1)))
    r = c.get(LEDGER, headers=_bearer(u.token))
    assert r.status_code == 401
    error = r.json()["error"]
    assert error["code"] == "auth.token_expired" and "expired" in error["message"]
    assert "rotate-token ana" in error["message"]
    r = c.post("/api/v1/projects", headers=_bearer(u.token), json={"name": "X"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "auth.token_expired"


def test_a_token_that_never_expires_must_be_asked_for(engine: Engine) -> None:
    u = users.add_user(engine, "robot", "analyst", ADMIN, expires="never")
    assert u.token_expires_at is None
    [row] = _token_rows(engine)
    assert row.expires_at is None
    assert _client(engine).get(LEDGER, headers=_bearer(u.token)).status_code == 200


def test_a_bad_expiry_adds_nobody(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as err:
        users.add_user(engine, "ana", "analyst", ADMIN, expires="2001-01-01")
    assert err.value.first.field == "expires"
    assert [u.name for u in users.list_users(engine) if u.name == "ana"] == []


def test_rotation_without_grace_stops_the_old_token_at_once(engine: Engine) -> None:
    old = users.add_user(engine, "ana", "analyst", ADMIN).token
    new = users.rotate_token(engine, "ana", ADMIN)
    c = _client(engine)
    assert new.token != old and new.old_tokens == 1
    assert c.get(LEDGER, headers=_bearer(old)).status_code == 401
    assert c.get(LEDGER, headers=_bearer(new.token)).status_code == 200
    rows = _token_rows(engine)
    assert [r.revoked_at is not None for r in rows] == [True, False]
    history = [a for a in _audit(engine) if a.action == "users.rotate_token"]
    assert len(history) == 1 and history[0].entity_id == "ana"


def test_rotation_with_grace_keeps_the_old_token_working_until_then(engine: Engine) -> None:
    old = users.add_user(engine, "ana", "analyst", ADMIN).token
    start = now()
    new = users.rotate_token(engine, "ana", ADMIN, grace="1h", expires="30d")
    c = _client(engine)
    assert c.get(LEDGER, headers=_bearer(old)).status_code == 200
    assert c.get(LEDGER, headers=_bearer(new.token)).status_code == 200
    old_row, new_row = _token_rows(engine)
    old_ends, new_ends = _aware(old_row.expires_at), _aware(new_row.expires_at)
    assert old_ends is not None and new_ends is not None
    assert start + timedelta(hours=1) <= old_ends <= now() + timedelta(hours=1)
    assert start + timedelta(days=30) <= new_ends <= now() + timedelta(days=30)
    with transaction(engine) as s:  # the hour passes
        s.execute(t.tokens.update().where(t.tokens.c.id == old_row.id)
                  .values(expires_at=now() - timedelta(seconds=1)))
    assert c.get(LEDGER, headers=_bearer(old)).status_code == 401
    assert c.get(LEDGER, headers=_bearer(new.token)).status_code == 200


def test_grace_never_lengthens_an_old_tokens_life(engine: Engine) -> None:
    users.add_user(engine, "ana", "analyst", ADMIN, expires="2h")
    users.rotate_token(engine, "ana", ADMIN, grace="2d")
    old_row, _ = _token_rows(engine)
    ends = _aware(old_row.expires_at)
    assert ends is not None and ends <= now() + timedelta(hours=2)


def test_rotating_for_an_unknown_or_revoked_user_is_refused(engine: Engine) -> None:
    users.add_user(engine, "gone", "analyst", ADMIN)
    users.revoke_user(engine, "gone", ADMIN)
    for name in ("nobody", "gone"):
        with pytest.raises(NotFound):
            users.rotate_token(engine, name, ADMIN)
    assert len(_token_rows(engine)) == 1


def test_last_use_is_recorded_at_most_once_a_minute(engine: Engine) -> None:
    u = users.add_user(engine, "ana", "analyst", ADMIN)
    c = _client(engine)
    [row] = _token_rows(engine)
    assert row.last_used_at is None
    before = now()
    assert c.get(LEDGER, headers=_bearer(u.token)).status_code == 200
    [row] = _token_rows(engine)
    first = _aware(row.last_used_at)
    assert first is not None and before <= first <= now()
    assert c.get(LEDGER, headers=_bearer(u.token)).status_code == 200
    [row] = _token_rows(engine)
    assert _aware(row.last_used_at) == first  # within the minute: not written again
    with transaction(engine) as s:
        s.execute(t.tokens.update().values(last_used_at=now() - timedelta(minutes=5)))
    # a server reads a token again after users.SESSION_CACHE_SECONDS: as if that had passed
    users.forget_credentials()
    assert c.get(LEDGER, headers=_bearer(u.token)).status_code == 200
    [row] = _token_rows(engine)
    later = _aware(row.last_used_at)
    assert later is not None and later >= before
    listed = {x.name: x for x in users.list_users(engine)}["ana"]
    assert listed.last_used_at == later
    assert listed.token_expires_at == _aware(row.expires_at)


def test_recording_use_does_not_change_the_data_version(engine: Engine) -> None:
    # Cached views key on the newest audit row: a token's use must not look like a change.
    u = users.add_user(engine, "ana", "analyst", ADMIN)
    count = len(_audit(engine))
    _client(engine).get(LEDGER, headers=_bearer(u.token))
    assert len(_audit(engine)) == count


def _audit(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.audit_log).order_by(t.audit_log.c.id)))
