"""Page sessions: who is logged in, the CSRF token every form carries, login and logout.

The session is a signed cookie (Starlette's SessionMiddleware, itsdangerous); it
holds the user's name and a random CSRF token, never the password. The role is
read from the database on each request, so revoking a user ends their session.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from pledge.api.deps import EngineDep, SettingsDep
from pledge.domain.access import Action, authorize
from pledge.domain.errors import InvalidInput
from pledge.services.base import Actor
from pledge.services.users import actor_for_name

SESSION_COOKIE = "pledge_session"
SESSION_MAX_AGE = 8 * 3600


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a form whose token is missing or is not this session's."""
    expected = request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not secrets.compare_digest(sent, expected):
        raise InvalidInput.single("csrf_token", "(missing or stale)", "web.csrf",
                                  "the form is out of date or not from this site: reload the "
                                  "page and try again")


async def page_actor(request: Request, engine: EngineDep) -> Actor | None:
    """The logged-in user, or None; a revoked user's session is cleared."""
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    actor = actor_for_name(engine, name)
    if actor is None:
        request.session.clear()
    return actor


PageActor = Annotated[Actor | None, Depends(page_actor)]


def need(actor: Actor | None, action: Action, settings: SettingsDep) -> None:
    """The same matrix as the API: raises Unauthorized (sent to log in) or Forbidden."""
    authorize(None if actor is None else actor.role, action, public_read=settings.public_read)


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """Only a path on this site (never another host) may follow a login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def log_in(request: Request, actor: Actor) -> None:
    """Start a fresh session for ``actor`` (a new CSRF token; nothing carried over)."""
    request.session.clear()
    request.session["user"] = actor.name
    request.session["csrf"] = secrets.token_urlsafe(32)


def flash(request: Request, kind: str, message: str) -> None:
    """A message shown once on the next page (kind: ok or error)."""
    request.session["flash"] = {"kind": kind, "message": message}


def pop_flash(request: Request) -> dict[str, str] | None:
    value = request.session.pop("flash", None)
    return value if isinstance(value, dict) else None
