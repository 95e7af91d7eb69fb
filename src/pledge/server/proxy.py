"""Behind one trusted reverse proxy: the scheme and client address it forwards.

Only when the server is told it sits behind a proxy (``--trust-proxy``): the last
``X-Forwarded-Proto`` and the last ``X-Forwarded-For`` entry are the ones the
proxy itself added, so a client cannot choose its own address by sending the
header (which would let it slip past the per-address login limit). Without the
setting these headers are ignored.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def _last(value: bytes) -> str:
    return value.decode("latin-1").split(",")[-1].strip()


class ForwardedByProxy:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            proto: str | None = None
            client: str | None = None
            for name, value in scope.get("headers", []):
                if name == b"x-forwarded-proto":
                    proto = _last(value).lower()
                elif name == b"x-forwarded-for":
                    client = _last(value) or client
            if proto in ("http", "https"):
                scope["scheme"] = proto if scope["type"] == "http" else \
                    proto.replace("http", "ws")
            if client:
                scope["client"] = (client[:64], 0)
        await self.app(scope, receive, send)
