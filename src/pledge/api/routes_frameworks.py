"""Frameworks, their term versions, commitments, the ledger and deadlines."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from pledge.domain.access import Action
from pledge.server.deps import EngineDep, require
from pledge.server.params import WindowDays
from pledge.services import deadlines as deadlines_svc
from pledge.services import frameworks as fw_svc
from pledge.services import funding as funding_svc
from pledge.services.base import jsonable

router = APIRouter(tags=["frameworks"])


@router.get("/frameworks", dependencies=[require(Action.READ_PUBLIC)])
async def list_frameworks(engine: EngineDep) -> dict[str, Any]:
    """Every framework with its headline commitment."""
    rows = fw_svc.list_frameworks(engine)
    return {"data": jsonable([{"key": r.key, "name": r.name, "partner": r.partner,
                               "commitment_usd": r.commitment, "mechanism": r.mechanism,
                               "period_end": r.period_end, "versions": r.versions}
                              for r in rows]), "count": len(rows)}


@router.get("/frameworks/{key}", dependencies=[require(Action.READ_PUBLIC)])
def get_framework(key: str, engine: EngineDep) -> dict[str, Any]:
    """A framework with every version of its terms, each setting's sources, and the
    assumptions (basis and other readings with their sources) beside the settings."""
    return jsonable(fw_svc.framework_document(fw_svc.get_framework(engine, key)))  # type: ignore[no-any-return]


@router.get("/frameworks/{key}/commitments", dependencies=[require(Action.READ_PUBLIC)])
def get_commitments(key: str, engine: EngineDep, on: date | None = None) -> dict[str, Any]:
    """Cap, allocated, disbursed (cash), guaranteed (outstanding exposure), remaining and
    the pace needed, as of a date; ``reachable`` false when an annual cap keeps the cap
    out of reach by the period's end (``max_reachable``: the most that can count)."""
    c = funding_svc.commitments(engine, key, on)
    return jsonable({  # type: ignore[no-any-return]
        "framework": c.framework, "as_of": c.as_of, "cap": c.cap, "allocated": c.allocated,
        "disbursed": c.disbursed, "remaining": c.remaining, "period_end": c.period_end,
        "required_per_month": c.required_per_month,
        "components": [{"key": x.key, "cap": x.utilisation.cap,
                        "allocated": x.utilisation.allocated,
                        "remaining": x.utilisation.remaining, "annual_cap": x.annual_cap,
                        "disbursed": x.utilisation.disbursed,
                        "guaranteed": x.utilisation.guaranteed,
                        "reachable": None if x.reach is None else x.reach.reachable,
                        "max_reachable": None if x.reach is None else x.reach.max_reachable}
                       for x in c.components],
        "by_instrument": c.by_instrument, "by_provider": c.by_provider,
        "ledger_balanced": c.ledger_balanced, "guaranteed": c.guaranteed,
        "reachable": c.reachable, "max_reachable": c.max_reachable,
        "required_per_month_to_cap": c.required_per_month_to_cap})


@router.get("/frameworks/{key}/ledger", dependencies=[require(Action.READ)])
def get_ledger(key: str, engine: EngineDep, by: str = "account") -> dict[str, Any]:
    """Ledger balances by account, party, project, instrument or provider."""
    rows = funding_svc.ledger_balances(engine, key, by)
    data = [{"account": a, "balance": v} if by == "account" else
            {"account": a, by: k, "balance": v} for (a, k), v in rows.items()]
    return {"data": jsonable(data), "count": len(data),
            "ledger_balanced": funding_svc.ledger_balanced(engine, key)}


@router.get("/deadlines", dependencies=[require(Action.READ_PUBLIC)])
def list_deadlines(engine: EngineDep, framework: str | None = None,
                   on: date | None = None) -> dict[str, Any]:
    """Every selected or notified project's funding date and business days left."""
    rows = deadlines_svc.project_deadlines(engine, framework=framework, as_of=on)
    data = [{"id": r.project_id, "name": r.name, "framework": r.framework, "status": r.status,
             "date": r.due, "meaning": r.meaning, "calendar": r.calendar,
             "business_days_left": r.business_days_left, "provisional": r.provisional}
            for r in rows]
    return {"data": jsonable(data), "count": len(data)}


@router.get("/frameworks/{key}/deadline", dependencies=[require(Action.READ_PUBLIC)])
def compute_deadline(key: str, notice: date, engine: EngineDep, days: WindowDays = None,
                     unit: str | None = None, calendar: str | None = None) -> dict[str, Any]:
    """The funding date for a notice under the framework's window."""
    d = deadlines_svc.compute_deadline(engine, key, notice, days=days, unit=unit,
                                       calendar=calendar)
    return jsonable({"notice": d.notice, "date": d.due, "meaning": d.meaning,  # type: ignore[no-any-return]
                     "days": d.days, "unit": d.unit, "calendar": d.calendar})
