"""Projects: list, detail, create, update, transitions, consultations, extensions, fundings,
history.

Changes need an identity (``require_actor``); the service each one calls checks the
role against the matrix (the action is named in each route).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from pledge.api.schemas import (
    AllocationChange,
    ConsultationCreate,
    EstimateCreate,
    ExtensionCreate,
    FundingCreate,
    GuaranteeCallCreate,
    LinkCreate,
    LinkWithdrawal,
    ProjectCreate,
    ProjectUpdate,
    SiteReportCreate,
    StatusReportCreate,
    TransitionCreate,
)
from pledge.domain.access import Action
from pledge.models import Page
from pledge.models import projects as m
from pledge.models.economics import CapitalStructureDoc, Sensitivity, SensitivitySweep
from pledge.server.deps import EngineDep, require, require_actor
from pledge.server.idempotency import OnceDep
from pledge.server.params import Offset, RecordId
from pledge.services import as_of as as_of_svc
from pledge.services import funding as funding_svc
from pledge.services import projects as svc
from pledge.services import public_view
from pledge.services import relations as relations_svc
from pledge.services.base import Actor

router = APIRouter(tags=["projects"])


@router.get("/projects", dependencies=[require(Action.READ_PUBLIC)],
            response_model=Page[m.ProjectSummary])
async def list_projects(engine: EngineDep, framework: str | None = None, status: str | None = None,
                  sector: str | None = None, limit: int = Query(50, ge=1, le=500),
                  offset: Offset = 0, as_of: date | None = None) -> JSONResponse:
    """Projects with filters and paging; ``count`` is the total before paging.
    ``as_of``: the list as recorded by the end of that day (stages, names and estimates
    then, not today's corrections)."""
    if as_of is not None:
        known = await run_in_threadpool(
            as_of_svc.list_projects_as_of, engine, as_of, framework=framework,
            status=status, sector=sector)
        rows, count = known[offset:offset + limit], len(known)
    else:
        rows, count = svc.list_projects_page(engine, framework=framework, status=status,
                                             sector=sector, limit=limit, offset=offset)
    # Already JSON-safe: answered directly, without a second encoding pass.
    return JSONResponse(Page[m.ProjectSummary](
        data=[m.ProjectSummary.of(r) for r in rows], count=count, limit=limit,
        offset=offset).model_dump(mode="json"))


@router.get("/projects/{project_id}", response_model=m.ProjectDetail)
def get_project(project_id: RecordId, engine: EngineDep,
                reader: Actor | None = require(Action.READ_PUBLIC)) -> m.ProjectDetail:
    """One project: stages, sponsors, estimates, consultations and funding (to an
    anonymous reader of the public portal, without user accounts' names)."""
    detail = svc.show_project(engine, project_id)
    return m.ProjectDetail.of(detail if reader is not None
                              else public_view.for_public(engine, detail))


@router.post("/projects", status_code=201,
             response_model=m.ProjectDetail)
def create_project(body: ProjectCreate, engine: EngineDep, once: OnceDep,
                   actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Add a project at the lifecycle's entry stage, 'proposed'; a later ``status`` is
    refused (422, ``lifecycle.not_entry_stage``): stages are reached through the
    transitions, and a stage a source reports is recorded as a status report."""
    new = svc.NewProject(name=body.name, sector=body.sector, framework=body.framework,
                         location=body.location, lead=body.lead, partners=body.partners,
                         amount_text=body.amount, status=body.status,
                         reported_on=body.reported_on.isoformat() if body.reported_on else "",
                         source=body.source)
    return once(actor, lambda: m.project_document(svc.add_project(engine, new, actor)))


@router.patch("/projects/{project_id}",
             response_model=m.ProjectDetail)
def update_project(project_id: RecordId, body: ProjectUpdate, engine: EngineDep, once: OnceDep,
                   actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Change a project's name, sector, location or sponsors (the fields sent); audited."""
    return once(actor, lambda: m.project_document(svc.update_project(
        engine, project_id, body.model_dump(exclude_unset=True), actor)))


@router.post("/projects/{project_id}/transitions", status_code=201,
             response_model=m.ProjectDetail)
def create_transition(project_id: RecordId, body: TransitionCreate, engine: EngineDep,
                      once: OnceDep,
                      actor: Actor = require_actor(Action.ADVANCE)) -> dict[str, Any]:
    """Move a project to another stage; the lifecycle rules decide. Selecting allocates the
    approved amount under the cap (``amount``, default the primary estimate's top)."""
    return once(actor, lambda: m.project_document(svc.advance(
        engine, project_id, body.to, actor, body.on, body.reason, body.sources,
        amount=body.amount)))


@router.post("/projects/{project_id}/consultations", status_code=201,
             response_model=m.ProjectDetail)
def create_consultation(project_id: RecordId, body: ConsultationCreate, engine: EngineDep,
                        once: OnceDep,
                        actor: Actor = require_actor(Action.CONSULT)) -> dict[str, Any]:
    """Record a consultation (committee, or the partner's with the US before declining)."""
    return once(actor, lambda: m.project_document(svc.consult(
        engine, project_id, body.kind, actor, body.on, body.note, body.sources)))


@router.post("/projects/{project_id}/extensions", status_code=201,
             response_model=m.ProjectDetail)
def create_extension(project_id: RecordId, body: ExtensionCreate, engine: EngineDep,
                     once: OnceDep,
                     actor: Actor = require_actor(Action.EXTEND)) -> dict[str, Any]:
    """Extend a notified project's funding deadline."""
    return once(actor, lambda: m.project_document(svc.extend(
        engine, project_id, body.until, actor, body.on, body.reason, body.sources)))


@router.post("/projects/{project_id}/fundings", status_code=201,
             response_model=m.Funding)
def create_funding(project_id: RecordId, body: FundingCreate, engine: EngineDep, once: OnceDep,
                   actor: Actor = require_actor(Action.FUND)) -> dict[str, Any]:
    """Fund a notified project within its window and under the cap."""
    return once(actor, lambda: m.funding_document(funding_svc.fund(
        engine, project_id, body.amount, body.on, body.instrument, body.provider, actor)))


@router.post("/projects/{project_id}/allocation", status_code=201,
             response_model=m.AllocationChange)
def change_allocation(project_id: RecordId, body: AllocationChange, engine: EngineDep,
                      once: OnceDep,
                      actor: Actor = require_actor(Action.LEDGER_EDIT)) -> dict[str, Any]:
    """Change the project's allocation under the cap to ``amount`` (the investment
    committee, with a reason; never below what has been funded)."""
    on = body.on or date.today()
    return once(actor, lambda: m.allocation_document(funding_svc.allocate(
        engine, project_id, body.amount, on, actor, body.reason)))


@router.post("/projects/{project_id}/guarantee-calls", status_code=201,
             response_model=m.GuaranteeCall)
def create_guarantee_call(project_id: RecordId, body: GuaranteeCallCreate, engine: EngineDep,
                          once: OnceDep,
                          actor: Actor = require_actor(Action.FUND)) -> dict[str, Any]:
    """Record a call on the project's guarantee: the called part becomes cash in the SPV
    (never more than is outstanding)."""
    return once(actor, lambda: m.guarantee_call_document(funding_svc.call_guarantee(
        engine, project_id, body.amount, body.on, actor, body.provider)))



@router.post("/projects/{project_id}/estimates", status_code=201,
             response_model=m.ProjectDetail)
def create_estimate(project_id: RecordId, body: EstimateCreate, engine: EngineDep, once: OnceDep,
                    actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Record another sourced cost estimate (never an overwrite)."""
    return once(actor, lambda: m.project_document(svc.add_estimate(
        engine, project_id, body.amount, body.source, body.on, actor, primary=body.primary)))


@router.post("/projects/{project_id}/sites", status_code=201,
             response_model=m.ProjectDetail)
def create_site_report(project_id: RecordId, body: SiteReportCreate, engine: EngineDep,
                       once: OnceDep,
                       actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Record a site reported for the project, with its source (the location is kept)."""
    return once(actor, lambda: m.project_document(svc.add_site_report(
        engine, project_id, body.location, body.source, body.on, actor, states=body.states)))


@router.post("/projects/{project_id}/status-reports", status_code=201,
             response_model=m.ProjectDetail)
def create_status_report(project_id: RecordId, body: StatusReportCreate, engine: EngineDep,
                         once: OnceDep,
                         actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Record a stage a source reports for the project (the lifecycle stage is kept)."""
    return once(actor, lambda: m.project_document(svc.add_status_report(
        engine, project_id, body.stage, body.source, body.on, actor, wording=body.wording)))


@router.get("/projects/{project_id}/links", dependencies=[require(Action.READ_PUBLIC)],
             response_model=m.Links)
def get_links(project_id: RecordId, engine: EngineDep, withdrawn: bool = False) -> m.Links:
    """The project's links to other projects (with ``withdrawn``, those withdrawn too):
    what each other project is to this one, and the source."""
    rows = relations_svc.project_links(engine, project_id, withdrawn=withdrawn)
    return m.Links(data=[m.Link.of(r) for r in rows], count=len(rows))


@router.post("/projects/{project_id}/links", status_code=201,
             response_model=m.Link)
def create_link(project_id: RecordId, body: LinkCreate, engine: EngineDep, once: OnceDep,
                actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Link the project to another: the same project reported twice, a later tranche, a
    part of an umbrella programme; a self-link or a pair already linked is refused
    naming ``other``. Totals then count each real project once."""
    return once(actor, lambda: m.link_document(relations_svc.link_projects(
        engine, project_id, body.other, body.kind, body.source, actor, on=body.on,
        note=body.note)))


@router.post("/projects/{project_id}/links/withdrawals", status_code=201,
             response_model=m.Link)
def withdraw_link(project_id: RecordId, body: LinkWithdrawal, engine: EngineDep,
                  once: OnceDep,
                  actor: Actor = require_actor(Action.PROJECT_EDIT)) -> dict[str, Any]:
    """Withdraw the link between the project and ``other`` (nothing is deleted: the link
    is kept, marked withdrawn with who, when and why)."""
    return once(actor, lambda: m.link_document(relations_svc.unlink_projects(
        engine, project_id, body.other, actor, reason=body.reason)))


@router.get("/projects/{project_id}/history", dependencies=[require(Action.READ)],
             response_model=m.History)
def get_history(project_id: RecordId, engine: EngineDep) -> m.History:
    """The project's transitions and every audit entry about it."""
    return m.History.of(svc.history(engine, project_id))


@router.get("/projects/{project_id}/capital-structure", response_class=JSONResponse,
            response_model=CapitalStructureDoc, dependencies=[require(Action.ANALYSE)])
def get_capital_structure(project_id: RecordId, engine: EngineDep) -> JSONResponse:
    """The project's capital structure: its funding layers (equity, loans, guarantees, in
    kind) with their terms and sources, who is paid first, the rules for overruns and
    negative cash, and the base case through it."""
    from pledge.services.capital_structure import capital_document, project_capital

    rep = project_capital(engine, project_id)
    doc = CapitalStructureDoc.of(rep.project_id, capital_document(rep)).document()
    return JSONResponse(doc, headers={
        "Content-Disposition": f'inline; filename="capital-structure-{rep.project_id}.json"'})


@router.get("/projects/{project_id}/sensitivity/sweep", response_class=JSONResponse,
            response_model=SensitivitySweep, dependencies=[require(Action.ANALYSE)])
def get_sensitivity_sweep(project_id: RecordId, engine: EngineDep,
                          name: str = Query(..., max_length=60,
                                            description="the driver or parameter to run "
                                            "through a range, e.g. power_price"),
                          low: str | None = Query(None, alias="from", max_length=30,
                                                  description="first value (default: the "
                                                  "tornado's low)"),
                          high: str | None = Query(None, alias="to", max_length=30,
                                                   description="last value (default: the "
                                                   "tornado's high)"),
                          steps: int = Query(9, ge=2, le=41,
                                             description="values run, ends included"),
                          discount_rate: str | None = Query(
                              None, max_length=20, description="annual rate of the present "
                              "values (default: the deemed rate in force)")) -> JSONResponse:
    """A scenario sweep: one driver or parameter run through evenly spaced values, the
    rest held; the partner's IRR, present value of its net cash and recoup year at each."""
    from pledge.services import sensitivity as sv

    doc = SensitivitySweep.of(sv.sweep_document(sv.sweep(
        engine, project_id, name, low=low, high=high, steps=steps,
        discount_rate=discount_rate))).document()
    return JSONResponse(doc, headers={"Content-Disposition": (
        f'inline; filename="sensitivity-{project_id}-{doc["moved"]}.json"')})


@router.get("/projects/{project_id}/sensitivity", response_class=JSONResponse,
            response_model=Sensitivity, dependencies=[require(Action.ANALYSE)])
def get_sensitivity(project_id: RecordId, engine: EngineDep,
                    discount_rate: str | None = Query(
                        None, max_length=20, description="annual rate of the present values, "
                        "e.g. 0.04 or 4% (default: the deemed rate in force)"),
                    deemed_rate: str | None = Query(
                        None, max_length=20, description="the deemed rate instead of the "
                        "framework's")) -> JSONResponse:
    """The project's tornado: each driver (and the main cash-flow parameters) moved down
    and up by a stated share, the partner's IRR, present value of its net cash and recoup
    year for each, largest IRR swing first."""
    from pledge.services import sensitivity as sv

    doc = Sensitivity.of(sv.tornado_document(sv.sensitivity(
        engine, project_id, discount_rate=discount_rate, deemed_rate=deemed_rate))).document()
    return JSONResponse(doc, headers={
        "Content-Disposition": f'inline; filename="sensitivity-{project_id}.json"'})
