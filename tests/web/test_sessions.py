"""Page sessions that end: logout, password change and revocation end them on the server,
idle and absolute expiry, Secure cookies over HTTPS, login throttling and equal work for
unknown names. Storage is involved, so the tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import users
from pledge.services.base import Actor, now
from pledge.store import tables as t
from pledge.store.db import transaction

ADMIN = Actor("setup", Role.ADMIN)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long enough password"


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def csrf(client: TestClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD,
           headers: dict[str, str] | None = None) -> Any:
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": csrf(client), "next": "/"},
                       headers=headers, follow_redirects=False)


@pytest.fixture
def site(engine: Engine) -> Iterator[tuple[Engine, Any]]:
    """The seeded database with two page users, and a factory of clients for its app."""
    users.add_user(engine, "jp", "cc_jp", ADMIN, password=PASSWORD)
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    app = create_app(_url(engine))

    def client(**kwargs: Any) -> TestClient:
        return TestClient(app, **kwargs)  # no lifespan: the pages need no job runner

    yield engine, client


def _estimates(engine: Engine, project_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.estimates).where(
            t.estimates.c.project_id == project_id)).scalar_one())


def _session_cookie(response: Any) -> str:
    [header] = [h for h in response.headers.get_list("set-cookie")
                if h.startswith("pledge_session=")]
    return str(header)


# ---- logout, password change and revocation end the session on the server -----------------

def test_a_cookie_kept_from_before_logout_neither_reads_nor_writes(site: Any) -> None:
    engine, client = site
    c = client()
    assert log_in(c, "jp").status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 200
    token = csrf(c, "/projects/1")
    kept = dict(c.cookies)  # what an eavesdropper or a shared computer keeps
    before = _estimates(engine, 1)
    r = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"

    replay = client(cookies=kept)
    r = replay.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = replay.post("/projects/1/estimate", data={
        "amount": "US$3bn", "source": "https://example.org/x", "on": "2026-04-01",
        "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert _estimates(engine, 1) == before
    r = replay.get("/api/v1/frameworks/japan/ledger")
    assert r.status_code == 401


def test_the_same_form_is_accepted_while_the_session_lives(site: Any) -> None:
    # The counterpart of the test above: the same request works before logout.
    engine, client = site
    c = client()
    log_in(c, "jp")
    before = _estimates(engine, 1)
    r = c.post("/projects/1/estimate", data={
        "amount": "US$3bn", "source": "https://example.org/x", "on": "2026-04-01",
        "csrf_token": csrf(c, "/projects/1")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/projects/1"
    assert _estimates(engine, 1) == before + 1


def test_a_password_change_ends_every_session_of_that_user(site: Any) -> None:
    engine, client = site
    jp1, jp2, ana = client(), client(), client()
    for c, name in ((jp1, "jp"), (jp2, "jp"), (ana, "ana")):
        assert log_in(c, name).status_code == 303
    users.set_password(engine, "jp", ADMIN, password="another good password")
    assert jp1.get("/", follow_redirects=False).status_code == 303
    assert jp2.get("/", follow_redirects=False).status_code == 303
    assert ana.get("/", follow_redirects=False).status_code == 200  # others keep theirs
    assert log_in(client(), "jp").status_code == 401  # the old password is gone
    assert log_in(client(), "jp", "another good password").status_code == 303


def test_revoking_a_user_ends_their_sessions_in_storage(site: Any) -> None:
    engine, client = site
    c = client()
    log_in(c, "ana")
    users.revoke_user(engine, "ana", ADMIN)
    assert c.get("/", follow_redirects=False).status_code == 303
    with engine.connect() as conn:
        rows = conn.execute(select(t.sessions.c.revoked_at)).all()
    assert len(rows) == 1 and rows[0].revoked_at is not None


def test_the_cookie_carries_only_a_random_key_stored_hashed(site: Any) -> None:
    engine, client = site
    c = client()
    r = log_in(c, "ana")
    key = c.cookies["pledge_session"]
    assert "ana" not in key and len(key) >= 40
    with engine.connect() as conn:
        [row] = conn.execute(select(t.sessions)).all()
    import hashlib
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(tuple(row))
    assert "Max-Age" in _session_cookie(r)


def _age_session(engine: Engine, **values: Any) -> None:
    with transaction(engine) as s:
        s.execute(t.sessions.update().values(**values))


def test_a_session_left_idle_ends(site: Any) -> None:
    engine, client = site
    c = client()
    log_in(c, "ana")
    _age_session(engine, last_seen_at=now() - timedelta(hours=2, minutes=1))
    assert c.get("/", follow_redirects=False).status_code == 303


def test_a_session_in_use_still_ends_at_its_absolute_time(site: Any) -> None:
    engine, client = site
    c = client()
    log_in(c, "ana")
    _age_session(engine, expires_at=now() - timedelta(seconds=1))
    assert c.get("/", follow_redirects=False).status_code == 303


def test_use_moves_last_seen_forward_at_most_once_a_minute(site: Any) -> None:
    engine, client = site
    c = client()
    log_in(c, "ana")
    earlier = now() - timedelta(minutes=30)
    _age_session(engine, last_seen_at=earlier)
    assert c.get("/", follow_redirects=False).status_code == 200
    with engine.connect() as conn:
        seen = conn.execute(select(t.sessions.c.last_seen_at)).scalar_one()
    assert _aware(seen) > now() - timedelta(minutes=1)
    _age_session(engine, last_seen_at=now() - timedelta(seconds=20))
    with engine.connect() as conn:
        recent = conn.execute(select(t.sessions.c.last_seen_at)).scalar_one()
    assert c.get("/", follow_redirects=False).status_code == 200
    with engine.connect() as conn:
        assert conn.execute(select(t.sessions.c.last_seen_at)).scalar_one() == recent


def _aware(value: Any) -> Any:
    from datetime import UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ---- cookie flags --------------------------------------------------------------------------

def _flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_over_https_the_session_cookie_is_secure_httponly_and_lax(site: Any) -> None:
    _, client = site
    r = log_in(client(base_url="https://testserver"), "ana")
    header = _session_cookie(r)
    assert {"secure", "httponly", "samesite"} <= _flags(header)
    assert "samesite=lax" in header.lower()


def test_over_plain_http_the_cookie_is_not_marked_secure(site: Any) -> None:
    _, client = site
    header = _session_cookie(log_in(client(), "ana"))
    assert "secure" not in _flags(header) and "httponly" in _flags(header)


def test_behind_a_trusted_proxy_the_forwarded_scheme_decides(engine: Engine) -> None:
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    with TestClient(create_app(_url(engine), trust_proxy=True)) as c:
        assert "secure" in _flags(_session_cookie(log_in(c, "ana", headers=https)))
    with TestClient(create_app(_url(engine))) as c:  # an untrusted header changes nothing
        assert "secure" not in _flags(_session_cookie(log_in(c, "ana", headers=https)))


def test_secure_cookies_can_be_forced_on(engine: Engine) -> None:
    # For TLS ended by a proxy that does not say so: the server sees plain HTTP, the
    # browser HTTPS. A client on plain HTTP does not send Secure cookies back, so this
    # one carries the login form's cookie itself.
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    with TestClient(create_app(_url(engine), secure_cookies=True)) as c:
        form = c.get("/login")
        [flash] = form.headers.get_list("set-cookie")
        assert "secure" in _flags(flash)
        token = CSRF.search(form.text)
        assert token is not None
        r = c.post("/login", data={"name": "ana", "password": PASSWORD,
                                   "csrf_token": token.group(1), "next": "/"},
                   headers={"cookie": flash.split(";")[0]}, follow_redirects=False)
        assert r.status_code == 303
        headers = r.headers.get_list("set-cookie")
        assert "secure" in _flags(_session_cookie(r)) and len(headers) == 2
        assert all("secure" in _flags(h) for h in headers)


# ---- throttling ----------------------------------------------------------------------------

def _retry_after(r: Any) -> int:
    assert r.status_code == 429, r.text[:500]
    return int(r.headers["retry-after"])


def test_five_failures_for_a_name_stop_the_sixth_try_even_with_the_right_password(
        site: Any) -> None:
    _, client = site
    c = client()
    started = time.monotonic()
    for _ in range(5):
        assert log_in(c, "ana", "wrong password!").status_code == 401
    r = log_in(c, "ana")
    waited = time.monotonic() - started
    # The first failure leaves the 15-minute window 900 s after it happened.
    assert 900 - waited - 1 <= _retry_after(r) <= 900
    assert "try again" in r.text.lower()
    assert c.get("/", follow_redirects=False).status_code == 303  # no session started
    assert log_in(client(), "jp").status_code == 303  # another name is not affected


def test_the_name_limit_holds_across_addresses(engine: Engine) -> None:
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    with TestClient(create_app(_url(engine), trust_proxy=True)) as c:
        for i in range(5):
            r = log_in(c, "ana", "wrong password!",
                       headers={"x-forwarded-for": f"198.51.100.{i + 1}"})
            assert r.status_code == 401
        r = log_in(c, "ana", headers={"x-forwarded-for": "198.51.100.77"})
        assert _retry_after(r) > 0


def test_twenty_failures_from_one_address_stop_it_for_every_name(engine: Engine) -> None:
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    with TestClient(create_app(_url(engine), trust_proxy=True)) as c:
        here = {"x-forwarded-for": "192.0.2.10"}
        for i in range(20):  # twenty names, one failure each: no name reaches its limit
            assert log_in(c, f"nobody{i}", "wrong password!", headers=here).status_code == 401
        assert _retry_after(log_in(c, "ana", headers=here)) > 0
        r = log_in(c, "ana", headers={"x-forwarded-for": "192.0.2.11"})
        assert r.status_code == 303  # the same name from another address is let in


def test_a_client_cannot_pick_its_address_through_the_forwarded_header(
        engine: Engine) -> None:
    # The proxy appends the address it saw; whatever the client wrote comes before it.
    users.add_user(engine, "ana", "analyst", ADMIN, password=PASSWORD)
    with TestClient(create_app(_url(engine), trust_proxy=True)) as c:
        for i in range(20):
            spoofed = {"x-forwarded-for": f"10.0.0.{i}, 192.0.2.10"}
            assert log_in(c, f"nobody{i}", "wrong password!",
                          headers=spoofed).status_code == 401
        r = log_in(c, "ana", headers={"x-forwarded-for": "10.9.9.9, 192.0.2.10"})
        assert _retry_after(r) > 0


def test_a_successful_login_clears_the_names_failures(site: Any) -> None:
    _, client = site
    c = client()
    for _ in range(4):
        assert log_in(c, "ana", "wrong password!").status_code == 401
    assert log_in(c, "ana").status_code == 303
    c2 = client()
    for _ in range(4):
        assert log_in(c2, "ana", "wrong password!").status_code == 401
    assert log_in(c2, "ana").status_code == 303


def test_failures_are_kept_in_the_database_for_every_process(site: Any) -> None:
    engine, client = site
    for _ in range(3):
        log_in(client(), "ana", "wrong password!")
    with engine.connect() as conn:
        names = conn.execute(select(t.login_failures.c.name)).scalars().all()
    assert names == ["ana", "ana", "ana"]
    other = create_app(_url(engine))  # a second server process on the same database
    with TestClient(other) as c:
        for _ in range(2):
            assert log_in(c, "ana", "wrong password!").status_code == 401
        assert log_in(c, "ana").status_code == 429


# ---- unknown names cost the same work ------------------------------------------------------

class _SpyHasher:
    def __init__(self, real: Any) -> None:
        self.real = real
        self.verified: list[str] = []

    def verify(self, hashed: str, password: str) -> bool:
        self.verified.append(hashed)
        return bool(self.real.verify(hashed, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.mark.parametrize("name", ["nobody-by-this-name", "revoked", "no-password"])
def test_a_login_for_a_name_without_a_password_still_runs_argon2(
        site: Any, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    engine, client = site
    users.add_user(engine, "revoked", "analyst", ADMIN, password=PASSWORD)
    users.revoke_user(engine, "revoked", ADMIN)
    users.add_user(engine, "no-password", "analyst", ADMIN)
    spy = _SpyHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", spy)
    r = log_in(client(), name)
    assert r.status_code == 401 and "wrong password" in r.text
    assert len(spy.verified) == 1 and spy.verified[0].startswith("$argon2")
    with engine.connect() as conn:
        stored = set(conn.execute(select(t.users.c.password_hash)).scalars())
    assert spy.verified[0] not in stored  # a dummy hash, not anyone's


def test_a_known_name_runs_argon2_once_against_its_own_hash(
        site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, client = site
    spy = _SpyHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", spy)
    assert log_in(client(), "ana", "wrong password!").status_code == 401
    with engine.connect() as conn:
        own = conn.execute(select(t.users.c.password_hash).where(
            t.users.c.name == "ana")).scalar_one()
    assert spy.verified == [own]
