"""Which known project a passage of news is about.

A *passage* (a sentence, or one item of a sentence that lists several projects)
is described by its :class:`Features`: the organisations, facility types, states,
sites and sectors it names and its words. Each known project is described the
same way from its record (name, sector detail, location, sponsors). The score
adds up the evidence they share:

=====================================  ==================================================
a sponsor named (lead / partner)       2 + 1/n / 1 + 0.5/n (n: projects it sponsors)
a facility type in common              2 + 2/n for the first (n: projects of that type),
                                       1 more for a second
a distinctive word of the project's    4 ("GulfLink", "Portsmouth", "AP1000"; fuzzy, so
name (found in no other project)       "Gulflink" counts)
a site in common / a state in common   1.5 / 1 each (at most 2)
other words of the name                0.5 each (at most 2)
a sector in common                     0.5
another partner country's framework    -3
=====================================  ==================================================

A passage matches the best-scoring project when the score reaches 3 and the evidence is strong
enough: a sponsor, a distinctive word of the name, or a facility type that at most two projects
share or that comes with its place. A passage that names companies and nothing else matches only if
it names one company and that company sponsors a single project, or the passage also shares words
with the name of the best-scoring one ("SoftBank Group ... power infrastructure": SoftBank Group
leads two projects and the words pick one); a list of companies is not a project. Near ties (within
0.5) are split between projects when each is matched by a different place named ("gas plants in
Pennsylvania and Texas"); otherwise they go to the project further along its lifecycle (news most
often follows the project that moved), with a confidence of 0.5 that says so.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Final

from pledge.domain.lifecycle import STAGE_ORDER, further
from pledge.domain.project import US_STATES
from pledge.ingest.gazetteer import Gazetteer

__all__ = ["Features", "KnownProject", "Match", "ProjectIndex"]


@dataclass(frozen=True, slots=True)
class KnownProject:
    """A project as recorded, with what matching needs.

    estimates: recorded (low, high, currency) bounds, for spotting another amount.
    status / reported: the lifecycle stage, and the stage sources report for the project
    when one is recorded (a stage report); ``furthest`` is the further of the two.
    """

    id: int
    name: str
    framework: str = "japan"
    sector: str = ""
    sector_detail: str = ""
    location: str = ""
    states: tuple[str, ...] = ()
    status: str = "proposed"
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    estimates: tuple[tuple[Decimal | None, Decimal | None, str], ...] = ()
    reported: str = ""
    linked: tuple[int, ...] = ()      # the projects it is linked to (any relation)
    stands_for: int | None = None     # a duplicate report: the row standing for the project

    def __reduce__(self) -> tuple[type[KnownProject], tuple[object, ...]]:
        # (pickled as its fields: a compiled frozen record has no state pickle can set)
        return KnownProject, tuple(getattr(self, f.name) for f in fields(KnownProject))

    @property
    def furthest(self) -> str:
        """The stage furthest along that is recorded or reported for the project."""
        return self.reported if further(self.reported, self.status) else self.status


class Features:
    """What a passage names (a plain class: the compiled reader builds it natively)."""

    __slots__ = ("orgs", "sectors", "sites", "states", "text", "types")

    def __init__(self, orgs: frozenset[str] = frozenset(), types: frozenset[str] = frozenset(),
                 states: frozenset[str] = frozenset(), sites: frozenset[str] = frozenset(),
                 sectors: frozenset[str] = frozenset(), text: str = "") -> None:
        self.orgs, self.types, self.states = orgs, types, states
        self.sites, self.sectors, self.text = sites, sectors, text


class Match:
    __slots__ = ("confidence", "kinds", "project", "reasons", "score")

    def __init__(self, project: KnownProject, score: float, confidence: float,
                 reasons: tuple[str, ...], kinds: frozenset[str]) -> None:
        self.project, self.score, self.confidence = project, score, confidence
        self.reasons, self.kinds = reasons, kinds  # "kind evidence+evidence"; name, state...


_STOP: Final = frozenset((
    "a", "an", "and", "the", "of", "for", "in", "on", "at", "to", "by", "with", "from", "as",
    "or", "up", "its", "their", "into", "using", "incl", "including", "project", "projects",
    "plant", "plants", "facility", "facilities", "construction", "services", "service",
    "systems", "system", "equipment", "large", "scale", "large-scale", "new", "us", "u.s",
    "united", "states", "japan", "japanese", "korea", "korean", "entry", "list", "candidate",
    "second", "third", "first", "round", "tranche", "named", "expected", "proposal"))
_PARENTHESES: Final = re.compile(r"\([^()]*\)")
# A word: a letter, letters, digits or hyphens, and a letter or digit; or one that holds a
# digit after its letters (a digit alone too, of any script: "２"). Written with its first
# character taken first, then the rest told apart by a look back at it, so that the scan
# skips quickly to where a word can start: the same matches as
# "[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]*\d[A-Za-z0-9\-]*".
_TOKEN: Final = re.compile(r"[A-Za-z\d](?:(?<=[A-Za-z])[A-Za-z0-9\-]*[A-Za-z0-9]"
                           r"|(?<=[A-Za-z])[A-Za-z]*\d[A-Za-z0-9\-]*|(?<=\d)[A-Za-z0-9\-]*)")


def _stem(word: str) -> str:
    return _stem_lower(word.lower())


def _stem_lower(w: str) -> str:
    """:func:`_stem` of a word already lower-cased."""
    if w[-1:] != "s":
        return w        # (most words: both endings below end with "s")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and not w.endswith("ss"):
        return w[:-1]
    return w


def tokens(text: str) -> set[str]:
    """Content words of ``text``, lower-cased and roughly singular."""
    return _content_words(_TOKEN.findall(text))


def _content_words(raw: list[str]) -> set[str]:
    known = _CONTENT
    try:
        found = set(map(known.__getitem__, raw))
    except KeyError:    # (a word not read before)
        if len(known) >= _WORDS_KEPT:
            known.clear()
        for t in raw:
            if t not in known:
                known[t] = _content_word(t)
        found = set(map(known.__getitem__, raw))
    found.discard("")
    return found


def _content_word(t: str) -> str:
    """``t`` lower-cased and stemmed, or "" when it is a stop word or a single letter."""
    w = t.lower()
    return _stem_lower(w) if w not in _STOP and len(w) > 1 else ""


def _written_word(t: str) -> str:
    """``t`` stemmed when written with a capital or a digit, else ""."""
    # (a word of _TOKEN holds letters, digits and hyphens only: one that is letters once
    # its hyphens are out holds no digit)
    if t[0].isupper() or (not t.isalpha() and not t.replace("-", "").isalpha()):
        return _stem(t)
    return ""


# What each word read so far gives (a word's reading depends on the word alone, and
# articles repeat their words: looked up rather than worked out again); emptied when full.
_CONTENT: Final[dict[str, str]] = {}
_WORDS_KEPT: Final = 50_000


@dataclass(slots=True)
class _Profile:
    project: KnownProject
    lead: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)
    other_sponsors: set[str] = field(default_factory=set)   # names not in the gazetteer
    types: set[str] = field(default_factory=set)
    states: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    name_words: set[str] = field(default_factory=set)   # outside any brackets
    distinctive: set[str] = field(default_factory=set)
    stage: int = 0
    # Made once the index knows every project: the sponsors not in the gazetteer long
    # enough to be looked for in a passage, in order, and the words of the name that count
    # as other words (not distinctive, not a sponsor's or a state's).
    sponsors_written: tuple[str, ...] = ()
    plain_words: frozenset[str] = frozenset()


class ProjectIndex:
    """Known projects, profiled once, and the scoring of passages against them."""

    def __init__(self, projects: Iterable[KnownProject], gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.profiles: list[_Profile] = [self._profile(p) for p in projects]
        self.type_count: Counter[str] = Counter(t for p in self.profiles for t in p.types)
        self.lead_count: Counter[str] = Counter(o for p in self.profiles for o in p.lead)
        self.sponsor_count: Counter[str] = Counter(
            o for p in self.profiles for o in p.lead | p.partners)
        self.common_words: set[str] = set()
        for org in gazetteer.organisations.values():
            if org.as_written:
                continue   # (companies only recognised: their words stay the projects')
            for alias in (org.name, *org.aliases):
                self.common_words |= tokens(alias)
        for state in US_STATES:
            self.common_words |= tokens(state)
        self._distinctive()
        for prof in self.profiles:
            prof.sponsors_written = tuple(n for n in sorted(prof.other_sponsors) if len(n) >= 5)
            prof.plain_words = frozenset(prof.words - prof.distinctive - self.common_words)
        # (the facility types a passage shares with a project, rarest first)
        self._type_order = {t: (n, t) for t, n in self.type_count.items()}
        # The score a sponsor, a partner or a facility type in common adds (see the table
        # above), by how many projects share it.
        self._lead_weight = {o: 2.0 + 1.0 / max(n, 1) for o, n in self.lead_count.items()}
        self._partner_weight = {o: 1.0 + 0.5 / max(n, 1) for o, n in self.sponsor_count.items()}
        self._type_weight = {t: 2.0 + 2.0 / max(n, 1) for t, n in self.type_count.items()}
        # Inverted indexes, one a kind of evidence (sponsors, facility types, states, sites,
        # distinctive name words): which profiles share a piece of evidence with a passage.
        self._by_org: dict[str, list[_Profile]] = {}
        self._by_type: dict[str, list[_Profile]] = {}
        self._by_state: dict[str, list[_Profile]] = {}
        self._by_site: dict[str, list[_Profile]] = {}
        self._by_name: dict[str, list[_Profile]] = {}
        for prof in self.profiles:
            for index, keys in ((self._by_org, prof.lead | prof.partners),
                                (self._by_type, prof.types), (self._by_state, prof.states),
                                (self._by_site, prof.sites), (self._by_name, prof.distinctive)):
                for key in keys:
                    index.setdefault(key, []).append(prof)
        self._other_sponsors = [(name, prof) for prof in self.profiles
                                for name in prof.other_sponsors if len(name) >= 5]
        self._all_distinctive = sorted({w for p in self.profiles for w in p.distinctive})
        self._distinctive_by_first: dict[str, list[str]] = {}
        for d in self._all_distinctive:
            self._distinctive_by_first.setdefault(d[:1], []).append(d)
        self._distinctive_words = frozenset(self._all_distinctive)
        # What a word near a distinctive word opens with (see :meth:`_may_name`).
        self._capital_openers = tuple(sorted({d[0].upper() for d in self._all_distinctive}))
        self._digit_openers = tuple(sorted({d[0] for d in self._all_distinctive}))
        # (capitals and digits found in one scan: a text without either, most, names none)
        self._capital_or_digit = re.compile(
            "[" + "".join(map(re.escape, self._capital_openers)) + r"\d]").search
        # (each word read so far: the distinctive words it is or is a near spelling of)
        self._names_of: dict[str, frozenset[str]] = {}
        # What reading an article asks of every project, made once: its facility types,
        # and, for a duplicate report, the project standing for it (id, name, the furthest
        # stage of the duplicate).
        self.kinds: dict[int, frozenset[str]] = {
            p.project.id: frozenset(p.types) for p in self.profiles}
        self.sponsors: dict[int, frozenset[str]] = {
            p.project.id: frozenset(p.lead | p.partners) for p in self.profiles}
        known = {p.project.id: p.project for p in self.profiles}
        self.heads: dict[int, tuple[int, str, str]] = {
            pid: (p.stands_for, known[p.stands_for].name, p.furthest)
            for pid, p in known.items() if p.stands_for is not None and p.stands_for in known}

    def __len__(self) -> int:
        return len(self.profiles)

    def _orgs(self, text: str) -> set[str]:
        """The organisations ``text`` names, each with its parent (a subsidiary recorded
        as a sponsor also stands for the group that owns it)."""
        return set(self.gazetteer.with_parents(
            h.value.name for h in self.gazetteer.org_matcher.finditer(text)))

    def _profile(self, p: KnownProject) -> _Profile:
        g = self.gazetteer
        prof = _Profile(p)
        for name in p.lead:
            found = self._orgs(name)
            prof.lead |= found
            if not found:
                prof.other_sponsors.add(name.lower())
        for name in p.partners:
            found = self._orgs(name)
            prof.partners |= found - prof.lead
            if not found:
                prof.other_sponsors.add(name.lower())
        described = f"{p.name} {p.sector_detail}"
        prof.types = {h.value.key for h in g.type_matcher.finditer(described)}
        prof.states = set(p.states) | {h.value for h in g.state_matcher.finditer(p.location)}
        prof.sites = {h.value.name for h in g.site_matcher.finditer(f"{p.location} {p.name}")}
        prof.sectors = {p.sector} if p.sector else set()
        prof.sectors |= {g.types[t].sector for t in prof.types}
        prof.words = tokens(p.name)
        prof.name_words = tokens(_PARENTHESES.sub(" ", p.name))
        prof.stage = STAGE_ORDER.get(p.furthest, 0)  # type: ignore[call-overload]  # Stage is a StrEnum: a str finds it
        return prof

    def _distinctive(self) -> None:
        """Words of a name found in no other name, written with a capital or a digit, that
        are not a sponsor's, a state's or a facility type's words."""
        df: Counter[str] = Counter(w for p in self.profiles for w in p.words)
        common = self.common_words
        for p in self.profiles:
            raw = {_stem(t): t for t in _TOKEN.findall(p.project.name)}
            for w in p.name_words:
                shown = raw.get(w, w)
                if df[w] != 1 or w in common or len(w) < 4:
                    continue
                if not (shown[0].isupper() or any(c.isdigit() for c in shown)):
                    continue
                if self.gazetteer.state_matcher.find(shown) or \
                        self.gazetteer.type_matcher.find(shown):
                    continue
                p.distinctive.add(w)

    def score(self, prof: _Profile, f: Features, words: set[str],
              proper: set[str], framework: str | None, low: str | None = None
              ) -> tuple[float, dict[str, list[str]]]:
        """The score of one project for a passage, and its evidence by kind (sponsor,
        partner, type, name, site, state, words); ``low``: the passage's text lower-cased,
        when the caller has it."""
        s = 0.0
        ev: dict[str, list[str]] = {}
        if f.orgs:
            lead = f.orgs & prof.lead
            if lead:
                ev["sponsor"] = sorted(lead)
                for org in ev["sponsor"]:
                    s += self._lead_weight[org]
            partners = f.orgs & prof.partners
            if partners:
                ev["partner"] = sorted(partners)
                for org in ev["partner"]:
                    s += self._partner_weight[org]
        if prof.sponsors_written:
            if low is None:
                low = f.text.lower()
            for name in prof.sponsors_written:
                if name in low:
                    s += 2.5
                    ev.setdefault("sponsor", []).append(name)
        common = f.types & prof.types if f.types else None
        if common:
            shared = sorted(common, key=self._type_order.__getitem__)
            s += self._type_weight[shared[0]]
            s += 1.0 if len(shared) > 1 else 0.0
            ev["type"] = shared
        hit = prof.distinctive & proper if proper else None   # (compared when any)
        if hit:
            s += 4.0
            ev["name"] = sorted(hit)
        sites = f.sites & prof.sites if f.sites else None
        if sites:
            s += 1.5
            ev["site"] = sorted(sites)
        states = f.states & prof.states if f.states else None
        if states:
            s += min(len(states), 2) * 1.0
            ev["state"] = sorted(states)
        extra = words & prof.plain_words
        if extra:
            s += min(0.5 * len(extra), 2.0)
            ev["words"] = sorted(extra)
        if not f.sectors.isdisjoint(prof.sectors):
            s += 0.5
        if framework and prof.project.framework != framework:
            s -= 3.0
        return s, ev

    def _strong(self, f: Features, ev: dict[str, list[str]]) -> bool:
        """Enough to name a project: a sponsor, the project's own name, or a facility type
        that few projects share or that comes with its place."""
        if "sponsor" in ev or "partner" in ev or "name" in ev:
            return True
        if "type" in ev:
            rare = self.type_count[ev["type"][0]] <= 2
            return rare or "site" in ev or "state" in ev
        return False

    def matches(self, f: Features, framework: str | None = None) -> list[Match]:
        """The projects a passage is about: usually one, or several when a passage names
        several places each matching its own project ("gas plants in Pennsylvania and
        Texas"); empty when nothing is strong enough."""
        if not self.profiles:
            return []
        # (the passage's words, read only when one may be a distinctive word or when a
        # project is a candidate)
        raw = _TOKEN.findall(f.text) if self._may_name(f.text) else None
        proper = self._proper(raw) if raw is not None else set()
        candidates: dict[int, _Profile] = {}
        for keys, index in ((f.orgs, self._by_org), (f.types, self._by_type),
                            (f.states, self._by_state), (f.sites, self._by_site),
                            (proper, self._by_name)):
            for key in keys:
                for prof in index.get(key, ()):
                    candidates[id(prof)] = prof
        # (the text lower-cased, for the sponsors not in the gazetteer: none, none needed)
        low = f.text.lower() if self._other_sponsors else None
        if low is not None:
            for name, prof in self._other_sponsors:
                if name in low:
                    candidates[id(prof)] = prof
        if not candidates:
            return []
        words = _content_words(_TOKEN.findall(f.text) if raw is None else raw)
        scored: list[tuple[float, int, _Profile, dict[str, list[str]]]] = []
        for prof in candidates.values():
            s, ev = self.score(prof, f, words, proper, framework, low)
            if s >= 3.0 and self._strong(f, ev):
                scored.append((s, prof.stage, prof, ev))
        if not scored:
            return []
        scored.sort(key=lambda x: (-x[0], -x[1], x[2].project.id))
        top_score = scored[0][0]
        top_ev = scored[0][3]
        if not f.types and not f.sites and "name" not in top_ev and \
                not self._by_companies(f, top_ev):
            return []
        near = [x for x in scored if x[0] >= top_score - 0.5]
        if len(near) == 1:
            s, _, prof, ev = near[0]
            return [self._match(prof, s, min(0.95, 0.45 + s / 12), ev)]
        # Near ties: one per place named, else the project further along its lifecycle.
        placed = [x for x in near if "state" in x[3] or "site" in x[3]]
        places = {tuple(x[3].get("state", []) + x[3].get("site", [])) for x in placed}
        if len(placed) > 1 and len(places) == len(placed):
            return [self._match(x[2], x[0], 0.6, x[3]) for x in placed]
        near.sort(key=lambda x: (-x[1], -x[0], x[2].project.id))
        s, _, prof, ev = near[0]
        return [self._match(prof, s, 0.5, ev)]

    def _by_companies(self, f: Features, top_ev: dict[str, list[str]]) -> bool:
        """Whether a passage that names companies and nothing else (no facility, site or
        name) names the best-scoring project, whose evidence is ``top_ev``: only by one
        company that sponsors a single project, or whose passage shares words with that
        project's name (a list of companies is not a project, unless they are the partners
        who sponsor that one project together: "ENTRA1 and NuScale withdrew it")."""
        # (a supplier named beside the partners does not undo it)
        partners = f.orgs & set(top_ev.get("sponsor", ()))
        together = len(partners) > 1 and all(self.sponsor_count[o] == 1 for o in partners)
        # (nor when one of them is the best project's sponsor and the passage describes
        # that project by two words of its name: "GE Vernova's turbine and generator order")
        described = "sponsor" in top_ev and len(top_ev.get("words", ())) >= 2
        alone = len(f.orgs) != 1 or (self.sponsor_count[next(iter(f.orgs))] > 1
                                     and "words" not in top_ev)
        return together or described or not alone

    def _may_name(self, text: str) -> bool:
        """Whether a word of ``text`` may be a distinctive name word or a near spelling of
        one (else :meth:`_proper` finds none): such a word is written with a capital or a
        digit, and opens with the letter the distinctive word opens with."""
        first = self._capital_or_digit(text)
        # (a digit first: a capital anywhere, or a word opening as a distinctive one does)
        return first is not None and (first.group() in self._capital_openers or any(
            c in text for c in (*self._capital_openers, *self._digit_openers)))

    def _proper(self, raw: list[str]) -> set[str]:
        """The distinctive name words that words ``raw`` of a passage, written with a
        capital or a digit, are or are near spellings of ("Gulflink", "Portsmouth's"): of
        the passage's proper words, only those count."""
        known = self._names_of
        try:
            return set().union(*map(known.__getitem__, raw))
        except KeyError:    # (a word not read before)
            if len(known) >= _WORDS_KEPT:
                known.clear()
            for t in raw:
                if t not in known:
                    w = _written_word(t)
                    known[t] = self._like_word(w) | ({w} & self._distinctive_words) if w \
                        else frozenset()
            return set().union(*map(known.__getitem__, raw))

    def _like_word(self, w: str) -> frozenset[str]:
        """The distinctive name words ``w`` is a slightly different writing of."""
        out = set()
        for d in self._distinctive_by_first.get(w[:1], ()):
            if abs(len(w) - len(d)) > 2 or d == w:
                continue
            # The letters the two share (counted) bound the similarity from above, as
            # SequenceMatcher.quick_ratio does: most pairs stop here.
            shared = sum(min(d.count(c), w.count(c)) for c in set(d))
            if 2.0 * shared / (len(d) + len(w)) >= 0.85 and \
                    difflib.SequenceMatcher(None, d, w).ratio() >= 0.85:
                out.add(d)
        return frozenset(out)

    def best(self, f: Features, framework: str | None = None) -> Match | None:
        """The project the passage is most about, or None."""
        found = self.matches(f, framework)
        return found[0] if found else None

    @staticmethod
    def _match(prof: _Profile, score: float, confidence: float, ev: dict[str, list[str]]
               ) -> Match:
        reasons = tuple(f"{k} {'+'.join(v)}" for k, v in ev.items())
        return Match(prof.project, round(score, 2), round(confidence, 2), reasons,
                     frozenset(ev))
