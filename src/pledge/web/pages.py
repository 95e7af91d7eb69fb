"""The pages: dashboard, projects, a project, priorities, deadlines, and the forms that act.

Each page asks ``services/`` and renders a template; each form checks its CSRF
token, calls the same service an API call or a command would, and redirects
back with a one-time message (a refused change shows the rule's own words).
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from pledge.api.deps import EngineDep, JobsDep, SettingsDep
from pledge.api.idempotency import Once, PageOnce
from pledge.api.params import PageNumber, RecordId
from pledge.domain.access import MATRIX, Action
from pledge.domain.bounds import PLAUSIBLE_DATES, check_date
from pledge.domain.errors import InvalidInput, NotFound, PledgeError, TooManyRequests
from pledge.domain.framework import Instrument
from pledge.domain.funding import may_change_allocation
from pledge.domain.lifecycle import (
    CONSULTATION_ROLES,
    ConsultationKind,
    Stage,
    allowed_targets,
)
from pledge.domain.relations import CHOICES as LINK_CHOICES
from pledge.domain.waterfall import ROUNDING_RULE
from pledge.services import audit as audit_svc
from pledge.services import capital as capital_svc
from pledge.services import dashboard as dash_svc
from pledge.services import deadlines as deadlines_svc
from pledge.services import frameworks as fw_svc
from pledge.services import funding as funding_svc
from pledge.services import jobs as jobs_svc
from pledge.services import news
from pledge.services import projects as projects_svc
from pledge.services import relations as relations_svc
from pledge.services import sessions as sessions_svc
from pledge.services import views as views_svc
from pledge.services.base import Actor, parse_date
from pledge.web import charts
from pledge.web.auth import (
    PageActor,
    check_csrf,
    client_address,
    end_session,
    flash,
    need,
    safe_next,
    start_session,
)
from pledge.web.templating import render
from pledge.web.templating import usd as _usd

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
URGENT_DAYS = 10


def _static(name: str) -> Any:
    return files("pledge.web") / "static" / name


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package: no CDN, works offline."""
    path = files("plotly") / "package_data" / "plotly.min.js"
    return FileResponse(str(path), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in ("app.css", "app.js"):
        raise NotFound.single("name", name, "web.not_found", "no such file")
    media = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(str(_static(name)), media_type=media,
                        headers={"Cache-Control": "public, max-age=3600"})


# ---- login -----------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, actor: PageActor, next: str = "/") -> Response:
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, engine: EngineDep, settings: SettingsDep,
          name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/") -> Response:
    check_csrf(request, csrf_token)
    try:
        new = sessions_svc.log_in(engine, name, password, client_address(request),
                                  limits=settings.login_limits, times=settings.session_times)
    except TooManyRequests as exc:
        page = render(request, "login.html", {"next": safe_next(next), "name": name,
                                              "error": exc.first.message[:1].upper()
                                              + exc.first.message[1:] + "."}, status=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    if new is None:
        return render(request, "login.html", {"next": safe_next(next), "name": name,
                                              "error": "Unknown name or wrong password."},
                      status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, new, engine)
    return response


@router.post("/logout")
def logout(request: Request, engine: EngineDep, actor: PageActor,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    if actor is not None:  # a session already ended needs no token to be left
        check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response, engine)
    return response


# ---- dashboard -------------------------------------------------------------------------------

def _frameworks(engine: Any) -> list[Any]:
    return list(fw_svc.list_frameworks(engine))


# The dashboard and the list are short reads, answered on the event loop (no thread hop).
@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
              framework: str = "japan", on: str | None = None) -> Response:
    need(actor, Action.READ_PUBLIC, settings)
    as_of = parse_date(on, "on") if on else None
    d = dash_svc.dashboard(engine, framework, as_of)
    c = d.commitments
    figures = {
        "gauge": charts.gauge(c.cap, c.allocated, c.disbursed),
        "pipeline": charts.pipeline([s.stage.replace("_", " ") for s in d.pipeline],
                                    [s.count for s in d.pipeline],
                                    [s.usd_high for s in d.pipeline]),
        "sectors": charts.by_sector({k.replace("_", " "): v for k, v in d.by_sector.items()}),
    }
    return render(request, "dashboard.html", {
        "user": actor, "d": d, "c": c, "figures": figures, "urgent": URGENT_DAYS,
        "news": news.news_summary(engine, actor=actor) if actor is not None else None,
        "frameworks": _frameworks(engine), "months_left": _months_left(c.as_of, c.period_end),
        # admins are told when the record does not verify (checked in the background)
        "record": audit_svc.latest(engine) if actor is not None
        and actor.role in MATRIX[Action.ADMIN] else None})


def _months_left(as_of: date, end: date | None) -> float | None:
    if end is None or end <= as_of:
        return None
    return (end - as_of).days / (365.25 / 12)


# ---- projects --------------------------------------------------------------------------------

@router.get("/projects", response_class=HTMLResponse)
async def projects(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
             framework: str | None = None, status: str | None = None,
             sector: str | None = None, page: PageNumber = 1) -> Response:
    need(actor, Action.READ_PUBLIC, settings)
    page = max(page, 1)
    rows, count = projects_svc.list_projects_page(
        engine, framework=framework or None, status=status or None, sector=sector or None,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "projects.html", {
        "user": actor, "rows": rows, "count": count, "page": page,
        "pages": max(1, -(-count // PAGE_SIZE)), "stages": [s.value for s in Stage],
        "frameworks": _frameworks(engine),
        "filters": {"framework": framework or "", "status": status or "",
                    "sector": sector or ""}})


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
def project(request: Request, project_id: RecordId, engine: EngineDep, settings: SettingsDep,
            actor: PageActor) -> Response:
    need(actor, Action.READ_PUBLIC, settings)
    p = projects_svc.show_project(engine, project_id)
    outlook = views_svc.project_outlook(engine, p.summary.id)
    figures: dict[str, Any] = {}
    if outlook.waterfall is not None:
        figures["waterfall"] = charts.waterfall(outlook.waterfall.result,
                                                outlook.waterfall.terms.periods_per_year)
        figures["irr"] = charts.irr_histogram(outlook.irr)
    statement = _statement(engine, p.summary.id)
    if statement is not None:
        figures["capital"] = charts.capital_account(statement.account, statement.partner)
    deadline = next(iter(deadlines_svc.project_deadlines(
        engine, framework=p.summary.framework, project_id=p.summary.id)), None)
    funded_total = sum((f["amount"] for f in p.funding if not f.get("contingent")), Decimal(0))
    in_news = news.list_articles(engine, project_id=p.summary.id) if actor is not None else []
    events = sorted([("transition", x["on"], i, x) for i, x in enumerate(p.transitions)]
                    + [("consultation", x["on"], i, x) for i, x in enumerate(p.consultations)],
                    key=lambda e: (e[1], e[0] == "transition", e[2]))
    return render(request, "project.html", {
        "user": actor, "p": p, "s": p.summary, "outlook": outlook, "figures": figures,
        "events": [(kind, x) for kind, _, _, x in events],
        "deadline": deadline, "urgent": URGENT_DAYS, "funded_total": funded_total,
        "in_news": in_news, "statement": statement, "rounding": ROUNDING_RULE,
        "forms": _forms(actor, Stage(p.summary.status))})


def _statement(engine: Any, project_id: int) -> capital_svc.Statement | None:
    """The project's capital account today, when it has one to show: a framework whose SPV
    keeps accounts and sets a deemed rate, and cash contributed or distributed."""
    try:
        st = capital_svc.statement(engine, project_id)
    except PledgeError:
        return None
    return st if st.account.lines else None


def _act(request: Request, project_id: int, csrf: str, actor: Actor | None,
         do: Callable[[Actor], str], once: Once, back: str | None = None) -> Response:
    """Run one form's change, once per rendered form (its one-time key: a form sent twice
    is applied once); come back (to the project, or to ``back``) with what happened."""
    back = back or f"/projects/{project_id}"
    if actor is None:  # no session (or it ended): log in first, nothing is done
        return RedirectResponse(f"/login?next={back}", status_code=303)
    check_csrf(request, csrf)
    try:
        message = once(actor, lambda: do(actor))
        flash(request, "ok", f"Already done: {message}" if once.replayed else message)
    except PledgeError as exc:
        flash(request, "error", "; ".join(f"{q.message} ({q.field}: {q.value})"
                                          for q in exc.problems))
    return RedirectResponse(back, status_code=303)


def usd_full(value: Decimal) -> str:
    """US dollars to the cent, as a statement writes them."""
    return _usd(value, full=True)


def _sources(text: str) -> list[str]:
    return [s.strip() for s in text.split() if s.strip()]


@router.post("/projects/{project_id}/transition")
def transition(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
               once: PageOnce,
               to: Annotated[str, Form()], on: Annotated[str, Form()],
               reason: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
               csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.advance(engine, project_id, to, a, parse_date(on, "on"), reason,
                                 _sources(sources))
        extra = f"; funding date {d.summary.funding_date}" if d.summary.funding_date else ""
        return f"Moved to {d.summary.status.replace('_', ' ')}{extra}."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/consult")
def consult(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
            once: PageOnce,
            kind: Annotated[str, Form()], on: Annotated[str, Form()],
            note: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
            csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.consult(engine, project_id, kind, a, parse_date(on, "on"), note,
                             _sources(sources))
        return f"Consultation ({kind}) recorded."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/extend")
def extend(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
           once: PageOnce,
           until: Annotated[str, Form()], on: Annotated[str, Form()],
           reason: Annotated[str, Form()] = "", sources: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.extend(engine, project_id, parse_date(until, "until"), a,
                            parse_date(on, "on"), reason, _sources(sources))
        return f"Deadline extended to {until}."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/fund")
def fund(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce,
         amount: Annotated[str, Form()], on: Annotated[str, Form()],
         instrument: Annotated[str, Form()], provider: Annotated[str, Form()],
         csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.fund(engine, project_id, amount, parse_date(on, "on"), instrument,
                             provider, a)
        return f"Funded {amount} by {r.instrument} from {r.provider}."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/allocate")
def allocate(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
             once: PageOnce, amount: Annotated[str, Form()], on: Annotated[str, Form()],
             reason: Annotated[str, Form()] = "",
             csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.allocate(engine, project_id, amount, parse_date(on, "on"), a, reason)
        return (f"Allocation set to {usd_full(r.allocation)} (was {usd_full(r.previous)}; "
                f"funded {usd_full(r.funded)}); {usd_full(r.unallocated)} left unallocated.")
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/guarantee-call")
def guarantee_call(request: Request, project_id: RecordId, engine: EngineDep,
                   actor: PageActor, once: PageOnce, amount: Annotated[str, Form()],
                   on: Annotated[str, Form()], provider: Annotated[str, Form()] = "",
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = funding_svc.call_guarantee(engine, project_id, amount, parse_date(on, "on"), a,
                                       provider or None)
        return (f"{usd_full(r.amount)} of {r.provider}'s guarantee called and disbursed; "
                f"{usd_full(r.outstanding)} still guaranteed.")
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/distribute")
def distribute(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
               once: PageOnce, amount: Annotated[str, Form()], on: Annotated[str, Form()],
               csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = capital_svc.distribute(engine, project_id, parse_date(on, "on"), a, amount=amount)
        return (f"Distribution of {usd_full(r.amount)} on {r.on} recorded, split by the rule "
                f"({r.phase.value.replace('_', ' ')}): partner {usd_full(r.partner)}, "
                f"United States {usd_full(r.us)}; balance owed {usd_full(r.balance_before)} "
                f"before, {usd_full(r.balance_after)} after.")
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/estimate")
def estimate(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
             once: PageOnce,
             amount: Annotated[str, Form()], source: Annotated[str, Form()],
             on: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.add_estimate(engine, project_id, amount, source, parse_date(on, "on"),
                                      a)
        return f"Estimate {amount} recorded with its source ({len(d.estimates)} in all)."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/site")
def site(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce,
         location: Annotated[str, Form()], source: Annotated[str, Form()],
         on: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        projects_svc.add_site_report(engine, project_id, location, source,
                                     parse_date(on, "on"), a)
        return f"Reported site recorded with its source: {location.strip()}."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/status-report")
def status_report(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  stage: Annotated[str, Form()], source: Annotated[str, Form()],
                  on: Annotated[str, Form()], wording: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        d = projects_svc.add_status_report(engine, project_id, stage, source,
                                           parse_date(on, "on"), a, wording=wording)
        return (f"Reported stage {d.reported_status} recorded with its source; the "
                f"lifecycle stays at {d.summary.status}.")
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/link")
def link(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
         once: PageOnce, other: Annotated[str, Form()], kind: Annotated[str, Form()],
         source: Annotated[str, Form()], on: Annotated[str, Form()],
         note: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = relations_svc.link_projects(engine, project_id, other, kind, source, a,
                                        on=parse_date(on, "on"), note=note)
        return f"Linked to project {r.other_id} ({r.label}), with its source."
    return _act(request, project_id, csrf_token, actor, do, once)


@router.post("/projects/{project_id}/unlink")
def unlink(request: Request, project_id: RecordId, engine: EngineDep, actor: PageActor,
           once: PageOnce, other: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
           csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        r = relations_svc.unlink_projects(engine, project_id, other, a, reason=reason)
        return f"Link to project {r.other_id} withdrawn; it is kept with the reason."
    return _act(request, project_id, csrf_token, actor, do, once)


# ---- priorities and deadlines ----------------------------------------------------------------

REFRESH_SECONDS = 5  # how soon a page waiting for a job looks again


@router.get("/priorities", response_class=HTMLResponse)
def priorities(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
               runner: JobsDep, framework: str = "japan", budget: str | None = None
               ) -> Response:
    """The board at this data version; else a job computes it and the page shows the last
    board (or nothing yet) and looks again by itself: never computed within the request."""
    need(actor, Action.READ, settings)
    assert actor is not None
    answer = jobs_svc.board_or_job(engine, runner, actor, framework, budget or None)
    board = answer.board or answer.last
    context: dict[str, Any] = {
        "user": actor, "board": board, "computing": answer.job is not None,
        "refresh": REFRESH_SECONDS, "framework": framework, "budget": budget or "",
        "frameworks": _frameworks(engine), "figures": {}}
    if board is not None:
        c = board.rankings.comparison
        chosen = {name: (sol.u_us, sol.u_partner) for name, sol in board.batches.items()}
        context.update({
            "c": c, "order": sorted(board.rankings.names, key=lambda pid: c.us.ranks[pid]),
            "names": board.rankings.names,
            "figures": {"pareto": charts.pareto(board.frontier, chosen)} if board.frontier
            else {}})
    return render(request, "priorities.html", context)


@router.get("/frameworks/{key}", response_class=HTMLResponse)
def framework(request: Request, key: str, engine: EngineDep, settings: SettingsDep,
              actor: PageActor) -> Response:
    """A framework's terms, version by version: each setting with its sources, or its
    assumption mark with the basis and the other readings; claims the terms do not adopt."""
    need(actor, Action.READ_PUBLIC, settings)
    doc = fw_svc.framework_document(fw_svc.get_framework(engine, key))
    return render(request, "framework.html", {
        "user": actor, "fw": doc, "versions": doc["versions"]})


@router.get("/deadlines", response_class=HTMLResponse)
def deadlines(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
              framework: str | None = None, month: str | None = None) -> Response:
    need(actor, Action.READ_PUBLIC, settings)
    rows = deadlines_svc.project_deadlines(engine, framework=framework or None)
    first = _month(month) if month else (
        min((r.due for r in rows if r.due >= date.today()), default=None)
        or (rows[-1].due if rows else date.today())).replace(day=1)
    # A date recorded before dates were bounded still leaves a calendar to draw.
    first = min(max(first, PLAUSIBLE_DATES.earliest), PLAUSIBLE_DATES.latest).replace(day=1)
    months = [_add_months(first, i) for i in range(3)]
    by_day: dict[date, list[Any]] = {}
    for r in rows:
        by_day.setdefault(r.due, []).append(r)
    grids = [(m, pycalendar.Calendar(firstweekday=0).monthdatescalendar(m.year, m.month))
             for m in months]
    return render(request, "deadlines.html", {
        "user": actor, "rows": rows, "grids": grids, "by_day": by_day, "urgent": URGENT_DAYS,
        "prev": _add_months(first, -3).strftime("%Y-%m"),
        "next": _add_months(first, 3).strftime("%Y-%m"), "framework": framework or "",
        "frameworks": _frameworks(engine)})


def _month(text: str) -> date:
    """The first day of a ``YYYY-MM`` month within the plausible dates (the calendar
    shows it and the two after it, and links three months either side)."""
    try:
        y, m = text.split("-")
        if len(y) != 4 or len(m) != 2:
            raise ValueError(text)
        first = date(int(y), int(m), 1)
    except ValueError:
        raise InvalidInput.single("month", text, "web.bad_month", "a month is YYYY-MM") from None
    return check_date(first, "month")


def _add_months(d: date, n: int) -> date:
    idx = d.year * 12 + d.month - 1 + n
    return date(idx // 12, idx % 12 + 1, 1)


# ---- the news review queue -------------------------------------------------------------------

REVIEW_STATES = ("proposed", "accepted", "rejected", "all")
REVIEW_PAGE = 50


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
           state: str = "proposed", page: PageNumber = 1) -> Response:
    need(actor, Action.READ, settings)
    assert actor is not None  # READ is never anonymous
    if state not in REVIEW_STATES:
        raise InvalidInput.single("state", state, "web.bad_state",
                                  f"one of: {', '.join(REVIEW_STATES)}")
    everything = news.list_proposals(engine, state=None if state == "all" else state,
                                     actor=actor)
    pages = max(1, -(-len(everything) // REVIEW_PAGE))
    if not 1 <= page <= pages:
        raise InvalidInput.single("page", page, "web.bad_page", f"pages run from 1 to {pages}")
    rows = everything[(page - 1) * REVIEW_PAGE:page * REVIEW_PAGE]
    acceptors = {p.id: news.who_may_accept(p) for p in rows}
    return render(request, "review.html", {
        "user": actor, "rows": rows, "state": state, "states": REVIEW_STATES,
        "page": page, "pages": pages, "count": len(everything),
        "may_decide": actor.role in MATRIX[Action.REVIEW],
        "may_accept": {pid for pid, roles in acceptors.items() if actor.role in roles},
        "may_record": {p.id for p in rows if actor.role in news.who_may_record(p)},
        "acceptors": {pid: ", ".join(sorted(r.value for r in roles))
                      or "none (the lifecycle makes it by another operation)"
                      for pid, roles in acceptors.items()}})


@router.get("/review/articles", response_class=HTMLResponse)
def review_articles(request: Request, engine: EngineDep, settings: SettingsDep,
                    actor: PageActor) -> Response:
    need(actor, Action.READ, settings)
    assert actor is not None
    return render(request, "articles.html", {"user": actor,
                                             "rows": news.list_articles(engine, actor=actor)})


@router.get("/review/articles/{article_id}", response_class=HTMLResponse)
def review_article(request: Request, article_id: RecordId, engine: EngineDep,
                   settings: SettingsDep, actor: PageActor) -> Response:
    need(actor, Action.READ, settings)
    assert actor is not None
    view = news.article_view(engine, article_id, actor)
    return render(request, "article.html", {
        "user": actor, "a": view.article, "paragraphs": view.paragraphs,
        "facts": (view.article.get("facts") or {}), "rows": view.proposals})


@router.post("/review/{proposal_id}/accept")
def review_accept(request: Request, proposal_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  csrf_token: Annotated[str, Form()] = "",
                  as_report: Annotated[bool, Form()] = False) -> Response:
    def do(a: Actor) -> str:
        p = news.accept(engine, proposal_id, a, as_report=as_report)
        if as_report:
            return f"Proposal {p.id} recorded as a reported stage (the lifecycle is unchanged)."
        return f"Proposal {p.id} accepted and applied ({p.kind.replace('_', ' ')})."
    return _act(request, 0, csrf_token, actor, do, once, "/review")


@router.post("/review/{proposal_id}/reject")
def review_reject(request: Request, proposal_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  reason: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        p = news.reject(engine, proposal_id, a, reason)
        return f"Proposal {p.id} rejected; the record is kept."
    return _act(request, 0, csrf_token, actor, do, once, "/review")


@router.post("/review/ingest")
def review_ingest(request: Request, engine: EngineDep, actor: PageActor, once: PageOnce,
                  text: Annotated[str, Form()], source: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        [r] = news.ingest(engine, [news.ArticleInput(source.strip() or "pasted text", text)],
                          a)
        if r.duplicate_of is not None:
            return f"Already read: a {r.duplicate} copy of article {r.duplicate_of}."
        return f"Article read: {len(r.proposals)} proposed changes queued."
    return _act(request, 0, csrf_token, actor, do, once, "/review")
