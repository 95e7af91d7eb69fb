"""Use cases on users: add, revoke, list, and identify by token or password.

Tokens are random (256 bits), shown once, and stored only as SHA-256 hashes;
passwords are stored as argon2 hashes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select

from pledge.domain.access import Action
from pledge.domain.errors import Conflict, InvalidInput, NotFound
from pledge.domain.lifecycle import Role, parse_role
from pledge.domain.text import clean_name, name_key
from pledge.services.base import Actor, audit, now, permit
from pledge.store import tables as t
from pledge.store.db import read_connection, reading, transaction

_hasher = PasswordHasher()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user just created: the token (and password, if generated) are shown only now."""

    name: str
    role: Role
    token: str
    password: str | None


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    role: Role
    created_at: datetime
    revoked: bool


def add_user(engine: Engine, name: str, role: str, actor: Actor, *,
             password: str | None = None, generate_password: bool = False) -> NewUser:
    """Create a user with a role and a first API token."""
    permit(actor, Action.ADMIN)
    r = parse_role(role)
    if not name.strip() or len(name.strip()) > 120:
        raise InvalidInput.single("name", name, "users.bad_name",
                                  "a name of 1 to 120 characters")
    name = clean_name("name", name, 120)  # no control or invisible characters; NFKC
    if password is not None and len(password) < 8:
        raise InvalidInput.single("password", "***", "users.weak_password",
                                  "a password needs at least 8 characters")
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
        uid = s.execute(t.users.insert().values(
            name=name.strip(), role=r.value, created_at=now(),
            password_hash=None if password is None else _hasher.hash(password))
            .returning(t.users.c.id)).scalar_one()
        s.execute(t.tokens.insert().values(user_id=uid, token_hash=_token_hash(token),
                                           created_at=now()))
        audit(s, actor, "users.add", "user", name.strip(), after={"role": r.value})
    return NewUser(name.strip(), r, token, password)


def revoke_user(engine: Engine, name: str, actor: Actor) -> None:
    """Revoke a user and every token they hold."""
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
        audit(s, actor, "users.revoke", "user", row.name, before={"revoked": False},
              after={"revoked": True})


def list_users(engine: Engine) -> list[UserInfo]:
    with reading(engine) as s:
        return [UserInfo(r.name, Role(r.role), r.created_at, r.revoked_at is not None)
                for r in s.execute(select(t.users).order_by(t.users.c.id))]


def actor_for_token(engine: Engine, token: str) -> Actor | None:
    """The live user holding ``token``, or None."""
    with read_connection(engine) as conn:  # on every API request: no ORM session
        row = conn.execute(select(t.users.c.name, t.users.c.role).join(
            t.tokens, t.tokens.c.user_id == t.users.c.id).where(
            t.tokens.c.token_hash == _token_hash(token), t.tokens.c.revoked_at.is_(None),
            t.users.c.revoked_at.is_(None))).first()
    return None if row is None else Actor(row.name, Role(row.role))


def actor_for_password(engine: Engine, name: str, password: str) -> Actor | None:
    """The live user with this name and password, or None."""
    with reading(engine) as s:
        row = s.execute(select(t.users).where(t.users.c.name == name.strip(),
                                              t.users.c.revoked_at.is_(None))).first()
    if row is None or not row.password_hash:
        return None
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return Actor(row.name, Role(row.role))


def has_users(engine: Engine) -> bool:
    with reading(engine) as s:
        return s.execute(select(t.users.c.id).limit(1)).first() is not None


def actor_for_name(engine: Engine, name: str) -> Actor | None:
    """The live user called ``name`` with their current role, or None (a page session's check)."""
    with read_connection(engine) as conn:  # on every page request
        row = conn.execute(select(t.users.c.name, t.users.c.role).where(
            t.users.c.name == name, t.users.c.revoked_at.is_(None))).first()
    return None if row is None else Actor(row.name, Role(row.role))
