"""The facts read from an article, each with its sentence and a confidence, and the
article's whole :class:`Extraction` with the JSON object of ``pledge ingest --json``
(:meth:`Extraction.contract`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pledge.ingest.claims import (
        OfficialFact,
        RelationFact,
        RoleFact,
        TermFact,
        TrancheFact,
    )

#: Facts below this confidence are kept in the full record but left out of the contract.
REPORT_CONFIDENCE: Final = 0.5


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


class Portable:
    """A fact pickled as its class and its fields' values, read back by the class's own
    constructor: several times faster both ways than the state a dataclass with slots
    pickles by default, which counts when the extractions of a batch come back from its
    reading processes (:mod:`pledge.services.news_reading`). For frozen dataclasses whose
    fields are all set by their constructor."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        got = _FIELD_GETTERS.get(cls)
        if got is None:
            names = [f.name for f in fields(self)]   # type: ignore[arg-type]  # a dataclass
            # (a getter of one name gives the value, not a tuple: that name is asked twice)
            got = _FIELD_GETTERS[cls] = (attrgetter(*names, *names) if len(names) == 1
                                         else attrgetter(*names), len(names))
        values: tuple[Any, ...] = got[0](self)
        return cls, values[:got[1]]


_FIELD_GETTERS: dict[type, tuple[attrgetter[Any], int]] = {}


@dataclass(frozen=True, slots=True)
class Amount(Portable):
    """An amount of money and what it refers to (project, tranche, programme, other)."""

    text: str
    low: Decimal | None
    high: Decimal | None
    currency: str
    sentence: int
    evidence: str
    confidence: float
    refers_to: str = "other"
    project_id: int | None = None
    project: str = ""
    converted: bool = False      # given in brackets as another currency's equivalent
    start: int = 0
    per_period: bool = False     # a flow ("a year", "연간"), not a cost
    note: str = ""               # how it was read: a bare $ resolved, a vague count

    def contract(self) -> dict[str, Any]:
        return {"text": self.text, "low": _money(self.low), "high": _money(self.high),
                "currency": self.currency}

    def record(self) -> dict[str, Any]:
        return {**self.contract(), "refers_to": self.refers_to, "project_id": self.project_id,
                "project": self.project, "converted": self.converted,
                "per_period": self.per_period, "note": self.note,
                "sentence": self.evidence, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class OrgFact(Portable):
    name: str
    kind: str
    written: str
    sentence: int
    evidence: str
    confidence: float
    parent: str = ""     # the owner of a subsidiary or project company, kept beside it


@dataclass(frozen=True, slots=True)
class SectorFact(Portable):
    key: str
    written: str
    sentence: int
    evidence: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PlaceFact(Portable):
    state: str
    written: str
    sentence: int
    evidence: str
    confidence: float
    site: str = ""               # set when the state comes from a site in one state


@dataclass(frozen=True, slots=True)
class SiteFact(Portable):
    name: str
    states: tuple[str, ...]
    written: str
    sentence: int
    evidence: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Mention(Portable):
    """A passage about one project: what it names and the project it matched (if any)."""

    sentence: int
    evidence: str
    descriptor: str
    orgs: tuple[str, ...]
    types: tuple[str, ...]
    states: tuple[str, ...]
    sites: tuple[str, ...]
    sector: str
    project_id: int | None
    project: str
    confidence: float
    reasons: tuple[str, ...] = ()
    via: str = "passage"          # or "back reference"
    amounts: tuple[int, ...] = ()  # indexes into Extraction.amounts
    start: int = 0                # the passage within its sentence
    end: int = 0
    anchor: int = 0               # where it names its facility (or its start)

    def record(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "project": self.project,
                "descriptor": self.descriptor, "companies": list(self.orgs),
                "types": list(self.types), "states": list(self.states),
                "sites": list(self.sites), "sector": self.sector, "via": self.via,
                "reasons": list(self.reasons), "sentence": self.evidence,
                "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class StatusFact(Portable):
    project: str
    project_id: int | None
    status: str          # a lifecycle stage
    reported: str        # the reported status the word stands for ("announced")
    written: str
    sentence: int
    evidence: str
    confidence: float

    def contract(self) -> dict[str, Any]:
        return {"project": self.project, "status": self.status}

    def record(self) -> dict[str, Any]:
        return {**self.contract(), "project_id": self.project_id, "reported": self.reported,
                "signal": self.written, "sentence": self.evidence,
                "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class Extraction(Portable):
    """Everything read from one article."""

    source: str
    language: str
    title: str
    text: str
    pledging_country: str
    framework: str
    country_confidence: float
    amounts: tuple[Amount, ...]
    organisations: tuple[OrgFact, ...]
    sectors: tuple[SectorFact, ...]
    places: tuple[PlaceFact, ...]
    sites: tuple[SiteFact, ...]
    statuses: tuple[StatusFact, ...]
    mentions: tuple[Mention, ...]
    content_hash: str
    fingerprint: str
    sketch: str = ""
    dropped: tuple[str, ...] = field(default=())
    published: date | None = None     # the publication date, if the page or text gives it
    dollar: str = "USD"               # the currency a bare "$" was read as ...
    dollar_why: str = ""              # ... and why (the outlet, or none known)
    # what else it says (pledge.ingest.claims): companies' roles, tranches, terms, officials
    roles: tuple[RoleFact, ...] = ()
    tranches: tuple[TrancheFact, ...] = ()
    terms: tuple[TermFact, ...] = ()
    officials: tuple[OfficialFact, ...] = ()
    relations: tuple[RelationFact, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Its facts go as rows of their fields' values, one class per kind (see _rebuilt).
        values = list(Portable.__reduce__(self)[1])
        for i in _FACT_INDEXES:
            values[i] = _rows(values[i])
        return _rebuilt, (tuple(values),)

    def companies(self) -> list[str]:
        """The companies named, a subsidiary or project company resolved to its parent (its
        own name is kept under :meth:`subsidiaries` and on its fact)."""
        return unique(o.parent or o.name for o in self.organisations if o.kind == "company")

    def subsidiaries(self) -> list[dict[str, str]]:
        """Each subsidiary or project company named, once, with the parent it resolves to."""
        return unique({"name": o.name, "parent": o.parent} for o in self.organisations
                      if o.parent)

    def institutions(self) -> list[str]:
        return unique(o.name for o in self.organisations if o.kind != "company")

    def named_officials(self) -> list[dict[str, str]]:
        """Each official named once: name, office (as the article gives it when it does)
        and country."""
        out: dict[str, dict[str, str]] = {}
        for o in sorted(self.officials, key=lambda o: o.office_from != "article"):
            out.setdefault(o.name, {"name": o.name, "office": o.office, "country": o.country})
        return sorted(out.values(), key=lambda o: min(
            f.sentence for f in self.officials if f.name == o["name"]))

    def matched_projects(self) -> list[int]:
        return unique(m.project_id for m in self.mentions
                       if m.project_id is not None and m.confidence >= REPORT_CONFIDENCE)

    def contract(self) -> dict[str, Any]:
        """The object ``pledge ingest --json`` prints for this article (contract keys first,
        then extras: title, framework, sites, institutions, facts with their sentences)."""
        amounts: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for a in self.amounts:
            key = (a.low, a.high, a.currency)
            if key not in seen and a.confidence >= REPORT_CONFIDENCE:
                seen.add(key)
                amounts.append(a.contract())
        statuses: list[dict[str, Any]] = []
        for s in self.statuses:
            if s.confidence >= REPORT_CONFIDENCE and s.contract() not in statuses:
                statuses.append(s.contract())
        return {
            "source": self.source,
            "language": self.language,
            "pledging_country": self.pledging_country,
            "amounts": amounts,
            "companies": self.companies(),
            "sectors": unique(s.key for s in self.sectors),
            # the states, then the named US sites (a sea, a county) that are not states
            "us_locations": unique([*(p.state for p in self.places),
                                     *(s.name for s in self.sites)]),
            "status_signals": statuses,
            "matched_projects": self.matched_projects(),
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "framework": self.framework,
            "sites": [{"name": s.name, "states": list(s.states)}
                      for s in unique_by(self.sites, lambda x: x.name)],
            "institutions": self.institutions(),
            "officials": self.named_officials(),
            "subsidiaries": self.subsidiaries(),
            "facts": {
                "amounts": [a.record() for a in self.amounts],
                "organisations": [{"name": o.name, "kind": o.kind, "written": o.written,
                                   "parent": o.parent,
                                   "sentence": o.evidence, "confidence": o.confidence}
                                  for o in self.organisations],
                "sectors": [{"sector": s.key, "written": s.written, "sentence": s.evidence,
                             "confidence": s.confidence} for s in self.sectors],
                "locations": [{"state": p.state, "written": p.written, "site": p.site,
                               "sentence": p.evidence, "confidence": p.confidence}
                              for p in self.places],
                "sites": [{"name": s.name, "states": list(s.states), "written": s.written,
                           "sentence": s.evidence, "confidence": s.confidence}
                          for s in self.sites],
                "status_signals": [s.record() for s in self.statuses],
                "projects": [m.record() for m in self.mentions],
                "pledging_country": {"name": self.pledging_country,
                                     "confidence": self.country_confidence},
                "dollar": {"currency": self.dollar, "why": self.dollar_why},
                "roles": [f.record() for f in self.roles],
                "tranches": [f.record(self.amounts) for f in self.tranches],
                "terms": [f.record() for f in self.terms],
                "officials": [f.record() for f in self.officials],
                "relations": [f.record() for f in self.relations],
            },
        }


_FACT_FIELDS: Final = ("amounts", "organisations", "sectors", "places", "sites", "statuses",
                       "mentions", "roles", "tranches", "terms", "officials", "relations")
"""The fields of an :class:`Extraction` that hold its facts, each a tuple of one class."""

_FACT_INDEXES: Final = tuple([f.name for f in fields(Extraction)].index(name)
                             for name in _FACT_FIELDS)
"""Where the fields of :data:`_FACT_FIELDS` are among an extraction's fields."""


def _rows(facts: tuple[Any, ...]) -> tuple[Any, ...]:
    """Facts of one class as that class and a row of field values for each (pickled as
    plain tuples, a fraction of the work of a record each); facts of mixed classes, or
    none, as they are."""
    if not facts:
        return facts
    reduced = [f.__reduce__() for f in facts]
    kind = reduced[0][0]
    if any(r[0] is not kind for r in reduced):
        return facts
    return kind, tuple([r[1] for r in reduced])


def _rebuilt(values: tuple[Any, ...]) -> Extraction:
    """An extraction from what :meth:`Extraction.__reduce__` made of it."""
    args = list(values)
    for i in _FACT_INDEXES:
        facts = args[i]
        if facts and isinstance(facts[0], type):
            kind, rows = facts
            args[i] = tuple([kind(*row) for row in rows])
    return Extraction(*args)


def unique(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def unique_by(values: Any, key: Any) -> list[Any]:
    out: list[Any] = []
    keys: set[Any] = set()
    for v in values:
        k = key(v)
        if k not in keys:
            keys.add(k)
            out.append(v)
    return out
