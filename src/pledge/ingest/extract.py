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

Where each step lives: step 3, with the dropping of negated or merely expected
status words, in :mod:`pledge.ingest.reading`; the cuts of step 4 in
:mod:`pledge.ingest.cuts`; the statuses of step 5 in :mod:`pledge.ingest.statuses`;
what each amount refers to, and step 6, in :mod:`pledge.ingest.attribution`; the facts
and the article's record in :mod:`pledge.ingest.facts`. This module ties them
together. :meth:`Extraction.contract` gives the JSON object of ``pledge ingest --json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import pairwise
from operator import attrgetter
from typing import Any, Final

from pledge.ingest import claims, fingerprint
from pledge.ingest.amounts import AmountHit
from pledge.ingest.attribution import (
    PER_PERIOD_AFTER,
    country_of,
    country_words,
    distance,
    is_pledge,
    nearest_cue,
    period_before,
)
from pledge.ingest.clean import Cleaned, clean
from pledge.ingest.cuts import passage_cuts
from pledge.ingest.facts import (
    REPORT_CONFIDENCE,
    Amount,
    Extraction,
    Mention,
    OrgFact,
    PlaceFact,
    SectorFact,
    SiteFact,
    StatusFact,
    unique,
)
from pledge.ingest.gazetteer import Gazetteer, Site
from pledge.ingest.match import Features, ProjectIndex
from pledge.ingest.outlets import bare_dollar, dollar_of, outlet_of
from pledge.ingest.phrases import Hit
from pledge.ingest.reading import SentenceRead, SentenceReader
from pledge.ingest.statuses import status_facts
from pledge.ingest.text import detect_language, split_sentences
from pledge.ingest.unknown_orgs import unknown_company_facts
from pledge.ingest.word_patterns import may_hold

__all__ = ["REPORT_CONFIDENCE", "Amount", "Extraction", "Mention", "OrgFact", "PlaceFact",
           "SectorFact", "SiteFact", "StatusFact", "extract", "extract_clean"]


def extract(text: str, *, source: str, gazetteer: Gazetteer,
            projects: ProjectIndex | None = None, html: bool | None = None,
            name: str = "", outlet: str = "") -> Extraction:
    """Read one article (plain text or HTML). ``projects``: the known projects to match
    (none: no matching). ``outlet``: the publication's host name, which decides the
    dollar a bare "$" means (default: the host of ``source`` when it is a URL; none
    known: US dollars). Pure: no I/O, no database, no network."""
    cleaned: Cleaned = clean(text, html=html, name=name or source)
    return extract_clean(cleaned, source=source, gazetteer=gazetteer, projects=projects,
                         outlet=outlet)


def extract_clean(cleaned: Cleaned, *, source: str, gazetteer: Gazetteer,
                  projects: ProjectIndex | None = None, outlet: str = "") -> Extraction:
    g = gazetteer
    dollar = dollar_of(g, outlet or outlet_of(source))
    lang = detect_language(cleaned.text)
    sentences = split_sentences(cleaned.text)
    reader = SentenceReader(g, lang, cleaned.text, sentences)
    reads = [reader.read(s) for s in sentences]
    # Companies the gazetteer does not know, by sentence and place: a new project's name
    # takes one when its passage names no other ("Red Mesa Partners gas-fired power plant").
    unknown = unknown_company_facts(g, cleaned.text, reads)
    unknown_at: dict[int, list[tuple[int, str]]] = {}
    for o in unknown:
        unknown_at.setdefault(o.sentence, []).append(
            (sentences[o.sentence].text.find(o.written), o.name))

    # Amounts first (the pledging country needs the headline pledges).
    raw_amounts: list[tuple[SentenceRead, AmountHit]] = [(r, a) for r in reads for a in r.amounts]
    # (by the hits as the sentences hold them, before any is read in another dollar)
    amount_index = {id(a): i for i, (_, a) in enumerate(raw_amounts)}
    notes: dict[int, str] = {}
    for k, (r, a) in enumerate(raw_amounts):
        rng, note = bare_dollar(a.text, a.range, dollar)
        if rng is not a.range:
            raw_amounts[k] = (r, AmountHit(a.start, a.end, a.text, rng, a.confidence, a.note))
        if note or a.note:
            notes[k] = "; ".join(n for n in (a.note, note) if n)
    provisional = [Amount(a.text, a.range.low, a.range.high, a.range.currency,
                          r.sentence.index, r.sentence.text, a.confidence)
                   for r, a in raw_amounts]
    named_by = country_words(g, sentences)
    country, framework, country_conf = country_of(g, sentences, provisional, named_by)

    # Passages and their projects (``kinds``: the facility types of each known project).
    # (``index``: the known projects, None when there are none: asked once, not a passage)
    index = projects if projects else None
    kinds = index.kinds if index is not None else {}
    sponsors = index.sponsors if index is not None else {}
    mentions: list[Mention] = []
    mentions_of_amount: dict[int, list[Mention]] = {}
    evidence_at: dict[int, list[int]] = {}     # amount index -> positions of project words
    by_sentence: dict[int, list[Mention]] = {}
    last: Mention | None = None
    for r in reads:
        s = r.sentence
        # The partner a sentence names, when it names one ("a plant Japan is considering
        # funding" in an article about Korea's pledge): its projects are that partner's.
        named = named_by[s.index] if index is not None else []
        # (one partner, however often named)
        partner = named[0] if named and named.count(named[0]) == len(named) else ""
        if not (r.types or r.orgs or r.states or r.sites or r.sectors or r.amounts
                or r.back_reference or r.pronoun or s.index in unknown_at):
            # A sentence of words only (a third of most articles): one passage, which is
            # about a project only when its words name one; else nothing to do.
            found = index.matches(Features(text=s.text), partner or framework or None) \
                if index is not None else []
            # (nothing found, the common case, is told without a loop)
            if not found or (partner and not any(m.project.framework == partner
                                                 for m in found)):
                continue
        cuts = passage_cuts(s.text, r)
        bounds = [0, *cuts, len(s.text)]
        here: list[Mention] = []
        for lo, hi in pairwise(bounds):
            # The hits in this part of the sentence, [lo, hi) (of a sentence not cut: all
            # its hits, each of which lies in it).
            if cuts:
                org_hits = [h for h in r.orgs if lo <= h.start < hi]
                kind_words = [h for h in r.types if lo <= h.start < hi]
                state_hits = [h for h in r.states if lo <= h.start < hi]
                place_hits = [h for h in r.sites if lo <= h.start < hi]
                sector_hits = [h for h in r.sectors if lo <= h.start < hi]
                amount_hits = [a for a in r.amounts if lo <= a.start < hi]
            else:
                org_hits, kind_words, state_hits = r.orgs, r.types, r.states
                place_hits, sector_hits, amount_hits = r.sites, r.sectors, r.amounts
            # (each name once, in order: the names are strings, kept as a dict's keys)
            orgs = list(dict.fromkeys(map(_NAME, org_hits)))
            types = list(dict.fromkeys(map(_KEY, kind_words)))
            if not orgs and types and lo == 0 and s.index and _POSSESSIVE.match(s.text):
                # "Toshiba is further back. Its transformer proposal ...": the company of
                # the sentence before owns the facility this one names
                orgs = unique(h.value.name for h in reads[s.index - 1].orgs)
            states = list(dict.fromkeys(map(_VALUE, state_hits)))
            site_hits = list(map(_VALUE, place_hits))
            p_sites = list(dict.fromkeys(x.name for x in site_hits)) if site_hits else []
            p_sectors = {h.value for h in sector_hits} if sector_hits else set()
            if types:
                p_sectors |= {g.types[t].sector for t in types}
            p_amounts = tuple(amount_index[id(a)] for a in amount_hits) if amount_hits else ()
            part = s.text[lo:hi]
            p_states = frozenset(states)
            if site_hits:
                # (with the state of each site that lies in one)
                p_states |= {x.states[0] for x in site_hits if len(x.states) == 1}
            features = Features(frozenset(g.with_parents(orgs) if orgs else ()),
                                frozenset(types), p_states,
                                frozenset(p_sites), frozenset(p_sectors), part)
            found = index.matches(features, partner or framework or None) \
                if index is not None else []
            if partner:
                found = [m for m in found if m.project.framework == partner]
            if found and _another(part):
                # "its separate proposal for a peaking plant": not the sponsor's known one
                found = [m for m in found if "name" in m.kinds]
            anchor = min(map(_START, kind_words)) if kind_words else lo
            recent = last is not None and s.index - last.sentence <= 3
            # (where the passage names its project, for the amounts it holds)
            found_here: list[Hit[Any]] = [*kind_words, *org_hits, *state_hits, *place_hits] \
                if p_amounts else []
            words_at = list(map(_START, found_here))
            made: list[Mention] = []
            refers_back = (r.back_reference and not _own_project(found, types)
                           and not _another_subject(last, types, orgs, kinds, g.with_parents)) or (
                r.pronoun and not found and not types and lo == 0) or (
                _same_kind(last, types, orgs, states, site_hits, found, kinds)) or (
                _same_sponsor(last, orgs, types, found, sponsors, g.with_parents))
            if refers_back and last is not None and recent:
                made.append(Mention(
                    s.index, s.text, last.descriptor, tuple(orgs), tuple(types),
                    tuple(states), tuple(p_sites), last.sector, last.project_id, last.project,
                    round(last.confidence * 0.85, 2), last.reasons, "back reference",
                    p_amounts, lo, hi, anchor))
                if p_amounts:
                    words_at += [h.start for h in r.cue_hits.get("back_references", [])
                                 if lo <= h.start < hi]
            elif found or types:
                # (a new project's name: the company behind it, one the gazetteer knows or
                # else one it does not, the facility and its place)
                firms = orgs or [n for at, n in unknown_at.get(s.index, []) if lo <= at < hi][:1]
                descriptor = _descriptor(g, firms, types, states, site_hits,
                                         _kind_word(kind_words))
                for match in found:
                    sector = g.types[types[0]].sector if types else match.project.sector
                    made.append(Mention(
                        s.index, s.text, descriptor,
                        tuple(orgs), tuple(types), tuple(states), tuple(p_sites), sector,
                        match.project.id,
                        match.project.name, match.confidence, match.reasons, "passage",
                        p_amounts, lo, hi, anchor))
                if not found:
                    sector = g.types[types[0]].sector
                    conf = 0.4 + 0.15 * bool(orgs) + 0.1 * bool(states or p_sites) + \
                        0.1 * bool(p_amounts)
                    made.append(Mention(
                        s.index, s.text, descriptor,
                        tuple(orgs), tuple(types), tuple(states), tuple(p_sites), sector, None,
                        "", round(conf, 2), (), "passage", p_amounts, lo, hi, anchor))
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
        converted = prev is not None and prev.range.currency != a.range.currency and bool(
            _CONVERTED.fullmatch(r.sentence.text[prev.end:a.start]))
        cue_kind, cue_distance = nearest_cue(r, a)
        project_distance = min((distance(a, pos) for pos in evidence_at.get(i, [])),
                               default=10**6)
        if is_pledge(g, a):
            refers, pid, pname = "programme", None, ""
        elif ms and project_distance <= cue_distance:
            refers = "project"
            names = unique(m.project or m.descriptor for m in ms)
            ids = unique(m.project_id for m in ms)
            pid = ids[0] if len(ids) == 1 else None
            pname = " / ".join(names)
        else:
            refers, pid, pname = cue_kind or "other", None, ""
        flow = bool(PER_PERIOD_AFTER.match(r.sentence.text, a.end)
                    or period_before(r.sentence.text, a.start))
        amounts.append(Amount(a.text, a.range.low, a.range.high, a.range.currency,
                              r.sentence.index, r.sentence.text, a.confidence, refers, pid,
                              pname, converted, r.sentence.start + a.start, flow,
                              notes.get(i, "")))

    heads = index.heads if index is not None else {}
    statuses = status_facts(g, reads, by_sentence, heads, kinds)
    orgs = [OrgFact(h.text if h.value.as_written else h.value.name, h.value.kind, h.text,
                    r.sentence.index, r.sentence.text,
                    0.9 if len(h.text) >= 6 or not h.text.isascii() else 0.8, h.value.parent)
            for r in reads for h in r.orgs]
    orgs += unknown
    sectors = sorted(
        [SectorFact(h.value, h.text, r.sentence.index, r.sentence.text, 0.7)
         for r in reads for h in r.sectors]
        + [SectorFact(h.value.sector, h.text, r.sentence.index, r.sentence.text, 0.65)
           for r in reads if "tariff_words" not in r.cues for h in r.types],
        key=_SENTENCE)
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
    places.sort(key=_SENTENCE)
    amounts_read = tuple(amounts)
    content_hash, simhash, sketch = fingerprint.summary(cleaned.text)
    return Extraction(
        source=source, language=lang, title=cleaned.title, text=cleaned.text,
        pledging_country=country, framework=framework, country_confidence=country_conf,
        amounts=amounts_read, organisations=tuple(orgs), sectors=tuple(sectors),
        places=tuple(places), sites=tuple(sites), statuses=tuple(statuses),
        mentions=tuple(mentions), content_hash=content_hash,
        fingerprint=simhash, sketch=sketch,
        dropped=cleaned.dropped, published=cleaned.published, dollar=dollar.currency,
        dollar_why=dollar.why, roles=tuple(claims.roles(g, reads, by_sentence)),
        tranches=tuple(claims.tranches(reads, amounts_read, by_sentence)),
        terms=tuple(claims.terms(reads)),
        officials=tuple(claims.officials(g, cleaned.text, sentences)),
        relations=tuple(claims.relations(g, reads, projects, framework)))


# Between an amount and the same amount in another currency: "$1bn (about ¥150bn)",
# "¥6tn ($40bn)", "10 trillion won, or about $6.8 billion", "R10bn, equivalent to $550m".
_CONVERTED: Final = re.compile(
    r"\s*(?:[(（\[]|,?\s*(?:or|i\.e\.)(?=\s+(?:about|around|roughly|some|approx|nearly|almost))"
    r"|,?\s*(?:equivalent to|equal to|worth|the equivalent of|which is about|or))\s*"
    r"(?:(?:about|around|roughly|some|nearly|almost|approximately|approx\.?|an estimated"
    r"|equivalent to|the equivalent of|US|≈|~|약|約|およそ)\s*)?")


def _kind_word(kind_words: list[Hit[Any]]) -> str:
    """The word of the first kind of facility named that names a narrower facility ("cathode
    materials plant"), else the first word of a kind ("" when none is named)."""
    if not kind_words:
        return ""
    first = kind_words[0].value.key
    return next((h.text for h in kind_words if h.value.key == first
                 and h.value.label_for(h.text) != h.value.label), kind_words[0].text)


def _own_project(found: list[Any], types: list[str]) -> bool:
    """Whether a passage names its own project: by the project's name, or by its sponsor
    beside a kind of facility."""
    return any("name" in m.kinds for m in found) or (
        bool(types) and any(m.kinds & {"sponsor", "partner"} for m in found))


def _same_kind(last: Mention | None, types: list[str], orgs: list[str], states: list[str],
               sites: list[Site], found: list[Any], kinds: dict[int, frozenset[str]]) -> bool:
    """Whether a passage that names only a kind of facility ("原発の事業費は…", "the reactor
    plan") speaks of the project of that kind just named: nothing of its own (no company,
    state or site, no project matched better than by its kind alone) and a kind the
    project's passage named."""
    return (last is not None and bool(types) and not (orgs or states or sites)
            and bool(set(types) & (set(last.types) | kinds.get(last.project_id or -1, frozenset())))
            and all(m.confidence <= _BY_KIND_ALONE for m in found))


def _another_subject(last: Mention | None, types: list[str], orgs: list[str],
                     kinds: dict[int, frozenset[str]],
                     parents: Callable[[Iterable[str]], Iterable[str]]) -> bool:
    """Whether a passage with a back-reference word ("* Korea Zinc: the smelter ...")
    names a company and a kind of facility neither of which the project just named has:
    a subject of its own, not that project."""
    if last is None or not types or not orgs or not last.orgs:
        return False
    last_kinds = set(last.types) | kinds.get(last.project_id or -1, frozenset())
    return not (set(types) & last_kinds) and not (set(parents(orgs)) & set(parents(last.orgs)))


_BY_KIND_ALONE: Final = 0.5
# What the passages take of their hits: a company's name, a facility's kind, a state or
# site, and where a hit starts.
_NAME: Final = attrgetter("value.name")
_KEY: Final = attrgetter("value.key")
_VALUE: Final = attrgetter("value")
_START: Final = attrgetter("start")
_SENTENCE: Final = attrgetter("sentence")   # (the facts are sorted by their sentence)
# A facility set apart from the one its sponsor is known for ("its separate proposal",
# "another plant").
_ANOTHER: Final = re.compile(r"\b(?:separate|another|other|additional)\s+(?:[\w-]+\s+){0,2}?"
                             r"(?:proposal|plan|bid|application|project|plant|facility)\b",
                             re.I)
# Every match of ``_ANOTHER`` holds one of these words (in any case): a passage holding none
# is not searched (see :func:`pledge.ingest.word_patterns.may_hold`).
_ANOTHER_WORDS: Final = ("other", "separate", "additional")


def _another(part: str) -> bool:
    """Whether ``_ANOTHER`` finds anything in ``part``."""
    return may_hold(part, _ANOTHER_WORDS) and _ANOTHER.search(part) is not None


# A sentence that opens with a possessive ("Its power modules proposal", "Their plant").
_POSSESSIVE: Final = re.compile(r"\s*(?:Its|Their)\s")


def _same_sponsor(last: Mention | None, orgs: list[str], types: list[str], found: list[Any],
                  sponsors: dict[int, frozenset[str]],
                  parents: Callable[[Iterable[str]], list[str]]) -> bool:
    """Whether a passage that names only a company ("The SB Energy plant was chosen") speaks
    of the project just named that the company (or its parent) sponsors, when the company
    alone names no project (it sponsors several)."""
    if last is None or last.project_id is None or types or found or not orgs:
        return False
    return bool(set(parents(orgs)) & sponsors.get(last.project_id, frozenset()))


def _descriptor(g: Gazetteer, orgs: list[str], types: list[str], states: list[str],
                sites: list[Site], written: str = "") -> str:
    """A new project's name: "company facility (state)", the state of its site when the
    passage names no state but a site that lies in one; the facility as the kind's word
    ``written`` names it when that word names a narrower one ("cathode materials plant")."""
    label = g.types[types[0]].label_for(written) if types else "project"
    # the company behind it, not a ministry or a lender named beside it
    firm = next((o for o in orgs if (x := g.organisation(o)) is None or x.kind == "company"),
                "")
    # a subsidiary or project company by its owner ("Philly Shipyard" is Hanwha Ocean's)
    firm = g.parent_of(firm) or firm if firm else ""
    who = f"{firm} " if firm else ""
    places = states or unique(x.states[0] for x in sites if len(x.states) == 1)
    where = f" ({', '.join(places)})" if places else ""
    return f"{who}{label}{where}"
