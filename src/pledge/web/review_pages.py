"""The news review queue: proposed changes, the articles they come from, and the forms
that accept, reject or read an article."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from pledge.domain.access import MATRIX, Action
from pledge.domain.bounds import parse_date
from pledge.domain.errors import InvalidInput
from pledge.server.deps import EngineDep, SettingsDep
from pledge.server.idempotency import PageOnce
from pledge.server.params import PageNumber, RecordId
from pledge.services import news
from pledge.services.base import Actor
from pledge.web.auth import PageActor, need
from pledge.web.common import act, router
from pledge.web.templating import render

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
    # the page's slice and the count, read in SQL: never every proposal
    rows, count = news.proposals_page(engine, state=None if state == "all" else state,
                                      page=page, size=REVIEW_PAGE, actor=actor)
    pages = max(1, -(-count // REVIEW_PAGE))
    acceptors = {p.id: news.who_may_accept(p) for p in rows}
    return render(request, "review.html", {
        "user": actor, "rows": rows, "state": state, "states": REVIEW_STATES,
        "page": page, "pages": pages, "count": count,
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
                  as_report: Annotated[bool, Form()] = False,
                  on: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        day = parse_date(on, "on") if on.strip() else None
        p = news.accept(engine, proposal_id, a, on=day, as_report=as_report)
        when = _recorded_on(p.result or {})
        if as_report:
            return (f"Proposal {p.id} recorded as a reported stage (the lifecycle is "
                    f"unchanged){when}.")
        return f"Proposal {p.id} accepted and applied ({p.kind.replace('_', ' ')}){when}."
    return act(request, 0, csrf_token, actor, do, once, "/review")


def _recorded_on(result: dict[str, object]) -> str:
    """Which date an accepted change was recorded on, and why that one."""
    if not result.get("on"):
        return ""
    why = {"article": " (the article's date)", "given": "",
           "today": " (today: the article has no date)"}.get(str(result.get("on_from")), "")
    return f", recorded on {result['on']}{why}"


@router.post("/review/{proposal_id}/reject")
def review_reject(request: Request, proposal_id: RecordId, engine: EngineDep, actor: PageActor,
                  once: PageOnce,
                  reason: Annotated[str, Form()] = "",
                  csrf_token: Annotated[str, Form()] = "") -> Response:
    def do(a: Actor) -> str:
        p = news.reject(engine, proposal_id, a, reason)
        return f"Proposal {p.id} rejected; the record is kept."
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
            return f"Already read: a {r.duplicate} copy of article {r.duplicate_of}."
        return f"Article read: {len(r.proposals)} proposed changes queued."
    return act(request, 0, csrf_token, actor, do, once, "/review")
