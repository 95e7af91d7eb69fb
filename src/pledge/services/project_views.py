"""Reading projects: the list (filtered, paged), one project with everything recorded
about it, its allocation under the cap, and its history."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from pledge.domain.bounds import is_possible_id
from pledge.domain.chain import audit_content, link
from pledge.domain.ledger import ALLOCATED, USED, acct, cents
from pledge.domain.provenance import (
    FigureSource,
    claims_confidence,
    provenance_of,
    sources_confidence,
)
from pledge.domain.relations import Relation
from pledge.services import relations
from pledge.services.base import framework_row, project_row, sum_postings
from pledge.store import project_queries as q
from pledge.store import tables as t
from pledge.store.db import reading
from pledge.store.project_queries import ProjectSummary

if TYPE_CHECKING:  # the simulation (numba, the engines) loads only for a project's page
    from pledge.services.simulation import Assumptions


@dataclass(frozen=True, slots=True)
class ProjectDetail:
    summary: ProjectSummary
    component: str | None
    reported_status: str | None
    window_meaning: str | None
    extension_until: date | None
    sponsors: list[dict[str, Any]] = field(default_factory=list)
    estimates: list[dict[str, Any]] = field(default_factory=list)
    transitions: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)  # reported sites, sourced
    status_reports: list[dict[str, Any]] = field(default_factory=list)  # reported stages
    # linked projects, each with what it is to this one and the source (services/relations)
    related: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of: int | None = None  # the row standing for this project, if not this one
    # under the cap: "amount" allocated in all, "funded" (drawn by fundings), "available"
    # (left to draw), "note" (why it was last set: at selection, its basis); None without
    # an allocation
    allocation: dict[str, Any] | None = None


def project_filters(s: Connection, framework: str | None, status: str | None,
                    sector: str | None) -> list[Any]:
    """The where-clauses of the project list's filters (a framework by key, a stage, a
    sector by key or wording), the framework looked up in ``s``."""
    return q.filters(framework_row(s, framework).id if framework else None, status, sector)


def list_projects(engine: Engine, *, framework: str | None = None, status: str | None = None,
                  sector: str | None = None) -> list[ProjectSummary]:
    """Projects, optionally filtered by framework key, stage and sector (key or wording)."""
    with reading(engine) as s:
        return q.summaries(s, project_filters(s, framework, status, sector))


def list_projects_page(engine: Engine, *, framework: str | None = None,
                       status: str | None = None, sector: str | None = None,
                       limit: int = 50, offset: int = 0) -> tuple[list[ProjectSummary], int]:
    """One page of ``list_projects`` and the count of all matches.

    The ids of the matching projects, in order, are kept until the data changes (see
    ``dashboard.views``): a page is a slice of them and one indexed lookup of its rows,
    whichever page it is and however many projects there are.
    """
    from pledge.services.dashboard import views

    def matching() -> array[int]:
        with reading(engine) as s:
            return array("q", q.matching_ids(s, project_filters(s, framework, status, sector)))

    ids = views.get(engine, ("project-ids", framework, status, sector), matching)
    start = max(offset, 0)
    chunk = list(ids[start:start + max(limit, 0)])
    if not chunk:
        return [], len(ids)
    with reading(engine) as s:
        return q.summaries(s, [t.projects.c.id.in_(chunk)]), len(ids)


def show_project(engine: Engine, project_id: int | str) -> ProjectDetail:
    return _read_project(engine, project_id)[0]


def _read_project(engine: Engine, project_id: int | str) -> tuple[ProjectDetail, Any]:
    """The project's detail and its row as read, by id (or an id as text)."""
    with reading(engine) as s:
        return read_detail(s, project_id)


def read_detail(s: Connection, project_id: int | str) -> tuple[ProjectDetail, Any]:
    """``_read_project`` in ``s``: the project's detail and its row as read (with its
    primary estimate's bounds), by id or an id as text; raises what an unknown id does."""
    pid = int(project_id) if isinstance(project_id, int) or str(project_id).isdigit() \
        else None
    if pid is None or not is_possible_id(pid):  # an id as text, or none possible
        pid = project_row(s, project_id).id
    return _detail(s, pid)


def show_project_page(engine: Engine, project_id: int | str
                      ) -> tuple[ProjectDetail, Assumptions | None]:
    """The project as ``show_project``, and which assumptions its base case rests on
    (``simulation.assumptions``) from the same reads: what its page shows (the
    simulation's module, with the engines, loads only here)."""
    found, row = _read_project(engine, project_id)
    from pledge.services.simulation import assumptions_of

    return found, assumptions_of(row.id, row.name, row.sector, row.economics, row.usd_low,
                                 row.usd_high, row.sector_detail)


def detail(s: Connection, pid: int) -> ProjectDetail:
    """The project ``pid`` with everything recorded about it, read in ``s``: a fixed number
    of indexed lookups by the project's id, however many projects there are."""
    return _detail(s, pid)[0]


def _detail(s: Connection, pid: int) -> tuple[ProjectDetail, Any]:
    """``detail``, and the project's row as read (with its primary estimate's bounds)."""
    found = q.row_and_summary(s, pid)
    if found is None:
        project_row(s, pid)  # raises what an unknown project raises
    assert found is not None
    row, summary = found
    held = q.holding(row)  # the lists known empty are not read
    postings = q.postings_of(s, pid) if "postings" in held else []
    r = q.records(s, pid, postings, held=held)
    related = relations.related_of(s, pid) if t.project_links.name in held else []
    # only a duplicate link can make another row stand for this one
    head = relations.stands_for(s, pid) if any(
        x.kind == Relation.DUPLICATE.value for x in related) else pid
    return with_claims(ProjectDetail(
        summary, row.component, row.reported_status, row.window_meaning,
        row.extension_until, r.sponsors, with_provenance(r.estimates), r.transitions,
        r.consultations, r.funding, r.sites, r.status_reports,
        [x.document() for x in related], None if head == pid else head,
        allocation_of(s, row, postings))), row


def with_claims(d: ProjectDetail) -> ProjectDetail:
    """The project with a confidence on each stage change (from its sources), reported
    site and reported stage (corroborated when another source on another host reports the
    same): ``domain.provenance``."""
    sites = claims_confidence([(",".join(sorted(x.get("states") or [])) or str(x["location"]),
                                str(x.get("source") or "")) for x in d.sites])
    stages = claims_confidence([(str(x["stage"]), str(x.get("source") or ""))
                                for x in d.status_reports])
    return replace(
        d, transitions=[{**x, "confidence": sources_confidence(x.get("sources") or []).value}
                        for x in d.transitions],
        sites=[{**x, "confidence": c.value} for x, c in zip(d.sites, sites, strict=True)],
        status_reports=[{**x, "confidence": c.value}
                        for x, c in zip(d.status_reports, stages, strict=True)])


def with_provenance(estimates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The estimates, each with its confidence, the hosts whose figures agree with it and
    the positions of those it conflicts with (``domain.provenance``)."""
    found = provenance_of([FigureSource(e.get("usd_low"), e.get("usd_high"),
                                        str(e.get("source") or "")) for e in estimates])
    return [{**e, "confidence": p.confidence.value, "agreeing_hosts": list(p.agreeing_hosts),
             "conflicts_with": list(p.conflicts_with)} for e, p in zip(estimates, found,
                                                                        strict=True)]


def allocation_of(s: Connection, row: Any, postings: list[Any] | None = None
                  ) -> dict[str, Any] | None:
    """The project's allocation under the cap (None: it has none); ``postings``: the
    project's (``project_queries.postings_of``), when already read."""
    if not row.component:
        return None
    account = acct(row.component, ALLOCATED)
    if postings is None:
        outstanding = sum_postings(s, row.framework_id, account, project_id=row.id)
        used = sum_postings(s, row.framework_id, acct(row.component, USED), project_id=row.id)
    else:
        mine = [x for x in postings if x.framework_id == row.framework_id]
        outstanding = sum((x.amount for x in mine if x.account == account), Decimal(0))
        used_account = acct(row.component, USED)
        used = sum((x.amount for x in mine if x.account == used_account), Decimal(0))
        if not used and not any(x.account == account for x in mine):
            return None  # nothing on the account: neither an amount nor a memo to show
    memo = q.allocation_memo(s, row.id, account)
    if not outstanding and not used and memo is None:
        return None
    return {"amount": cents(outstanding + used), "funded": cents(used),
            "available": cents(outstanding), "note": memo or ""}


@dataclass(frozen=True, slots=True)
class History:
    """unverified: ids of the audit rows whose content does not match their hash (edited
    since they were written; ``pledge audit verify`` checks the whole chain)."""

    project_id: int
    transitions: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    unverified: list[int] = field(default_factory=list)


def history(engine: Engine, project_id: int | str) -> History:
    """The project's transitions and every audit entry about it, oldest first."""
    with reading(engine) as s:
        row = project_row(s, project_id)
        trans, rows = q.transitions_and_audit(s, row.id)
        aud = [{k: v for k, v in r._mapping.items()
                if k not in ("project_id", "hash", "prev_hash")} for r in rows]
        unverified = [r.id for r in rows if r.hash is None or r.prev_hash is None
                      or link(r.prev_hash, audit_content(r._mapping)) != r.hash]
        return History(row.id, trans, aud, unverified)


def warm_reads(engine: Engine, page_size: int = 50) -> int | None:
    """Read what the project pages read once, so a server's first request for one does not
    compile its queries: the first page of the list and the first project (its id, or
    None when there is none)."""
    from sqlalchemy import func, select

    list_projects_page(engine, limit=page_size)
    with reading(engine) as s:
        first = s.execute(select(func.min(t.projects.c.id))).scalar()
        if first is None:
            return None
        detail(s, int(first))
        return int(first)
