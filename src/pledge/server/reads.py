"""A read request sees one data version: every cached view a GET consults (a page may
consult five) is checked against the database's version read once for the request
(``services.dashboard.one_data_version``), not once per view."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from pledge.services.dashboard import one_data_version

READS = frozenset({"GET", "HEAD"})


class OneVersionPerRead:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in READS:
            await self.app(scope, receive, send)
            return
        with one_data_version():
            await self.app(scope, receive, send)
