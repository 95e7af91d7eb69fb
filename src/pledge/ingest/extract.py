"""From an article's text to facts, each with the sentence it came from and a confidence.

The steps, all rule-based and offline:

1. clean the text (:mod:`pledge.ingest.clean`) and tell its language by script;
2. cut it into sentences (English full stops, Japanese 。, Korean 다. ...);
3. in each sentence find money (:mod:`pledge.ingest.amounts`, read by the core
   parser), organisations, sectors, states and sites, facility types, status words
   and cue words (:mod:`pledge.ingest.gazetteer`);
4. cut a sentence that lists several facilities into one *passage* each, and
   match every passage that names a facility, a sponsor or a project's own name
   to the known projects (:mod:`pledge.ingest.match`); a sentence that refers
   back ("The port is expected to ...") continues the passage before it;
5. tie status words to the projects of their passage, or, when the sentence
   speaks of projects in general ("three projects were seen as finalists"), to
   the projects named in the next two sentences; say what each amount refers to
   (a project, a tranche, the programme, or other);
6. decide the pledging country from the cue words and headline pledges.

:meth:`Extraction.contract` gives the JSON object of ``pledge ingest --json``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final

from pledge.domain.lifecycle import Stage, further
from pledge.ingest import fingerprint
from pledge.ingest.amounts import AmountHit, find_amounts
from pledge.ingest.clean import Cleaned, clean
from pledge.ingest.gazetteer import Cue, Gazetteer, Organisation, ProjectType, Signal, Site
from pledge.ingest.match import Features, ProjectIndex
from pledge.ingest.phrases import Hit
from pledge.ingest.text import Sentence, detect_language, split_sentences

__all__ = ["Amount", "Extraction", "Mention", "OrgFact", "PlaceFact", "SectorFact",
           "SiteFact", "StatusFact", "extract"]

#: Facts below this confidence are kept in the full record but left out of the contract.
REPORT_CONFIDENCE: Final = 0.5


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


@dataclass(frozen=True, slots=True)
class Amount:
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


    def contract(self) -> dict[str, Any]:
        return {"text": self.text, "low": _money(self.low), "high": _money(self.high),
                "currency": self.currency}

    def record(self) -> dict[str, Any]:
        return {**self.contract(), "refers_to": self.refers_to, "project_id": self.project_id,
                "project": self.project, "converted": self.converted,
                "per_period": self.per_period,
                "sentence": self.evidence, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class OrgFact:
    name: str
    kind: str
    written: str
    sentence: int
    evidence: str
    confidence: float


@dataclass(frozen=True, slots=True)
class SectorFact:
    key: str
    written: str
    sentence: int
    evidence: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PlaceFact:
    state: str
    written: str
    sentence: int
    evidence: str
    confidence: float
    site: str = ""               # set when the state comes from a site in one state


@dataclass(frozen=True, slots=True)
class SiteFact:
    name: str
    states: tuple[str, ...]
    written: str
    sentence: int
    evidence: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Mention:
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
class StatusFact:
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
class Extraction:
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

    def companies(self) -> list[str]:
        return _unique(o.name for o in self.organisations if o.kind == "company")

    def institutions(self) -> list[str]:
        return _unique(o.name for o in self.organisations if o.kind != "company")

    def matched_projects(self) -> list[int]:
        return _unique(m.project_id for m in self.mentions
                       if m.project_id is not None and m.confidence >= REPORT_CONFIDENCE)

    def contract(self) -> dict[str, Any]:
        """The object ``pledge ingest --json`` prints for this article (contract keys first,
        then extras: title, framework, sites, institutions, facts with their sentences)."""
        amounts: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for a in self.amounts:
            key = (a.low, a.high, a.currency)
            if key not in seen:
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
            "sectors": _unique(s.key for s in self.sectors),
            # the states, then the named US sites (a sea, a county) that are not states
            "us_locations": _unique([*(p.state for p in self.places),
                                     *(s.name for s in self.sites)]),
            "status_signals": statuses,
            "matched_projects": self.matched_projects(),
            "title": self.title,
            "framework": self.framework,
            "sites": [{"name": s.name, "states": list(s.states)}
                      for s in _unique_by(self.sites, lambda x: x.name)],
            "institutions": self.institutions(),
            "facts": {
                "amounts": [a.record() for a in self.amounts],
                "organisations": [{"name": o.name, "kind": o.kind, "written": o.written,
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
            },
        }


def _unique(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _unique_by(values: Any, key: Any) -> list[Any]:
    out: list[Any] = []
    keys: set[Any] = set()
    for v in values:
        k = key(v)
        if k not in keys:
            keys.add(k)
            out.append(v)
    return out


# --- Sentence reading -----------------------------------------------------------------------

@dataclass(slots=True)
class _Read:
    """One sentence's hits."""

    sentence: Sentence
    orgs: list[Hit[Organisation]]
    states: list[Hit[str]]
    sites: list[Hit[Site]]
    sectors: list[Hit[str]]
    types: list[Hit[ProjectType]]
    amounts: list[AmountHit]
    signals: list[Hit[Signal]]
    cues: set[str]
    back_reference: bool
    cue_hits: dict[str, list[Hit[Cue]]]
    pronoun: bool = False       # opens with "It" / "They": the project(s) just named


# Where a sentence may be cut between the items it lists: list separators (", ", ", and",
# "; ", "、", " 및 ") just before the next item, and clause breaks (", while", ", whereas")
_SEPARATOR: Final = re.compile(
    r"(?:,\s+(?:and\s+)?(?:(?:an?|the)\s+)?|;\s*|\s+and\s+(?:(?:an?|the)\s+)?|[、，]\s*|"
    r"\s+및\s+|\s*[·]\s*)$")
# ... and, in Japanese headlines, a space between two clauses ("銅製錬所を選定　ディスプレー
# 工場は見送り"; Japanese puts no space between words).
_CJK: Final = "\u3040-\u30ff\u3400-\u9fff"
_CLAUSE_BREAK: Final = re.compile(rf",\s+(?:while|whereas|but)\s+|(?<=[{_CJK}])\s+(?=[{_CJK}])")
_ITEM_GAP: Final = 12   # characters of words allowed between a separator and its item


def _cuts(text: str, r: _Read) -> list[int]:
    """Where to cut a sentence that lists several items, each a facility or a company with
    its own facility or amount ("SoftBank up to $25bn of power, Toshiba up to $25bn of
    transformers"; "a gas plant, a diamond factory and an oil port"). A cut is kept only
    if the text on both sides names a facility or an amount."""
    # Items start with a facility or a company; in Japanese and Korean lists ("、") also with
    # a place ("ペンシルベニア州、テキサス州での...").
    items: list[Hit[Any]] = [*r.types, *r.orgs]
    where: list[Hit[Any]] = [*r.states, *r.sites]
    starts = sorted({h.start for h in items})
    places = {h.start for h in where
              if text[max(0, h.start - 2):h.start].rstrip()[-1:] in ("、", "，")}
    candidates: set[int] = set()
    for pos in sorted(set(starts) | places):
        window = text[max(0, pos - 40 - _ITEM_GAP):pos]
        for gap in range(0, min(_ITEM_GAP, len(window)) + 1):
            head = window[:len(window) - gap] if gap else window
            tail = window[len(window) - gap:] if gap else ""
            if tail and not re.fullmatch(r"[\w\s-]*", tail):
                break
            m = _SEPARATOR.search(head)
            if m is not None and (gap == 0 or tail.strip()):
                candidates.add(pos - gap - (len(head) - m.start()))
                break
    for m in _CLAUSE_BREAK.finditer(text):
        candidates.add(m.start())
    payload = sorted({h.start for h in r.types} | {a.start for a in r.amounts})
    anchors = sorted((h.start, h.value.key) for h in r.types)
    cuts: list[int] = []
    last = 0
    for cut in sorted(candidates):
        if cut <= last:
            continue
        before = any(last <= p < cut for p in payload)
        after = any(p >= cut for p in payload)
        # "power modules and transformers": two words for one kind of facility, one item.
        prior = [k for p, k in anchors if last <= p < cut]
        first_after = next((k for p, k in anchors if p >= cut), None)
        end = min((c for c in candidates if c > cut), default=len(text))
        own = any(cut <= a.start < end for a in r.amounts) or \
            any(cut <= h.start < end for h in r.orgs)
        same_kind = bool(prior) and prior[-1] == first_after and not own
        if before and after and not same_kind:
            cuts.append(cut)
            last = cut
    return cuts


def _window_has(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    for w in words:
        if w.isascii() and w[0].isalpha():
            if re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", low):
                return True
        elif w in low:
            return True
    return False


_GOES_ON: Final = re.compile(r"\b(?:keep|keeps|continue|continues|continue to|remain|remains)\s*$",
                             re.I)


def _signal_holds(g: Gazetteer, lang: str, text: str, hit: Hit[Signal]) -> bool:
    """A status word that is neither negated nor only expected."""
    neg = g.negations.get(hit.value.language, ())
    # A project expected to be proposed is a proposed project: only a negation drops it.
    modal = () if hit.value.stage == Stage.PROPOSED else g.modals.get(hit.value.language, ())
    if hit.value.language == "en":
        before = " ".join(text[:hit.start].split()[-6:])
        if _GOES_ON.search(before):
            modal = ()      # "will keep examining", "would continue to review"
        return not (_window_has(before, neg) or "n't" in before or _window_has(before, modal))
    before = text[max(0, hit.start - 6):hit.start]
    after = text[hit.end:hit.end + 14]
    return not (any(n in after or n in before for n in neg)
                or any(m in after for m in modal))


class _Reader:
    """Runs every matcher once over the whole text and hands each sentence its hits (with
    offsets made relative to the sentence)."""

    def __init__(self, g: Gazetteer, lang: str, text: str, sentences: list[Sentence]) -> None:
        self.g = g
        self.lang = lang
        self.text = text
        self.starts = [s.start for s in sentences]
        self.sentences = sentences
        signals = g.signal_matchers.get(lang) or g.signal_matchers.get("en")
        self.orgs = self._bucket(g.org_matcher.finditer(text))
        self.states = self._bucket(g.state_matcher.finditer(text))
        self.sites = self._bucket(g.site_matcher.finditer(text))
        self.sectors = self._bucket(g.sector_matcher.finditer(text))
        self.types = self._bucket(g.type_matcher.finditer(text))
        self.signals = self._bucket(signals.finditer(text) if signals else iter(()))
        self.cues = {kind: self._bucket(m.finditer(text)) for kind, m in g.cue_matchers.items()}

    def _bucket(self, hits: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for h in hits:
            i = bisect_right(self.starts, h.start) - 1
            if i < 0:
                continue
            s = self.sentences[i]
            if h.end > s.end:
                continue   # runs across the end of the sentence
            out.setdefault(i, []).append(Hit(h.start - s.start, h.end - s.start, h.text,
                                             h.value))
        return out

    def read(self, s: Sentence) -> _Read:
        g = self.g
        i = s.index
        cue_hits = {kind: hits[i] for kind, hits in self.cues.items() if i in hits}
        cues = set(cue_hits)
        tariff = "tariff_words" in cues
        signals = [h for h in self.signals.get(i, [])
                   if _signal_holds(g, self.lang, s.text, h)]
        orgs = self.orgs.get(i, [])
        # A sector word inside a company's name ("Samsung Electronics") names no sector.
        sectors = [] if tariff else [h for h in self.sectors.get(i, [])
                                     if not any(o.start < h.end and h.start < o.end
                                                for o in orgs)]
        return _Read(
            s, orgs, self.states.get(i, []), self.sites.get(i, []),
            sectors, self.types.get(i, []),
            find_amounts(s.text), signals, cues, "back_references" in cues, cue_hits,
            bool(_PRONOUN_START.match(s.text)))


# A sentence that opens with a pronoun ("It was selected by President Trump in February")
# speaks of the project just named, unless it names one of its own.
_PRONOUN_START: Final = re.compile(r"(?:It|It's|Its)\b")


# --- The extraction -------------------------------------------------------------------------

@dataclass(slots=True)
class _Passage:
    read: _Read
    start: int
    end: int

    def inside(self, pos: int) -> bool:
        return self.start <= pos < self.end


def _country(g: Gazetteer, sentences: list[Sentence], amounts: list[Amount]
             ) -> tuple[str, str, float]:
    score: Counter[str] = Counter()
    for s in sentences:
        weight = 2 if s.index < 2 else 1
        for h in g.country_matcher.finditer(s.text):
            score[h.value] += weight
    for a in amounts:
        if a.currency != "USD" or a.high is None:
            continue
        for c in g.countries:
            if a.high in c.pledges and a.low == a.high:
                score[c.framework] += 3
    if not score:
        return "", "", 0.0
    ranked = score.most_common()
    framework, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    name = next((c.name for c in g.countries if c.framework == framework), framework)
    confidence = round(min(0.95, 0.5 + (top - second) / (2 * top + 1)), 2)
    return name, framework, confidence


def extract(text: str, *, source: str, gazetteer: Gazetteer,
            projects: ProjectIndex | None = None, html: bool | None = None,
            name: str = "") -> Extraction:
    """Read one article (plain text or HTML). ``projects``: the known projects to match
    (none: no matching). Pure: no I/O, no database, no network."""
    cleaned: Cleaned = clean(text, html=html, name=name or source)
    return extract_clean(cleaned, source=source, gazetteer=gazetteer, projects=projects)


def extract_clean(cleaned: Cleaned, *, source: str, gazetteer: Gazetteer,
                  projects: ProjectIndex | None = None) -> Extraction:
    g = gazetteer
    lang = detect_language(cleaned.text)
    sentences = split_sentences(cleaned.text)
    reader = _Reader(g, lang, cleaned.text, sentences)
    reads = [reader.read(s) for s in sentences]

    # Amounts first (the pledging country needs the headline pledges).
    raw_amounts: list[tuple[_Read, AmountHit]] = [(r, a) for r in reads for a in r.amounts]
    provisional = [Amount(a.text, a.range.low, a.range.high, a.range.currency,
                          r.sentence.index, r.sentence.text, a.confidence)
                   for r, a in raw_amounts]
    country, framework, country_conf = _country(g, sentences, provisional)

    # Passages and their projects.
    mentions: list[Mention] = []
    mentions_of_amount: dict[int, list[Mention]] = {}
    evidence_at: dict[int, list[int]] = {}     # amount index -> positions of project words
    amount_index = {id(a): i for i, (_, a) in enumerate(raw_amounts)}
    by_sentence: dict[int, list[Mention]] = {}
    last: Mention | None = None
    for r in reads:
        s = r.sentence
        cuts = _cuts(s.text, r)
        bounds = [0, *cuts, len(s.text)]
        here: list[Mention] = []
        for lo, hi in pairwise(bounds):
            p = _Passage(r, lo, hi)
            orgs = _unique(h.value.name for h in r.orgs if p.inside(h.start))
            types = _unique(h.value.key for h in r.types if p.inside(h.start))
            states = _unique(h.value for h in r.states if p.inside(h.start))
            site_hits = [h.value for h in r.sites if p.inside(h.start)]
            p_sites = _unique(x.name for x in site_hits)
            p_sectors = {h.value for h in r.sectors if p.inside(h.start)}
            p_sectors |= {g.types[t].sector for t in types}
            p_amounts = tuple(amount_index[id(a)] for a in r.amounts if p.inside(a.start))
            part = s.text[lo:hi]
            features = Features(frozenset(orgs), frozenset(types),
                                frozenset(states) | frozenset(
                                    st for x in site_hits if len(x.states) == 1
                                    for st in x.states),
                                frozenset(p_sites), frozenset(p_sectors), part)
            found = projects.matches(features, framework or None) if projects else []
            by_name = any("name" in m.kinds for m in found)
            by_sponsor = any(m.kinds & {"sponsor", "partner"} for m in found)
            anchor = min((h.start for h in r.types if p.inside(h.start)), default=lo)
            recent = last is not None and s.index - last.sentence <= 3
            found_here: list[Hit[Any]] = [*r.types, *r.orgs, *r.states, *r.sites]
            words_at = [h.start for h in found_here if p.inside(h.start)]
            made: list[Mention] = []
            own_project = by_name or (by_sponsor and bool(types))
            refers_back = (r.back_reference and not own_project) or (
                r.pronoun and not found and not types and lo == 0)
            if refers_back and last is not None and recent:
                made.append(Mention(
                    s.index, s.text, last.descriptor, tuple(orgs), tuple(types),
                    tuple(states), tuple(p_sites), last.sector, last.project_id, last.project,
                    round(last.confidence * 0.85, 2), last.reasons, "back reference",
                    p_amounts, lo, hi, anchor))
                words_at += [h.start for h in r.cue_hits.get("back_references", [])
                             if p.inside(h.start)]
            elif found:
                for match in found:
                    sector = g.types[types[0]].sector if types else match.project.sector
                    made.append(Mention(
                        s.index, s.text, _descriptor(g, orgs, types, states), tuple(orgs),
                        tuple(types), tuple(states), tuple(p_sites), sector, match.project.id,
                        match.project.name, match.confidence, match.reasons, "passage",
                        p_amounts, lo, hi, anchor))
            elif types:
                sector = g.types[types[0]].sector
                conf = 0.4 + 0.15 * bool(orgs) + 0.1 * bool(states or p_sites) + \
                    0.1 * bool(p_amounts)
                made.append(Mention(
                    s.index, s.text, _descriptor(g, orgs, types, states), tuple(orgs),
                    tuple(types), tuple(states), tuple(p_sites), sector, None, "",
                    round(conf, 2), (), "passage", p_amounts, lo, hi, anchor))
            for m in made:
                here.append(m)
                for i in p_amounts:
                    mentions_of_amount.setdefault(i, []).append(m)
                    evidence_at[i] = words_at
        if here:
            by_sentence[s.index] = here
            mentions.extend(here)
            last = here[-1]

    # What each amount refers to: the project of its passage, unless a word of the
    # programme or of a tranche stands closer to it than any word of the project.
    amounts: list[Amount] = []
    for i, (r, a) in enumerate(raw_amounts):
        ms = mentions_of_amount.get(i, [])
        prev = raw_amounts[i - 1][1] if i and raw_amounts[i - 1][0] is r else None
        converted = prev is not None and bool(
            re.fullmatch(r"\s*[(（]\s*(?:or\s+|about\s+|approx\.?\s+|약\s*|約\s*)?",
                         r.sentence.text[prev.end:a.start]))
        cue_kind, cue_distance = _nearest_cue(r, a)
        project_distance = min((_distance(a, pos) for pos in evidence_at.get(i, [])),
                               default=10**6)
        if _is_pledge(g, a):
            refers, pid, pname = "programme", None, ""
        elif ms and project_distance <= cue_distance:
            refers = "project"
            names = _unique(m.project or m.descriptor for m in ms)
            ids = _unique(m.project_id for m in ms)
            pid = ids[0] if len(ids) == 1 else None
            pname = " / ".join(names)
        else:
            refers, pid, pname = cue_kind or "other", None, ""
        flow = bool(_PER_PERIOD_AFTER.match(r.sentence.text, a.end)
                    or _PER_PERIOD_BEFORE.search(r.sentence.text[:a.start]))
        amounts.append(Amount(a.text, a.range.low, a.range.high, a.range.currency,
                              r.sentence.index, r.sentence.text, a.confidence, refers, pid,
                              pname, converted, r.sentence.start + a.start, flow))

    statuses = _statuses(g, reads, by_sentence)
    orgs = [OrgFact(h.value.name, h.value.kind, h.text, r.sentence.index, r.sentence.text,
                    0.9 if len(h.text) >= 6 or not h.text.isascii() else 0.8)
            for r in reads for h in r.orgs]
    sectors = sorted(
        [SectorFact(h.value, h.text, r.sentence.index, r.sentence.text, 0.7)
         for r in reads for h in r.sectors]
        + [SectorFact(h.value.sector, h.text, r.sentence.index, r.sentence.text, 0.65)
           for r in reads if "tariff_words" not in r.cues for h in r.types],
        key=lambda f: f.sentence)
    places: list[PlaceFact] = []
    sites: list[SiteFact] = []
    for r in reads:
        for h in r.states:
            places.append(PlaceFact(h.value, h.text, r.sentence.index, r.sentence.text, 0.9))
        for hs in r.sites:
            sites.append(SiteFact(hs.value.name, hs.value.states, hs.text, r.sentence.index,
                                  r.sentence.text, 0.85))
            if len(hs.value.states) == 1:
                places.append(PlaceFact(hs.value.states[0], hs.text, r.sentence.index,
                                        r.sentence.text, 0.75, hs.value.name))
    places.sort(key=lambda p: p.sentence)
    hashes = fingerprint.shingle_hashes(cleaned.text)
    return Extraction(
        source=source, language=lang, title=cleaned.title, text=cleaned.text,
        pledging_country=country, framework=framework, country_confidence=country_conf,
        amounts=tuple(amounts), organisations=tuple(orgs), sectors=tuple(sectors),
        places=tuple(places), sites=tuple(sites), statuses=tuple(statuses),
        mentions=tuple(mentions), content_hash=fingerprint.content_hash(cleaned.text),
        fingerprint=fingerprint.simhash(hashes), sketch=fingerprint.sketch(hashes),
        dropped=cleaned.dropped)


def _descriptor(g: Gazetteer, orgs: list[str], types: list[str], states: list[str]) -> str:
    label = g.types[types[0]].label if types else "project"
    who = f"{orgs[0]} " if orgs else ""
    where = f" ({', '.join(states)})" if states else ""
    return f"{who}{label}{where}"


# Amounts of a flow ("$20 billion a year in exports", "연간 200억 달러"): not a cost.
_PER_PERIOD_AFTER: Final = re.compile(
    r"\s*(?:(?:a|per|each|every)\s+(?:year|month|quarter|annum)\b|annually\b|yearly\b|"
    r"/\s?(?:yr|year|month|mo)\b|(?:over|across)\s+(?:the\s+next\s+)?(?:\w+\s+)?"
    r"(?:years|decades)\b|(?:를|을)?\s?(?:매년|해마다))", re.I)
_PER_PERIOD_BEFORE: Final = re.compile(
    r"(?:\b(?:annual|annually|yearly|a year of)|연간|연|年間|毎年|年)\s*$", re.I)


def _is_pledge(g: Gazetteer, a: AmountHit) -> bool:
    """A partner's headline pledge (US$550bn, US$350bn ...), written as one amount."""
    r = a.range
    return r.currency == "USD" and r.low == r.high and any(
        r.high in c.pledges for c in g.countries)


def _distance(a: AmountHit, pos: int) -> int:
    if a.start <= pos < a.end:
        return 0
    return min(abs(pos - a.start), abs(pos - a.end))


def _nearest_cue(r: _Read, a: AmountHit) -> tuple[str, int]:
    """The nearest word of a tranche or of the programme, and how far it is."""
    best = ("", 10**6)
    for kind, name in (("tranche_words", "tranche"), ("programme_words", "programme")):
        for h in r.cue_hits.get(kind, []):
            d = _distance(a, h.start)
            if d < best[1]:
                best = (name, d)
    return best


_COUNT: Final = re.compile(
    r"\b(two|three|four|five)\b|(\d)\s?(?:つの|案件|件|건|개|곳|projects?\b)|([二三四五])つの|"
    r"(두|세|네) ",
    re.I)
_NUMBERS: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "二": 2, "三": 3, "四": 4,
                   "五": 5, "두": 2, "세": 3, "네": 4}


def _stated_count(text: str) -> int | None:
    """How many projects a sentence says it speaks of ("three projects", "3つの案件")."""
    m = _COUNT.search(text)
    if m is None:
        return None
    word = next(g for g in m.groups() if g)
    return int(word) if word.isdigit() else _NUMBERS.get(word.lower())


def _gather(order: Iterable[int], by_sentence: dict[int, list[Mention]],
            count: int | None, skip: frozenset[Any] = frozenset()) -> list[Mention]:
    """Mentions of distinct projects from the sentences in ``order``: those of the first
    sentence naming any, or, with a stated count, the ``count`` most confidently matched
    known projects of those sentences (a supplier named in passing is not one of "the
    three projects")."""
    out: list[Mention] = []
    seen: set[Any] = set(skip)
    for j in order:
        for m in by_sentence.get(j, []):
            key = m.project_id if m.project_id is not None else m.descriptor
            if key not in seen and (m.project_id is not None or count is None):
                seen.add(key)
                out.append(m)
        if out and count is None:
            break
    if count is None or len(out) <= count:
        return out
    ranked = sorted(range(len(out)), key=lambda i: (-out[i].confidence, i))[:count]
    return [out[i] for i in sorted(ranked)]


def _listing(order: Iterable[int], by_sentence: dict[int, list[Mention]], count: int,
             resolved: dict[int, list[Mention]]) -> list[Mention]:
    """The projects of the nearest sentence in ``order`` that names ``count`` known projects
    of its own ("the three candidates" are the three a sentence listed)."""
    for j in order:
        own = [x for m in by_sentence.get(j, []) if m.via == "passage"
               for x in resolved.get(id(m), [m])]
        here = _unique_by([m for m in own if m.project_id is not None],
                          lambda m: m.project_id)
        if len(here) == count:
            return here
    return []


def _coreferents(by_sentence: dict[int, list[Mention]]) -> dict[int, list[Mention]]:
    """Passages that name a kind of facility but match no known project ("Japan picked a
    small reactor and gas plants"), resolved to the known projects of that kind that the
    next sentences (else the sentences just before) name: id(mention) -> those mentions."""
    out: dict[int, list[Mention]] = {}
    for i, ms in by_sentence.items():
        for m in ms:
            if m.project_id is not None or not m.types:
                continue
            kinds = set(m.types)
            for order in (range(i + 1, i + 5), range(i - 1, i - 4, -1)):
                found = _unique_by(
                    [x for j in order for x in by_sentence.get(j, [])
                     if x.project_id is not None and x.confidence >= REPORT_CONFIDENCE
                     and kinds & set(x.types)], lambda x: x.project_id)
                if found:
                    out[id(m)] = found
                    break
    return out


def _statuses(g: Gazetteer, reads: list[_Read], by_sentence: dict[int, list[Mention]]
              ) -> list[StatusFact]:
    out: list[StatusFact] = []
    resolved = _coreferents(by_sentence)
    for r in reads:
        s = r.sentence
        for h in r.signals:
            stage = h.value.stage
            if stage is None:
                continue
            own = by_sentence.get(s.index, [])
            targets: list[tuple[Mention, float]] = []
            count = _stated_count(s.text) or _chained_count(reads, s.index)
            group = "group_nouns" in r.cues
            back = range(s.index - 1, max(-1, s.index - 7), -1)
            ahead = range(s.index + 1, s.index + (9 if count else 3))
            if own:
                targets = [(m, 0.8) for m in _owners(own, h)]
                named = {m.project_id for m in own if m.project_id is not None}
                if group and count and len(named) < count:
                    # "3 projects confirmed ... the Ohio gas plant": the rest come next.
                    more = _gather(ahead, by_sentence, count - len(named), frozenset(named))
                    targets += [(m, 0.65) for m in more]
            elif "group_back_references" in r.cues:
                found = _listing(back, by_sentence, count, resolved) if count else []
                base = 0.7
                if not found:
                    found = _gather(back, by_sentence, count or None)
                    # as many projects as the sentence says: as sure as a listing
                    base = 0.7 if count and len(found) == count else 0.6
                targets = [(m, base) for m in found]
            elif group:
                found = _gather(ahead, by_sentence, count)
                if not found and count and "tranche_words" not in r.cues:
                    # "the committee keeps reviewing the three projects" after they were
                    # named; a sentence naming a tranche may speak of another one.
                    found = _listing(back, by_sentence, count, resolved)
                targets = [(m, 0.7) for m in found]
            for m, base in targets:
                for t in resolved.get(id(m), [m]):
                    confidence = round(base * (0.6 + 0.4 * max(m.confidence, t.confidence)),
                                       2)
                    out.append(StatusFact(t.project or t.descriptor, t.project_id, stage,
                                          h.value.reported, h.text, s.index, s.text,
                                          confidence))
    return _current(_furthest(out))


def _chained_count(reads: list[_Read], i: int) -> int | None:
    """The count a sentence that refers back to a group ("their profitability") takes from
    the sentence before it, when that one spoke of a counted group without naming any
    project ("Together the three projects could draw up to $73 billion.")."""
    r = reads[i]
    if i == 0 or "group_back_references" not in r.cues:
        return None
    prev = reads[i - 1]
    if not ({"group_back_references", "group_nouns"} & prev.cues) or prev.types or prev.orgs:
        return None
    return _stated_count(prev.sentence.text)


def _current(facts: list[StatusFact]) -> list[StatusFact]:
    """One status per project for the article: of its reported signals, the one furthest
    along the lifecycle (an article recalls earlier stages: "shortlisted in March, selected
    on Friday"); signals too weak to report do not displace reported ones."""
    best: dict[str, StatusFact] = {}
    for f in facts:
        b = best.get(f.project)
        if b is None:
            best[f.project] = f
            continue
        strong, was_strong = (f.confidence >= REPORT_CONFIDENCE,
                              b.confidence >= REPORT_CONFIDENCE)
        if (strong and not was_strong) or (strong == was_strong and (
                further(f.status, b.status)
                or (f.status == b.status and f.confidence > b.confidence))):
            best[f.project] = f
    keep = {id(f) for f in best.values()}
    return [f for f in facts if id(f) in keep]


def _furthest(facts: list[StatusFact]) -> list[StatusFact]:
    """One status per project and sentence: the one furthest along the lifecycle ("selected
    the three after the committee recommended them" says selected)."""
    best: dict[tuple[int, str], StatusFact] = {}
    for f in facts:
        key = (f.sentence, f.project)
        if key not in best or further(f.status, best[key].status):
            best[key] = f
    return [f for f in facts if best[(f.sentence, f.project)] is f]


def _owners(own: list[Mention], h: Hit[Signal]) -> list[Mention]:
    """The passages of a sentence a status word is said of, within its clause (", while
    ...", "; ..."): the one it stands in, or all of them when it comes before the first
    facility ("were selected: a gas plant, a port ...") or after the whole list
    ("considering a reactor, a smelter and a display plant as candidates for the second
    round")."""
    if len(own) == 1:
        return own
    text = own[0].evidence
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)] + \
        [m.start() for m in re.finditer(r"[;；]", text)]
    lo = max((b for b in breaks if b <= h.start), default=0)
    hi = min((b for b in breaks if b > h.start), default=len(text))
    clause = [m for m in own if lo <= m.anchor < hi] or own
    if len(clause) == 1:
        return clause
    if h.start < clause[0].anchor or h.start > max(m.anchor for m in clause):
        return clause
    inside = [m for m in clause if m.start <= h.start < m.end]
    return inside or clause[-1:]
