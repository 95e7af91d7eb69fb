"""News in and the review queue: ingest an article, list, accept and reject proposals.

Who may do what is decided by ``services.news`` against ``domain.access`` (the same
for the CLI, this API and the pages): listing needs READ; ingesting and rejecting
REVIEW; accepting REVIEW and the rights of the change it applies.
"""

from __future__ import annotations

import json
from email.message import Message
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from pledge.api.schemas import AcceptBody, ArticleBody, RejectBody
from pledge.domain.access import Action
from pledge.domain.errors import InvalidInput
from pledge.models.news import (
    Article,
    ArticleList,
    ArticleListItem,
    IngestedArticle,
    Proposal,
    ProposalPage,
)
from pledge.server.deps import EngineDep, SettingsDep, require, require_actor
from pledge.server.idempotency import OnceDep
from pledge.server.params import Offset, RecordId, RecordIdFilter
from pledge.services import news as svc
from pledge.services.base import Actor

router = APIRouter(tags=["review"])


@router.get("/review", response_model=ProposalPage, dependencies=[require(Action.READ)])
def list_proposals(engine: EngineDep,
                   state: str = Query("proposed", description="proposed, accepted, rejected "
                                                              "or all"),
                   article_id: RecordIdFilter = None, project_id: RecordIdFilter = None,
                   limit: int = Query(100, ge=1, le=1000),
                   offset: Offset = 0) -> ProposalPage:
    """Proposals from news, oldest first, each with its source, sentence and confidence."""
    rows = svc.list_proposals(engine, state=None if state == "all" else state,
                              article_id=article_id, project_id=project_id)
    return ProposalPage(data=[Proposal.of(p) for p in rows[offset:offset + limit]],
                        count=len(rows), limit=limit, offset=offset)


@router.get("/review/articles", response_model=ArticleList,
            dependencies=[require(Action.READ)])
def list_articles(engine: EngineDep, project_id: RecordIdFilter = None) -> ArticleList:
    """Stored articles, newest first, with how many changes each proposed and how many
    wait; ``project_id`` keeps those about one project."""
    rows = svc.list_articles(engine, project_id=project_id)
    return ArticleList(data=[ArticleListItem.of(a) for a in rows], count=len(rows))


@router.get("/review/{proposal_id}", response_model=Proposal,
            dependencies=[require(Action.READ)])
def get_proposal(proposal_id: RecordId, engine: EngineDep) -> Proposal:
    """One proposal."""
    return Proposal.of(svc.get_proposal(engine, proposal_id))


@router.get("/review/articles/{article_id}", response_model=Article,
            dependencies=[require(Action.READ)])
def get_article(article_id: RecordId, engine: EngineDep) -> Article:
    """A stored article: its cleaned text, what was read from it (each fact with its
    sentence), the sentences cited as evidence, and the proposals it made."""
    return Article.of(svc.article_view(engine, article_id))


@router.post("/review/{proposal_id}/accept", response_model=Proposal)
def accept_proposal(proposal_id: RecordId, engine: EngineDep, once: OnceDep,
                    body: AcceptBody | None = None,
                    actor: Actor = require_actor(Action.REVIEW)) -> dict[str, Any]:
    """Apply the change through the usual service and rules, the article as its source.
    A refused change leaves the proposal waiting and answers with the rule's reason."""
    return once(actor, lambda: Proposal.of(svc.accept(
        engine, proposal_id, actor, on=body.on if body else None,
        as_report=body.as_report if body else False)).document())


@router.post("/review/{proposal_id}/reject", response_model=Proposal)
def reject_proposal(proposal_id: RecordId, engine: EngineDep, once: OnceDep,
                    body: RejectBody | None = None,
                    actor: Actor = require_actor(Action.REVIEW)) -> dict[str, Any]:
    """Reject the proposal; it is kept with who rejected it and why."""
    return once(actor, lambda: Proposal.of(svc.reject(
        engine, proposal_id, actor, body.reason if body else "")).document())


async def _article(request: Request, source: str | None, html: bool | None
                   ) -> svc.ArticleInput:
    raw = await request.body()
    header = Message()
    header["content-type"] = request.headers.get("content-type", "")
    text = svc.decode_article(raw, declared=header.get_content_charset(), field="body")
    kind = header.get_content_type()
    if kind == "application/json":
        try:
            body = ArticleBody.model_validate(json.loads(text))
        except (ValueError, TypeError) as exc:
            raise InvalidInput.single("body", "", "news.bad_body",
                                      "send JSON {\"source\", \"text\"} or the article as "
                                      f"text ({str(exc).splitlines()[0]})") from None
        return svc.ArticleInput(body.source, body.text, body.html)
    if html is None and kind in ("text/html", "application/xhtml+xml"):
        html = True
    return svc.ArticleInput(source or "api", text, html)


@router.post("/ingest", status_code=201, response_model=list[IngestedArticle])
async def ingest(request: Request, engine: EngineDep, settings: SettingsDep, once: OnceDep,
                 source: str | None = Query(None, description="where a text body is from"),
                 dry_run: bool = Query(False, description="read and report; write nothing"),
                 html: bool | None = Query(None, description="whether a text body is HTML"),
                 actor: Actor = require_actor(Action.REVIEW)) -> list[dict[str, Any]]:
    """Read one article (a text or HTML body, or JSON ``{"source", "text"}``) into proposed
    changes; the answer is the ``pledge ingest --json`` list."""
    article = await _article(request, source, html)
    return await run_in_threadpool(once, actor, lambda: [
        IngestedArticle.of(r).document()
        for r in svc.ingest(engine, [article], actor, dry_run=dry_run,
                                         gazetteer=settings.news_gazetteer)])
