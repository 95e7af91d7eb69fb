"""Projects: what they are, who is behind them, and what they are said to cost.

A project keeps every sourced cost estimate, because sources disagree (the Ohio
gas plant is US$33bn to Commerce and about US$33.3bn to METI); one estimate is
primary. Sectors are canonical keys with the source's wording kept beside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.lifecycle import ENTRY_STAGE, Stage, check_entry_stage
from pledge.domain.sources import MAX_SOURCE_LENGTH, check_source, check_sources
from pledge.domain.text import clean_name, fold_name


class SponsorRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    OFFTAKER = "offtaker"
    SUPPLIER = "supplier"
    LENDER = "lender"


@dataclass(frozen=True, slots=True)
class Sponsor:
    """A company behind a project and its role in it (``note`` keeps the source's remark)."""

    name: str
    role: SponsorRole
    note: str = ""


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """One sourced estimate of a project's cost.

    low, high:     bounds in ``currency`` (either may be None: "up to US$25bn" has no low)
    currency:      ISO code of the bounds
    usd_low, usd_high: the bounds in US dollars (equal to low/high for USD estimates)
    text:          the amount as the source wrote it
    source, as_of: where and when it was reported
    primary:       whether this is the estimate the project is shown with
    """

    low: Decimal | None
    high: Decimal | None
    currency: str
    usd_low: Decimal | None
    usd_high: Decimal | None
    text: str
    source: str
    as_of: date | None
    primary: bool = False


# Canonical sector keys: the MOU list, then the other sectors projects were reported in.
MOU_SECTORS = ("semiconductors", "pharmaceuticals", "metals", "critical_minerals",
               "shipbuilding", "energy", "ai_quantum")
OTHER_SECTORS = ("ai_infrastructure", "electronics", "manufacturing_logistics", "automobiles",
                 "aviation", "steel", "other")
SECTORS = MOU_SECTORS + OTHER_SECTORS

_SECTOR_ALIASES = {
    "ai": "ai_quantum", "quantum": "ai_quantum", "ai/quantum": "ai_quantum",
    "ai_quantum_computing": "ai_quantum", "critical minerals": "critical_minerals",
    "manufacturing and logistics": "manufacturing_logistics",
    "logistics": "manufacturing_logistics", "ai infrastructure": "ai_infrastructure",
    "chips": "semiconductors", "pharma": "pharmaceuticals", "autos": "automobiles",
}


def canonical_sector(text: str) -> tuple[str, str]:
    """(canonical key, detail) for a sector as a source wrote it.

    ``"energy (nuclear)"`` gives ``("energy", "nuclear")``. Raises InvalidInput for an
    empty or unrecognised sector, naming the known keys.
    """
    raw = text.strip()
    m = re.match(r"^([^()]*?)\s*(?:\((.*)\))?\s*$", raw)
    head = (m.group(1) if m else raw).strip().lower()
    detail = (m.group(2) or "").strip() if m else ""
    key = head.replace("-", "_").replace(" ", "_")
    if key in SECTORS:
        return key, detail
    if head in _SECTOR_ALIASES:
        return _SECTOR_ALIASES[head], detail
    if key in _SECTOR_ALIASES:
        return _SECTOR_ALIASES[key], detail
    raise InvalidInput.single("sector", text, "project.unknown_sector",
                              f"unknown sector (known: {', '.join(SECTORS)})")


US_STATES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
    "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
    "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
    "District of Columbia",
)
# Longest names first so "West Virginia" is found before "Virginia".
_STATE_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(s) for s in US_STATES),
                                                key=len, reverse=True)) + r")\b")


def states_in(location: str) -> tuple[str, ...]:
    """US state names mentioned in a location text, in order of first mention."""
    found: list[str] = []
    for m in _STATE_RE.finditer(location):
        name = m.group(1)
        if name not in found:
            found.append(name)
    return tuple(found)


def require_source(source: str, record: str) -> str:
    """The source of a recorded claim, trimmed. Estimates, reported sites and reported
    stages are kept only with where they were read: ``record`` ("estimate", "site",
    "status") names the rule ``project.unsourced_<record>`` that refuses a blank one;
    any other source must be a web address or a file's name (``sources.check_source``)."""
    if not source.strip():
        what = {"estimate": "an estimate", "site": "a reported site",
                "status": "a reported stage"}[record]
        raise InvalidInput.single("source", source, f"project.unsourced_{record}",
                                  f"{what} needs its source")
    return check_source(source)


#: The longest source (a URL or a document's name), in characters.
SOURCE_MAX = MAX_SOURCE_LENGTH


def clean_sources(sources: Sequence[str] | None) -> list[str]:
    """The sources of a change (transitions, consultations, extensions), each checked by
    ``domain.sources.check_source`` (a web address or a file's bare name, no control
    characters, at most :data:`SOURCE_MAX` characters); blank ones are left out."""
    return check_sources(sources or (), "sources")


_STATE_KEYS = {s.casefold(): s for s in US_STATES}


def reported_site(location: str, states: Sequence[str] = ()) -> tuple[str, tuple[str, ...]]:
    """A site reported for a project: its wording and the US states it lies in.

    ``states`` are canonical state names (any case); without them, the states the
    wording names. Raises InvalidInput naming the field for an empty location or an
    unknown state.
    """
    where = clean_name("location", location, 300, required=False)
    if not where:
        raise InvalidInput.single("location", location, "project.site_missing",
                                  "a reported site needs its location")
    problems = [Problem("states", s, "project.unknown_state", "not a US state")
                for s in states if s.strip().casefold() not in _STATE_KEYS]
    if problems:
        raise InvalidInput(problems)
    named = tuple(dict.fromkeys(_STATE_KEYS[s.strip().casefold()] for s in states))
    return where, named or states_in(where)


# How the public project list words a stage, mapped to the lifecycle.
REPORTED_STATUS = {
    "candidate": Stage.PROPOSED,
    "proposed": Stage.PROPOSED,
    "under review": Stage.UNDER_REVIEW,
    "announced": Stage.FINALIST,   # named as next-tranche candidates, not yet recommended
    "finalist": Stage.FINALIST,
    "recommended": Stage.RECOMMENDED,
    "selected": Stage.SELECTED,
}


def stage_from_report(status: str) -> Stage:
    """The lifecycle stage for a reported status ("candidate", "announced", a stage name)."""
    text = status.strip().lower().replace("_", " ")
    if text in REPORTED_STATUS:
        return REPORTED_STATUS[text]
    try:
        return Stage(text.replace(" ", "_"))
    except ValueError:
        raise InvalidInput.single("status", status, "project.unknown_status",
                                  "unknown status (candidate, announced, finalist, selected, "
                                  "or a stage name)") from None


def creation_stage(status: str, field: str = "status") -> Stage:
    """The stage a new project starts at when ``status`` is asked for: the lifecycle's
    entry stage, by its name or a wording of it ("candidate"); InvalidInput naming
    ``field`` for any other (``lifecycle.not_entry_stage``) or an unknown status."""
    stage = stage_from_report(status.strip() or ENTRY_STAGE.value)
    return check_entry_stage(stage, field, status)


_OFFTAKE = re.compile(r"offtake|buyer", re.I)
_SUPPLY = re.compile(r"suppl|equipment", re.I)
_UNNAMED = re.compile(r"\(unnamed\)", re.I)


def sponsors_from_lists(lead: str, partners: str) -> tuple[Sponsor, ...]:
    """Sponsors from the public list's ``lead_companies`` and ``partner_companies`` cells.

    Names are separated by ``;``. A trailing remark in parentheses is kept as the
    note and decides the role (offtake or buyers: offtaker; supply or equipment:
    supplier; otherwise partner). "Japanese companies (unnamed)" names nobody.
    """
    out: list[Sponsor] = []
    for cell, default in ((lead, SponsorRole.LEAD), (partners, SponsorRole.PARTNER)):
        for part in (p.strip() for p in cell.split(";")):
            if not part or _UNNAMED.search(part):
                continue
            m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", part)
            name, note = (m.group(1), m.group(2)) if m else (part, "")
            role = default
            if default is SponsorRole.PARTNER and note:
                if _OFFTAKE.search(note):
                    role = SponsorRole.OFFTAKER
                elif _SUPPLY.search(note):
                    role = SponsorRole.SUPPLIER
            if name.strip():
                out.append(Sponsor(fold_name(name), role, fold_name(note)))
    return tuple(out)
