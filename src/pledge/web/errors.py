"""The one place errors become pages: a visitor who must log in is sent there; others see why."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from pledge.server.deps import page_session
from pledge.web.auth import login_url
from pledge.web.i18n import N_, _

HEADINGS = {400: N_("That did not work"), 401: N_("Please log in"), 403: N_("Not allowed"),
            404: N_("Not found"), 405: N_("Not allowed"), 409: N_("Refused by the rules"),
            422: N_("That did not work"), 429: N_("Too many attempts")}
OTHER = N_("Something went wrong")


def wants_page(request: Request) -> bool:
    """Pages are everything outside the API and its documents."""
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/openapi.json", "/docs")
                or path.startswith("/docs-assets/"))


def error_page(request: Request, status: int, code: str, message: str,
               field: str | None = None, value: str | None = None) -> Response:
    if status == 401:
        return RedirectResponse(login_url(request), status_code=303)
    from pledge.web.templating import render

    found = page_session(request)
    user = None if found is None else found.actor
    return render(request, "error.html", {
        "user": user, "status": status, "heading": _(HEADINGS.get(status, OTHER)),
        "message": message, "code": code, "field": field, "value": value}, status=status)
