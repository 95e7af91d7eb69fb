"""The pages that look across a framework: the dashboard, the priorities board, a
framework's terms, the calibrated risk, and the calendar of deadlines."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from pledge.domain import score_model
from pledge.domain.access import MATRIX, Action
from pledge.domain.bounds import PLAUSIBLE_DATES, check_date, optional_date
from pledge.domain.errors import InvalidInput, PledgeError
from pledge.server.deps import EngineDep, JobsDep, SettingsDep
from pledge.services import as_of as as_of_svc
from pledge.services import audit as audit_svc
from pledge.services import claims as claims_svc
from pledge.services import dashboard as dash_svc
from pledge.services import frameworks as fw_svc
from pledge.services import jobs as jobs_svc
from pledge.services import money as money_svc
from pledge.services import news
from pledge.services import risk as risk_svc
from pledge.services.base import parse_date
from pledge.web import charts
from pledge.web.auth import PageActor, need
from pledge.web.common import URGENT_DAYS, framework_list, router
from pledge.web.i18n import _, lang_of
from pledge.web.templating import kept_answer, render, render_cached, render_kept


# The dashboard and the list are short reads, answered on the event loop (no thread hop).
@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
              framework: str = "japan", on: str | None = None) -> Response:
    need(actor, Action.READ_PUBLIC, settings)
    as_of = parse_date(on, "on") if on else None
    admin = actor is not None and actor.role in MATRIX[Action.ADMIN]
    # admins are told when the record does not verify (checked in the background, so the
    # page's content depends on that check's result too)
    record = audit_svc.latest(engine) if admin else None
    ja = lang_of(request) == "ja"

    def build() -> dict[str, Any]:
        d = dash_svc.dashboard(engine, framework, as_of)
        c = d.commitments
        figures = {"gauge": charts.gauge(c.cap, c.allocated, c.disbursed)}
        if d.projects:  # an empty framework gets a sentence, not empty charts
            figures["pipeline"] = charts.pipeline(
                [_(s.stage.replace("_", " ")) for s in d.pipeline],
                [s.count for s in d.pipeline], [s.usd_high for s in d.pipeline])
        if d.by_sector:
            figures["sectors"] = charts.by_sector({_(k.replace("_", " ")): v
                                                   for k, v in d.by_sector.items()})
        return {"d": d, "c": c, "figures": figures, "urgent": URGENT_DAYS,
                "news": news.news_summary(engine, actor=actor, framework=d.framework)
                if actor is not None else None,
                "frameworks": framework_list(engine),
                "months_left": _months_left(c.as_of, c.period_end),
                "jpy": _yen_rate(engine, c.as_of) if ja else None, "record": record}

    return render_cached(request, engine, "dashboard.html",
                         (None if record is None else (record.version, record.ok),),
                         actor, build)


def _yen_rate(engine: Any, on: date) -> Any:
    """The US dollar's rate in yen in force on ``on``, for a Japanese reader's yen
    equivalents; None when no rate is recorded (no equivalent is then shown)."""
    try:
        return money_svc.rate_table(engine).rate_on("USD", "JPY", on)
    except PledgeError:
        return None


def _months_left(as_of: date, end: date | None) -> float | None:
    if end is None or end <= as_of:
        return None
    return (end - as_of).days / (365.25 / 12)


REFRESH_SECONDS = 5  # how soon a page waiting for a job looks again


@router.get("/priorities", response_class=HTMLResponse)
async def priorities(request: Request, engine: EngineDep, settings: SettingsDep,
                     actor: PageActor, runner: JobsDep, framework: str = "japan",
                     budget: str | None = None) -> Response:
    """The board at this data version; else a job computes it and the page shows the last
    board (or nothing yet) and looks again by itself: never computed within the request.
    The page of a board kept at this data version is answered on the event loop; finding
    the board or its job (which may queue one) in a worker thread."""
    need(actor, Action.READ, settings)
    assert actor is not None
    kept = kept_answer(request, engine, "priorities.html", (), actor)
    if kept is not None:
        return kept
    known = jobs_svc.known_board(engine, runner, framework, budget or None)
    if known is not None:  # the board or its job, found by reads: the page may be kept
        kept = kept_answer(request, engine, "priorities.html", _kept_by(known), actor)
        if kept is not None:
            return kept
    return await run_in_threadpool(_priorities, request, engine, actor, runner, framework,
                                   budget)


def _kept_by(answer: Any) -> tuple[Any, ...]:
    """What the priorities page is kept by besides what every kept page is: nothing for
    the board of this data version; while a job computes it, the page is the same until
    that job ends (a board stored then is the board of this data version), so the job
    and the board shown meanwhile."""
    if answer.board is not None:
        return ()
    board = answer.last
    return ("computing", None if answer.job is None else answer.job.id,
            None if board is None else id(board))


def _priorities(request: Request, engine: Any, actor: Any, runner: Any, framework: str,
                budget: str | None) -> Response:
    answer = jobs_svc.board_or_job(engine, runner, actor, framework, budget or None)
    board = answer.board or answer.last
    computing = answer.job is not None

    def build() -> dict[str, Any]:
        return {"board": board, "computing": computing, "refresh": REFRESH_SECONDS,
                "framework": framework, "budget": budget or "",
                "frameworks": framework_list(engine), "figures": {},
                "profiles": [pr for _, pr in score_model.PROFILES] + [score_model.OTHER],
                "model_rules": score_model.rules_in_words(),
                **(_board_context(board) if board is not None else {})}

    return render_cached(request, engine, "priorities.html", _kept_by(answer), actor, build)


def _board_context(board: Any) -> dict[str, Any]:
    """What the priorities page draws of a board."""
    c = board.rankings.comparison
    chosen = {name: (sol.u_us, sol.u_partner) for name, sol in board.batches.items()}
    return {"c": c, "order": sorted(board.rankings.names, key=lambda pid: c.us.ranks[pid]),
            "names": board.rankings.names,
            "modelled": sum(b.startswith("modelled") for b in board.rankings.basis.values()),
            "scored": sum(not b.startswith("computed") for b in board.rankings.basis.values()),
            "figures": {"pareto": charts.pareto(board.frontier, chosen)} if board.frontier
            else {}}


@router.get("/frameworks/{key}", response_class=HTMLResponse)
def framework(request: Request, key: str, engine: EngineDep, settings: SettingsDep,
              actor: PageActor) -> Response:
    """A framework's terms, version by version: each setting with its sources, or its
    assumption mark with the basis and the other readings; claims the terms do not adopt."""
    need(actor, Action.READ_PUBLIC, settings)
    doc = fw_svc.framework_document(fw_svc.get_framework(engine, key))
    # claims from the news are read by the signed-in, as on the API
    claims = claims_svc.term_claims(engine, key) if actor is not None else []
    return render(request, "framework.html", {
        "user": actor, "fw": doc, "versions": doc["versions"], "claims": claims})


@router.get("/risk", response_class=HTMLResponse)
def risk(request: Request, settings: SettingsDep, actor: PageActor) -> Response:
    """The calibrated risk the simulations draw from: each reference class's overrun,
    delay and abandonment with their sources, the macro factors and their correlations,
    and how a project loads on them."""
    need(actor, Action.READ_PUBLIC, settings)
    return render(request, "risk.html", {"user": actor, **risk_svc.risk_table()})


@router.get("/deadlines", response_class=HTMLResponse)
async def deadlines(request: Request, engine: EngineDep, settings: SettingsDep,
                    actor: PageActor, framework: str | None = None, month: str | None = None,
                    as_of: str | None = None) -> Response:
    """The funding dates on a calendar and in a list; ``as_of`` (a date, or empty for
    today): the dates as recorded by the end of that day, days left counted from it."""
    need(actor, Action.READ_PUBLIC, settings)
    day = optional_date(as_of, "as_of")
    # the current month (the month read as of)
    first = _month(month) if month else (day or date.today()).replace(day=1)
    # A date recorded before dates were bounded still leaves a calendar to draw.
    first = min(max(first, PLAUSIBLE_DATES.earliest), PLAUSIBLE_DATES.latest).replace(day=1)

    def build() -> dict[str, Any]:
        rows = as_of_svc.deadlines_known(engine, framework or None, None, day)
        months = [_add_months(first, i) for i in range(3)]
        by_day: dict[date, list[Any]] = {}
        for r in rows:
            by_day.setdefault(r.due, []).append(r)
        grids = [(m, pycalendar.Calendar(firstweekday=0).monthdatescalendar(m.year, m.month))
                 for m in months]
        return {"rows": rows, "grids": grids, "by_day": by_day, "urgent": URGENT_DAYS,
                "prev": _add_months(first, -3).strftime("%Y-%m"),
                "next": _add_months(first, 3).strftime("%Y-%m"), "framework": framework or "",
                "as_of": "" if day is None else day.isoformat(),
                "frameworks": framework_list(engine)}

    return await render_kept(request, engine, "deadlines.html", (), actor, build)


def _month(text: str) -> date:
    """The first day of a ``YYYY-MM`` month within the plausible dates (the calendar
    shows it and the two after it, and links three months either side)."""
    try:
        y, m = text.split("-")
        if len(y) != 4 or len(m) != 2:
            raise ValueError(text)
        first = date(int(y), int(m), 1)
    except ValueError:
        raise InvalidInput.single("month", text, "web.bad_month",
                                  _("a month is YYYY-MM")) from None
    return check_date(first, "month")


def _add_months(d: date, n: int) -> date:
    """The first day of the month ``n`` months from ``d``'s."""
    first: date = d.replace(day=1) + relativedelta(months=n)
    return first
