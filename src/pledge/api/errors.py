"""The one place domain errors become HTTP responses: ``{"error": {"code", "message", "field"}}``.

Status codes: 400 bad input, 401 no identity, 403 a role that may not, 404 not
found, 409 a rule or the current state forbids it, 422 a request that does not
match the schema.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pledge.domain.access import Forbidden, Unauthorized
from pledge.domain.errors import Conflict, InvalidInput, NotFound, PledgeError, RuleViolation

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
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(error_body(p.rule, p.message, p.field, problems),
                        status_code=status_for(exc), headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(PledgeError)
    async def _pledge(_: Request, exc: PledgeError) -> JSONResponse:
        return pledge_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        first = errs[0] if errs else {"loc": [], "msg": "invalid request"}
        field = ".".join(str(x) for x in first.get("loc", []) if x not in ("body", "query"))
        problems = [{"code": "request.invalid", "message": e.get("msg", ""),
                     "field": ".".join(str(x) for x in e.get("loc", []))} for e in errs]
        return JSONResponse(error_body("request.invalid", str(first.get("msg")), field or None,
                                       problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "http.not_found", 405: "http.method_not_allowed",
                401: "auth.required"}.get(exc.status_code, "http.error")
        return JSONResponse(error_body(code, str(exc.detail), None),
                            status_code=exc.status_code)
