"""How far a recorded figure can be trusted: official, corroborated, or reported once.

The programme's figures come from both governments, their agencies and the press, and
they disagree. Each estimate is therefore shown with a confidence level, read from its
sources as a careful reader triangulates them:

* **official**: its source is a government's or a state agency's own publication (a host
  under ``.gov``, ``.go.jp``, ``.go.kr``, ``europa.eu``, ``gov.tw`` and the like);
* **corroborated**: sources on at least two different hosts report figures for the
  project that agree with it (their US-dollar ranges meet, give or take
  :data:`AGREEMENT`);
* **reported**: one source says so;
* **unsourced**: nothing on record says where it comes from.

A figure that does not agree with another estimate of the same project is marked as in
conflict, so that pages put the two side by side instead of picking one silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from urllib.parse import urlsplit

from pledge.domain.sources import web_address

__all__ = [
    "AGREEMENT",
    "OFFICIAL_SUFFIXES",
    "Confidence",
    "FigureSource",
    "Provenance",
    "claims_confidence",
    "is_official",
    "provenance_of",
    "source_host",
    "sources_confidence",
]

AGREEMENT = Decimal("0.05")
"""Two ranges agree when they meet once each is widened by this share of itself."""

OFFICIAL_SUFFIXES: tuple[str, ...] = (
    ".gov", ".mil", ".go.jp", ".go.kr", ".gov.tw", ".europa.eu", ".gc.ca", ".gov.uk")
"""Host suffixes of governments' and state agencies' own sites."""


class Confidence(StrEnum):
    OFFICIAL = "official"
    CORROBORATED = "corroborated"
    REPORTED = "reported"
    UNSOURCED = "unsourced"


@dataclass(frozen=True, slots=True)
class FigureSource:
    """One recorded figure: its US-dollar bounds (either may be unknown) and its source."""

    low: Decimal | None
    high: Decimal | None
    source: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """A figure's confidence, the hosts whose figures agree with it (its own first) and
    the positions of the figures of the same project it conflicts with."""

    confidence: Confidence
    agreeing_hosts: tuple[str, ...]
    conflicts_with: tuple[int, ...]


def source_host(source: str) -> str | None:
    """The host of a web source (lower case, without ``www.``), or None for a file name
    or an empty source."""
    address = web_address(source) if source else None
    if address is None:
        return None
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.") or None


def is_official(source: str) -> bool:
    """Whether ``source`` is a government's or a state agency's own site."""
    host = source_host(source)
    return host is not None and any(
        ("." + host).endswith(suffix) for suffix in OFFICIAL_SUFFIXES)


def _bounds(f: FigureSource) -> tuple[Decimal, Decimal] | None:
    low = f.low if f.low is not None else f.high
    high = f.high if f.high is not None else f.low
    if low is None or high is None:
        return None
    return min(low, high), max(low, high)


def _agree(a: FigureSource, b: FigureSource) -> bool:
    ra, rb = _bounds(a), _bounds(b)
    if ra is None or rb is None:
        return False
    return (ra[0] * (1 - AGREEMENT) <= rb[1] * (1 + AGREEMENT)
            and rb[0] * (1 - AGREEMENT) <= ra[1] * (1 + AGREEMENT))


def provenance_of(figures: Sequence[FigureSource]) -> list[Provenance]:
    """The provenance of each of one project's figures, in the order given."""
    out = []
    for i, f in enumerate(figures):
        own = source_host(f.source)
        hosts = [h for h in [own] if h]
        conflicts = []
        for j, g in enumerate(figures):
            if j == i or _bounds(g) is None or _bounds(f) is None:
                continue
            if _agree(f, g):
                host = source_host(g.source)
                if host and host not in hosts:
                    hosts.append(host)
            else:
                conflicts.append(j)
        if not f.source.strip():
            level = Confidence.UNSOURCED
        elif is_official(f.source):
            level = Confidence.OFFICIAL
        elif len(hosts) >= 2:
            level = Confidence.CORROBORATED
        else:
            level = Confidence.REPORTED
        out.append(Provenance(level, tuple(hosts), tuple(conflicts)))
    return out


def sources_confidence(sources: Sequence[str]) -> Confidence:
    """The confidence of a claim (a stage, a site, a term) read from its own sources:
    official when one is a government's own site, corroborated when they are on two
    hosts or more, reported when one says so, unsourced when none is given."""
    given = [x for x in sources if x and x.strip()]
    if not given:
        return Confidence.UNSOURCED
    if any(is_official(x) for x in given):
        return Confidence.OFFICIAL
    hosts = {h for h in (source_host(x) for x in given) if h}
    return Confidence.CORROBORATED if len(hosts) >= 2 else Confidence.REPORTED


def claims_confidence(claims: Sequence[tuple[str, str]]) -> list[Confidence]:
    """The confidence of each of several claims of one subject, given as (what is
    claimed, source): a claim is corroborated when another source on another host makes
    the same claim (the same reported stage, the same states of a site)."""
    out = []
    for what, source in claims:
        same = [s for w, s in claims if w == what]
        out.append(sources_confidence(same) if source.strip()
                   else Confidence.UNSOURCED)
    return out
