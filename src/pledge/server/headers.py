"""Security headers on every response: pages, the API, static files and errors (a 500 too).

The pages run no inline script: the figures travel as ``<script type="application/json">``
data that ``/static/app.js`` draws, so the policy allows scripts from the site only.
Styles come from ``/static/app.css``; Plotly sets its styles through the CSS object
model, which a policy does not restrict, into an empty ``<style>`` element it creates (the
only inline style allowed, by the hash of the empty text), so no ``'unsafe-inline'``.

The interactive API documentation (``/docs``: ``server.docs``) is served from an
installed package and started with an inline script: that page gets a policy of its own
that allows the inline script by its hash, computed from the page as it is sent, and
inline styles (Swagger UI writes some); nothing else on the site is loosened, and no
other host is named.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from typing import Final

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Shared by every policy: no plugins, no <base> elsewhere, never framed, forms post here.
_GUARDS: Final = ("object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
                  "form-action 'self'")

# plotly.js writes its stylesheet by creating an empty <style> element and inserting the
# rules through the CSS object model, which a policy does not govern: the one inline style
# allowed is the empty one, by its hash.
EMPTY_STYLE: Final = f"'sha256-{base64.b64encode(hashlib.sha256(b'').digest()).decode()}'"

PAGE_POLICY: Final = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {EMPTY_STYLE}",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    *_GUARDS,
))

HEADERS: Final = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL)


def script_hashes(html: bytes) -> list[str]:
    """CSP sources (``'sha256-…'``) for every inline script in ``html``, in order."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
            for m in _INLINE_SCRIPT.finditer(html)]


def docs_policy(hashes: Iterable[str]) -> str:
    """The policy of the API documentation page: scripts and styles from the site, the
    page's own inline script by hash, inline styles."""
    return "; ".join((
        "default-src 'self'",
        " ".join(("script-src 'self'", *hashes)),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        *_GUARDS,
    ))


def _stamp(message: Message, policy: str) -> None:
    headers = MutableHeaders(scope=message)
    headers["Content-Security-Policy"] = policy
    for name, value in HEADERS:
        headers[name] = value


class SecurityHeaders:
    """ASGI middleware adding the headers; the outermost layer, so errors carry them too."""

    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                _stamp(message, PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, stamped)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the (small) page until it is whole, to hash its inline scripts."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def held(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                _stamp(start, docs_policy(script_hashes(body)))
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, held)


class PledgeAPI(FastAPI):
    """FastAPI with ``SecurityHeaders`` around everything, the server-error layer included
    (middleware added the usual way sits inside it and would miss a 500)."""

    def build_middleware_stack(self) -> ASGIApp:
        from pledge.server.docs import DOCS_PATH
        return SecurityHeaders(super().build_middleware_stack(), docs_paths=[DOCS_PATH])
