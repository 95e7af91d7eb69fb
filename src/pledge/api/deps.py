"""Dependencies declared once: settings, the engine, who is asking, and the job runner.

Reads are authorised here (``require``: their services take no actor); changes
only need an identity (``require_actor``) and their services check the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from pledge.domain.access import Action, Unauthorized, authorize
from pledge.domain.errors import Problem
from pledge.services.base import Actor
from pledge.services.jobs import JobRunner
from pledge.services.users import actor_for_name, actor_for_token


@dataclass(frozen=True, slots=True)
class Settings:
    """What one running server was started with.

    max_body / max_ingest_body: the largest request body accepted, in bytes (an article
    sent to ``/ingest`` may be larger than any other request); beyond it, 413.
    """

    database_url: str
    public_read: bool = False
    secret_key: str = ""
    max_body: int = 2 * 1024 * 1024
    max_ingest_body: int = 10 * 1024 * 1024


# Dependencies are ``async``: they run on the event loop instead of a worker thread. The
# lookups they make are short reads (a token, a name) that never wait for a writer.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_actor(request: Request,
                    engine: Annotated[Engine, Depends(get_engine)]) -> Actor | None:
    """The user behind a bearer token, or None (anonymous).

    A logged-in page session also counts for reading (GET, HEAD), so the pages' export
    links work; a change through the API always needs a token, since API requests carry
    no CSRF token.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return actor_for_token(engine, header[7:].strip())
    session = request.scope.get("session")
    name = session.get("user") if session else None
    if isinstance(name, str) and request.method in ("GET", "HEAD"):
        return actor_for_name(engine, name)
    return None


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
MaybeActor = Annotated[Actor | None, Depends(get_actor)]


def require(action: Action):  # type: ignore[no-untyped-def]
    """A dependency that lets the request through only for roles the matrix allows."""

    async def dependency(actor: MaybeActor, settings: SettingsDep) -> Actor | None:
        authorize(None if actor is None else actor.role, action,
                  public_read=settings.public_read)
        return actor

    return Depends(dependency)


def require_actor(action: Action | None = None):  # type: ignore[no-untyped-def]
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
