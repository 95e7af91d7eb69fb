"""The queries of the news tables (``news_articles``, ``news_proposals``,
``news_corroborations``, ``news_mentions``): reading articles and proposals, storing them,
and claiming a proposal for a decision. Rows come back as SQLAlchemy rows; ``services.news``
turns them into what its callers see. Every function runs in the caller's session (its transaction).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Row, Select, bindparam, case, func, select, update
from sqlalchemy import text as sql

from pledge.domain.errors import Conflict, NotFound
from pledge.store import tables as t

#: (article id, exact-copy hash, SimHash, MinHash sketch) of every stored article.
Seen = list[tuple[int | None, str, str, str]]
#: Recorded (low, high, currency) bounds of a project's estimates.
Bounds = tuple[Decimal | None, Decimal | None, str]


# --- Articles -------------------------------------------------------------------------------

def lock_articles(s: Connection) -> None:
    """On PostgreSQL, make ingests queue behind one another (SQLite's BEGIN IMMEDIATE
    does the same), so two copies of an article sent at once are recognised, not both
    stored."""
    s.execute(sql("LOCK TABLE news_articles IN SHARE ROW EXCLUSIVE MODE"))


def existing_articles(s: Connection) -> Seen:
    """What recognises a copy of each stored article."""
    a = t.news_articles
    return [(r.id, r.content_hash, r.fingerprint, r.sketch) for r in s.execute(
        select(a.c.id, a.c.content_hash, a.c.fingerprint, a.c.sketch))]


def insert_article(s: Connection, **values: Any) -> int:
    """Store an article; its new id."""
    return int(s.execute(t.news_articles.insert().values(**values)
                         .returning(t.news_articles.c.id)).scalar_one())


def stored_sources(s: Connection, sources: Collection[str]) -> set[str]:
    """Which of ``sources`` (addresses or file names) a stored article has."""
    a = t.news_articles
    wanted = list(dict.fromkeys(sources))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        found.update(str(r) for r in s.execute(
            select(a.c.source).where(a.c.source.in_(wanted[i:i + 500]))).scalars())
    return found


def insert_mentions(s: Connection, article_id: int, project_ids: Iterable[int]) -> None:
    """Record which known projects an article is about."""
    rows = [{"article_id": article_id, "project_id": pid} for pid in project_ids]
    if rows:
        s.execute(t.news_mentions.insert(), rows)


def article_row(s: Connection, article_id: int) -> Row[Any] | None:
    """A stored article, every column."""
    return s.execute(select(t.news_articles).where(t.news_articles.c.id == article_id)
                     ).first()


def article_source(s: Connection, article_id: int) -> str:
    """A stored article's source (URL or file name)."""
    return str(s.execute(select(t.news_articles.c.source).where(
        t.news_articles.c.id == article_id)).scalar_one())


#: How much of an undated article's text is read back for its dateline (``ingest.dates``).
HEAD_CHARS = 1200


def _head(a: Any) -> Any:
    """The start of an article's text when it has no stored date ('' when it has one)."""
    return case((a.c.published_on.is_(None), func.substr(a.c.text, 1, HEAD_CHARS)),
                else_="").label("head")


def article_dating(s: Connection, article_id: int) -> Row[Any]:
    """A stored article's source, outlet, stored publication date (``published_on``) and,
    when it has none, the start of its text (``head``)."""
    a = t.news_articles
    return s.execute(select(a.c.source, a.c.outlet, a.c.published_on, _head(a))
                     .where(a.c.id == article_id)).one()


@lru_cache(maxsize=2)
def _summaries_stmt(one_project: bool) -> Select[Any]:
    """The statement ``article_summaries`` runs, built once (its project a parameter);
    for one project both the articles and the proposals counted are those mentioning it
    (an indexed lookup, however many articles and proposals there are)."""
    a, q, m = t.news_articles, t.news_proposals, t.news_mentions
    mentioned = select(m.c.article_id).where(m.c.project_id == bindparam("project_id"))
    counted = (select(q.c.article_id, func.count().label("n"),
                      func.sum(case((q.c.state == "proposed", 1), else_=0)).label("open"))
               .group_by(q.c.article_id))
    if one_project:
        counted = counted.where(q.c.article_id.in_(mentioned))
    counts = counted.subquery()
    stmt = (select(a.c.id, a.c.source, a.c.title, a.c.language, a.c.pledging_country,
                   a.c.ingested_at, a.c.ingested_by, counts.c.n, counts.c.open,
                   a.c.published_on, _head(a), a.c.outlet)
            .outerjoin(counts, counts.c.article_id == a.c.id)
            .order_by(a.c.ingested_at.desc(), a.c.id.desc()))
    return stmt.where(a.c.id.in_(mentioned)) if one_project else stmt


def article_summaries(s: Connection, project_id: int | None = None,
                      framework: str | None = None) -> list[Row[Any]]:
    """Stored articles, newest first, with their proposals counted (``n``: all, ``open``:
    still proposed), their publication date and, when none is stored, the start of their
    text (``head``); with ``project_id``, those about that project; with ``framework``,
    those read as about that framework."""
    if project_id is None:
        stmt = _summaries_stmt(False)
        if framework is not None:
            stmt = stmt.where(t.news_articles.c.framework == framework)
        return list(s.execute(stmt))
    return list(s.execute(_summaries_stmt(True), {"project_id": project_id}))


# --- Proposals ------------------------------------------------------------------------------

def _proposals() -> Select[Any]:
    """Proposals with their article's source, title, language and date (``published_on``,
    and ``head`` when it has none) and their project's name."""
    q, a, p = t.news_proposals, t.news_articles, t.projects
    return (select(q, a.c.source, a.c.title, a.c.language, p.c.name.label("project_name"),
                   a.c.published_on, _head(a), a.c.outlet)
            .join(a, a.c.id == q.c.article_id).outerjoin(p, p.c.id == q.c.project_id)
            .order_by(q.c.id))


def proposal_row(s: Connection, proposal_id: int) -> Row[Any]:
    """One proposal with its article's and project's names; raises NotFound."""
    row = s.execute(_proposals().where(t.news_proposals.c.id == proposal_id)).first()
    if row is None:
        raise NotFound.single("id", proposal_id, "review.unknown", "no proposal with this id")
    return row


def _filtered(stmt: Select[Any], state: str | None, article_id: int | None,
              project_id: int | None) -> Select[Any]:
    q = t.news_proposals
    if state is not None:
        stmt = stmt.where(q.c.state == state)
    if article_id is not None:
        stmt = stmt.where(q.c.article_id == article_id)
    if project_id is not None:
        stmt = stmt.where(q.c.project_id == project_id)
    return stmt


def proposal_rows(s: Connection, *, state: str | None = None, article_id: int | None = None,
                  project_id: int | None = None, limit: int | None = None,
                  offset: int = 0) -> list[Row[Any]]:
    """Proposals, oldest first, filtered by whichever of the three is given (each an
    indexed column); with ``limit``, that many from ``offset`` on."""
    stmt = _filtered(_proposals(), state, article_id, project_id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return list(s.execute(stmt))


def proposal_count(s: Connection, *, state: str | None = None) -> int:
    """How many proposals there are in ``state`` (None: all)."""
    stmt = _filtered(select(func.count()).select_from(t.news_proposals), state, None, None)
    return int(s.execute(stmt).scalar_one())


def waiting_count(s: Connection) -> int:
    """How many proposals wait for a decision."""
    return int(s.execute(select(func.count()).select_from(t.news_proposals).where(
        t.news_proposals.c.state == "proposed")).scalar_one())


def waiting_proposals(s: Connection) -> list[Row[Any]]:
    """Every proposal still waiting, every column."""
    return list(s.execute(select(t.news_proposals).where(
        t.news_proposals.c.state == "proposed")))


def insert_proposal(s: Connection, **values: Any) -> int:
    """Queue a proposal; its new id."""
    return int(s.execute(t.news_proposals.insert().values(**values)
                         .returning(t.news_proposals.c.id)).scalar_one())


def insert_corroboration(s: Connection, **values: Any) -> None:
    """Record that a further article says what a waiting proposal says."""
    s.execute(t.news_corroborations.insert().values(**values))


def corroborations(s: Connection, proposal_ids: Collection[int]) -> dict[int, list[Row[Any]]]:
    """The further articles of each proposal in ``proposal_ids``, in the order they came:
    the article's id, source, outlet, date (``published_on``, ``head`` when none) and the
    sentence it says it in (``evidence``)."""
    c, a = t.news_corroborations, t.news_articles
    out: dict[int, list[Row[Any]]] = {}
    wanted = list(dict.fromkeys(proposal_ids))
    for i in range(0, len(wanted), 500):
        stmt: Select[Any] = (select(c.c.proposal_id, c.c.article_id, c.c.evidence, c.c.confidence,
                       a.c.source, a.c.outlet, a.c.published_on, _head(a))
                .join(a, a.c.id == c.c.article_id)
                .where(c.c.proposal_id.in_(wanted[i:i + 500]))
                .order_by(c.c.proposal_id, c.c.created_at, c.c.article_id))
        for r in s.execute(stmt):
            out.setdefault(int(r.proposal_id), []).append(r)
    return out


def undecided(s: Connection, proposal_id: int) -> Row[Any]:
    """A proposal still waiting; NotFound for none, Conflict when already decided."""
    row = s.execute(select(t.news_proposals).where(t.news_proposals.c.id == proposal_id)
                    ).first()
    if row is None:
        raise NotFound.single("id", proposal_id, "review.unknown", "no proposal with this id")
    if row.state != "proposed":
        raise Conflict.single("id", proposal_id, "review.decided",
                              f"this proposal is already {row.state}")
    return row


def claim(s: Connection, proposal_id: int, **values: Any) -> None:
    """Decide a proposal still proposed; a concurrent decision waits on the row, then
    finds it decided (Conflict)."""
    q = t.news_proposals
    claimed = s.execute(update(q).where(q.c.id == proposal_id, q.c.state == "proposed")
                        .values(**values).returning(q.c.id)).all()
    if len(claimed) != 1:
        raise Conflict.single("id", proposal_id, "review.decided", "decided meanwhile")


def record_decision(s: Connection, proposal_id: int, **values: Any) -> None:
    """Write who decided a claimed proposal, when, and what it changed."""
    s.execute(update(t.news_proposals).where(t.news_proposals.c.id == proposal_id)
              .values(**values))


# --- Known projects -------------------------------------------------------------------------

def project_rows_for_matching(s: Connection) -> list[Row[Any]]:
    """Every project with its framework's key (``fw_key``), by id."""
    p, f = t.projects, t.frameworks
    return list(s.execute(select(p, f.c.key.label("fw_key")).join(f, f.c.id == p.c.framework_id)
                          .order_by(p.c.id)))


def sponsors_by_project(s: Connection) -> dict[int, list[tuple[str, str, str]]]:
    """Each project's sponsors as (name, note, role), in the order recorded."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for r in s.execute(select(t.sponsors).order_by(t.sponsors.c.id)):
        out.setdefault(r.project_id, []).append((r.name, r.note, r.role))
    return out


def estimate_bounds(s: Connection) -> dict[int, list[Bounds]]:
    """Each project's recorded estimate bounds, in the order recorded; an estimate in
    another currency also in US dollars when its conversion is known."""
    out: dict[int, list[Bounds]] = {}
    for r in s.execute(select(t.estimates).order_by(t.estimates.c.id)):
        rows = out.setdefault(r.project_id, [])
        rows.append((r.low, r.high, r.currency))
        if r.currency != "USD" and (r.usd_low is not None or r.usd_high is not None):
            rows.append((r.usd_low, r.usd_high, "USD"))
    return out


def project_frameworks(s: Connection, ids: Collection[int] | None = None) -> dict[int, str]:
    """Each project's framework key, by project id (of the projects ``ids`` when given)."""
    p, f = t.projects, t.frameworks
    stmt = select(p.c.id, f.c.key).join(f, f.c.id == p.c.framework_id)
    if ids is not None:
        stmt = stmt.where(p.c.id.in_(list(ids)))
    return {int(pid): str(key) for pid, key in s.execute(stmt)}
