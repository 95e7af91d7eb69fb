"""The tamper-evident record: verifying it on request (admins) and when the server starts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from pledge.domain.access import Action
from pledge.server.deps import EngineDep, require
from pledge.services import audit as svc
from pledge.services.base import jsonable

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", dependencies=[require(Action.ADMIN)])
def get_verification(engine: EngineDep) -> dict[str, Any]:
    """Recompute the audit log's and the ledger's hash chains and the ledger's balance:
    ``ok``, the rows checked and the first broken row of each chain."""
    result = svc.check(engine)
    return jsonable(result.as_dict())  # type: ignore[no-any-return]


def install(app: FastAPI) -> None:
    """Verify the record when the server starts, in the background (a linear scan; a
    warning is logged when it does not verify, and admins see it on the dashboard)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        svc.check_in_background(app.state.engine)
        async with inner(a) as state:
            yield state

    app.router.lifespan_context = lifespan
