"""Who runs the command line: a pledge user, identified, never a role typed on it.

The command line acts as one user, whose role comes from their record:

1. ``--user NAME`` with that user's API token in ``PLEDGE_TOKEN`` (or the token alone):
   the token is checked as the API checks a bearer token (known, not revoked, not
   expired; its last use is noted) and must be NAME's (``via: token``);
2. otherwise the operating-system login mapped to a live user
   (``pledge users add NAME --os-user LOGIN``, ``pledge users os-user NAME LOGIN``;
   ``via: os_user``);
3. otherwise, on a database that is not shared, its first live administrator (the
   ``admin`` that ``pledge serve`` creates on first start) or, before there is one, the
   local administrator named after the login (``via: local``).

A database is *shared* when it is a server database (PostgreSQL) with a user, or a SQLite
file with more than one live user, one of them an administrator; there the command line
refuses to change anything for someone it cannot identify. A database without any user
is set up by whoever can reach it, and a SQLite file without an administrator by whoever
runs the command line on it (who could open the file anyway), so adding people to a file
never locks its owner out.

Recording what someone else decided (the President's selection, a lender's funding) names
that actor and their role beside the user (``on_behalf``): an administrator may record for
any role, every other user only for their own (``domain.access.may_record_for``). The
audit log keeps both the user and the actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from pledge.domain.access import Unauthorized, check_record_for
from pledge.domain.errors import Problem
from pledge.domain.lifecycle import Role, parse_role
from pledge.domain.text import name_key
from pledge.services.base import Actor, now
from pledge.services.users import (
    actor_for_os_user,
    expired_token,
    live_users,
    token_use,
    touch_token,
)
from pledge.store.db import is_sqlite

TOKEN_VAR = "PLEDGE_TOKEN"
VIA_TOKEN = "token"
VIA_OS_USER = "os_user"
VIA_LOCAL = "local"
LOCAL_FALLBACK = "local-admin"  # the local administrator's name when there is no login


@dataclass(frozen=True, slots=True)
class Identity:
    """The user the command line acts as, and how they were identified
    (``token``, ``os_user`` or ``local``)."""

    actor: Actor
    via: str

    @property
    def user(self) -> str:
        return self.actor.name

    @property
    def role(self) -> Role:
        return self.actor.role


def _refused(field: str, value: object, rule: str, message: str) -> Unauthorized:
    return Unauthorized([Problem(field, value, rule, message)])


def by_token(engine: Engine, token: str, user: str | None) -> Identity:
    """The user holding ``token``, checked as the API checks a bearer token; when ``user``
    is given the token must be theirs."""
    use = token_use(engine, token.strip()) if token.strip() else None
    if use is None:
        raise _refused(TOKEN_VAR, "***", "auth.bad_token",
                       "not a valid API token (unknown, or its user was revoked)")
    if use.expired(now()):
        raise expired_token(use)
    if user is not None and name_key(user) != name_key(use.actor.name):
        raise _refused("user", user, "auth.token_mismatch",
                       f"the token in {TOKEN_VAR} is not this user's")
    if use.touch_due:
        touch_token(engine, use.token_id)
    return Identity(use.actor, VIA_TOKEN)


def identify(engine: Engine, *, user: str | None, token: str | None,
             login: str | None) -> Identity:
    """The user the command line acts as (see the module docstring).

    ``user``: the ``--user`` option; ``token``: ``PLEDGE_TOKEN``; ``login``: the
    operating-system login (None when there is none). Raises Unauthorized when a token is
    missing, wrong or expired, or when a shared database cannot tell who runs it."""
    if user is not None and not user.strip():
        raise _refused("user", user, "auth.no_user", "name the user who acts")
    if token:
        return by_token(engine, token, user)
    if user is not None:
        raise _refused(TOKEN_VAR, "", "auth.token_required",
                       f"--user {user} needs that user's API token in {TOKEN_VAR}")
    if login:
        mapped = actor_for_os_user(engine, login)
        if mapped is not None:
            return Identity(mapped, VIA_OS_USER)
    count, admin = live_users(engine)
    if is_shared(engine, count, admin):
        where = "a server database" if not is_sqlite(engine) else f"{count} users"
        raise _refused("user", login or "", "auth.identify",
                       f"this database is shared ({where}): say who you are with --user "
                       f"NAME and that user's token in {TOKEN_VAR}, or have an administrator "
                       f"map your login (pledge users os-user NAME {login or 'LOGIN'})")
    if admin is not None:
        return Identity(admin, VIA_LOCAL)
    return Identity(Actor(login or LOCAL_FALLBACK, Role.ADMIN), VIA_LOCAL)


def is_shared(engine: Engine, users: int, admin: Actor | None) -> bool:
    """Whether the command line must identify its user on this database (see the module
    docstring): ``users`` live users, ``admin`` the first live administrator."""
    if not is_sqlite(engine):
        return users > 0
    return users > 1 and admin is not None


def on_behalf(identity: Identity, actor: str | None, role: str | None) -> Actor:
    """Who a change is recorded for: the user themself when neither ``actor`` nor ``role`` is
    given; else the named actor (default: the user's name) in ``role`` (default: the
    user's), which the user must be allowed to record for."""
    me = identity.actor
    if actor is None and role is None:
        return me
    r = me.role if role is None else parse_role(role)
    check_record_for(me.name, me.role, r)
    named = Actor.of(me.name if actor is None else actor, r)
    if named.name == me.name and r is me.role:
        return me
    return Actor(named.name, r, user=me.name)
