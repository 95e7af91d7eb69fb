"""The news review queue: proposed changes, the articles they come from, and the forms
that accept, reject or read an article."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from pledge.domain.access import MATRIX, Action, acceptances
from pledge.domain.bounds import parse_date
from pledge.domain.proposals import ProposalKind
from pledge.server.deps import EngineDep, SettingsDep
from pledge.server.idempotency import PageOnce
from pledge.server.params import PageNumber, PageSize, RecordId
from pledge.services import news
from pledge.services import review_queue as queue
from pledge.services.base import Actor
from pledge.web.auth import PageActor, need
from pledge.web.common import act, framework_list, router
from pledge.web.i18n import N_, _
from pledge.web.templating import render, render_kept, role


@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
           state: str = "proposed", kind: str = "", framework: str = "",
           page: PageNumber = 1, size: PageSize = queue.DEFAULT_SIZE) -> Response:
    need(actor, Action.READ, settings)
    assert actor is not None  # READ is never anonymous

    def build() -> dict[str, Any]:
        q = queue.review_queue(engine, state=state, kind=kind, framework=framework,
                               page=page, size=size, actor=actor)
        rows = q.rows
        acceptors = {p.id: news.who_may_accept(p) for p in rows}
        filters = {"state": state, "kind": kind, "framework": framework, "size": size}
        return {
            "rows": rows, "q": q, "state": state, "states": queue.STATES, "kind": kind,
            "kinds": [k.value for k in ProposalKind], "framework": framework,
            "frameworks": framework_list(engine), "size": size, "sizes": queue.PAGE_SIZES,
            "query": lambda n: urlencode({**filters, "page": n}),
            "page": q.page, "pages": q.pages, "count": q.total,
            "may_decide": actor.role in MATRIX[Action.REVIEW], "acceptances": acceptances(),
            "may_accept": {pid for pid, roles in acceptors.items() if actor.role in roles},
            "may_record": {p.id for p in rows if actor.role in news.who_may_record(p)},
            "acceptors": {pid: ", ".join(sorted(role(r.value) for r in roles))
                          or _("none (the lifecycle makes it by another operation)")
                          for pid, roles in acceptors.items()}}

    # kept per data version, role, language and query; each reader's token and keys
    # written in for each request
    return await render_kept(request, engine, "review.html", (), actor, build)


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
                  as_report: Annotated[bool, Form()] = False,
                  on: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        day = parse_date(on, "on") if on.strip() else None
        p = news.accept(engine, proposal_id, a, on=day, as_report=as_report)
        when = _recorded_on(p.result or {})
        if as_report:
            return _("Proposal %(id)s recorded as a reported stage (the lifecycle is "
                     "unchanged)%(when)s.") % {"id": p.id, "when": when}
        return _("Proposal %(id)s accepted and applied (%(kind)s)%(when)s.") % {
            "id": p.id, "kind": _(p.kind.replace("_", " ")), "when": when}
    return act(request, 0, csrf_token, actor, do, once, "/review")


def _recorded_on(result: dict[str, object]) -> str:
    """Which date an accepted change was recorded on, and why that one."""
    if not result.get("on"):
        return ""
    why = {"article": N_(" (the article's date)"),
           "today": N_(" (today: the article has no date)")}.get(str(result.get("on_from")))
    return _(", recorded on %(date)s%(why)s") % {"date": result["on"],
                                                 "why": _(why) if why else ""}


@router.post("/review/{proposal_id}/reject")
def review_reject(request: Request, proposal_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  reason: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        p = news.reject(engine, proposal_id, a, reason)
        return _("Proposal %(id)s rejected; the record is kept.") % {"id": p.id}
    return act(request, 0, csrf_token, actor, do, once, "/review")


@router.post("/review/ingest")
def review_ingest(request: Request, engine: EngineDep, settings: SettingsDep, actor: PageActor,
                  once: PageOnce,
                  text: Annotated[str, Form()], source: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        [r] = news.ingest(engine, [news.ArticleInput(source.strip() or "pasted text", text)],
                          a, gazetteer=settings.news_gazetteer)
        if r.duplicate_of is not None:
            return _("Already read: a %(kind)s copy of article %(id)s.") % {
                "kind": _(str(r.duplicate)), "id": r.duplicate_of}
        return _("Article read: %(n)s proposed changes queued.") % {"n": len(r.proposals)}
    return act(request, 0, csrf_token, actor, do, once, "/review")
