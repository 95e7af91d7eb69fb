"""Frameworks, their term versions, commitments, the ledger and deadlines."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from pledge.domain.access import Action
from pledge.models import Rows
from pledge.models import frameworks as m
from pledge.models import news as news_models
from pledge.server.deps import EngineDep, require
from pledge.server.params import WindowDays
from pledge.services import as_of as as_of_svc
from pledge.services import claims as claims_svc
from pledge.services import deadlines as deadlines_svc
from pledge.services import frameworks as fw_svc
from pledge.services import funding as funding_svc

router = APIRouter(tags=["frameworks"])


@router.get("/frameworks", dependencies=[require(Action.READ_PUBLIC)],
            response_model=Rows[m.FrameworkSummary])
async def list_frameworks(engine: EngineDep) -> Rows[m.FrameworkSummary]:
    """Every framework with its headline commitment."""
    rows = fw_svc.list_frameworks(engine)
    return Rows[m.FrameworkSummary](data=[m.FrameworkSummary.of(r) for r in rows],
                                    count=len(rows))


@router.get("/frameworks/{key}", dependencies=[require(Action.READ_PUBLIC)],
            response_model=m.FrameworkDocument)
def get_framework(key: str, engine: EngineDep) -> m.FrameworkDocument:
    """A framework with every version of its terms, each setting's sources, and the
    assumptions (basis and other readings with their sources) beside the settings."""
    return m.FrameworkDocument.of(fw_svc.get_framework(engine, key))


@router.get("/frameworks/{key}/claims", dependencies=[require(Action.READ)],
            response_model=Rows[news_models.TermClaim])
def get_term_claims(key: str, engine: EngineDep) -> Rows[news_models.TermClaim]:
    """What sources (accepted from the news) say the framework's terms are, oldest first,
    each beside the terms in force on its date and whether they agree. A claim never
    amends the terms."""
    rows = [news_models.TermClaim.of(c) for c in claims_svc.term_claims(engine, key)]
    return Rows[news_models.TermClaim](data=rows, count=len(rows))


@router.get("/frameworks/{key}/tranches", dependencies=[require(Action.READ)],
            response_model=Rows[news_models.Tranche])
def get_tranches(key: str, engine: EngineDep) -> Rows[news_models.Tranche]:
    """The tranches (phases) recorded for the framework's programme and its projects."""
    rows = [news_models.Tranche.of(v) for v in claims_svc.list_tranches(engine, framework=key)]
    return Rows[news_models.Tranche](data=rows, count=len(rows))


@router.get("/frameworks/{key}/commitments", dependencies=[require(Action.READ_PUBLIC)],
            response_model=m.Commitments)
def get_commitments(key: str, engine: EngineDep, on: date | None = None,
                    as_of: date | None = None) -> m.Commitments:
    """Cap, allocated, disbursed (cash), guaranteed (outstanding exposure), remaining and
    the pace needed, as of a date; ``reachable`` false when an annual cap keeps the cap
    out of reach by the period's end (``max_reachable``: the most that can count).
    ``as_of``: as recorded by the end of that day (entries recorded later are left out,
    whatever their date); also the day of the figures unless ``on`` names another."""
    return m.Commitments.of(as_of_svc.commitments_known(engine, key, on, as_of))


@router.get("/frameworks/{key}/ledger", dependencies=[require(Action.READ)],
            response_model=m.Ledger, response_model_exclude_unset=True)
def get_ledger(key: str, engine: EngineDep, by: str = "account") -> m.Ledger:
    """Ledger balances by account, party, project, instrument or provider (each row names
    its group under the key ``by`` gives)."""
    data = m.balances(funding_svc.ledger_balances(engine, key, by), by)
    return m.Ledger(data=data, count=len(data),
                    ledger_balanced=funding_svc.ledger_balanced(engine, key))


@router.get("/deadlines", dependencies=[require(Action.READ_PUBLIC)],
            response_model=Rows[m.ProjectDeadline])
def list_deadlines(engine: EngineDep, framework: str | None = None,
                   on: date | None = None, as_of: date | None = None
                   ) -> Rows[m.ProjectDeadline]:
    """Every selected or notified project's funding date and business days left;
    ``as_of``: as recorded by the end of that day (days counted from it unless ``on``
    names another)."""
    rows = as_of_svc.deadlines_known(engine, framework, on, as_of)
    return Rows[m.ProjectDeadline](data=[m.ProjectDeadline.of(r) for r in rows],
                                   count=len(rows))


@router.get("/frameworks/{key}/deadline", dependencies=[require(Action.READ_PUBLIC)],
            response_model=m.Deadline)
def compute_deadline(key: str, notice: date, engine: EngineDep, days: WindowDays = None,
                     unit: str | None = None, calendar: str | None = None) -> m.Deadline:
    """The funding date for a notice under the framework's window."""
    return m.Deadline.of(deadlines_svc.compute_deadline(engine, key, notice, days=days,
                                                        unit=unit, calendar=calendar))
