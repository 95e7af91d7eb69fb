"""A project's books: the partner's capital account statement, and distributions split by
the rule (``services.capital``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from pledge.api.schemas import DistributionCreate
from pledge.domain.access import Action
from pledge.models import books as m
from pledge.server.deps import EngineDep, require, require_actor
from pledge.server.idempotency import OnceDep
from pledge.server.params import RecordId
from pledge.services import capital as svc
from pledge.services.base import Actor

router = APIRouter(tags=["books"])


@router.get("/projects/{project_id}/statement", dependencies=[require(Action.READ)],
            response_model=m.Statement)
def get_statement(project_id: RecordId, engine: EngineDep,
                  as_of: date | None = None) -> m.Statement:
    """The partner's capital account on ``as_of`` (default today): contributions by
    instrument and date, deemed interest, distributions to each side, the balance owed,
    when it was recouped, realised IRR and MOIC, and the convention used."""
    return m.Statement.of(svc.statement(engine, project_id, as_of))


@router.post("/projects/{project_id}/distributions", status_code=201,
             response_model=m.Distribution)
def create_distribution(project_id: RecordId, body: DistributionCreate, engine: EngineDep,
                        once: OnceDep,
                        actor: Actor = require_actor(Action.LEDGER_EDIT)) -> dict[str, Any]:
    """Record cash the project's SPV distributed, split by the rule from the capital
    account on that date; a given split that is not the rule's is refused (409,
    ``distribution.split_mismatch``) with the split the rule requires, and nothing is
    written."""
    return once(actor, lambda: m.distribution_document(svc.distribute(
        engine, project_id, body.on, actor, amount=body.amount, partner=body.partner,
        us=body.us)))
