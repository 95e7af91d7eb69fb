"""The one place errors become pages: a visitor who must log in is sent there; others see why."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from pledge.server.deps import page_session
from pledge.web.auth import login_url

HEADINGS = {400: "That did not work", 401: "Please log in", 403: "Not allowed",
            404: "Not found", 405: "Not allowed", 409: "Refused by the rules",
            422: "That did not work", 429: "Too many attempts"}


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
        "user": user, "status": status, "heading": HEADINGS.get(status, "Something went wrong"),
        "message": message, "code": code, "field": field, "value": value}, status=status)
