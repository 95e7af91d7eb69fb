"""The interactive API documentation, ``/docs`` (Swagger UI), from the files the installed
``fastapi-offline`` package ships, so it works with no network (no CDN is named).

FastAPI's own pages are switched off (they load their scripts from a CDN). ReDoc is not
offered: its build draws its logo from its maker's site. The page starts Swagger UI with
one inline script, which the documentation's policy allows by its hash
(``server.headers``).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Final

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from pledge.domain.errors import NotFound

DOCS_PATH: Final = "/docs"
ASSETS_PATH: Final = "/docs-assets"
# What the pages load; nothing else is served from there.
_ASSETS: Final = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}


def install_docs(app: FastAPI) -> None:
    """Add ``/docs`` and the files it loads to ``app`` (made with ``docs_url=None,
    redoc_url=None``)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_PATH, include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url="/favicon.ico")

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        media = _ASSETS.get(name)
        if media is None:
            raise NotFound.single("name", name, "web.not_found", "no such file")
        return FileResponse(str(files(fastapi_offline) / "static" / name), media_type=media,
                            headers={"Cache-Control": "public, max-age=86400"})
