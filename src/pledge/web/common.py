"""What the pages share: their one router (each page module adds its pages to it), the
page size, how soon a deadline is urgent, the frameworks to choose from, and ``act``,
which runs one form's change once and comes back with what happened."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from pledge.domain.errors import PledgeError
from pledge.server.idempotency import Once
from pledge.services import frameworks as fw_svc
from pledge.services.base import Actor
from pledge.web.auth import check_csrf, flash
from pledge.web.i18n import _
from pledge.web.templating import URGENT_DAYS as URGENT_DAYS
from pledge.web.templating import usd as _usd

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def framework_list(engine: Any) -> list[Any]:
    """The frameworks a page lets its reader choose from."""
    return list(fw_svc.list_frameworks(engine))


def act(request: Request, project_id: int, csrf: str, actor: Actor | None,
        do: Callable[[Actor], str], once: Once, back: str | None = None) -> Response:
    """Run one form's change, once per rendered form (its one-time key: a form sent twice
    is applied once); come back (to the project, or to ``back``) with what happened."""
    back = back or f"/projects/{project_id}"
    if actor is None:  # no session (or it ended): log in first, nothing is done
        return RedirectResponse(f"/login?next={back}", status_code=303)
    check_csrf(request, csrf)
    try:
        message = once(actor, lambda: do(actor))
        flash(request, "ok", _("Already done: %(message)s") % {"message": message}
              if once.replayed else message)
    except PledgeError as exc:
        flash(request, "error", "; ".join(f"{q.message} ({q.field}: {q.value})"
                                          for q in exc.problems))
    return RedirectResponse(back, status_code=303)


def usd_full(value: Decimal) -> str:
    """US dollars to the cent, as a statement writes them."""
    return _usd(value, full=True)


def source_list(text: str) -> list[str]:
    """A form's sources: one per word (URLs have no spaces)."""
    return [s.strip() for s in text.split() if s.strip()]

