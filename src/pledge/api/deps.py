"""Dependencies declared once: settings, the engine, and who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from pledge.domain.access import Action, authorize
from pledge.services.base import Actor
from pledge.services.users import actor_for_token


@dataclass(frozen=True, slots=True)
class Settings:
    """What one running server was started with."""

    database_url: str
    public_read: bool = False
    secret_key: str = ""


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_actor(request: Request, engine: Annotated[Engine, Depends(get_engine)]) -> Actor | None:
    """The user behind a bearer token or the page session, or None (anonymous)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return actor_for_token(engine, header[7:].strip())
    session = request.scope.get("session")
    if session and session.get("user") and session.get("role"):
        from pledge.domain.lifecycle import Role
        return Actor(str(session["user"]), Role(str(session["role"])))
    return None


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
MaybeActor = Annotated[Actor | None, Depends(get_actor)]


def require(action: Action):  # type: ignore[no-untyped-def]
    """A dependency that lets the request through only for roles the matrix allows."""

    def dependency(actor: MaybeActor, settings: SettingsDep) -> Actor | None:
        authorize(None if actor is None else actor.role, action,
                  public_read=settings.public_read)
        return actor

    return Depends(dependency)


def require_actor(action: Action):  # type: ignore[no-untyped-def]
    """Like ``require`` but for changes: an identity is always needed."""

    def dependency(actor: MaybeActor) -> Actor:
        authorize(None if actor is None else actor.role, action)
        assert actor is not None
        return actor

    return Depends(dependency)
