"""Use cases on users: add, revoke, list, passwords, tokens, and identify by token or password.

Tokens are random (256 bits), shown once, stored only as SHA-256 hashes, and
expire (``domain.credentials.token_expiry``); their last use is kept to the
minute. Passwords are stored as argon2 hashes; a login for a name with no
usable password verifies against a dummy hash, so the answer takes as long as
for a real user. Changing a password or revoking a user ends their page sessions.
A user may have an operating-system login mapped to them (one user per login): the
command line run from that login acts as them (``services.identity``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, or_, select

from pledge.domain.access import Action, Unauthorized
from pledge.domain.credentials import (
    DEFAULT_TOKEN_DAYS,
    rotation_grace,
    token_expiry,
    touch_due,
)
from pledge.domain.errors import Conflict, InvalidInput, NotFound, Problem
from pledge.domain.lifecycle import Role, parse_role
from pledge.domain.text import clean_name, name_key
from pledge.services.base import Actor, audit, now, permit
from pledge.store import tables as t
from pledge.store.db import read_connection, reading, transaction

_hasher = PasswordHasher()


def secret_hash(token: str) -> str:
    """How a token or a session key is stored: its SHA-256, never the secret itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def aware(value: datetime) -> datetime:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """An argon2 hash of a random password nobody knows, made with the current parameters."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _password_matches(stored: str | None, password: str) -> bool:
    """argon2 verification; a missing hash costs the same work against the dummy one."""
    try:
        if not stored:
            _hasher.verify(_dummy_hash(), password)
            return False
        _hasher.verify(stored, password)
        return True
    except (VerificationError, InvalidHashError):
        return False


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise InvalidInput.single("password", "***", "users.weak_password",
                                  "a password needs at least 8 characters")


SESSION_CACHE_SECONDS = 2.0
"""How long a server process answers a page session or an API token from what it read
of it lately (by the key's hash), instead of reading it again: a session or token ended
by another process (a logout, a password change, a rotation, a revocation) may be
accepted there this long at most; in the process that ended it, not at all."""

_recent_sessions: dict[str, tuple[float, Any]] = {}
_recent_lock = threading.Lock()
_RECENT_MAX = 4096  # sessions remembered at most (all forgotten beyond it)


def recent_credential(key_hash: str) -> Any:
    """What ``remember_credential`` kept for this key's hash in the last
    ``SESSION_CACHE_SECONDS``, else None."""
    with _recent_lock:
        hit = _recent_sessions.get(key_hash)
    if hit is None or time.monotonic() - hit[0] > SESSION_CACHE_SECONDS:
        return None
    return hit[1]


def remember_credential(key_hash: str, row: Any) -> None:
    with _recent_lock:
        if len(_recent_sessions) >= _RECENT_MAX:
            _recent_sessions.clear()
        _recent_sessions[key_hash] = (time.monotonic(), row)


def forget_credentials(key_hash: str | None = None) -> None:
    """Read this session (or every one) from the database on its next use."""
    with _recent_lock:
        if key_hash is None:
            _recent_sessions.clear()
        else:
            _recent_sessions.pop(key_hash, None)


def end_sessions(s: Connection, user_id: int, when: datetime) -> None:
    """End every live page session of a user (a password change, a revocation)."""
    s.execute(t.sessions.update().where(t.sessions.c.user_id == user_id,
                                        t.sessions.c.revoked_at.is_(None))
              .values(revoked_at=when))
    forget_credentials()


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user just created: the token (and password, if generated) are shown only now."""

    name: str
    role: Role
    token: str
    password: str | None
    token_expires_at: datetime | None = None  # None: never


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just issued by a rotation (shown only now) and what became of the old ones."""

    name: str
    token: str
    expires_at: datetime | None
    old_tokens: int
    old_valid_until: datetime


@dataclass(frozen=True, slots=True)
class TokenInfo:
    created_at: datetime
    expires_at: datetime | None  # None: never
    last_used_at: datetime | None
    expired: bool


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    role: Role
    created_at: datetime
    revoked: bool
    tokens: tuple[TokenInfo, ...] = ()  # the tokens not revoked, newest first
    os_user: str | None = None  # the login the command line recognises as this user

    @property
    def token_expires_at(self) -> datetime | None:
        """When the last of the live tokens expires (None: one never does, or none)."""
        live = [x for x in self.tokens if not x.expired]
        if not live or any(x.expires_at is None for x in live):
            return None
        return max(x.expires_at for x in live if x.expires_at is not None)

    @property
    def last_used_at(self) -> datetime | None:
        used = [x.last_used_at for x in self.tokens if x.last_used_at is not None]
        return max(used) if used else None


@dataclass(frozen=True, slots=True)
class TokenUse:
    """What a presented token stands for: its user, whether it has expired, and whether its
    last-used time is due to be written (at most once a minute)."""

    token_id: int
    actor: Actor
    expires_at: datetime | None
    touch_due: bool

    def expired(self, at: datetime) -> bool:
        return self.expires_at is not None and at >= self.expires_at


def _expiry_text(when: datetime | None) -> str:
    return "never" if when is None else when.isoformat(timespec="minutes")


def clean_os_user(login: str) -> str:
    """An operating-system login as stored: 1 to 64 characters, no spaces or control
    characters (refused naming ``os_user``)."""
    text = login.strip()
    if not 1 <= len(text) <= 64 or any(c.isspace() or not c.isprintable() for c in text):
        raise InvalidInput.single("os_user", login, "users.bad_os_user",
                                  "a login name of 1 to 64 characters without spaces")
    return text


def _check_login_free(s: Connection, login: str, uid: int | None) -> None:
    holder = s.execute(select(t.users.c.id, t.users.c.name).where(
        t.users.c.os_user == login)).first()
    if holder is not None and holder.id != uid:
        raise Conflict.single("os_user", login, "users.os_user_taken",
                              f"the login is already mapped to user '{holder.name}'")


def add_user(engine: Engine, name: str, role: str, actor: Actor, *,
             password: str | None = None, generate_password: bool = False,
             expires: str | None = None, os_user: str | None = None,
             default_token_days: int = DEFAULT_TOKEN_DAYS) -> NewUser:
    """Create a user with a role and a first API token.

    ``expires``: when the token stops working (``90d``, ``YYYY-MM-DD``, ``never``);
    by default ``default_token_days`` from now. ``os_user``: the operating-system login
    the command line recognises as this user.
    """
    permit(actor, Action.ADMIN)
    r = parse_role(role)
    login = None if os_user is None else clean_os_user(os_user)
    if not name.strip() or len(name.strip()) > 120:
        raise InvalidInput.single("name", name, "users.bad_name",
                                  "a name of 1 to 120 characters")
    name = clean_name("name", name, 120)  # no control or invisible characters; NFKC
    if password is not None:
        _check_password(password)
    when = now()
    token_expires = token_expiry(expires, when, default_token_days)
    if generate_password:
        password = secrets.token_urlsafe(12)
    token = secrets.token_urlsafe(32)
    with transaction(engine) as s:
        key = name_key(name)  # a look-alike of a user's name (case, width) is theirs
        same = next((n for n in s.execute(select(t.users.c.name)).scalars()
                     if name_key(n) == key), None)
        if same is not None:
            raise Conflict.single("name", name, "users.exists",
                                  f"a user with this name exists ('{same}')")
        if login is not None:
            _check_login_free(s, login, None)
        uid = s.execute(t.users.insert().values(
            name=name.strip(), role=r.value, created_at=when, os_user=login,
            password_hash=None if password is None else _hasher.hash(password))
            .returning(t.users.c.id)).scalar_one()
        s.execute(t.tokens.insert().values(user_id=uid, token_hash=secret_hash(token),
                                           created_at=when, expires_at=token_expires))
        audit(s, actor, "users.add", "user", name.strip(),
              after={"role": r.value, "token_expires": _expiry_text(token_expires),
                     **({} if login is None else {"os_user": login})})
    return NewUser(name.strip(), r, token, password, token_expires)


def _live_user(s: Connection, name: str) -> tuple[int, str]:
    row = s.execute(select(t.users.c.id, t.users.c.name).where(
        t.users.c.name == name.strip(), t.users.c.revoked_at.is_(None))).first()
    if row is None:
        raise NotFound.single("name", name, "users.unknown", "no such user (or revoked)")
    return int(row.id), str(row.name)


def set_os_user(engine: Engine, name: str, os_user: str | None, actor: Actor) -> str | None:
    """Map an operating-system login to a live user (None: remove their mapping); returns
    the login now mapped. A login belongs to one user at most."""
    permit(actor, Action.ADMIN)
    login = None if os_user is None else clean_os_user(os_user)
    with transaction(engine) as s:
        uid, real_name = _live_user(s, name)
        before = s.execute(select(t.users.c.os_user).where(t.users.c.id == uid)).scalar()
        if login is not None:
            _check_login_free(s, login, uid)
        s.execute(t.users.update().where(t.users.c.id == uid).values(os_user=login))
        audit(s, actor, "users.os_user", "user", real_name, before={"os_user": before},
              after={"os_user": login})
    return login


def revoke_user(engine: Engine, name: str, actor: Actor) -> None:
    """Revoke a user, every token they hold and every page session they have open."""
    permit(actor, Action.ADMIN)
    with transaction(engine) as s:
        row = s.execute(select(t.users).where(t.users.c.name == name.strip())).first()
        if row is None:
            raise NotFound.single("name", name, "users.unknown", "no such user")
        when = now()
        s.execute(t.users.update().where(t.users.c.id == row.id).values(revoked_at=when))
        s.execute(t.tokens.update().where(t.tokens.c.user_id == row.id,
                                          t.tokens.c.revoked_at.is_(None))
                  .values(revoked_at=when))
        end_sessions(s, row.id, when)
        audit(s, actor, "users.revoke", "user", row.name, before={"revoked": False},
              after={"revoked": True})
    forget_credentials()  # again once committed: none read meanwhile is kept


def set_password(engine: Engine, name: str, actor: Actor, *, password: str | None = None,
                 generate: bool = False) -> str:
    """Give a user a new password (or a generated one) and end all their page sessions.

    Returns the password (a generated one is shown only now)."""
    permit(actor, Action.ADMIN)
    if generate:
        password = secrets.token_urlsafe(12)
    if password is None:
        raise InvalidInput.single("password", "", "users.no_password",
                                  "give a password or ask for one to be generated")
    _check_password(password)
    hashed = _hasher.hash(password)
    with transaction(engine) as s:
        uid, real_name = _live_user(s, name)
        when = now()
        s.execute(t.users.update().where(t.users.c.id == uid).values(password_hash=hashed))
        end_sessions(s, uid, when)
        audit(s, actor, "users.password", "user", real_name, after={"sessions": "ended"})
    forget_credentials()  # again once committed: none read meanwhile is kept
    return password


def rotate_token(engine: Engine, name: str, actor: Actor, *, expires: str | None = None,
                 grace: str | None = None,
                 default_token_days: int = DEFAULT_TOKEN_DAYS) -> NewToken:
    """Issue a new token for a user; the old ones stop working now, or after ``grace``
    (such as ``1h``: time to deploy the new one), never later than they would have."""
    permit(actor, Action.ADMIN)
    when = now()
    token_expires = token_expiry(expires, when, default_token_days)
    keep = rotation_grace(grace)
    token = secrets.token_urlsafe(32)
    until = when + keep
    with transaction(engine) as s:
        uid, real_name = _live_user(s, name)
        old = s.execute(select(t.tokens.c.id, t.tokens.c.expires_at).where(
            t.tokens.c.user_id == uid, t.tokens.c.revoked_at.is_(None))).all()
        live = [r for r in old if r.expires_at is None or aware(r.expires_at) > when]
        for r in live:
            if keep:
                ends = until if r.expires_at is None else min(until, aware(r.expires_at))
                s.execute(t.tokens.update().where(t.tokens.c.id == r.id)
                          .values(expires_at=ends))
            else:
                s.execute(t.tokens.update().where(t.tokens.c.id == r.id)
                          .values(revoked_at=when))
        s.execute(t.tokens.insert().values(user_id=uid, token_hash=secret_hash(token),
                                           created_at=when, expires_at=token_expires))
        audit(s, actor, "users.rotate_token", "user", real_name,
              after={"token_expires": _expiry_text(token_expires),
                     "old_tokens": len(live), "old_valid_until": until.isoformat()})
    forget_credentials()  # the old tokens' new ends are read at their next use
    return NewToken(real_name, token, token_expires, len(live), until)


def list_users(engine: Engine) -> list[UserInfo]:
    """Users, their roles, and their tokens not revoked (expiry, last use)."""
    at = now()
    with reading(engine) as s:
        tokens: dict[int, list[TokenInfo]] = {}
        for r in s.execute(select(t.tokens).where(t.tokens.c.revoked_at.is_(None))
                           .order_by(t.tokens.c.id.desc())):
            ends = None if r.expires_at is None else aware(r.expires_at)
            tokens.setdefault(r.user_id, []).append(TokenInfo(
                aware(r.created_at), ends,
                None if r.last_used_at is None else aware(r.last_used_at),
                ends is not None and ends <= at))
        return [UserInfo(r.name, Role(r.role), r.created_at, r.revoked_at is not None,
                         tuple(tokens.get(r.id, ())), r.os_user)
                for r in s.execute(select(t.users).order_by(t.users.c.id))]


def token_use(engine: Engine, token: str) -> TokenUse | None:
    """What ``token`` stands for (expired or not), or None when it is unknown or revoked."""
    hashed = "token:" + secret_hash(token)
    row = recent_credential(hashed)  # read within the last SESSION_CACHE_SECONDS
    if row is None:
        with read_connection(engine) as conn:  # one small indexed read
            row = conn.execute(select(t.users.c.name, t.users.c.role, t.tokens.c.id,
                                      t.tokens.c.expires_at, t.tokens.c.last_used_at).join(
                t.tokens, t.tokens.c.user_id == t.users.c.id).where(
                t.tokens.c.token_hash == secret_hash(token), t.tokens.c.revoked_at.is_(None),
                t.users.c.revoked_at.is_(None))).first()
        if row is None:
            return None
        remember_credential(hashed, row)
    last = None if row.last_used_at is None else aware(row.last_used_at)
    return TokenUse(row.id, Actor(row.name, Role(row.role)),
                    None if row.expires_at is None else aware(row.expires_at),
                    touch_due(last, now()))


def expired_token(use: TokenUse) -> Unauthorized:
    """The refusal for a token past its expiry."""
    ends = use.expires_at.isoformat(timespec="minutes") if use.expires_at else "?"
    return Unauthorized([Problem(
        "authorization", "expired token", "auth.token_expired",
        f"this token expired at {ends}; ask an administrator for a new one "
        f"(pledge users rotate-token {use.actor.name})")])


def touch_token(engine: Engine, token_id: int) -> None:
    """Record that a token was used now (skipped when another request just did)."""
    at = now()
    with transaction(engine) as s:
        s.execute(t.tokens.update().where(
            t.tokens.c.id == token_id,
            or_(t.tokens.c.last_used_at.is_(None),
                t.tokens.c.last_used_at <= at - timedelta(minutes=1)))
            .values(last_used_at=at))
    forget_credentials()  # its last use is read again


def actor_for_token(engine: Engine, token: str) -> Actor | None:
    """The live user holding ``token`` if it has not expired, or None."""
    use = token_use(engine, token)
    return None if use is None or use.expired(now()) else use.actor


def actor_for_password(engine: Engine, name: str, password: str) -> Actor | None:
    """The live user with this name and password, or None.

    argon2 runs once whatever the name: against the user's hash, or against a dummy
    hash when the name is unknown, revoked or has no password, so the time taken does
    not tell which names exist."""
    with reading(engine) as s:
        row = s.execute(select(t.users).where(t.users.c.name == name.strip(),
                                              t.users.c.revoked_at.is_(None))).first()
    stored = None if row is None else row.password_hash
    if not _password_matches(stored, password) or row is None:
        return None
    return Actor(row.name, Role(row.role))



def actor_for_os_user(engine: Engine, login: str) -> Actor | None:
    """The live user the operating-system ``login`` is mapped to, or None."""
    with read_connection(engine) as conn:
        row = conn.execute(select(t.users.c.name, t.users.c.role).where(
            t.users.c.os_user == login, t.users.c.revoked_at.is_(None))).first()
    return None if row is None else Actor(row.name, Role(row.role))


def live_users(engine: Engine) -> tuple[int, Actor | None]:
    """How many users are live, and the first live administrator (None: there is none)."""
    with read_connection(engine) as conn:
        rows = conn.execute(select(t.users.c.name, t.users.c.role).where(
            t.users.c.revoked_at.is_(None)).order_by(t.users.c.id)).all()
    admin = next((Actor(r.name, Role.ADMIN) for r in rows if r.role == Role.ADMIN.value), None)
    return len(rows), admin


def has_users(engine: Engine) -> bool:
    with reading(engine) as s:
        return s.execute(select(t.users.c.id).limit(1)).first() is not None


def actor_for_name(engine: Engine, name: str) -> Actor | None:
    """The live user called ``name`` with their current role, or None."""
    with read_connection(engine) as conn:
        row = conn.execute(select(t.users.c.name, t.users.c.role).where(
            t.users.c.name == name, t.users.c.revoked_at.is_(None))).first()
    return None if row is None else Actor(row.name, Role(row.role))
