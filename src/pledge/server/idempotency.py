"""``Idempotency-Key`` on every API request that changes data, and the pages' one-time keys.

A route that changes data takes a ``Once`` (``OnceDep``: the header, the request's
method, path, query and body, the route's status) and wraps its service call in it::

    return once(actor, lambda: record(svc.change(engine, ..., actor)))

The first request with a key runs the change and records its answer in the same
transaction (``services.idempotency``); the same key and request again get that answer
(same status and body) with ``Idempotent-Replayed: true``, and change nothing; the same key
with another request is 409 ``idempotency.key_reused``; a malformed key is 400
``idempotency.bad_key``. Without the header the change simply runs. The answer is built
inside the change's transaction, so what the wrapped call returns must be computed from
the service's result (or through services that join the open unit of work), never from
a separate read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput
from pledge.server.deps import EngineDep, ServerSettings, SettingsDep
from pledge.server.errors import status_for
from pledge.services import idempotency as idem
from pledge.services.base import Actor

R = TypeVar("R")

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"


class Once:
    """One request's key (if any) and what identifies the request."""

    def __init__(self, engine: Engine, key: str | None, field: str, request: str, body: Any,
                 status: int, response: Response | None = None, *,
                 settings: ServerSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or ServerSettings("")
        self.key = key
        self.field = field
        self.request = request
        self.body = body
        self.status = status
        self.response = response
        self.replayed = False

    def __call__(self, actor: Actor, work: Callable[[], R]) -> R:
        """Run ``work`` (returning the JSON answer) once for this key; answer the recorded
        result when the key was used before for the same request (the same JSON, read
        back)."""
        claim = None if self.key is None else idem.claim(actor.name, self.key, self.request,
                                                         self.body, field=self.field)
        out = idem.once(self.engine, claim, work, _as_is, status=self.status,
                        refused=status_for, keep=self.settings.idempotency_keep,
                        wait=self.settings.idempotency_wait)
        self.replayed = out.replayed
        if out.replayed and self.response is not None:
            self.response.status_code = out.status
            self.response.headers[idem.REPLAYED_HEADER] = "true"
        document: R = out.document
        return document


def _as_is(document: Any) -> Any:
    return document


def _body(request: Request, raw: bytes) -> dict[str, Any]:
    """What identifies a request besides its method and path: the query (in order of
    name), the content type and the body (JSON compared in canonical form)."""
    return {"query": sorted(request.query_params.multi_items()),
            "type": request.headers.get("content-type", "").strip().lower(),
            "body": idem.body_value(raw)}


async def api_once(request: Request, response: Response, engine: EngineDep,
                   settings: SettingsDep,
                   idempotency_key: Annotated[str | None, Header(
                       alias=HEADER, description=(
                           "A key of your own (1 to 255 printable ASCII characters, e.g. a "
                           "random UUID) that makes a retry safe: the same key and request "
                           "again answer the first result, a refusal included (with "
                           "`Idempotent-Replayed: true`), and change nothing; the same key "
                           "with another request is 409 `idempotency.key_reused`. Keys are "
                           "per user and kept for 24 hours by default."))
                   ] = None) -> Once:
    if len(request.headers.getlist(HEADER)) > 1:
        raise InvalidInput.single(HEADER, "(several)", "idempotency.bad_key",
                                  "send one Idempotency-Key header")
    route = request.scope.get("route")
    status = getattr(route, "status_code", None) or 200
    body = None if idempotency_key is None else _body(request, await request.body())
    return Once(engine, idempotency_key, HEADER, f"{request.method} {request.url.path}",
                body, int(status), response, settings=settings)


async def page_once(request: Request, engine: EngineDep, settings: SettingsDep) -> Once:
    """A page form's one-time key (the hidden ``idempotency_key`` field every form
    carries), so a form submitted twice is applied once."""
    form = await request.form()
    key = form.get(FORM_FIELD)
    fields = sorted((k, str(v)) for k, v in form.multi_items()
                    if k not in (FORM_FIELD, "csrf_token"))
    return Once(engine, key if isinstance(key, str) and key else None, FORM_FIELD,
                f"{request.method} {request.url.path}", fields, 303, settings=settings)


def form_key() -> str:
    """A fresh one-time key for a rendered form."""
    return uuid.uuid4().hex


OnceDep = Annotated[Once, Depends(api_once)]
PageOnce = Annotated[Once, Depends(page_once)]
