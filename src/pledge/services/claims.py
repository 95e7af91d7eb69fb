"""Use cases on what sources say beyond costs and stages: a sponsor named with its role,
a project's (or programme's) tranches, and claims about a framework's terms.

Each is kept with its source and date. A term claim is kept *beside* the terms and never
changes them (``domain.claims``): :func:`term_claims` shows each claim with the term in
force on its date and whether the two agree; only ``frameworks.amend_framework`` (an
administrator's act) changes the terms.

Accepting a news proposal of these kinds calls the functions here (:data:`APPLY`), so a
change read from an article goes through the same checks as one entered by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Final, Protocol

from sqlalchemy import Connection, Engine, bindparam, select

from pledge.domain.access import Action, authorize
from pledge.domain.bounds import check_dates
from pledge.domain.claims import check_claim, check_role, check_tranche, compare
from pledge.domain.errors import Conflict, InvalidInput
from pledge.domain.framework_data import terms_to_settings
from pledge.domain.money import format_stored, parse_amount
from pledge.domain.proposals import ProposalKind
from pledge.domain.sources import check_source
from pledge.domain.text import clean_name, clean_text, name_key
from pledge.services.base import (
    Actor,
    audit,
    framework_row,
    insert_id,
    load_framework,
    now,
    permit,
    project_row,
)
from pledge.store import tables as t
from pledge.store.db import reading, transaction

__all__ = ["APPLY", "ClaimView", "TrancheView", "add_sponsor", "add_tranche", "beside_terms",
           "list_tranches", "record_term_claim", "term_claims", "tranches_of"]


def _source(source: str, what: str) -> str:
    if not source.strip():
        raise InvalidInput.single("source", source, f"{what}.unsourced",
                                  f"a {what.replace('_', ' ')} needs its source")
    return check_source(source)


# --- Sponsors -------------------------------------------------------------------------------

def add_sponsor(engine: Engine, project_id: int | str, name: str, role: str, source: str,
                as_of: date, actor: Actor, *, note: str = "") -> dict[str, Any]:
    """Record a company named with its role (lead, partner, supplier, offtaker, lender) as
    a sponsor of a project. Refused (Conflict, ``sponsor.exists``) when the project already
    has a sponsor of that name; the source and date are kept in the audit log and the note
    says where it was read."""
    permit(actor, Action.PROJECT_EDIT)
    name = clean_name("name", name)
    kind = check_role(role)
    source = _source(source, "sponsor")
    check_dates(as_of=as_of)
    note = clean_name("note", note or f"reported {as_of.isoformat()}", 300, required=False)
    with transaction(engine) as s:
        row = project_row(s, project_id)
        names = {name_key(r.name) for r in s.execute(
            select(t.sponsors.c.name).where(t.sponsors.c.project_id == row.id))}
        if name_key(name) in names:
            raise Conflict.single("name", name, "sponsor.exists",
                                  f"project {row.id} already has this sponsor")
        sid = insert_id(s, t.sponsors.insert().values(project_id=row.id, name=name,
                                                      role=kind.value, note=note))
        after = {"sponsor": sid, "name": name, "role": kind.value, "note": note,
                 "source": source, "as_of": as_of}
        audit(s, actor, "project.sponsor", "project", row.id, after=after, project_id=row.id)
        return {"project_id": row.id, "sponsor_id": sid, "name": name, "role": kind.value}


# --- Tranches -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TrancheView:
    """A recorded tranche: of a project (``project_id``) or of the framework's programme."""

    id: int
    framework: str
    project_id: int | None
    label: str
    ordinal: int | None
    amount: str            # as recorded, for people ("" when none was given)
    low: Any
    high: Any
    currency: str | None
    source: str
    as_of: date

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "framework": self.framework, "project_id": self.project_id,
                "label": self.label, "ordinal": self.ordinal, "amount": self.amount,
                "low": None if self.low is None else format(self.low, "f"),
                "high": None if self.high is None else format(self.high, "f"),
                "currency": self.currency, "source": self.source,
                "as_of": self.as_of.isoformat()}


def add_tranche(engine: Engine, label: str, source: str, as_of: date, actor: Actor, *,
                project_id: int | str | None = None, framework: str | None = None,
                ordinal: int | str | None = None, amount: str = "") -> TrancheView:
    """Record a tranche (phase) with its amount as the source gives it: of a project, or,
    with no project, of ``framework``'s programme ("Japan's first phase, ¥6–7tn").
    Estimates and totals are unchanged: a tranche is what a source says, kept with it."""
    permit(actor, Action.PROJECT_EDIT)
    source = _source(source, "tranche")
    check_dates(as_of=as_of)
    rng = parse_amount(amount) if amount.strip() else None
    tranche = check_tranche(label, ordinal, rng)
    if project_id is None and not framework:
        raise InvalidInput.single("project", None, "tranche.of_nothing",
                                  "a tranche is of a project or of a framework")
    with transaction(engine) as s:
        if project_id is not None:
            prow = project_row(s, project_id)
            pid: int | None = prow.id
            fid = prow.framework_id
        else:
            pid, fid = None, framework_row(s, str(framework)).id
        text = amount.strip()
        tid = insert_id(s, t.tranches.insert().values(
            framework_id=fid, project_id=pid, label=tranche.label, ordinal=tranche.ordinal,
            low=rng.low if rng else None, high=rng.high if rng else None,
            currency=rng.currency if rng else None, text=text, source=source, as_of=as_of,
            recorded_at=now(), recorded_by=actor.name))
        view = _tranches(s, tid=tid)[0]
        audit(s, actor, "tranche.add", "tranche", tid, after=view.record(), project_id=pid)
        return view


def _tranches(s: Connection, *, tid: int | None = None, project_id: int | None = None,
              framework_id: int | None = None) -> list[TrancheView]:
    tr, f = t.tranches, t.frameworks
    stmt = select(tr, f.c.key).join(f, f.c.id == tr.c.framework_id)
    if tid is not None:
        stmt = stmt.where(tr.c.id == tid)
    if project_id is not None:
        stmt = stmt.where(tr.c.project_id == project_id)
    if framework_id is not None:
        stmt = stmt.where(tr.c.framework_id == framework_id)
    return _views(s.execute(stmt.order_by(tr.c.framework_id, tr.c.project_id,
                                          tr.c.ordinal, tr.c.id)))


def _views(rows: Iterable[Any]) -> list[TrancheView]:
    return [TrancheView(r.id, r.key, r.project_id, r.label, r.ordinal,
                        r.text or (format_stored(r.low, r.high, r.currency)
                                   if r.currency else ""),
                        r.low, r.high, r.currency, r.source, r.as_of) for r in rows]


@lru_cache(maxsize=1)
def _of_project() -> Any:
    """One project's tranches (the parameter ``pid``), in their order: built once."""
    tr, f = t.tranches, t.frameworks
    return (select(tr, f.c.key).join(f, f.c.id == tr.c.framework_id)
            .where(tr.c.project_id == bindparam("pid"))
            .order_by(tr.c.framework_id, tr.c.project_id, tr.c.ordinal, tr.c.id))


def tranches_of(s: Connection, project_id: int) -> list[TrancheView]:
    """The tranches of the project ``project_id`` (an id already read), read in ``s``:
    what ``list_tranches`` gives for it, without looking the project up again."""
    return _views(s.execute(_of_project(), {"pid": project_id}))


def list_tranches(engine: Engine, *, project_id: int | str | None = None,
                  framework: str | None = None, actor: Actor | None = None
                  ) -> list[TrancheView]:
    """Recorded tranches: a project's, a framework's (its programme's and its projects'),
    or all; by framework, project, then their order."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    with reading(engine) as s:
        pid = project_row(s, project_id).id if project_id is not None else None
        fid = framework_row(s, framework).id if framework is not None else None
        if pid is not None and fid is None:
            return tranches_of(s, pid)
        return _tranches(s, project_id=pid, framework_id=fid)


# --- Term claims ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim about a framework's terms, with the terms in force on its date beside it.

    terms:  setting -> the value in force on ``as_of`` (None when the terms give none)
    agrees: setting -> whether the claim agrees with it (None when the terms give none)
    """

    id: int
    framework: str
    settings: dict[str, Any]
    written: str
    evidence: str
    source: str
    as_of: date
    terms: dict[str, Any]
    agrees: dict[str, bool | None]

    def record(self) -> dict[str, Any]:
        return {"id": self.id, "framework": self.framework, "settings": self.settings,
                "written": self.written, "evidence": self.evidence, "source": self.source,
                "as_of": self.as_of.isoformat(), "terms": self.terms, "agrees": self.agrees}


def record_term_claim(engine: Engine, framework: str, settings: Mapping[str, object],
                      source: str, as_of: date, actor: Actor, *, written: str = "",
                      evidence: str = "") -> ClaimView:
    """Keep what a source says a framework's terms are, with the source and date, beside
    the terms. The terms are never changed (amending them is ``amend_framework``)."""
    permit(actor, Action.PROJECT_EDIT)
    claimed = check_claim(settings)
    source = _source(source, "term_claim")
    check_dates(as_of=as_of)
    written = clean_text("written", written, 500, multiline=False).strip()
    evidence = clean_text("evidence", evidence).strip()
    with transaction(engine) as s:
        row = framework_row(s, framework)
        cid = insert_id(s, t.term_claims.insert().values(
            framework_id=row.id, settings=claimed, written=written, evidence=evidence,
            source=source, as_of=as_of, recorded_at=now(), recorded_by=actor.name))
        view = _claims(s, row, cid)[0]
        audit(s, actor, "framework.term_claim", "framework", row.key, after=view.record())
        return view


def _claims(s: Connection, row: Any, cid: int | None = None) -> list[ClaimView]:
    fw = load_framework(s, row)
    stmt = select(t.term_claims).where(t.term_claims.c.framework_id == row.id)
    if cid is not None:
        stmt = stmt.where(t.term_claims.c.id == cid)
    out = []
    for r in s.execute(stmt.order_by(t.term_claims.c.as_of, t.term_claims.c.id)):
        claimed = dict(r.settings)
        terms = terms_to_settings(fw.terms_on(r.as_of))
        out.append(ClaimView(r.id, row.key, claimed, r.written, r.evidence, r.source,
                             r.as_of, {k: terms.get(k) for k in claimed},
                             compare(claimed, terms)))
    return out


def beside_terms(engine: Engine, framework: str, settings: Mapping[str, object],
                 on: date | None = None) -> tuple[dict[str, Any], dict[str, bool | None]]:
    """What the terms in force on ``on`` (default: the latest) give for each setting of a
    claim not yet kept, and whether the claim agrees with each (None: the terms give none)."""
    with reading(engine) as s:
        fw = load_framework(s, framework_row(s, framework))
    terms = terms_to_settings(fw.terms_on(on) if on is not None else fw.current)
    return {k: terms.get(k) for k in settings}, compare(settings, terms)


def term_claims(engine: Engine, framework: str, actor: Actor | None = None
                ) -> list[ClaimView]:
    """The claims about ``framework``'s terms, oldest first, each beside the terms in force
    on its date."""
    if actor is not None:
        authorize(actor.role, Action.READ)
    with reading(engine) as s:
        return _claims(s, framework_row(s, framework))


# --- Accepting news proposals ---------------------------------------------------------------

class Change(Protocol):
    """What applying an accepted proposal works with (``services.news``)."""

    @property
    def engine(self) -> Engine: ...
    @property
    def project_id(self) -> int | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def source(self) -> str: ...
    @property
    def actor(self) -> Actor: ...
    @property
    def on(self) -> date: ...


def _sponsor(c: Change) -> dict[str, Any]:
    p = c.payload
    assert c.project_id is not None, "a sponsor proposal names its project"
    words = str(p.get("written") or "")
    return add_sponsor(c.engine, c.project_id, str(p["name"]), str(p["role"]), c.source, c.on,
                       c.actor, note=f"{words} (reported {c.on.isoformat()})"[:300]
                       if words else "")


def _tranche(c: Change) -> dict[str, Any]:
    p = c.payload
    view = add_tranche(c.engine, str(p["label"]), c.source, c.on, c.actor,
                       project_id=c.project_id, framework=str(p.get("framework") or "") or None,
                       ordinal=p.get("ordinal"), amount=str(p.get("amount") or ""))
    return {"project_id": c.project_id, "tranche_id": view.id, "framework": view.framework}


def _related(c: Change) -> dict[str, Any]:
    from pledge.services.relations import link_projects

    p = c.payload
    assert c.project_id is not None, "a related-project proposal names its project"
    linked = link_projects(c.engine, c.project_id, int(p["other_id"]), str(p["relation"]),
                           c.source, c.actor, on=c.on, note=str(p.get("note") or ""))
    return {"project_id": c.project_id, "other_id": int(p["other_id"]),
            "link_id": linked.link_id, "relation": str(p["relation"])}


def _term_claim(c: Change) -> dict[str, Any]:
    p = c.payload
    view = record_term_claim(c.engine, str(p["framework"]), dict(p["settings"]), c.source,
                             c.on, c.actor, written=str(p.get("written") or ""),
                             evidence=str(p.get("evidence") or ""))
    return {"claim_id": view.id, "framework": view.framework, "terms": view.terms,
            "agrees": view.agrees, "terms_changed": False}


#: How each kind of proposal this module owns is applied.
APPLY: Final[dict[ProposalKind, Callable[[Change], dict[str, Any]]]] = {
    ProposalKind.SPONSOR: _sponsor,
    ProposalKind.TRANCHE: _tranche,
    ProposalKind.RELATED_PROJECT: _related,
    ProposalKind.TERM_CLAIM: _term_claim,
}
