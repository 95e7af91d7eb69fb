"""The tamper-evident record: verifying it on request (admins) and when the server starts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI

from pledge.domain.access import Action
from pledge.models.audit import Verification
from pledge.server.deps import EngineDep, require
from pledge.services import audit as svc

router = APIRouter(tags=["audit"])


@router.get("/audit/verify", dependencies=[require(Action.ADMIN)],
            response_model=Verification)
def get_verification(engine: EngineDep) -> Verification:
    """Recompute the audit log's and the ledger's hash chains and the ledger's balance:
    ``ok``, the rows checked and the first broken row of each chain."""
    return Verification.of(svc.check(engine))


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
