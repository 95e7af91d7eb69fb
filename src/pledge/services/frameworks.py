"""Use cases on frameworks: list, show, load the shipped ones, amend terms."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection, Engine, select

from pledge.domain.access import Action
from pledge.domain.bounds import check_dates
from pledge.domain.errors import Conflict, InvalidInput, Problem
from pledge.domain.framework import Framework, FrameworkTerms
from pledge.domain.framework_data import terms_to_settings
from pledge.domain.framework_document import (
    provenance,
    read_framework_document,
    stored_sources,
)
from pledge.domain.funding import check_cap_amendment
from pledge.domain.ledger import ALLOCATED, USED, acct, commitment_entry
from pledge.domain.provenance import sources_confidence
from pledge.domain.sources import check_sources
from pledge.domain.text import clean_text
from pledge.services.base import (
    SYSTEM,
    Actor,
    audit,
    framework_row,
    insert_id,
    load_framework,
    now,
    permit,
    post_entries,
    sum_postings,
)
from pledge.store import tables as t
from pledge.store.db import reading, transaction


@dataclass(frozen=True, slots=True)
class FrameworkSummary:
    key: str
    name: str
    partner: str
    commitment: Decimal
    mechanism: str
    period_end: date | None
    versions: int


def shipped_frameworks() -> list[Framework]:
    """The frameworks shipped in ``pledge/data/frameworks`` (validated)."""
    out = []
    folder = files("pledge") / "data" / "frameworks"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            doc = tomllib.loads(entry.read_text(encoding="utf-8"))
            out.append(read_framework_document(doc, origin=entry.name))
    return out


def store_framework(session: Connection, fw: Framework, actor: Actor) -> bool:
    """Insert a framework and its versions unless it exists; posts its commitments.

    Returns True when it was inserted.
    """
    permit(actor, Action.FRAMEWORK_EDIT)
    existing = session.execute(select(t.frameworks.c.id)
                               .where(t.frameworks.c.key == fw.key)).first()
    if existing is not None:
        return False
    fid = insert_id(session, t.frameworks.insert().values(
        key=fw.key, name=fw.name, partner=fw.partner, partner_currency=fw.partner_currency))
    for terms in fw.versions:
        _insert_version(session, fid, terms, actor)
    first = fw.versions[0]
    post_entries(session, fid, [
        commitment_entry(c.key, c.amount, first.effective_from, f"commitment: {c.label}")
        for c in first.components], actor)
    audit(session, actor, "framework.load", "framework", fw.key, after={"key": fw.key})
    return True


def _insert_version(session: Connection, framework_id: int, terms: FrameworkTerms,
                    actor: Actor) -> None:
    session.execute(t.framework_terms.insert().values(
        framework_id=framework_id, effective_from=terms.effective_from,
        settings=terms_to_settings(terms),
        sources=stored_sources(terms), note=terms.note,
        recorded_at=now(), recorded_by=actor.name))


def load_shipped(session: Connection, actor: Actor = SYSTEM) -> list[str]:
    """Store every shipped framework not yet stored; returns the keys inserted."""
    return [fw.key for fw in shipped_frameworks() if store_framework(session, fw, actor)]


def list_frameworks(engine: Engine) -> list[FrameworkSummary]:
    """Every framework's summary, cached until the data changes (``dashboard.views``):
    most pages offer the list."""
    from pledge.services.dashboard import views

    return list(views.get(engine, ("frameworks",), lambda: _frameworks(engine)))


def _frameworks(engine: Engine) -> list[FrameworkSummary]:
    with reading(engine) as s:
        out = []
        for row in s.execute(select(t.frameworks).order_by(t.frameworks.c.id)):
            fw = load_framework(s, row)
            cur = fw.current
            out.append(FrameworkSummary(
                fw.key, fw.name, fw.partner, cur.commitment,
                "fund" if cur.has_machinery else "pledge", cur.period_end, len(fw.versions)))
        return out


def get_framework(engine: Engine, key: str) -> Framework:
    with reading(engine) as s:
        return load_framework(s, framework_row(s, key))


def framework_document(fw: Framework) -> dict[str, Any]:
    """A framework as a JSON-ready document: every version with its settings and sources.

    Each version also says which settings are assumptions (``assumptions``: setting ->
    its basis and the alternative readings with their sources), which claims made before
    it it does not adopt (``earlier_claims``), and which settings are terms recorded for
    people that no rule computes with (``recorded_terms``), and which are the software's
    defaults because the terms' data does not give them (``defaults``).
    """
    return {
        "key": fw.key, "name": fw.name, "partner": fw.partner,
        "partner_currency": fw.partner_currency,
        "versions": [_version_document(v) for v in fw.versions],
    }


def _version_document(v: FrameworkTerms) -> dict[str, Any]:
    settings = terms_to_settings(v)
    doc: dict[str, Any] = {
        "effective_from": v.effective_from.isoformat(), "note": v.note, "settings": settings,
        "sources": {k: list(s) for k, s in v.sources.items()}, **provenance(v)}
    # each sourced setting's confidence, from its own sources (domain.provenance)
    doc["confidence"] = {k: sources_confidence(list(s)).value for k, s in v.sources.items()
                         if s}
    # Settings the terms' data does not give (the software's defaults): no source, no mark.
    doc["defaults"] = [k for k in settings if not v.sources.get(k) and k not in v.assumptions]
    return doc


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["a.b=1", "c=x"]`` as a mapping; raises InvalidInput naming each bad pair."""
    out: dict[str, str] = {}
    bad = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            bad.append(pair)
        else:
            out[name.strip()] = value.strip()
    if bad:
        raise InvalidInput([Problem("set", b, "input.bad_assignment", "expected NAME=VALUE")
                            for b in bad])
    return out


def amend_framework(engine: Engine, key: str, effective_from: date, changes: dict[str, str],
                    sources: list[str], note: str, actor: Actor) -> Framework:
    """Add a version of the terms taking effect from ``effective_from`` (admin only).

    Older versions are kept; a change to the commitment posts the difference to
    the ledger so utilisation follows the amended cap.
    """
    permit(actor, Action.FRAMEWORK_EDIT)
    check_dates(effective_from=effective_from)
    sources, note = check_sources(sources, "source"), clean_text("note", note)
    if not sources:
        raise InvalidInput.single("source", "", "framework.unsourced",
                                  "an amendment needs at least one source")
    with transaction(engine) as s:
        row = framework_row(s, key, lock=True)
        fw = load_framework(s, row)
        before = fw.current
        amended = fw.amend(effective_from, changes, dict.fromkeys(changes, tuple(sources)), note)
        after = amended.current
        if any(v.effective_from == effective_from for v in fw.versions):
            raise Conflict.single("effective_from", effective_from.isoformat(),
                                  "framework.version_exists", "a version already starts then")
        _insert_version(s, row.id, after, actor)
        for c in after.components:
            used = (sum_postings(s, row.id, acct(c.key, ALLOCATED))
                    + sum_postings(s, row.id, acct(c.key, USED)))
            check_cap_amendment(c.key, c.amount, used)
        old = {c.key: c.amount for c in before.components}
        entries = [commitment_entry(c.key, c.amount - old.get(c.key, Decimal(0)), effective_from,
                                    f"amendment: {note or 'terms amended'}")
                   for c in after.components if c.amount != old.get(c.key, Decimal(0))]
        post_entries(s, row.id, entries, actor)
        audit(s, actor, "framework.amend", "framework", key,
              before=terms_to_settings(before), after=terms_to_settings(after))
        return amended
