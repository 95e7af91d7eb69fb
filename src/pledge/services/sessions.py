"""Page sessions held by the server, and logins throttled per name and per address.

A login that succeeds gets a random key (256 bits) for its cookie; only the key's
SHA-256 hash is stored, with the user, the session's CSRF token, and when it was
made, last seen and will end. A page request looks the key up (one small read), or
takes what its process read of it in the last seconds (``users.SESSION_CACHE_SECONDS``);
logging out, changing the password or revoking the user ends the session at once in
the process that did it, and within those seconds in the others.

Every login attempt is written down before the password is checked, and counted
with the earlier failures of the same name and of the same address; beyond the
limits (``domain.credentials.LoginLimits``) the attempt is refused with the time to
wait, whatever the password. Because the records are in the database, the limits
hold across server processes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, or_, select, text

from pledge.domain.credentials import LoginLimits, SessionTimes, retry_after, touch_due
from pledge.domain.errors import Problem, TooManyRequests
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor, now
from pledge.services.users import (
    actor_for_password,
    aware,
    forget_credentials,
    recent_credential,
    remember_credential,
    secret_hash,
)
from pledge.store import tables as t
from pledge.store.db import is_sqlite, read_connection, transaction


@dataclass(frozen=True, slots=True)
class PageSession:
    """A live page session: who, the CSRF token its forms carry, and whether its last-seen
    time is due to be written (at most once a minute)."""

    id: int
    actor: Actor
    csrf_token: str
    touch_due: bool


@dataclass(frozen=True, slots=True)
class NewSession:
    """A session just started: ``key`` goes into the cookie and is never stored."""

    key: str
    session: PageSession
    expires_at: datetime


def _throttle_name(name: str) -> str:
    return name.strip().casefold()[:120]


def _attempt(engine: Engine, name: str, address: str, limits: LoginLimits,
             at: datetime) -> int:
    """Record an attempt, or refuse it (nothing recorded) when the name or the address has
    failed too often lately. Returns the attempt's row id."""
    with transaction(engine) as s:
        if not is_sqlite(engine):  # SQLite writers already queue (BEGIN IMMEDIATE)
            s.execute(text("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE"))
        since = at - limits.window
        s.execute(delete(t.login_failures).where(t.login_failures.c.at <= since))
        by_name = s.execute(select(t.login_failures.c.at).where(
            t.login_failures.c.name == name, t.login_failures.c.at > since)).scalars().all()
        by_address = s.execute(select(t.login_failures.c.at).where(
            t.login_failures.c.address == address,
            t.login_failures.c.at > since)).scalars().all()
        waits = [(w, field) for w, field in (
            (retry_after([aware(x) for x in by_name], limits.per_name, limits.window, at),
             "name"),
            (retry_after([aware(x) for x in by_address], limits.per_address, limits.window,
                         at), "address")) if w is not None]
        if not waits:
            return int(s.execute(t.login_failures.insert().values(
                name=name, address=address, at=at).returning(t.login_failures.c.id))
                .scalar_one())
    wait, field = max(waits)
    minutes = -(-wait // 60)
    raise TooManyRequests([Problem(
        field, name if field == "name" else address, "auth.throttled",
        f"too many failed logins {'for this name' if field == 'name' else 'from here'}: "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}")], wait)


def log_in(engine: Engine, name: str, password: str, address: str, *,
           limits: LoginLimits = LoginLimits(),
           times: SessionTimes = SessionTimes()) -> NewSession | None:
    """Check a name and password and start a session; None when they do not match.

    Raises TooManyRequests (with the seconds to wait) when the name or the address has
    failed ``limits`` times within the window."""
    at = now()
    key_name = _throttle_name(name)
    address = (address or "unknown")[:64]
    attempt = _attempt(engine, key_name, address, limits, at)
    actor = actor_for_password(engine, name, password)
    if actor is None:
        return None  # the attempt stays on record as a failure
    key = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = times.expires_at(at)
    with transaction(engine) as s:
        s.execute(delete(t.login_failures).where(or_(
            t.login_failures.c.name == key_name, t.login_failures.c.id == attempt)))
        uid = s.execute(select(t.users.c.id).where(t.users.c.name == actor.name)).scalar_one()
        _prune(s, at)
        sid = s.execute(t.sessions.insert().values(
            key_hash=secret_hash(key), user_id=uid, csrf_token=csrf, created_at=at,
            last_seen_at=at, expires_at=expires).returning(t.sessions.c.id)).scalar_one()
    return NewSession(key, PageSession(int(sid), actor, csrf, False), expires)


def _prune(s: Connection, at: datetime) -> None:
    """Forget sessions that ended more than a day ago (no page can use them)."""
    day_ago = at - timedelta(days=1)
    s.execute(delete(t.sessions).where(or_(t.sessions.c.expires_at < day_ago,
                                           t.sessions.c.revoked_at < day_ago)))


def session_for(engine: Engine, key: str, *,
                times: SessionTimes = SessionTimes()) -> PageSession | None:
    """The live session a cookie's key opens, or None (unknown, ended, expired, idle too
    long, or its user revoked)."""
    if not key or len(key) > 100:
        return None
    hashed = secret_hash(key)
    row = recent_credential(hashed)  # read within the last seconds (users.SESSION_CACHE_SECONDS)
    if row is None:
        with read_connection(engine) as conn:  # one small indexed read
            row = conn.execute(select(
                t.sessions.c.id, t.sessions.c.csrf_token, t.sessions.c.last_seen_at,
                t.sessions.c.expires_at, t.users.c.name, t.users.c.role).join(
                t.users, t.users.c.id == t.sessions.c.user_id).where(
                t.sessions.c.key_hash == hashed, t.sessions.c.revoked_at.is_(None),
                t.users.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        remember_credential(hashed, row)
    at = now()
    seen = aware(row.last_seen_at)
    if not times.is_live(aware(row.expires_at), seen, at):
        return None
    return PageSession(row.id, Actor(row.name, Role(row.role)), row.csrf_token,
                       touch_due(seen, at))


def touch_session(engine: Engine, session_id: int) -> None:
    """Record that a session was used now (it stays alive for another idle period)."""
    at = now()
    with transaction(engine) as s:
        s.execute(t.sessions.update().where(t.sessions.c.id == session_id,
                                            t.sessions.c.revoked_at.is_(None))
                  .values(last_seen_at=at))
    forget_credentials()  # its last-seen time is read again


def log_out(engine: Engine, key: str) -> None:
    """End the session this key opens (nothing happens for an unknown key)."""
    if not key:
        return
    with transaction(engine) as s:
        s.execute(t.sessions.update().where(t.sessions.c.key_hash == secret_hash(key),
                                            t.sessions.c.revoked_at.is_(None))
                  .values(revoked_at=now()))
    forget_credentials(secret_hash(key))
