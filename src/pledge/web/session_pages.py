"""The pages' files and sessions: plotly.js and the static files, logging in and out."""

from __future__ import annotations

from importlib.resources import files
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from pledge.domain.errors import NotFound, TooManyRequests
from pledge.server.deps import EngineDep, SettingsDep
from pledge.services import sessions as sessions_svc
from pledge.web.auth import (
    PageActor,
    check_csrf,
    client_address,
    end_session,
    safe_next,
    start_session,
)
from pledge.web.common import router
from pledge.web.i18n import _
from pledge.web.templating import render


def _static(name: str) -> Any:
    return files("pledge.web") / "static" / name


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package: no CDN, works offline."""
    path = files("plotly") / "package_data" / "plotly.min.js"
    return FileResponse(str(path), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


_STATIC = {"app.css": "text/css", "app.js": "text/javascript", "favicon.svg": "image/svg+xml"}


@router.get("/static/{name}")
def static(name: str) -> Response:
    media = _STATIC.get(name)
    if media is None:
        raise NotFound.single("name", name, "web.not_found", _("no such file"))
    return FileResponse(str(_static(name)), media_type=media,
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Where browsers (and Swagger UI) look for the site's icon: the same drawing."""
    return static("favicon.svg")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, actor: PageActor, next: str = "/") -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, engine: EngineDep, settings: SettingsDep,
          name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    check_csrf(request, csrf_token)
    try:
        new = sessions_svc.log_in(engine, name, password, client_address(request),
                                  limits=settings.login_limits, times=settings.session_times)
    except TooManyRequests as exc:
        page = render(request, "login.html", {"next": safe_next(next), "name": name,
                                              "error": exc.first.message[:1].upper()
                                              + exc.first.message[1:] + "."}, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if new is None:
        return render(request, "login.html", {"next": safe_next(next), "name": name,
                                              "error": _("Unknown name or wrong password.")},
                      status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, new, engine)
    return response


@router.post("/logout")
def logout(request: Request, engine: EngineDep, actor: PageActor,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    if actor is not None:  # a session already ended needs no token to be left
        check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response, engine)
    return response
