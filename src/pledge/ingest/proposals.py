"""The changes an article suggests against the records: pure planning, nothing stored.

:func:`plan_proposals` compares what was read from an article (an ``Extraction``) with
the known projects and gives the proposals a reviewer would see, each with its kind
(``domain.proposals.ProposalKind``), the project it concerns, the change as a payload,
the sentence it came from and a confidence. :func:`proposal_key` says when two proposals
are the same change (so one already waiting is not queued twice); :func:`summary` says
the change in a line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pledge.domain.errors import PledgeError
from pledge.domain.fx import RateTable
from pledge.domain.lifecycle import further
from pledge.domain.money import MoneyRange, format_range, format_stored, parse_amount
from pledge.domain.proposals import ProposalKind
from pledge.ingest.claim_proposals import CLAIM_KINDS, claim_key, claim_summary, plan_claims
from pledge.ingest.extract import Extraction
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import KnownProject

__all__ = ["MIN_CONFIDENCE", "TOLERANCE", "PlannedChange", "amount_text", "plan_proposals",
           "proposal_key", "summary"]

MIN_CONFIDENCE: Final = 0.5   # passages matched less surely than this propose nothing
TOLERANCE: Final = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One change an article suggests: its kind, the project (None for a new one) and its
    name, the change itself (``payload``), the sentence it was read from and how sure."""

    kind: ProposalKind
    project_id: int | None
    project_name: str
    payload: dict[str, Any]
    evidence: str
    confidence: float


def summary(kind: str, payload: dict[str, Any]) -> str:
    """The change in a line, as a reviewer reads it."""
    p = payload
    if kind in CLAIM_KINDS:
        return claim_summary(kind, p)
    if kind == ProposalKind.ADDITIONAL_ESTIMATE:
        recorded = "; ".join(format_stored(r.get("low"), r.get("high"), r.get("currency"))
                             for r in p.get("recorded", [])
                             if r.get("low") is not None or r.get("high") is not None)
        return (f"another estimate: {p.get('written') or p.get('amount', '')}"
                + (f" (recorded: {recorded})" if recorded else ""))
    if kind == ProposalKind.STATUS_CHANGE:
        words = f" (\u201c{p['signal']}\u201d)" if p.get("signal") else ""
        return f"stage {p.get('from') or '?'} \u2192 {p.get('to') or '?'}{words}"
    if kind == ProposalKind.SITE_REPORT:
        where = ", ".join([*p.get("sites", []), *p.get("states", [])])
        recorded = f" (recorded: {p['recorded']})" if p.get("recorded") else ""
        return f"reported site: {where}{recorded}"
    if kind == ProposalKind.NEW_PROJECT:
        extra = ", ".join(x for x in (str(p.get("sector", "")), str(p.get("amount", "")),
                                      str(p.get("location", ""))) if x)
        return f"new project: {p.get('name', '')}" + (f" ({extra})" if extra else "")
    return kind.replace("_", " ")


def proposal_key(kind: str, project_id: int | None, payload: dict[str, Any]
                 ) -> tuple[Any, ...]:
    """What makes two proposals the same change (amounts compared as text, so a stored
    payload and a fresh one agree)."""
    if kind in CLAIM_KINDS:
        return claim_key(kind, project_id, payload)
    if kind == ProposalKind.ADDITIONAL_ESTIMATE:
        return (str(kind), project_id, str(payload.get("low")), str(payload.get("high")),
                payload.get("currency"))
    if kind == ProposalKind.STATUS_CHANGE:
        return (str(kind), project_id, payload.get("to"))
    if kind == ProposalKind.SITE_REPORT:
        return (str(kind), project_id, tuple(payload.get("states", [])))
    return (str(kind), project_id, str(payload.get("name", "")).lower())


def _usd(r: MoneyRange, rates: RateTable | None, on: date) -> MoneyRange | None:
    if r.currency == "USD":
        return r
    if rates is None:
        return None
    try:
        return rates.convert(r, "USD", on).result
    except PledgeError:
        return None


def _agrees(new: MoneyRange, recorded: Iterable[tuple[Decimal | None, Decimal | None, str]],
            rates: RateTable | None, on: date) -> bool:
    """Whether a recorded estimate agrees with ``new`` (ranges overlap, 5% slack), compared
    in the same currency or else in US dollars."""
    new_usd = _usd(new, rates, on)
    for low, high, currency in recorded:
        if low is None and high is None:
            continue
        if currency == new.currency:
            cand: MoneyRange | None = new
        elif currency == "USD":
            cand = new_usd
        else:
            continue
        if cand is None:
            continue
        lo = cand.low if cand.low is not None else cand.high
        hi = cand.high if cand.high is not None else cand.low
        assert lo is not None and hi is not None
        r_lo = (low if low is not None else Decimal(0)) * (1 - TOLERANCE)
        r_hi = high * (1 + TOLERANCE) if high is not None else None
        if hi >= r_lo and (r_hi is None or lo <= r_hi):
            return True
    return False


def _amount_text(text: str, r: MoneyRange) -> str:
    """The amount as written when the parser reads it back the same; else its display."""
    try:
        again = parse_amount(text)
        if (again.low, again.high, again.currency) == (r.low, r.high, r.currency):
            return text
    except PledgeError:
        pass
    return format_range(r)


#: The amount as written when the parser reads it back the same; else its display.
amount_text = _amount_text


def plan_proposals(ext: Extraction, known: dict[int, KnownProject], rates: RateTable | None,
                   on: date, gazetteer: Gazetteer) -> list[PlannedChange]:
    """The changes an article suggests against the records (not yet stored).

    ``known``: the recorded projects by id; ``rates``: for comparing amounts in US
    dollars on ``on`` (None: only amounts in the same currency are compared).
    """
    out: list[PlannedChange] = []
    keys: set[tuple[Any, ...]] = set()

    def add(kind: ProposalKind, project: KnownProject | None, name: str,
            payload: dict[str, Any], evidence: str, confidence: float,
            key: tuple[Any, ...]) -> None:
        full = (kind, project.id if project else None, *key)
        if full in keys:
            return
        keys.add(full)
        out.append(PlannedChange(kind, project.id if project else None, name, payload,
                                 evidence, round(confidence, 2)))

    for m in ext.mentions:
        if m.project_id is None or m.confidence < MIN_CONFIDENCE:
            continue
        project = known.get(m.project_id)
        if project is None:
            continue
        for i in m.amounts:
            a = ext.amounts[i]
            if a.refers_to != "project" or a.project_id != project.id or a.converted \
                    or a.per_period:
                continue
            r = MoneyRange(a.low, a.high, a.currency)
            if _agrees(r, project.estimates, rates, on):
                continue
            add(ProposalKind.ADDITIONAL_ESTIMATE, project, project.name, {
                "amount": _amount_text(a.text, r), "written": a.text, "low": a.low,
                "high": a.high, "currency": a.currency,
                "recorded": [{"low": lo, "high": hi, "currency": c}
                             for lo, hi, c in project.estimates]},
                a.evidence, m.confidence * a.confidence, (a.low, a.high, a.currency))
        recorded_states = set(project.states)
        new_states = [st for st in m.states if st not in recorded_states]
        if new_states:
            add(ProposalKind.SITE_REPORT, project, project.name, {
                "states": new_states, "sites": list(m.sites), "recorded": project.location},
                m.evidence, m.confidence * 0.8, tuple(new_states))
    for st in ext.statuses:
        if st.project_id is None or st.confidence < MIN_CONFIDENCE:
            continue
        project = known.get(st.project_id)
        if project is None or not further(st.status, project.furthest):
            continue
        add(ProposalKind.STATUS_CHANGE, project, project.name, {
            "to": st.status, "from": project.status, "reported": st.reported,
            "signal": st.written}, st.evidence, st.confidence, (st.status,))
    for m in ext.mentions:
        if m.project_id is not None or m.via != "passage" or not m.types:
            continue
        companies = [o for o in m.orgs if (org := gazetteer.organisation(o)) is not None
                     and org.kind == "company"]
        if not companies or m.confidence < MIN_CONFIDENCE:
            continue
        amounts = [ext.amounts[i] for i in m.amounts if ext.amounts[i].refers_to == "project"
                   and not ext.amounts[i].converted]
        stage = next((s.status for s in ext.statuses
                      if s.project_id is None and s.project == m.descriptor
                      and s.confidence >= MIN_CONFIDENCE), "proposed")
        amount = ""
        if amounts:
            a = amounts[0]
            amount = _amount_text(a.text, MoneyRange(a.low, a.high, a.currency))
        add(ProposalKind.NEW_PROJECT, None, m.descriptor, {
            "name": m.descriptor, "sector": m.sector, "framework": ext.framework or "japan",
            "location": ", ".join(m.states or m.sites), "lead": companies[0],
            "partners": "; ".join(companies[1:]), "amount": amount, "status": stage},
            m.evidence, m.confidence, (m.descriptor.lower(),))
    # sponsors, tranches, links between projects, claims about the terms
    plan_claims(ext, known, gazetteer, add, MIN_CONFIDENCE)
    return out
