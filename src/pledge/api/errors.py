"""The one place domain errors become HTTP responses: ``{"error": {"code", "message", "field"}}``.

Status codes: 400 bad input, 401 no identity, 403 a role that may not, 404 not
found, 409 a rule or the current state forbids it, 422 a request that does not
match the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pledge.domain.access import Forbidden, Unauthorized
from pledge.domain.errors import Conflict, InvalidInput, NotFound, PledgeError, RuleViolation
from pledge.services.idempotency import REPLAYED_HEADER, is_replay

ROLE_RULES = ("role_not_allowed", "wrong_side")


def status_for(exc: PledgeError) -> int:
    if isinstance(exc, Unauthorized):
        return 401
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
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


def pledge_error_response(exc: PledgeError) -> JSONResponse:
    p = exc.first
    problems = [{"code": q.rule, "message": q.message, "field": q.field, "value": str(q.value)}
                for q in exc.problems]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else {}
    if is_replay(exc):  # a refusal recorded under an Idempotency-Key, answered again
        headers[REPLAYED_HEADER] = "true"
    return JSONResponse(error_body(p.rule, p.message, p.field, problems),
                        status_code=status_for(exc), headers=headers or None)


PageRenderer = Callable[[Request, int, str, str, str | None, str | None], Response]


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
            return page(request, status_for(exc), p.rule, p.message, p.field, str(p.value))
        return pledge_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {"loc": [], "msg": "invalid request"}
        field = ".".join(str(x) for x in first.get("loc", []) if x not in ("body", "query"))
        if as_page(request):
            assert page is not None
            return page(request, 422, "request.invalid", str(first.get("msg")), field or None,
                        None)
        problems = [{"code": "request.invalid", "message": e.get("msg", ""),
                     "field": ".".join(str(x) for x in e.get("loc", []))} for e in errs]
        return JSONResponse(error_body("request.invalid", str(first.get("msg")), field or None,
                                       problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "http.not_found", 405: "http.method_not_allowed",
                401: "auth.required"}.get(exc.status_code, "http.error")
        if as_page(request):
            assert page is not None
            return page(request, exc.status_code, code, str(exc.detail), None, None)
        return JSONResponse(error_body(code, str(exc.detail), None),
                            status_code=exc.status_code)
