"""Reading the review queue: proposals from news and the articles they came from, as a
reviewer sees them (the decisions themselves are ``services.news``).

Listing and reading need READ (checked when an ``actor`` is given); the SQL is
``store.news_queries``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine

from pledge.domain.access import Action, accept_roles, authorize, record_roles
from pledge.domain.bounds import is_possible_id
from pledge.domain.errors import InvalidInput, NotFound
from pledge.domain.lifecycle import Role
from pledge.domain.proposals import ProposalKind
from pledge.ingest.dates import from_text
from pledge.ingest.extract import Extraction
from pledge.ingest.outlets import outlet_of
from pledge.ingest.passages import Passage, evidence_sentences, passages
from pledge.ingest.proposals import PlannedChange, summary
from pledge.services.base import Actor, jsonable, project_row
from pledge.store import news_queries as nq
from pledge.store.db import reading

__all__ = ["STATES", "ArticleSummary", "ArticleView", "NewsSummary", "ProposalView",
           "article_date", "article_view", "articles_in", "get_article", "get_proposal",
           "list_articles", "list_proposals", "news_summary", "stored_sources", "view_in",
           "who_may_accept", "who_may_record", "whole_id"]

STATES: Final = ("proposed", "accepted", "rejected")


def article_date(published_on: date | None, head: str | None) -> date | None:
    """An article's publication date: the one stored with it, else (an article stored
    before dates were kept) the dateline at the start of its text (``head``), else None."""
    return published_on if published_on is not None else from_text(head or "")


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal with everything a review page shows."""

    id: int | None
    article_id: int | None
    article_source: str
    article_title: str
    language: str
    kind: ProposalKind
    project_id: int | None
    project_name: str
    payload: dict[str, Any]
    evidence: str
    confidence: float
    state: str
    created_at: datetime | None = None
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: datetime | None = None
    reason: str = ""
    result: dict[str, Any] | None = None
    article_published: date | None = None   # the article's publication date, if known
    article_outlet: str = ""                # the publication it appeared in, if known
    #: every article saying it, its own first: article_id, source, outlet, published,
    #: evidence (the sentence), confidence
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def corroborations(self) -> int:
        """How many further articles say the same (its own article not counted)."""
        return max(0, len(self.sources) - 1)

    @classmethod
    def planned(cls, ext: Extraction, change: PlannedChange,
                outlet: str = "") -> ProposalView:
        """A change planned from ``ext`` and not stored (no id yet)."""
        own = _source(None, ext.source, outlet, ext.published, change.evidence,
                      change.confidence)
        return cls(None, None, ext.source, ext.title, ext.language, change.kind,
                   change.project_id, change.project_name, change.payload, change.evidence,
                   change.confidence, "proposed", article_published=ext.published,
                   article_outlet=outlet, sources=[own])

    def record(self) -> dict[str, Any]:
        """JSON-ready (money as text, dates as ISO)."""
        value: dict[str, Any] = jsonable({**asdict(self), "summary": self.summary,
                                          "corroborations": self.corroborations})
        return value

    @property
    def summary(self) -> str:
        """The change in a line, as a reviewer reads it."""
        return summary(self.kind, self.payload)



def _source(article_id: int | None, source: str, outlet: str, published: date | None,
            evidence: str, confidence: float) -> dict[str, Any]:
    return {"article_id": article_id, "source": source, "outlet": outlet,
            "published": published, "evidence": evidence, "confidence": confidence}


def view_in(s: Connection, proposal_id: int) -> ProposalView:
    return _views(s, [nq.proposal_row(s, proposal_id)])[0]


def _views(s: Connection, rows: list[Any]) -> list[ProposalView]:
    """The proposals of ``rows`` with every article that says each (one more query)."""
    more = nq.corroborations(s, [r.id for r in rows])
    return [_row_view(r, more.get(r.id, [])) for r in rows]


def _row_view(row: Any, more: list[Any]) -> ProposalView:
    payload = dict(row.payload)
    name = row.project_name or str(payload.get("name", ""))
    published = article_date(row.published_on, row.head)
    outlet = row.outlet or outlet_of(row.source)
    sources = [_source(row.article_id, row.source, outlet, published, row.evidence,
                       float(row.confidence))]
    sources += [_source(m.article_id, m.source, m.outlet or outlet_of(m.source),
                        article_date(m.published_on, m.head), m.evidence,
                        float(m.confidence)) for m in more]
    return ProposalView(row.id, row.article_id, row.source, row.title, row.language,
                        ProposalKind(row.kind), row.project_id, name, payload, row.evidence,
                        float(row.confidence), row.state, row.created_at, row.decided_by,
                        row.decided_role, row.decided_at, row.reason,
                        dict(row.result) if row.result is not None else None,
                        published, outlet, sources)


def stored_sources(engine: Engine | None, sources: Iterable[str]) -> set[str]:
    """Which of ``sources`` (addresses or file names) a stored article already has (none
    without a database)."""
    from pledge.services.news_projects import database_ready
    if engine is None or not database_ready(engine):
        return set()
    with reading(engine) as s:
        return nq.stored_sources(s, list(sources))


def proposal_framework(p: ProposalView, of_project: dict[int, str]) -> str:
    """The framework a proposal belongs to: its project's, or for a new project the one
    its article was read as about ("" when neither is known)."""
    if p.project_id is not None:
        return of_project.get(p.project_id, "")
    named = p.payload.get("framework")
    return str(named) if named else ""


def whole_id(value: int | str, what: str = "a proposal") -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput.single("id", value, "review.bad_id",
                                  f"{what} id is a whole number") from None
    if not is_possible_id(number):  # names nothing (and would overflow the query)
        rule = "review.unknown" if what == "a proposal" else "review.unknown_article"
        raise NotFound.single("id", value, rule, f"no {what.split()[-1]} with this id")
    return number


def list_proposals(engine: Engine, *, state: str | None = "proposed",
                   article_id: int | None = None, project_id: int | None = None,
                   actor: Actor | None = None) -> list[ProposalView]:
    """Proposals, oldest first: those in ``state`` (None: all), optionally of one article or
    one project. With ``actor``, checks that they may read."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    if state is not None and state not in STATES:
        raise InvalidInput.single("state", state, "review.unknown_state",
                                  f"state is one of {', '.join(STATES)} (or all)")
    if any(x is not None and not is_possible_id(x) for x in (article_id, project_id)):
        return []  # an id that cannot exist has no proposals
    with reading(engine) as s:
        return _views(s, nq.proposal_rows(s, state=state, article_id=article_id,
                                          project_id=project_id))


def proposals_page(engine: Engine, *, state: str | None = "proposed", page: int = 1,
                   size: int = 50, actor: Actor | None = None
                   ) -> tuple[list[ProposalView], int]:
    """One page of the proposals in ``state`` (None: all), oldest first, and how many there
    are in all: two indexed statements however many proposals there are. Raises
    InvalidInput for a page beyond the last (a queue with none has one page)."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    if state is not None and state not in STATES:
        raise InvalidInput.single("state", state, "review.unknown_state",
                                  f"state is one of {', '.join(STATES)} (or all)")
    with reading(engine) as s:
        count = nq.proposal_count(s, state=state)
        pages = max(1, -(-count // size))
        if not 1 <= page <= pages:
            raise InvalidInput.single("page", page, "web.bad_page",
                                      f"pages run from 1 to {pages}")
        rows = nq.proposal_rows(s, state=state, limit=size, offset=(page - 1) * size)
        return _views(s, rows), count


def get_proposal(engine: Engine, proposal_id: int | str,
                 actor: Actor | None = None) -> ProposalView:
    """One proposal; raises NotFound."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    with reading(engine) as s:
        return view_in(s, whole_id(proposal_id))


def get_article(engine: Engine, article_id: int | str,
                actor: Actor | None = None) -> dict[str, Any]:
    """A stored article: source, outlet, title, language, publication date
    (``published_on``, None if unknown), cleaned text and what was read from it."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    aid = whole_id(article_id, "an article")
    with reading(engine) as s:
        row = nq.article_row(s, aid)
        if row is None:
            raise NotFound.single("id", article_id, "review.unknown_article",
                                  "no article with this id")
        article = {k: v for k, v in row._mapping.items()}
        article["published_on"] = article_date(row.published_on, str(row.text)[:nq.HEAD_CHARS])
        article["outlet"] = row.outlet or outlet_of(str(row.source))
        return article


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """A stored article in a list: what it is and how much it proposed."""

    id: int
    source: str
    title: str
    language: str
    pledging_country: str
    ingested_at: datetime
    ingested_by: str
    proposals: int
    waiting: int
    published: date | None = None     # the article's publication date, if known
    outlet: str = ""                  # the publication, if known

    def record(self) -> dict[str, Any]:
        value: dict[str, Any] = jsonable(asdict(self))
        return value


def list_articles(engine: Engine, *, project_id: int | str | None = None,
                  actor: Actor | None = None, framework: str | None = None,
                  project_read: bool = False) -> list[ArticleSummary]:
    """Stored articles, newest first; with ``project_id``, those about that project (the
    ones it was matched in); with ``framework``, those read as about that framework.
    Raises NotFound for an unknown project, unless ``project_read`` says the caller has
    just read it (its page: one lookup fewer)."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    with reading(engine) as s:
        pid = None if project_id is None else (
            int(project_id) if project_read else project_row(s, project_id).id)
        return articles_in(s, pid, framework)


def articles_in(s: Connection, project_id: int | None = None,
                framework: str | None = None) -> list[ArticleSummary]:
    """``list_articles`` read in ``s``, the project (its id) already looked up: a project's
    page reads them with the project."""
    return [ArticleSummary(r.id, r.source, r.title, r.language, r.pledging_country,
                           r.ingested_at, r.ingested_by, int(r.n or 0), int(r.open or 0),
                           article_date(r.published_on, r.head), r.outlet or outlet_of(r.source))
            for r in nq.article_summaries(s, project_id, framework)]


@dataclass(frozen=True, slots=True)
class NewsSummary:
    """What the dashboard shows of the news: proposals waiting and the latest articles."""

    waiting: int
    latest: list[ArticleSummary]


def news_summary(engine: Engine, *, limit: int = 5, actor: Actor | None = None,
                 framework: str | None = None) -> NewsSummary:
    """The count of proposals waiting for review and the ``limit`` latest articles, with
    ``framework`` those read as about it (cached until the data changes)."""
    from pledge.services.dashboard import views

    if actor is not None:
        authorize(actor.role, Action.READ)

    def build() -> NewsSummary:
        with reading(engine) as s:
            if framework is None:
                waiting = nq.waiting_count(s)
            else:
                of_project = nq.project_frameworks(s)
                waiting = sum(proposal_framework(_row_view(r, []), of_project) == framework
                              for r in nq.proposal_rows(s, state="proposed"))
        return NewsSummary(waiting, list_articles(engine, framework=framework)[:limit])
    return views.get(engine, ("news-summary", limit, framework), build)


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A stored article as a reviewer reads it: the record, its text cut into paragraphs of
    passages (the sentences facts came from marked), and the proposals it made."""

    article: dict[str, Any]
    paragraphs: list[list[Passage]]
    proposals: list[ProposalView]

    def record(self) -> dict[str, Any]:
        value: dict[str, Any] = jsonable({
            **{k: v for k, v in self.article.items() if k not in ("sketch", "content_hash")},
            "evidence": sorted(evidence_sentences(self.article.get("facts") or {})),
            "proposals": [p.record() for p in self.proposals]})
        return value


def article_view(engine: Engine, article_id: int | str, actor: Actor | None = None
                 ) -> ArticleView:
    """An article with the sentences its facts came from marked, and its proposals."""
    article = get_article(engine, article_id, actor)
    proposals = list_proposals(engine, state=None, article_id=article["id"], actor=actor)
    return ArticleView(article, passages(str(article["text"]),
                                         evidence_sentences(article["facts"] or {})),
                       proposals)


def who_may_accept(proposal: ProposalView) -> frozenset[Role]:
    """The roles that may accept ``proposal`` (``domain.access.accept_roles``)."""
    return accept_roles(proposal.kind, proposal.payload.get("to"))


def who_may_record(proposal: ProposalView) -> frozenset[Role]:
    """The roles that may accept a reported stage as a status report (``as_report``)."""
    return record_roles(proposal.kind)
