"""The application: the API under /api/v1 and the pages, one error shape per surface.

The one module that knows both the API (``pledge.api``) and the pages (``pledge.web``);
what they share lies below them in ``pledge.server``."""

from __future__ import annotations

import gc
import secrets
from dataclasses import replace
from datetime import timedelta

from fastapi import FastAPI
from fastapi.routing import APIRoute

from pledge import __version__
from pledge.api import (
    routes_audit,
    routes_books,
    routes_exports,
    routes_frameworks,
    routes_jobs,
    routes_priorities,
    routes_projects,
    routes_review,
)
from pledge.server import errors
from pledge.server.deps import ServerSettings
from pledge.server.docs import install_docs
from pledge.server.headers import PledgeAPI
from pledge.server.limits import BodyLimits, LimitBodies
from pledge.server.proxy import ForwardedByProxy
from pledge.server.reads import OneVersionPerRead
from pledge.server.startup import add_ping, compute_apart, warm_on_startup
from pledge.settings import Settings, read
from pledge.store.db import make_engine, resolve_url
from pledge.web import pages
from pledge.web.auth import FlashCookies
from pledge.web.errors import error_page, wants_page
from pledge.web.i18n import Language

# The routes that take a whole article: their bodies may be larger than any other's.
INGEST_PATHS = ("/api/v1/ingest", "/review/ingest")


def _operation_id(route: APIRoute) -> str:
    """Stable operation ids: tag, then the function's name (``projects-list_projects``)."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(database_url: str | None = None, *, public_read: bool = False,
               secret_key: str | None = None, secure_cookies: bool = False,
               trust_proxy: bool = False, max_body: int | None = None,
               max_ingest_body: int | None = None, idempotency_keep: timedelta | None = None,
               idempotency_wait: float | None = None,
               news_gazetteer: str | None = None, background_apart: bool = False) -> FastAPI:
    """An application serving one database (settings are passed in, never read here).

    ``secure_cookies``: cookies are Secure even over plain HTTP (they always are over
    HTTPS); ``trust_proxy``: take the scheme and client address from the one reverse
    proxy in front (``X-Forwarded-Proto``, ``X-Forwarded-For``); ``max_body`` and
    ``max_ingest_body``: the largest request bodies accepted, in bytes;
    ``idempotency_keep`` and ``idempotency_wait``: how long idempotency keys are kept and
    how long a request waits for another holding its key; ``news_gazetteer``: a file
    merged over the shipped gazetteer when an article is read; ``background_apart``: what the
    pages compute in the background runs in a separate low-priority process (a server's
    choice: ``app_from_settings``). What is not given keeps
    its default (``pledge.settings.Settings`` describes each)."""
    url = resolve_url(database_url)
    app = PledgeAPI(title="pledge", version=__version__,
                    description="Run and model government-to-government strategic "
                                "investment programmes.",
                    generate_unique_id_function=_operation_id,
                    docs_url=None, redoc_url=None)  # /docs is served offline: server.docs
    settings = ServerSettings(url, public_read, secret_key or secrets.token_hex(32),
                              secure_cookies=secure_cookies, trust_proxy=trust_proxy,
                              news_gazetteer=news_gazetteer)
    if max_body is not None:
        settings = replace(settings, max_body=max_body)
    if max_ingest_body is not None:
        settings = replace(settings, max_ingest_body=max_ingest_body)
    if idempotency_keep is not None:
        settings = replace(settings, idempotency_keep=idempotency_keep)
    if idempotency_wait is not None:
        settings = replace(settings, idempotency_wait=idempotency_wait)
    app.state.settings = settings
    app.state.engine = make_engine(url)
    app.add_middleware(OneVersionPerRead)  # innermost: a GET's views share one data version
    app.add_middleware(FlashCookies, secret_key=settings.secret_key,
                       max_age=int(settings.session_times.absolute.total_seconds()),
                       always_secure=secure_cookies)
    app.add_middleware(Language)  # each request's language: request.state.lang
    if trust_proxy:  # added late: runs early, so everything after sees the client's view
        app.add_middleware(ForwardedByProxy)
    # Outermost: a body too large or too deeply nested is refused before anything reads it.
    app.add_middleware(LimitBodies, limits=BodyLimits(settings.max_body, {
        path: settings.max_ingest_body for path in INGEST_PATHS}))
    errors.install(app, page=error_page, wants_page=wants_page)
    # Every API operation publishes the error statuses it may answer, in the one shape.
    for router in (routes_frameworks.router, routes_projects.router, routes_books.router,
                   routes_priorities.router, routes_jobs.router, routes_jobs.jobs_router,
                   routes_exports.router, routes_review.router, routes_audit.router):
        app.include_router(router, prefix="/api/v1", responses=errors.RESPONSES)
    if background_apart:  # inside the job runner's lifespan: stopped before it waits for jobs
        compute_apart(app)
    routes_jobs.install(app)  # the simulation job runner: started and stopped with the app
    routes_audit.install(app)  # the record is verified once when the server starts
    # no request compiles: startup completes once the engines are ready, the templates
    # compiled and one project page's reads done once
    warm_on_startup(app, lambda: pages.warm(app.state.engine))
    add_ping(app, responses=errors.RESPONSES)  # trivial: readiness checks, the bench's baseline

    install_docs(app)
    app.include_router(pages.router)
    # Everything built so far lives as long as the process: spare the collector from it.
    gc.collect()
    gc.freeze()
    return app


def app_from_settings(settings: Settings) -> FastAPI:
    """The application for ``settings`` (``pledge.settings``)."""
    return create_app(settings.database_url, public_read=settings.public_read,
                      secret_key=settings.secret_key_text,
                      secure_cookies=settings.secure_cookies,
                      trust_proxy=settings.trust_proxy, max_body=settings.max_body,
                      max_ingest_body=settings.max_ingest_body,
                      idempotency_keep=settings.idempotency_keep,
                      idempotency_wait=settings.idempotency_wait_seconds,
                      news_gazetteer=settings.news_gazetteer, background_apart=True)


def app_from_environment() -> FastAPI:
    """The application for a server process started by an import string (``pledge serve
    --workers N`` starts its processes so): its settings read once, from the PLEDGE_*
    variables (``pledge.settings``)."""
    return app_from_settings(read())
