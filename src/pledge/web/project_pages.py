"""The projects: the list, a project with the forms its viewer's role may use, and the
forms that act on a project."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from pledge.domain.access import MATRIX, Action
from pledge.domain.bounds import optional_date
from pledge.domain.errors import PledgeError
from pledge.domain.framework import Instrument
from pledge.domain.funding import may_change_allocation
from pledge.domain.lifecycle import (
    CONSULTATION_ROLES,
    STAGE_ORDER,
    ConsultationKind,
    Stage,
    allowed_targets,
)
from pledge.domain.project import SECTORS
from pledge.domain.relations import CHOICES as LINK_CHOICES
from pledge.domain.waterfall import ROUNDING_RULE
from pledge.server.deps import EngineDep, SettingsDep
from pledge.server.idempotency import PageOnce
from pledge.server.params import PageNumber, RecordId
from pledge.services import as_of as as_of_svc
from pledge.services import capital as capital_svc
from pledge.services import deadlines as deadlines_svc
from pledge.services import funding as funding_svc
from pledge.services import project_page as page_svc
from pledge.services import projects as projects_svc
from pledge.services import relations as relations_svc
from pledge.services import risk as risk_svc
from pledge.services import views as views_svc
from pledge.services.base import Actor, parse_date
from pledge.web import charts
from pledge.web.auth import PageActor, need
from pledge.web.common import (
    PAGE_SIZE,
    URGENT_DAYS,
    act,
    framework_list,
    router,
    source_list,
    usd_full,
)
from pledge.web.i18n import _
from pledge.web.list_rows import project_rows
from pledge.web.templating import render, render_cached

REFRESH_SECONDS = 2  # how soon a page waiting for its outlook looks again
_BEFORE_SELECTION = frozenset(s.value for s in (Stage.PROPOSED, Stage.UNDER_REVIEW,
                                                Stage.FINALIST, Stage.RECOMMENDED))


@router.get("/projects", response_class=HTMLResponse)
async def projects(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
             framework: str | None = None, status: str | None = None,
             sector: str | None = None, page: PageNumber = 1,
             as_of: str | None = None) -> Response:
    """The projects, filtered and paged; ``as_of`` (a date, or empty for today): the list
    as recorded by the end of that day (stages, names and estimates then), with the
    funding dates known then."""
    need(actor, Action.READ_PUBLIC, settings)
    page = max(page, 1)
    day = optional_date(as_of, "as_of")

    def build() -> dict[str, Any]:
        start = (page - 1) * PAGE_SIZE
        if day is None:
            rows, count = projects_svc.list_projects_page(
                engine, framework=framework or None, status=status or None,
                sector=sector or None, limit=PAGE_SIZE, offset=start)
        else:
            known = as_of_svc.list_projects_as_of(
                engine, day, framework=framework or None, status=status or None,
                sector=sector or None)
            rows, count = known[start:start + PAGE_SIZE], len(known)
        return {
            "rows": rows, "count": count, "page": page,
            "pages": max(1, -(-count // PAGE_SIZE)), "stages": [s.value for s in Stage],
            "frameworks": framework_list(engine), "sectors": SECTORS,
            # the same funding dates as the dashboard's and the calendar's
            "dues": {d.project_id: d for d in as_of_svc.deadlines_known(
                engine, None, day, day)},
            "project_rows": project_rows,  # the rows, written without the template's loop
            "filters": {"framework": framework or "", "status": status or "",
                        "sector": sector or "", "as_of": "" if day is None
                        else day.isoformat()}}

    # rendered once per data version and page asked for (the reader's frame each time)
    return render_cached(request, engine, "projects.html", (page,), actor, build)


def _forms(actor: Actor | None, stage: Stage) -> dict[str, Any]:
    """The forms this user may use on a project at ``stage`` (and no others)."""
    if actor is None:
        return {}
    role = actor.role
    out: dict[str, Any] = {}
    targets = [s.value for s in allowed_targets(stage, role)] \
        if role in MATRIX[Action.ADVANCE] else []
    if targets:
        out["transition"] = targets
    # A committee consultation matters before a recommendation; a decline one after notice.
    when = {ConsultationKind.COMMITTEE: (Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST),
            ConsultationKind.DECLINE: (Stage.NOTIFIED,)}
    kinds = [k.value for k, roles in CONSULTATION_ROLES.items()
             if role in roles and stage in when[k]] if role in MATRIX[Action.CONSULT] else []
    if kinds:
        out["consult"] = kinds
    if role in MATRIX[Action.EXTEND] and stage is Stage.NOTIFIED:
        out["extend"] = True
    if role in MATRIX[Action.FUND] and stage in (Stage.NOTIFIED, Stage.FUNDED):
        out["fund"] = [i.value for i in Instrument]
    # the investment committee changes an allocation at the stages that hold one
    if may_change_allocation(role, stage):
        out["allocate"] = True
    # the partner's funder records a call on a guarantee given to a funded project
    if role in MATRIX[Action.FUND] and stage in (Stage.FUNDED, Stage.OPERATING):
        out["guarantee_call"] = True
    # the same permission and stages capital.distribute checks
    if role in MATRIX[Action.LEDGER_EDIT] and stage.value in capital_svc.DISTRIBUTING:
        out["distribute"] = True
    if role in MATRIX[Action.PROJECT_EDIT]:
        out["sourced"] = [s.value for s in Stage]  # estimates, sites and stages reported
        out["link"] = list(LINK_CHOICES)  # links to other projects, and withdrawing them
    return out


@router.get("/projects/{project_id}", response_class=HTMLResponse)
async def project(request: Request, project_id: RecordId, engine: EngineDep,
                  settings: SettingsDep, actor: PageActor) -> Response:
    """A project, answered on the event loop like the list (short indexed reads, no thread
    hop); its outlook is never simulated here."""
    need(actor, Action.READ_PUBLIC, settings)
    # one unit of work; the public portal: the record without account names, no tranches
    # nor news
    read = page_svc.project_page(engine, project_id, signed_in=actor is not None)
    p, assumed = read.detail, read.assumptions
    # The simulation runs on a worker thread, never within the request: until it is done
    # the page shows the last outlook (or none) and looks again by itself.
    answer = views_svc.outlook_or_job(engine, p.summary.id)
    outlook = answer.outlook
    figures: dict[str, Any] = {}
    if outlook is not None and outlook.waterfall is not None:
        figures["waterfall"] = charts.waterfall(outlook.waterfall.result,
                                                outlook.waterfall.terms.periods_per_year)
        figures["irr"] = charts.irr_histogram(outlook.irr)
        if outlook.tornado is not None and outlook.tornado.base.irr is not None:
            figures["tornado"] = charts.tornado(outlook.tornado)
    # a capital account needs money in the SPV, which comes no sooner than the selection;
    # a funding date, a selected or notified stage
    statement = _statement(engine, p.summary.id) if (
        p.funding or p.summary.status not in _BEFORE_SELECTION) else None
    if statement is not None:
        figures["capital"] = charts.capital_account(statement.account, _(statement.partner))
    deadline = next(iter(deadlines_svc.project_deadlines(
        engine, framework=p.summary.framework, project_id=p.summary.id)), None) \
        if p.summary.status in deadlines_svc.DEADLINE_STAGES else None
    funded_total = sum((f["amount"] for f in p.funding if not f.get("contingent")), Decimal(0))
    events = sorted([("transition", x["on"], i, x) for i, x in enumerate(p.transitions)]
                    + [("consultation", x["on"], i, x) for i, x in enumerate(p.consultations)],
                    key=lambda e: (e[1], e[0] == "transition", e[2]))
    return render(request, "project.html", {
        "user": actor, "p": p, "s": p.summary, "outlook": outlook, "figures": figures,
        "computing": answer.computing, "refresh": REFRESH_SECONDS,
        "events": [(kind, x) for kind, _, _, x in events],
        "deadline": deadline, "urgent": URGENT_DAYS, "funded_total": funded_total,
        "in_news": read.articles, "statement": statement, "rounding": ROUNDING_RULE,
        "forms": _forms(actor, Stage(p.summary.status)),
        "report_stage": _next_stage(Stage(p.summary.status)),
        "tranches": read.tranches,
        "assumptions": assumed, "risk": risk_svc.project_risk(
            p.summary.sector, p.summary.sector_detail, p.summary.name,
            assumed.own if assumed else None)})


def _next_stage(stage: Stage) -> str:
    """The stage a source most likely reports next: the one after the project's along the
    lifecycle (its own at the end of the way or off it)."""
    order = sorted(STAGE_ORDER, key=STAGE_ORDER.__getitem__)
    if stage in STAGE_ORDER and STAGE_ORDER[stage] + 1 < len(order):
        return order[STAGE_ORDER[stage] + 1].value
    return stage.value


def _statement(engine: Any, project_id: int) -> capital_svc.Statement | None:
    """The project's capital account today, when it has one to show: a framework whose SPV
    keeps accounts and sets a deemed rate, and cash contributed or distributed."""
    try:
        st = capital_svc.statement(engine, project_id)
    except PledgeError:
        return None
    return st if st.account.lines else None


@router.post("/projects/{project_id}/transition")
def transition(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
               once: PageOnce,
               to: Annotated[str, Form()], on: Annotated[str, Form()],
               reason: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
               csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.advance(engine, project_id, to, a, parse_date(on, "on"), reason,
                                 source_list(sources))
        extra = (_("; funding date %(date)s") % {"date": d.summary.funding_date}
                 if d.summary.funding_date else "")
        return _("Moved to %(stage)s%(extra)s.") % {
            "stage": _(d.summary.status.replace("_", " ")), "extra": extra}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/consult")
def consult(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
            once: PageOnce,
            kind: Annotated[str, Form()], on: Annotated[str, Form()],
            note: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
            csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.consult(engine, project_id, kind, a, parse_date(on, "on"), note,
                             source_list(sources))
        return _("Consultation (%(kind)s) recorded.") % {"kind": _(kind)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/extend")
def extend(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
           once: PageOnce,
           until: Annotated[str, Form()], on: Annotated[str, Form()],
           reason: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.extend(engine, project_id, parse_date(until, "until"), a,
                            parse_date(on, "on"), reason, source_list(sources))
        return _("Deadline extended to %(date)s.") % {"date": until}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/fund")
def fund(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce,
         amount: Annotated[str, Form()], on: Annotated[str, Form()],
         instrument: Annotated[str, Form()], provider: Annotated[str, Form()],
         csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.fund(engine, project_id, amount, parse_date(on, "on"), instrument,
                             provider, a)
        return _("Funded %(amount)s by %(instrument)s from %(provider)s.") % {
            "amount": amount, "instrument": _(r.instrument), "provider": r.provider}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/allocate")
def allocate(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
             once: PageOnce, amount: Annotated[str, Form()], on: Annotated[str, Form()],
             reason: Annotated[str, Form()] = "",
             csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.allocate(engine, project_id, amount, parse_date(on, "on"), a, reason)
        return _("Allocation set to %(amount)s (was %(previous)s; funded %(funded)s); "
                 "%(left)s left unallocated.") % {
            "amount": usd_full(r.allocation), "previous": usd_full(r.previous),
            "funded": usd_full(r.funded), "left": usd_full(r.unallocated)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/guarantee-call")
def guarantee_call(request: Request, project_id: RecordId, engine: EngineDep,
                   actor: PageActor, once: PageOnce, amount: Annotated[str, Form()],
                   on: Annotated[str, Form()], provider: Annotated[str, Form()] = "",
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.call_guarantee(engine, project_id, amount, parse_date(on, "on"), a,
                                       provider or None)
        return _("%(amount)s of %(provider)s's guarantee called and disbursed; "
                 "%(left)s still guaranteed.") % {
            "amount": usd_full(r.amount), "provider": r.provider,
            "left": usd_full(r.outstanding)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/distribute")
def distribute(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
               once: PageOnce, amount: Annotated[str, Form()], on: Annotated[str, Form()],
               csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = capital_svc.distribute(engine, project_id, parse_date(on, "on"), a, amount=amount)
        return _("Distribution of %(amount)s on %(date)s recorded, split by the rule "
                 "(%(phase)s): partner %(partner)s, United States %(us)s; balance owed "
                 "%(before)s before, %(after)s after.") % {
            "amount": usd_full(r.amount), "date": r.on,
            "phase": _(r.phase.value.replace("_", " ")), "partner": usd_full(r.partner),
            "us": usd_full(r.us), "before": usd_full(r.balance_before),
            "after": usd_full(r.balance_after)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/estimate")
def estimate(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
             once: PageOnce,
             amount: Annotated[str, Form()], source: Annotated[str, Form()],
             on: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.add_estimate(engine, project_id, amount, source, parse_date(on, "on"),
                                      a)
        return _("Estimate %(amount)s recorded with its source (%(n)s in all).") % {
            "amount": amount, "n": len(d.estimates)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/site")
def site(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce,
         location: Annotated[str, Form()], source: Annotated[str, Form()],
         on: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.add_site_report(engine, project_id, location, source,
                                     parse_date(on, "on"), a)
        return _("Reported site recorded with its source: %(location)s.") % {
            "location": location.strip()}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/status-report")
def status_report(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  stage: Annotated[str, Form()], source: Annotated[str, Form()],
                  on: Annotated[str, Form()], wording: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.add_status_report(engine, project_id, stage, source,
                                           parse_date(on, "on"), a, wording=wording)
        return _("Reported stage %(reported)s recorded with its source; the lifecycle stays "
                 "at %(stage)s.") % {"reported": d.reported_status, "stage": d.summary.status}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/link")
def link(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce, other: Annotated[str, Form()], kind: Annotated[str, Form()],
         source: Annotated[str, Form()], on: Annotated[str, Form()],
         note: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = relations_svc.link_projects(engine, project_id, other, kind, source, a,
                                        on=parse_date(on, "on"), note=note)
        return _("Linked to project %(id)s (%(relation)s), with its source.") % {
            "id": r.other_id, "relation": _(r.label)}
    return act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/unlink")
def unlink(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
           once: PageOnce, other: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = relations_svc.unlink_projects(engine, project_id, other, a, reason=reason)
        return _("Link to project %(id)s withdrawn; it is kept with the reason.") % {
            "id": r.other_id}
    return act(request, project_id, csrf_token, actor, do, once)
