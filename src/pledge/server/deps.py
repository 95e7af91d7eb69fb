"""Dependencies declared once: settings, the engine, who is asking, and the job runner.

Reads are authorised here (``require``: their services take no actor); changes
only need an identity (``require_actor``) and their services check the role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy import Engine

from pledge.domain.access import Action, Unauthorized, authorize
from pledge.domain.credentials import LoginLimits, SessionTimes
from pledge.domain.errors import Problem
from pledge.services.base import Actor, now
from pledge.services.idempotency import DEFAULT_RETENTION, DEFAULT_WAIT
from pledge.services.jobs import JobRunner
from pledge.services.sessions import PageSession, session_for, touch_session
from pledge.services.users import expired_token, token_use, touch_token
from pledge.settings import MAX_BODY, MAX_INGEST_BODY

SESSION_COOKIE = "pledge_session"  # the page session's random key, nothing else
_PAGE_SESSION = "pledge.page_session"  # where one request keeps the session it looked up


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What one running server was started with (built from ``pledge.settings.Settings``
    by the application factory; the requests read it, never the environment).

    ``secure_cookies``: mark cookies Secure even when the request came over plain HTTP
    (they are always Secure when it came over HTTPS). ``trust_proxy``: the server sits
    behind one reverse proxy whose ``X-Forwarded-Proto`` and ``X-Forwarded-For`` give the
    scheme and the client's address.
    max_body / max_ingest_body: the largest request body accepted, in bytes (an article
    sent to ``/ingest`` may be larger than any other request); beyond it, 413.
    idempotency_keep / idempotency_wait: how long idempotency keys are kept, and how many
    seconds a request waits for another holding its key. news_gazetteer: a file merged
    over the shipped gazetteer when an article is read.
    """

    database_url: str
    public_read: bool = False
    secret_key: str = ""
    secure_cookies: bool = False
    trust_proxy: bool = False
    session_times: SessionTimes = field(default_factory=SessionTimes)
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    max_body: int = MAX_BODY
    max_ingest_body: int = MAX_INGEST_BODY
    idempotency_keep: timedelta = DEFAULT_RETENTION
    idempotency_wait: float = DEFAULT_WAIT
    news_gazetteer: str | None = None


# Dependencies are ``async``: they run on the event loop instead of a worker thread. The
# lookups they make are short reads (a token, a name) that never wait for a writer.


async def get_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def page_session(request: Request) -> PageSession | None:
    """The live page session the request's cookie opens, looked up once per request."""
    if _PAGE_SESSION not in request.scope:
        key = request.cookies.get(SESSION_COOKIE)
        settings: ServerSettings = request.app.state.settings
        request.scope[_PAGE_SESSION] = session_for(
            request.app.state.engine, key, times=settings.session_times) if key else None
    found: PageSession | None = request.scope[_PAGE_SESSION]
    return found


def forget_page_session(request: Request, replacement: PageSession | None = None) -> None:
    """After a login or logout: what the rest of this request sees."""
    request.scope[_PAGE_SESSION] = replacement


def note_page_use(request: Request, found: PageSession, background: BackgroundTasks) -> None:
    """Move the session's last-seen time forward after the answer is sent (at most once a
    minute, so reading pages does not mean a write per request)."""
    if found.touch_due:
        background.add_task(touch_session, request.app.state.engine, found.id)


async def get_actor(request: Request, engine: Annotated[Engine, Depends(get_engine)],
                    background: BackgroundTasks) -> Actor | None:
    """The user behind a bearer token, or None (anonymous).

    An expired token is refused (401, ``auth.token_expired``); a token's last use is
    written after the answer, at most once a minute. A logged-in page session also counts
    for reading (GET, HEAD), so the pages' export links work; a change through the API
    always needs a token, since API requests carry no CSRF token.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        use = token_use(engine, header[7:].strip())
        if use is None:
            return None
        if use.expired(now()):
            raise expired_token(use)
        if use.touch_due:
            background.add_task(touch_token, engine, use.token_id)
        return use.actor
    if request.method in ("GET", "HEAD"):
        found = page_session(request)
        if found is not None:
            note_page_use(request, found, background)
            return found.actor
    return None


SettingsDep = Annotated[ServerSettings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
MaybeActor = Annotated[Actor | None, Depends(get_actor)]


def require(action: Action):  # type: ignore[no-untyped-def]  # Depends() is untyped
    """A dependency that lets the request through only for roles the matrix allows."""

    async def dependency(actor: MaybeActor, settings: SettingsDep) -> Actor | None:
        authorize(None if actor is None else actor.role, action,
                  public_read=settings.public_read)
        return actor

    return Depends(dependency)


def require_actor(action: Action | None = None):  # type: ignore[no-untyped-def]  # Depends() is untyped
    """For changes: the request must come from someone (401 otherwise).

    Whether their role may do it is not checked here: every service that changes
    data checks the role matrix itself (``services.base.permit``), once, for every
    edge alike. ``action`` only names, for the reader of a route, the action its
    service checks.
    """

    async def dependency(actor: MaybeActor) -> Actor:
        if actor is None:
            raise Unauthorized([Problem("authorization", "anonymous", "auth.required",
                                        "log in or send a bearer token")])
        return actor

    return Depends(dependency)


def get_jobs(request: Request) -> JobRunner:
    """The application's job runner (see ``routes_jobs.install``)."""
    runner: JobRunner = request.app.state.jobs
    return runner


JobsDep = Annotated[JobRunner, Depends(get_jobs)]
