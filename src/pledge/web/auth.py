"""Page sessions: who is logged in, the CSRF token every form carries, login and logout.

A logged-in browser holds one cookie, ``pledge_session``, with a random key; the
server keeps the session (``services.sessions``: the user, the CSRF token, when it
ends), so logging out, a password change or revoking the user ends it at once,
and a copy of the cookie taken earlier opens nothing. The role is read from the
database on each request.

A second, signed cookie (``pledge_flash``, Starlette's session middleware) carries
only what is not worth keeping on the server: the one-time message shown after a
form, and the CSRF token of the login form before anyone has logged in.

Both cookies are HttpOnly and SameSite=Lax, and Secure when the request came over
HTTPS (behind a trusted proxy: when it says so) or when the server is told to
always mark them so.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import BackgroundTasks, Depends, Request
from fastapi.responses import Response
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from pledge.domain.access import Action, authorize
from pledge.domain.errors import InvalidInput
from pledge.server.deps import (
    SESSION_COOKIE,
    EngineDep,
    ServerSettings,
    SettingsDep,
    forget_page_session,
    note_page_use,
    page_session,
)
from pledge.services.base import Actor
from pledge.services.sessions import NewSession, log_out
from pledge.web.i18n import _

FLASH_COOKIE = "pledge_flash"


def cookies_secure(request: Request) -> bool:
    settings: ServerSettings = request.app.state.settings
    return settings.secure_cookies or request.url.scheme == "https"


class FlashCookies:
    """Starlette's signed-cookie session for the one-time messages and the login form's
    token, with the Secure flag decided per request (two configured middlewares, one
    chosen by the request's scheme)."""

    def __init__(self, app: ASGIApp, secret_key: str, max_age: int,
                 always_secure: bool = False) -> None:
        def make(secure: bool) -> SessionMiddleware:
            return SessionMiddleware(app, secret_key=secret_key, session_cookie=FLASH_COOKIE,
                                     max_age=max_age, same_site="lax", https_only=secure)

        self.app = app
        self.plain = make(always_secure)
        self.secure = make(True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") in ("https", "wss")
        await (self.secure if secure else self.plain)(scope, receive, send)


def csrf_token(request: Request) -> str:
    """The token this visitor's forms carry: the session's, or (before login) one kept in
    the signed cookie, made on first use."""
    found = page_session(request)
    if found is not None:
        return found.csrf_token
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a form whose token is missing or is not this visitor's."""
    found = page_session(request)
    expected = found.csrf_token if found is not None else request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not secrets.compare_digest(sent, expected):
        raise InvalidInput.single("csrf_token", "(missing or stale)", "web.csrf",
                                  _("the form is out of date or not from this site: reload "
                                    "the page and try again"))


async def page_actor(request: Request, background: BackgroundTasks) -> Actor | None:
    """The logged-in user, or None (no session, or it ended, expired or was revoked)."""
    found = page_session(request)
    if found is None:
        return None
    note_page_use(request, found, background)
    return found.actor


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


def client_address(request: Request) -> str:
    """The address a request came from (behind a trusted proxy: the one it names)."""
    return request.client.host if request.client is not None else "unknown"


def start_session(request: Request, response: Response, new: NewSession,
                  engine: EngineDep) -> None:
    """Give the browser the new session's key (a session it held before ends)."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        log_out(engine, old)
    request.session.clear()  # the login form's token and any message: nothing carried over
    settings: ServerSettings = request.app.state.settings
    response.set_cookie(SESSION_COOKIE, new.key,
                        max_age=int(settings.session_times.absolute.total_seconds()),
                        path="/", secure=cookies_secure(request), httponly=True,
                        samesite="lax")
    forget_page_session(request, new.session)


def end_session(request: Request, response: Response, engine: EngineDep) -> None:
    """End the session on the server and drop the browser's cookie."""
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        log_out(engine, key)
    request.session.clear()
    response.delete_cookie(SESSION_COOKIE, path="/", secure=cookies_secure(request),
                           httponly=True, samesite="lax")
    forget_page_session(request)


def flash(request: Request, kind: str, message: str) -> None:
    """A message shown once on the next page (kind: ok or error)."""
    request.session["flash"] = {"kind": kind, "message": message}


def pop_flash(request: Request) -> dict[str, str] | None:
    value = request.session.pop("flash", None)
    return value if isinstance(value, dict) else None
