"""Request bodies within bounds: a size limit (413) and a nesting limit for JSON (422).

A pure ASGI middleware, outermost, so nothing else reads a body it refuses. A body
announced larger than its route's limit (``Content-Length``) is refused before a
byte of it is read; one sent in chunks is read up to the limit and refused once it
passes it. JSON bodies (and bodies without a content type, which FastAPI reads as
JSON) are refused when nested deeper than the limit, before any parser recurses
into them. Refusals carry the one error shape (``server/errors.py``), name the body,
and close the connection (the rest of an unread body must not be taken for the
next request).
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from itertools import accumulate
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from pledge.server.errors import error_body

MB: Final = 1024 * 1024

# A JSON string, escapes included: taken out before brackets are counted.
_STRING: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
# Brackets to +1 / -1 (as signed bytes); every other byte is deleted.
_OPENING, _CLOSING = b"[{", b"]}"
_STEPS: Final = bytes.maketrans(_OPENING + _CLOSING, b"\x01\x01\xff\xff")
_OTHERS: Final = bytes(b for b in range(256) if b not in _OPENING + _CLOSING)


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in ``body`` (0 for a scalar), without parsing
    it: brackets inside strings do not count. Linear in the body's length."""
    steps = _STRING.sub(b'""', body).translate(_STEPS, _OTHERS)
    return max(accumulate(array("b", steps)), default=0)


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """The limits: ``default`` bytes for any body, ``larger`` for the paths listed (an
    article sent to ingest), ``json_depth`` levels of nesting."""

    default: int = 2 * MB
    larger: Mapping[str, int] = field(default_factory=dict)
    json_depth: int = 32

    def for_path(self, path: str) -> int:
        return self.larger.get(path.rstrip("/") or "/", self.default)


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # FastAPI reads a body without a content type as JSON
    header = Message()
    header["content-type"] = content_type
    kind = header.get_content_type()
    return kind == "application/json" or (kind.startswith("application/")
                                           and kind.endswith("+json"))


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message, "body")).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class LimitBodies:
    """The middleware: ``LimitBodies(app, BodyLimits(...))``."""

    def __init__(self, app: ASGIApp, limits: BodyLimits | None = None) -> None:
        self.app = app
        self.limits = limits or BodyLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        too_large = f"the request body is larger than {_size(limit)}"
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, "input.too_large", too_large)
            return
        chunks: list[bytes] = []
        size = 0
        first: AsgiMessage | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                first = message
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(send, 413, "input.too_large", too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = headers.get(b"content-type")
        if body and _is_json(content_type.decode("latin-1") if content_type else None):
            depth = json_depth(body)
            if depth > self.limits.json_depth:
                await _refuse(send, 422, "input.too_deep",
                              f"the JSON body nests {depth} levels deep; at most "
                              f"{self.limits.json_depth} are accepted")
                return
        await self.app(scope, _replay(body, first, receive), send)


def _replay(body: bytes, first: AsgiMessage | None, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then whatever comes next."""
    pending: list[AsgiMessage] = [first] if first is not None else [
        {"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> AsgiMessage:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


def _size(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB else f"{n} bytes"
