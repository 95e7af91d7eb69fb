"""The application: the API under /api/v1 (and, later, the pages), one error shape."""

from __future__ import annotations

import secrets

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from pledge import __version__
from pledge.api import errors, routes_frameworks, routes_projects
from pledge.api.deps import Settings
from pledge.store.db import make_engine, resolve_url


def _operation_id(route: APIRoute) -> str:
    """Stable operation ids: tag, then the function's name (``projects-list_projects``)."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(database_url: str | None = None, *, public_read: bool = False,
               secret_key: str | None = None) -> FastAPI:
    """An application serving one database (settings are passed in, never read at import)."""
    url = resolve_url(database_url)
    app = FastAPI(title="pledge", version=__version__,
                  description="Run and model government-to-government strategic investment "
                              "programmes.",
                  generate_unique_id_function=_operation_id)
    app.state.settings = Settings(url, public_read, secret_key or secrets.token_hex(32))
    app.state.engine = make_engine(url)
    errors.install(app)
    app.include_router(routes_frameworks.router, prefix="/api/v1")
    app.include_router(routes_projects.router, prefix="/api/v1")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
