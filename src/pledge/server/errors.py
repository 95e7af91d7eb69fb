"""The one place domain errors become HTTP responses: ``{"error": {"code", "message", "field"}}``.

Status codes: 400 bad input, 401 no identity, 403 a role that may not, 404 not
found, 409 a rule or the current state forbids it, 413 a body too large
(``server/limits.py``), 422 a request that does not match the schema, 429 too many
attempts (with Retry-After), 500 anything unexpected (code ``server.error``, with
``Connection: close``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from pledge.domain.access import Forbidden, Unauthorized
from pledge.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PledgeError,
    RuleViolation,
    TooManyRequests,
)
from pledge.services.idempotency import REPLAYED_HEADER, is_replay

ROLE_RULES = ("role_not_allowed", "wrong_side")


# The one error shape, published for every status an operation may answer with an error.

class ProblemOut(BaseModel):
    """One thing wrong with a request: the rule's code, what to do, the field at fault
    and (for a domain rule) the value given."""

    code: str
    message: str
    field: str | None = None
    value: str | None = None


class ErrorOut(BaseModel):
    """The first problem (``code``, ``message``, ``field``) and, when there are several or
    a rule named them, all of them."""

    code: str
    message: str
    field: str | None = None
    problems: list[ProblemOut] = Field(default_factory=list)


class ErrorBody(BaseModel):
    error: ErrorOut

# What every API operation may answer besides its own result, all in the one shape:
# published once for the whole API (``create_app`` gives them to each router).
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description} for status, description in (
        (400, "Bad input: the problems name each field and value"),
        (401, "No identity, or a token that is unknown or expired (WWW-Authenticate)"),
        (403, "The caller's role may not do this"),
        (404, "Not found"),
        (409, "A rule of the programme or the current state forbids it"),
        (413, "The request body is too large"),
        (422, "The request does not match the schema (or is nested too deeply)"),
        (429, "Too many attempts or too much work queued; Retry-After says when to try "
              "again"),
    )}


def status_for(exc: PledgeError) -> int:
    if isinstance(exc, Unauthorized):
        return 401
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, TooManyRequests):
        return 429
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, RuleViolation):
        return 403 if exc.first.rule.endswith(ROLE_RULES) else 409
    if isinstance(exc, InvalidInput):
        return 400
    return 400


def error_body(code: str, message: str, field: str | None,
               problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if problems:
        body["problems"] = problems
    return {"error": body}


def _printable(value: object) -> str:
    """``value`` as text that encodes as UTF-8 (an unpaired surrogate sent in JSON is
    written as its escape, not a failure to answer)."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def pledge_error_response(exc: PledgeError) -> JSONResponse:
    p = exc.first
    problems = [{"code": q.rule, "message": _printable(q.message), "field": _printable(q.field),
                 "value": _printable(q.value)} for q in exc.problems]
    headers = error_headers(exc) or {}
    if is_replay(exc):  # a refusal recorded under an Idempotency-Key, answered again
        headers[REPLAYED_HEADER] = "true"
    return JSONResponse(error_body(p.rule, _printable(p.message), _printable(p.field),
                                   problems),
                        status_code=status_for(exc), headers=headers or None)


def error_headers(exc: PledgeError) -> dict[str, str] | None:
    """What a client needs beside the body: how to authenticate, or how long to wait."""
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    return None


SERVER_ERROR = "something went wrong on the server; the error has been logged"


PageRenderer = Callable[[Request, int, str, str, str | None, str | None], Response]


def _code(error: Any) -> str:
    """A schema error's code: the domain rule when a body's validator applied one (dotted,
    like ``lifecycle.not_entry_stage``), else ``request.invalid``."""
    kind = str(error.get("type", ""))
    return kind if "." in kind else "request.invalid"


def install(app: FastAPI, page: PageRenderer | None = None,
            wants_page: Callable[[Request], bool] | None = None) -> None:
    """Install the handlers; with ``page``, requests for pages get an HTML error instead."""

    def as_page(request: Request) -> bool:
        return page is not None and wants_page is not None and wants_page(request)

    @app.exception_handler(PledgeError)
    async def _pledge(request: Request, exc: PledgeError) -> Response:
        if as_page(request):
            assert page is not None
            p = exc.first
            response = page(request, status_for(exc), p.rule, p.message, p.field,
                            str(p.value))
            if isinstance(exc, TooManyRequests):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return pledge_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {"loc": [], "msg": "invalid request"}
        field = _printable(".".join(str(x) for x in first.get("loc", [])
                                    if x not in ("body", "query")))
        if as_page(request):
            assert page is not None
            return page(request, 422, "request.invalid", str(first.get("msg")), field or None,
                        None)
        problems = [{"code": _code(e), "message": _printable(e.get("msg", "")),
                     "field": _printable(".".join(str(x) for x in e.get("loc", [])))}
                    for e in errs]
        return JSONResponse(error_body(_code(first), str(first.get("msg")), field or None,
                                       problems), status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Anything not raised on purpose: a 500 in the one shape. The server closes the
        # connection after an unhandled error, so the answer says so (Connection: close)
        # and a client does not send its next request into a closed connection.
        if as_page(request):
            assert page is not None
            try:
                response = page(request, 500, "server.error", SERVER_ERROR, None, None)
            except Exception:  # the page itself may be what fails; answer plainly then
                pass
            else:
                response.headers["Connection"] = "close"
                return response
        return JSONResponse(error_body("server.error", SERVER_ERROR, None), status_code=500,
                            headers={"Connection": "close"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "http.not_found", 405: "http.method_not_allowed",
                401: "auth.required"}.get(exc.status_code, "http.error")
        if as_page(request):
            assert page is not None
            return page(request, exc.status_code, code, str(exc.detail), None, None)
        return JSONResponse(error_body(code, str(exc.detail), None),
                            status_code=exc.status_code)
