"""The proposals of what an article says beyond amounts and stages (pure planning):

=================  ===================================================================
sponsor            a company named with its role in a known project that the project's
                   record does not name (itself, its parent or its subsidiary)
tranche            a tranche with its amount, of a known project or of the programme
related_project    two known projects, not yet linked, that a sentence names either side
                   of words of a relation ("also known as": ``duplicate``; "part of":
                   ``part_of``; "second phase of": ``later_tranche``)
term_claim         a framework's term the article states (window, tariff, split), to be
                   kept beside the terms: never an amendment
=================  ===================================================================

:func:`plan_claims` gives them; :func:`claim_summary` and :func:`claim_key` say each in a
line and when two are the same change (``ingest.proposals`` asks them for these kinds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from pledge.domain.money import MoneyRange
from pledge.domain.proposals import ProposalKind
from pledge.ingest.facts import Extraction
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import KnownProject

__all__ = ["CLAIM_KINDS", "claim_key", "claim_summary", "plan_claims"]

CLAIM_KINDS: Final = frozenset({ProposalKind.SPONSOR, ProposalKind.TRANCHE,
                                ProposalKind.RELATED_PROJECT, ProposalKind.TERM_CLAIM})

Add = Callable[[ProposalKind, KnownProject | None, str, dict[str, Any], str, float,
                tuple[Any, ...]], None]


def _recorded(g: Gazetteer, project: KnownProject) -> set[str]:
    """Every name the project's record gives its sponsors: as written (folded), and each
    organisation they name with its parent."""
    out: set[str] = set()
    for label in (*project.lead, *project.partners):
        out.add(label.split("(")[0].strip().lower())
        out |= set(g.with_parents(h.value.name for h in g.org_matcher.finditer(label)))
    return out


def plan_claims(ext: Extraction, known: dict[int, KnownProject], gazetteer: Gazetteer,
                add: Add, min_confidence: float) -> None:
    """Plan this module's proposals through ``add`` (``ingest.proposals.plan_proposals``'s
    collector, which drops a change already planned)."""
    g = gazetteer
    for f in ext.roles:
        project = known.get(f.project_id) if f.project_id is not None else None
        if project is None or f.confidence < min_confidence:
            continue
        recorded = _recorded(g, project)
        if f.name.lower() in recorded or any(n in recorded for n in g.with_parents([f.name])):
            continue
        add(ProposalKind.SPONSOR, project, project.name, {
            "name": f.name, "role": f.role, "written": f.written,
            "parent": g.parent_of(f.name),
            "recorded": [*project.lead, *project.partners]},
            f.evidence, f.confidence, (f.name.lower(),))
    for t in ext.tranches:
        a = ext.amounts[t.amount]
        project = known.get(t.project_id) if t.project_id is not None else None
        framework = project.framework if project else ext.framework
        if t.confidence < min_confidence or not framework:
            continue
        rng = MoneyRange(a.low, a.high, a.currency)
        add(ProposalKind.TRANCHE, project, project.name if project else "", {
            "label": t.label, "ordinal": t.ordinal, "amount": _amount(a.text, rng),
            "written": a.text, "low": a.low, "high": a.high, "currency": a.currency,
            "framework": framework}, t.evidence, t.confidence,
            (t.label, str(a.low), str(a.high), a.currency))
    if ext.framework:
        for c in ext.terms:
            if c.confidence < min_confidence:
                continue
            add(ProposalKind.TERM_CLAIM, None, "", {
                "framework": ext.framework, "settings": dict(c.settings),
                "written": c.written, "reading": c.reading, "evidence": c.evidence},
                c.evidence, c.confidence, (ext.framework, *sorted(c.settings.items())))
    _related(ext, known, add, min_confidence)


def _amount(text: str, rng: MoneyRange) -> str:
    from pledge.ingest.proposals import amount_text
    return amount_text(text, rng)


def _related(ext: Extraction, known: dict[int, KnownProject], add: Add,
             min_confidence: float) -> None:
    for f in ext.relations:          # a sentence that says how two projects relate
        if f.confidence >= min_confidence:
            _propose(known, add, f.project_id, f.other_id, f.relation, f.evidence, f.confidence,
                     f"the article says so (\u201c{f.written}\u201d)")

def _propose(known: dict[int, KnownProject], add: Add, a: int | None, b: int | None,
             relation: str, evidence: str, confidence: float, note: str) -> None:
    if a is None or b is None or a not in known or b not in known:
        return
    first, other = known[a], known[b]
    if first.id == other.id or other.id in first.linked or first.framework != other.framework:
        return
    if relation in ("related", "duplicate") and first.id > other.id:
        first, other = other, first      # symmetric: one proposal whichever is named first
    add(ProposalKind.RELATED_PROJECT, first, first.name, {
        "other_id": other.id, "other": other.name, "relation": relation, "note": note},
        evidence, confidence, (other.id, relation))


def claim_summary(kind: str, p: dict[str, Any]) -> str:
    """The change in a line, as a reviewer reads it."""
    if kind == ProposalKind.SPONSOR:
        parent = f", of {p['parent']}" if p.get("parent") else ""
        return f"sponsor: {p.get('name', '')} as {p.get('role', '?')}{parent}"
    if kind == ProposalKind.TRANCHE:
        of = "" if p.get("ordinal") is None else f" (no. {p['ordinal']})"
        return f"tranche: {p.get('label', '')}{of}: {p.get('written') or p.get('amount', '')}"
    if kind == ProposalKind.RELATED_PROJECT:
        return (f"link: {str(p.get('relation', '')).replace('_', ' ')} "
                f"{p.get('other_id', '?')} {p.get('other', '')}").rstrip()
    if kind == ProposalKind.TERM_CLAIM:
        said = "; ".join(f"{k} = {v}" for k, v in dict(p.get("settings") or {}).items())
        return f"term claim ({p.get('framework', '?')}, terms unchanged): {said}"
    return kind.replace("_", " ")


def claim_key(kind: str, project_id: int | None, payload: dict[str, Any]
              ) -> tuple[Any, ...]:
    """What makes two proposals of these kinds the same change."""
    p = payload
    if kind == ProposalKind.SPONSOR:
        return (str(kind), project_id, str(p.get("name", "")).lower())
    if kind == ProposalKind.TRANCHE:
        return (str(kind), project_id, p.get("framework"), str(p.get("label", "")),
                str(p.get("low")), str(p.get("high")), p.get("currency"))
    if kind == ProposalKind.RELATED_PROJECT:
        return (str(kind), project_id, p.get("other_id"), p.get("relation"))
    return (str(kind), p.get("framework"),
            tuple(sorted((k, str(v)) for k, v in dict(p.get("settings") or {}).items())))
