"""What a serving process does before it answers: the engines compiled, and the trivial
endpoint that says it serves.

No request compiles: the application's startup compiles (or loads from the cache
``pledge init`` filled) every engine signature first and completes only when that is
done; the server reports ready and accepts connections after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from pledge.services import apart
from pledge.services.simulation import warm_engines

log = logging.getLogger(__name__)


def warm_on_startup(app: FastAPI, *pages: Callable[[], Any]) -> None:
    """Compile the engines when ``app`` starts, before whatever else its lifespan does;
    ``app.state.engines`` then says what was compiled (kernel name -> signature count).
    ``pages``: what else warms the first request (the pages' templates compiled, a
    project read once so its queries are compiled), run after the engines; one that
    fails is logged and startup goes on (the first request then does that work)."""
    app.state.engines = {}
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        started = time.perf_counter()
        # On the main thread, before anything else starts: numba's parallel engines load
        # their threading layer on first use, and a worker process loading it from
        # another thread was seen to hang there.
        app.state.engines = warm_engines()
        log.info("engines ready in %.1f s: %s", time.perf_counter() - started,
                 app.state.engines)
        for warm in pages:
            try:
                warm()
            except Exception:  # a warm-up is an optimisation: never a reason not to serve
                log.exception("warming %r failed", warm)
        async with inner(a) as state:
            yield state

    app.router.lifespan_context = lifespan


def compute_apart(app: FastAPI) -> None:
    """While ``app`` serves, what its pages compute in the background (a project's outlook)
    is computed by a separate process at the lowest CPU priority (``services.apart``),
    which loads the engines as the app starts and ends as it stops."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        apart.start()
        apart.prepare(warm_engines)
        try:
            async with inner(a) as state:
                yield state
        finally:
            apart.stop()

    app.router.lifespan_context = lifespan


class Ping(BaseModel):
    """The smallest answer: the process serves (its startup, engine warm-up included, is
    complete)."""

    status: str


def ping() -> Ping:
    return Ping(status="ok")


def add_ping(app: FastAPI, path: str = "/api/v1/ping",
             responses: dict[int | str, dict[str, Any]] | None = None) -> None:
    """A trivial endpoint, no login: for readiness checks and as the bench's baseline;
    ``responses``: the error statuses it may answer, as every operation documents them."""
    app.add_api_route(path, ping, methods=["GET"], response_model=Ping, tags=["meta"],
                      name="ping", summary="The process serves: its startup is complete",
                      responses=responses)
