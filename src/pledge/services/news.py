"""Use cases on news: read articles into proposed changes, and review the proposals.

``ingest`` reads articles (text or HTML) with :mod:`pledge.ingest`, stores each
new one with what was read from it, and queues the changes it suggests for the
programme's records:

=====================  =========================================================
new_project            a facility with a company behind it that matches no known
                       project (accepting adds it, with the article as source)
additional_estimate    an amount for a known project that no recorded estimate
                       agrees with (within 5%, in US dollars at the reference
                       rates); accepting records another sourced estimate, never
                       an overwrite
status_change          a status word placing a known project further along its
                       lifecycle than recorded; accepting asks for the transition
                       under the lifecycle rules (they may refuse; then the
                       proposal stays proposed and the rule's reason is given),
                       or, accepted ``as_report``, records a sourced status
                       report beside the lifecycle (the stage is unchanged)
site_report            a state named for a known project that its record does not
                       name; accepting records it as a reported site with the
                       article as source (the project's location is unchanged)
sponsor, tranche,      a company's role in a project, a tranche, a link between two
related_project,       projects, a claim about a framework's terms kept beside them
term_claim             (never amending them): see ``services.claims``
=====================  =========================================================

An article already stored (same cleaned text, or a near-identical copy by its
SimHash fingerprint) is recognised and queues nothing. A proposal already
waiting with the same change is not queued twice.

Who may: ingesting (not a dry run) and rejecting need the REVIEW action (admin,
ic, cc_us, cc_jp, president, analyst); listing needs READ; accepting needs REVIEW
and the rights of the change it applies (PROJECT_EDIT, or ADVANCE for a status
change), and the applied service checks its own rules as for any other change
(``who_may_accept`` says in advance which roles can). A dry run reads the
database (to match projects and spot duplicates) but writes nothing; without a
database it matches against the shipped project list.

What this module does not do itself: reading an article's bytes
(``ingest.decode``), planning the proposals (``ingest.proposals``), cutting an
article into passages (``ingest.passages``) and the SQL of the news tables
(``store.news_queries``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine

from pledge.domain.access import ACCEPT_NEEDS, Action, authorize
from pledge.domain.bounds import check_date
from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.fx import RateTable
from pledge.domain.proposals import ProposalKind
from pledge.domain.provenance import sources_confidence
from pledge.domain.sources import check_source
from pledge.domain.text import clean_name, clean_text
from pledge.ingest import fingerprint as fp
from pledge.ingest.decode import decode_article
from pledge.ingest.extract import Extraction, extract
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.gazetteer import load as load_gazetteer
from pledge.ingest.match import KnownProject, ProjectIndex
from pledge.ingest.outlets import outlet_of
from pledge.ingest.passages import Passage, evidence_sentences
from pledge.ingest.proposals import PlannedChange, plan_proposals, proposal_key
from pledge.services import claims
from pledge.services import projects as project_svc
from pledge.services.base import Actor, audit, jsonable, now, permit
from pledge.services.money import rate_table_in, shipped_rates
from pledge.services.news_projects import database_ready, known_projects_in, shipped_projects
from pledge.services.news_review import (
    STATES,
    ArticleSummary,
    ArticleView,
    NewsSummary,
    ProposalView,
    article_view,
    get_article,
    get_proposal,
    list_articles,
    list_proposals,
    news_summary,
    proposals_page,
    stored_sources,
    view_in,
    who_may_accept,
    who_may_record,
    whole_id,
)
from pledge.store import news_queries as nq
from pledge.store.db import is_sqlite, reading, transaction

__all__ = [
    "STATES",
    "ArticleInput",
    "ArticleSummary",
    "ArticleView",
    "IngestResult",
    "NewsSummary",
    "Passage",
    "ProposalKind",
    "ProposalView",
    "accept",
    "article_view",
    "decode_article",
    "evidence_sentences",
    "get_article",
    "get_proposal",
    "ingest",
    "list_articles",
    "list_proposals",
    "news_summary",
    "proposals_page",
    "reject",
    "shipped_projects",
    "stored_sources",
    "who_may_accept",
    "who_may_record",
]



@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article to read: where it is from (URL or file name) and its text.

    html: whether the text is HTML; None guesses from the source's name and the text.
    """

    source: str
    text: str
    html: bool | None = None
    published: date | None = None   # known beforehand (a feed entry's date): wins
    outlet: str = ""                # the publication ("": the source's host, if a URL)

    def checked(self) -> ArticleInput:
        """The article with its source checked (a web address or a file's bare name, never
        a path: ``check_source``) and its outlet a clean name of at most 200 characters.
        Control characters in its text (a NUL, which no database stores) are dropped when
        it is cleaned: the text comes from outside."""
        source = check_source(self.source, "source")
        outlet = clean_name("outlet", self.outlet, 200, required=False) or outlet_of(source)
        if self.published is not None:
            check_date(self.published, "published")
        return ArticleInput(source, self.text, self.html, self.published, outlet)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What became of one article: what was read, whether it was stored or a copy of one
    already seen, and the proposals it queued (or would queue, on a dry run)."""

    extraction: Extraction
    article_id: int | None = None
    duplicate_of: int | None = None
    duplicate: str | None = None          # "exact" or "near"
    proposals: list[ProposalView] = field(default_factory=list)
    already_proposed: list[int] = field(default_factory=list)
    outlet: str = ""                      # the publication it is from, if known

    def contract(self) -> dict[str, Any]:
        """The extraction's contract object plus what ingesting did with it."""
        out = self.extraction.contract()
        out["article_id"] = self.article_id
        out["duplicate_of"] = self.duplicate_of
        out["duplicate"] = self.duplicate
        out["proposals"] = [p.record() for p in self.proposals]
        out["already_proposed"] = self.already_proposed
        out["outlet"] = self.outlet
        return out


# --- Reading -------------------------------------------------------------------------------

def _gazetteer(gazetteer: str | Path | None) -> Gazetteer:
    chosen = gazetteer or None
    return load_gazetteer(chosen)


def read_articles(articles: Sequence[ArticleInput], *, projects: Sequence[KnownProject],
                  gazetteer: Gazetteer,
                  progress: Callable[[int, int], None] | None = None,
                  jobs: int = 1) -> list[Extraction]:
    """Read articles (pure: no database), on ``jobs`` processes when more than one
    (:mod:`pledge.services.news_reading`: the same extractions, in the same order)."""
    if jobs > 1:
        from pledge.services.news_reading import read_on_processes
        read = read_on_processes([(a.source, a.text, a.html, "") for a in articles], projects,
                                 gazetteer, jobs, progress)
    else:
        index = ProjectIndex(projects, gazetteer)
        read = []
        for i, art in enumerate(articles, start=1):
            read.append(extract(art.text, source=art.source, gazetteer=gazetteer,
                                projects=index, html=art.html, name=art.source))
            if progress is not None:
                progress(i, len(articles))
    return [ext if art.published is None else replace(ext, published=art.published)
            for ext, art in zip(read, articles, strict=True)]


# --- Ingesting ------------------------------------------------------------------------------

def _duplicate(ext: Extraction, seen: nq.Seen) -> tuple[int | None, str] | None:
    for aid, chash, _, _ in seen:
        if chash == ext.content_hash:
            return aid, "exact"
    for aid, _, simhash, sketch in seen:
        if fp.near_copy(sketch, simhash, ext.sketch, ext.fingerprint):
            return aid, "near"
    return None


def _waiting_keys(s: Connection) -> dict[tuple[Any, ...], int]:
    return {proposal_key(r.kind, r.project_id, dict(r.payload)): r.id
            for r in nq.waiting_proposals(s)}


def ingest(engine: Engine | None, articles: Sequence[ArticleInput], actor: Actor, *,
           dry_run: bool = False, gazetteer: str | Path | None = None,
           on: date | None = None,
           progress: Callable[[int, int], None] | None = None,
           jobs: int | None = 1) -> list[IngestResult]:
    """Read ``articles`` and queue the changes they suggest, one transaction for all.

    ``dry_run``: read and plan only; nothing is written (the database, if there is
    one, is still read to match projects and spot copies). ``gazetteer``: a user file
    merged over the shipped gazetteer (the edges pass ``$PLEDGE_NEWS_GAZETTEER``). ``on``:
    the date used for currency conversion when comparing amounts (default today).
    ``progress(done, total)`` is called as articles are read. ``jobs``: the processes
    they are read on (None: one per core for a large batch,
    ``news_reading.jobs_for``). An article with no text (blank) is refused
    (``news.empty``), and then none is read.
    """
    if dry_run:
        authorize(actor.role, Action.READ)
    else:
        permit(actor, Action.REVIEW)
        if engine is None:
            raise InvalidInput.single("database", None, "news.no_database",
                                      "ingesting without --dry-run needs a database")
    blank = [Problem("text", a.source, "news.empty", f"the article from {a.source} has no text")
             for a in articles if not a.text.strip()]
    if blank:
        raise InvalidInput(blank)
    articles = [a.checked() for a in articles]
    on = on or date.today()
    gaz = _gazetteer(gazetteer)
    ready = database_ready(engine)
    if ready:
        assert engine is not None
        with reading(engine) as s:
            known = known_projects_in(s)
            rates: RateTable | None = rate_table_in(s)
            seen: nq.Seen = list(nq.existing_articles(s))
    else:
        known, rates, seen = shipped_projects(), RateTable(shipped_rates()), []
    from pledge.services.news_reading import jobs_for
    extractions = read_articles(articles, projects=known, gazetteer=gaz, progress=progress,
                                jobs=jobs_for(len(articles), jobs))
    by_id = {p.id: p for p in known}
    plans = [(ext, plan_proposals(ext, by_id, rates, on, gaz)) for ext in extractions]
    if dry_run:
        return _dry_results(plans, [a.outlet for a in articles], seen)
    if not ready:
        raise InvalidInput.single("database", None, "news.no_database",
                                  "the database is not initialised (run pledge init)")
    assert engine is not None
    results: list[IngestResult] = []
    with transaction(engine) as s:
        if not is_sqlite(engine):
            nq.lock_articles(s)
        seen = list(nq.existing_articles(s))
        waiting = _waiting_keys(s)
        made: dict[int, int] = {}     # proposal queued in this batch -> its article
        for (ext, planned), art in zip(plans, articles, strict=True):
            dup = _duplicate(ext, seen)
            if dup is not None:
                results.append(IngestResult(ext, None, dup[0], dup[1], outlet=art.outlet))
                continue
            aid = nq.insert_article(
                s, source=ext.source, outlet=art.outlet, title=ext.title, language=ext.language,
                pledging_country=ext.pledging_country, framework=ext.framework or None,
                content_hash=ext.content_hash, fingerprint=ext.fingerprint, sketch=ext.sketch,
                text=ext.text, facts=jsonable(ext.contract()), published_on=ext.published,
                ingested_at=now(),
                ingested_by=actor.name, role=actor.role.value)
            seen.append((aid, ext.content_hash, ext.fingerprint, ext.sketch))
            nq.insert_mentions(s, aid, [pid for pid in dict.fromkeys(ext.matched_projects())
                                        if pid in by_id])
            stored: list[ProposalView] = []
            again: list[int] = []
            for change in planned:
                key = proposal_key(change.kind, change.project_id, change.payload)
                if key in waiting:
                    # another article says the same: it corroborates the waiting proposal
                    if made.get(waiting[key]) != aid and waiting[key] not in again:
                        nq.insert_corroboration(
                            s, proposal_id=waiting[key], article_id=aid,
                            evidence=change.evidence, confidence=change.confidence,
                            created_at=now())
                        again.append(waiting[key])
                    continue
                pid = nq.insert_proposal(
                    s, article_id=aid, kind=change.kind.value, project_id=change.project_id,
                    payload=jsonable(change.payload), evidence=change.evidence,
                    confidence=change.confidence, state="proposed", created_at=now(),
                    reason="")
                waiting[key], made[pid] = pid, aid
                stored.append(view_in(s, pid))
            audit(s, actor, "news.ingest", "news_article", aid, after={
                "source": ext.source, "proposals": [p.id for p in stored],
                "already_proposed": again})
            results.append(IngestResult(ext, aid, None, None, stored, again, art.outlet))
    return results


def _dry_results(plans: list[tuple[Extraction, list[PlannedChange]]], outlets: list[str],
                 seen: nq.Seen) -> list[IngestResult]:
    results = []
    batch: nq.Seen = list(seen)
    for (ext, planned), outlet in zip(plans, outlets, strict=True):
        dup = _duplicate(ext, batch)
        if dup is not None:
            results.append(IngestResult(ext, None, dup[0], dup[1], outlet=outlet))
            continue
        batch.append((None, ext.content_hash, ext.fingerprint, ext.sketch))
        results.append(IngestResult(ext, None, None, None,
                                    [ProposalView.planned(ext, c, outlet) for c in planned],
                                    outlet=outlet))
    return results


# --- Deciding -------------------------------------------------------------------------------

def accept(engine: Engine, proposal_id: int | str, actor: Actor, *,
           on: date | None = None, as_report: bool = False) -> ProposalView:
    """Apply a proposal through the service any such change goes through, with the article
    as its source, and record the decision. If the service refuses (a rule, a role), its
    error is raised and the proposal stays proposed.

    ``on``: the date the change is recorded on (a stage's "on", an estimate's "as of").
    By default the article's publication date (``ingest.dates``): what an article reports
    was so when it was published, not when someone accepted it. Only when the article
    has no date and none is given is it today, and the result says so (``on_from``:
    "article", "given" or "today"; ``on``: the date used).

    ``as_report``: for a reported stage, record it as a sourced status report beside the
    lifecycle instead of asking for the transition (which only the role the lifecycle
    names may make, and only from the stage before).
    """
    pid = whole_id(proposal_id)
    if on is not None:
        check_date(on, "on")
    permit(actor, Action.REVIEW)
    with transaction(engine) as s:
        row = nq.undecided(s, pid)
        kind = _kind(row.kind)
        if as_report and kind is not ProposalKind.STATUS_CHANGE:
            raise InvalidInput.single("as_report", True, "review.not_a_stage",
                                      f"a {kind.replace('_', ' ')} is not a reported "
                                      "stage; accept it as it is")
        permit(actor, Action.PROJECT_EDIT if as_report else ACCEPT_NEEDS[kind])
        seen = view_in(s, pid)
        source, published = seen.article_source, seen.article_published
        day, on_from = ((on, "given") if on is not None else
                        (published, "article") if published is not None else
                        (date.today(), "today"))
        # Claim it first; the change and the decision commit together or not at all.
        nq.claim(s, pid, state="accepted")
        apply = _as_report if as_report else APPLY[kind]
        every = tuple(dict.fromkeys(str(x["source"]) for x in seen.sources))
        change = _Change(engine, row.project_id, dict(row.payload), source, actor, day, every)
        result = {**apply(change), "on": day.isoformat(), "on_from": on_from,
                  "source": source, "outlet": seen.article_outlet,
                  "confidence": seen.confidence,
                  "confidence_level": sources_confidence(every).value,
                  "sources": list(every), "corroborations": seen.corroborations}
        nq.record_decision(s, pid, decided_by=actor.name, decided_role=actor.role.value,
                           decided_at=now(), result=jsonable(result))
        audit(s, actor, "news.accept", "news_proposal", pid,
              before={"state": "proposed"},
              after={"state": "accepted", "kind": kind.value,
                     "applied_as": "status_report" if as_report else kind.value,
                     "result": result, "source": source},
              project_id=result.get("project_id") or row.project_id)
        return view_in(s, pid)


def _kind(text: str) -> ProposalKind:
    try:
        return ProposalKind(text)
    except ValueError:
        raise InvalidInput.single("kind", text, "review.unknown_kind",
                                  "unknown proposal kind") from None


@dataclass(frozen=True, slots=True)
class _Change:
    """What applying an accepted proposal works with."""

    engine: Engine
    project_id: int | None
    payload: dict[str, Any]
    source: str
    actor: Actor
    on: date
    sources: tuple[str, ...] = ()   # every article's source, its own first

    @property
    def project(self) -> int:
        assert self.project_id is not None, "this kind of proposal names its project"
        return self.project_id


def _additional_estimate(c: _Change) -> dict[str, Any]:
    detail = project_svc.add_estimate(c.engine, c.project, str(c.payload["amount"]), c.source,
                                      c.on, c.actor)
    return {"project_id": c.project, "estimates": len(detail.estimates)}


def _status_change(c: _Change) -> dict[str, Any]:
    reason = f"reported in the news ({c.payload.get('signal', c.payload.get('to'))})"
    detail = project_svc.advance(c.engine, c.project, str(c.payload["to"]), c.actor, c.on,
                                 reason, list(c.sources or (c.source,)))
    return {"project_id": c.project, "status": detail.summary.status}


def _as_report(c: _Change) -> dict[str, Any]:
    """A reported stage kept as a sourced status report (the lifecycle is unchanged)."""
    detail = project_svc.add_status_report(c.engine, c.project, str(c.payload["to"]), c.source,
                                           c.on, c.actor,
                                           wording=str(c.payload.get("signal") or ""))
    return {"project_id": c.project, "reported_status": detail.reported_status,
            "status": detail.summary.status}


def _new_project(c: _Change) -> dict[str, Any]:
    p = c.payload
    new = project_svc.NewProject(
        name=str(p["name"]), sector=str(p["sector"]),
        framework=str(p.get("framework") or "japan"),
        location=str(p.get("location", "")), lead=str(p.get("lead", "")),
        partners=str(p.get("partners", "")), amount_text=str(p.get("amount", "")),
        status=str(p.get("status") or "proposed"), reported_on=c.on.isoformat(),
        source=c.source)
    detail = project_svc.add_project(c.engine, new, c.actor, report_stage=True)
    return {"project_id": detail.summary.id, "status": detail.summary.status,
            "reported_status": detail.reported_status}


def _site_report(c: _Change) -> dict[str, Any]:
    states = [str(x) for x in c.payload.get("states", [])]
    sites = [str(x) for x in c.payload.get("sites", [])]
    location = "; ".join([*sites, *states])
    detail = project_svc.add_site_report(c.engine, c.project, location, c.source, c.on,
                                         c.actor, states=states)
    return {"project_id": c.project, "sites": len(detail.sites)}


#: How each kind of proposal is applied: the service any such change goes through.
APPLY: Final[dict[ProposalKind, Callable[[_Change], dict[str, Any]]]] = {
    ProposalKind.ADDITIONAL_ESTIMATE: _additional_estimate,
    ProposalKind.STATUS_CHANGE: _status_change,
    ProposalKind.NEW_PROJECT: _new_project,
    ProposalKind.SITE_REPORT: _site_report,
    **claims.APPLY,   # sponsor, tranche, related project, term claim
}


def reject(engine: Engine, proposal_id: int | str, actor: Actor,
           reason: str = "") -> ProposalView:
    """Reject a proposal; it is kept, with who rejected it, when and why."""
    permit(actor, Action.REVIEW)
    pid = whole_id(proposal_id)
    reason = clean_text("reason", reason)
    with transaction(engine) as s:
        row = nq.undecided(s, pid)
        nq.claim(s, pid, state="rejected", decided_by=actor.name,
                 decided_role=actor.role.value, decided_at=now(), reason=reason.strip())
        audit(s, actor, "news.reject", "news_proposal", pid, before={"state": "proposed"},
              after={"state": "rejected", "reason": reason.strip(), "kind": row.kind},
              project_id=row.project_id)
        return view_in(s, pid)
