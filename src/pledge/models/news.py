"""The public shape of news and the review queue: proposals, stored articles, what
ingesting an article did, and the lists of them (``api/routes_review.py`` and
``pledge ingest`` / ``pledge review ... --json``).

Each model is built from the service's JSON-ready record (``ProposalView.record()``,
``ArticleSummary.record()``, ``ArticleView.record()``, ``IngestResult.contract()``), so
the keys and values are those the CLI and the API wrote before there were models;
unknown keys are refused (``Shape``), so a key the service adds must be added here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, PlainSerializer

from pledge.domain.proposals import ProposalKind
from pledge.models import Page, Shape
from pledge.services.claims import ClaimView, TrancheView
from pledge.services.news import ArticleSummary, ArticleView, IngestResult, ProposalView

__all__ = ["AmountText", "Article", "ArticleList", "ArticleListItem", "IngestedArticle",
           "NamedOfficial", "Proposal", "ProposalPage", "Site", "StatusSignal",
           "Subsidiary", "SupportingArticle", "TermClaim", "Timestamp", "Tranche"]

#: A moment as ISO 8601 text, written as Python writes it (``2026-12-05T10:00:00+00:00``).
Timestamp = Annotated[datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str,
                                                when_used="json")]


class SupportingArticle(Shape):
    """One article that says what a proposal says: its own article first, then the
    further ones that corroborate it (``evidence``: the sentence each says it in)."""

    article_id: int | None
    source: str
    outlet: str
    published: date | None
    evidence: str
    confidence: float


class Proposal(Shape):
    """A change read from an article, waiting for a decision or decided.

    ``payload`` is the change (its keys depend on ``kind``; money as text); ``result``,
    once accepted, what the applied change did (``project_id`` and the like);
    ``summary`` the change in a line; ``article_published`` the article's publication
    date (what accepting records the change on unless another is given), None if unknown;
    ``article_outlet`` the publication; ``sources`` every article saying the same, its own
    first, and ``corroborations`` how many further ones there are (one proposal for them
    all, not one copy each).
    """

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
    created_at: Timestamp | None = None
    decided_by: str | None = None
    decided_role: str | None = None
    decided_at: Timestamp | None = None
    reason: str = ""
    result: dict[str, Any] | None = None
    article_published: date | None = None
    article_outlet: str = ""
    sources: list[SupportingArticle] = Field(default_factory=list)
    corroborations: int = 0
    summary: str

    @classmethod
    def of(cls, view: ProposalView) -> Proposal:
        return cls.model_validate(view.record())


#: One page of proposals (``GET /review``).
ProposalPage = Page[Proposal]


class ArticleListItem(Shape):
    """A stored article in a list: what it is, when it was published (``published``: None
    if unknown), in which outlet, and how many proposals it made (``waiting``: those
    still proposed)."""

    id: int
    source: str
    title: str
    language: str
    pledging_country: str
    ingested_at: Timestamp
    ingested_by: str
    proposals: int
    waiting: int
    published: date | None = None
    outlet: str = ""

    @classmethod
    def of(cls, summary: ArticleSummary) -> ArticleListItem:
        return cls.model_validate(summary.record())


class ArticleList(Shape):
    """Stored articles, newest first (``GET /review/articles``)."""

    data: list[ArticleListItem]
    count: int


class Article(Shape):
    """A stored article: its cleaned text, what was read from it (``facts``, each fact with
    its sentence), the sentences cited as evidence, and the proposals it made."""

    id: int
    source: str
    title: str
    language: str
    pledging_country: str
    framework: str | None
    fingerprint: str
    text: str
    facts: dict[str, Any]
    published_on: date | None = None
    outlet: str = ""
    ingested_at: Timestamp
    ingested_by: str
    role: str
    evidence: list[str]
    proposals: list[Proposal]

    @classmethod
    def of(cls, view: ArticleView) -> Article:
        return cls.model_validate(view.record())


class AmountText(Shape):
    """A money mention as read: the words, the bounds as exact text (None: open) and the
    currency."""

    text: str
    low: str | None
    high: str | None
    currency: str


class StatusSignal(Shape):
    """A lifecycle stage an article reports for a project (named as it names it)."""

    project: str
    status: str


class Site(Shape):
    """A named US place that is not a state, with the states it may lie in."""

    name: str
    states: list[str]


class TermClaim(Shape):
    """What a source says a framework's terms are (``settings``: setting -> value), kept
    beside them: ``terms`` the values in force on ``as_of``, ``agrees`` whether each agrees
    (None: the terms give none). A claim never amends the terms."""

    id: int
    framework: str
    settings: dict[str, Any]
    written: str
    evidence: str
    source: str
    as_of: date
    terms: dict[str, Any]
    agrees: dict[str, bool | None]

    @classmethod
    def of(cls, view: ClaimView) -> TermClaim:
        return cls.model_validate(view.record())


class Tranche(Shape):
    """A tranche (phase) a source gives, of a project or (``project_id`` None) of the
    framework's programme; ``amount`` as written, bounds as exact text (None: open)."""

    id: int
    framework: str
    project_id: int | None
    label: str
    ordinal: int | None
    amount: str
    low: str | None
    high: str | None
    currency: str | None
    source: str
    as_of: date

    @classmethod
    def of(cls, view: TrancheView) -> Tranche:
        return cls.model_validate(view.record())


class Subsidiary(Shape):
    """A subsidiary or project company the article names (``companies`` lists its parent
    in its place)."""

    name: str
    parent: str


class NamedOfficial(Shape):
    """An official the article names: full name, the office (as the article gives it when
    it does, else as the gazetteer knows it) and the government they serve."""

    name: str
    office: str
    country: str


class IngestedArticle(Shape):
    """What reading one article gave (the ``pledge ingest --json`` contract object) and
    what ingesting did with it: stored as ``article_id``, or a copy (``duplicate``:
    "exact" or "near") of ``duplicate_of``; the proposals it queued (on a dry run, would
    queue) and those already waiting that it proposed again (it corroborates them: each
    lists this article among its ``sources``)."""

    source: str
    language: str
    pledging_country: str
    amounts: list[AmountText]
    companies: list[str]
    sectors: list[str]
    us_locations: list[str]
    status_signals: list[StatusSignal]
    matched_projects: list[int]
    title: str
    published: date | None = None
    framework: str
    sites: list[Site]
    institutions: list[str]
    officials: list[NamedOfficial]
    subsidiaries: list[Subsidiary]
    facts: dict[str, Any]
    article_id: int | None
    duplicate_of: int | None
    duplicate: str | None
    proposals: list[Proposal]
    already_proposed: list[int]
    outlet: str = ""

    @classmethod
    def of(cls, result: IngestResult) -> IngestedArticle:
        return cls.model_validate(result.contract())
