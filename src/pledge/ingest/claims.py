"""What an article says beyond amounts and stages: companies with their role in a
project, tranches (phases) with their amounts, terms of a framework, and the officials
it names with their office. Each fact keeps its sentence and a confidence.

* **Roles.** A company named in a passage about a project takes the role of the nearest
  role word within :data:`ROLE_REACH` characters ("led by", "collaborate", "supply",
  "buyer", "financing"; 主導, 参画, 供給; 주도, 참여, 공급). No role word, no role.
* **Tranches.** An amount that refers to a tranche (``attribution.nearest_cue``) is a
  tranche fact, labelled by that word ("first phase") and numbered by it (first: 1);
  one per sentence and label (the equivalent that follows is not another tranche). It
  is a project's when its sentence is about exactly one known project, else the
  programme's.
* **Terms.** A funding window ("45 business days", "45営業日", "영업일 기준 45일") in a
  sentence about funding or selection; a tariff rate ("levies ... at 15%", "from 25% to
  15%") in a sentence about tariffs; a split ("50/50, then 90/10") in a sentence about
  profits or cash. In an uneven split the larger share is read as the United States'
  (as every framework has it); the fact says so.
* **Relations.** A sentence naming two known projects either side of words of a relation
  ("also known as": the same project; "second phase of": a later tranche; "part of"),
  each side matched on its own.
* **Officials.** Names in the gazetteer's ``officials.toml``, and anyone named after an
  office ("Energy Secretary Chris Wright"). The office the article gives before the name
  wins over the gazetteer's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pledge.ingest.facts import Amount, Mention, Portable
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.match import Features, ProjectIndex
from pledge.ingest.reading import SentenceRead
from pledge.ingest.role_words import role_words
from pledge.ingest.text import Sentence
from pledge.ingest.word_patterns import FastWords

__all__ = ["ROLE_REACH", "OfficialFact", "RelationFact", "RoleFact", "TermFact", "TrancheFact",
           "officials", "relations", "roles", "terms", "tranches"]

ROLE_REACH: Final = 90

# A plural noun ("suppliers", "buyers") names the companies that follow it ("suppliers
# including Toshiba"), not one before it ("Mitra Chem's plant, with Japanese suppliers").
_GROUP_NOUN: Final = re.compile(r"(?:suppliers|buyers|customers|partners|vendors|"
                                r"contractors|lenders)$", re.I)


@dataclass(frozen=True, slots=True)
class RoleFact(Portable):
    """A company named with its role in a project (``project_id`` None: a new one)."""

    name: str
    role: str
    written: str
    project_id: int | None
    project: str
    sentence: int
    evidence: str
    confidence: float

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "written": self.written,
                "project_id": self.project_id, "project": self.project,
                "sentence": self.evidence, "confidence": self.confidence}


def roles(g: Gazetteer, reads: list[SentenceRead],
          by_sentence: dict[int, list[Mention]]) -> list[RoleFact]:
    out: list[RoleFact] = []
    for r in reads:
        ms = by_sentence.get(r.sentence.index)
        if not ms or not any(m.start <= h.start < m.end for h in r.orgs for m in ms):
            continue
        text = r.sentence.text
        for h in r.orgs:
            mention = next((m for m in ms if m.start <= h.start < m.end), None)
            if mention is None:
                continue
            lo = max(0, h.start - ROLE_REACH)    # role words within reach only
            words = [w for w in role_words(text, lo, h.end + ROLE_REACH)
                     if not _GROUP_NOUN.search(w[3]) or h.start >= w[1]]
            if not words:
                continue
            gap, role, written = min(
                ((max(a - h.end, h.start - b, 0), kind, text) for a, b, kind, text in words),
                key=lambda w: w[0])
            org = h.value
            if gap > ROLE_REACH or (org.kind != "company" and role != "lender"):
                continue
            out.append(RoleFact(org.name, role, written, mention.project_id,
                                mention.project or mention.descriptor, r.sentence.index,
                                r.sentence.text,
                                round(mention.confidence * (0.9 if gap <= 30 else 0.75), 2)))
    return out


@dataclass(frozen=True, slots=True)
class TrancheFact(Portable):
    """A tranche with its amount (``amount``: an index into the article's amounts)."""

    label: str
    ordinal: int | None
    amount: int
    project_id: int | None
    project: str
    sentence: int
    evidence: str
    confidence: float

    def record(self, amounts: tuple[Amount, ...]) -> dict[str, Any]:
        a = amounts[self.amount]
        return {"label": self.label, "ordinal": self.ordinal, **a.contract(),
                "project_id": self.project_id, "project": self.project,
                "sentence": self.evidence, "confidence": self.confidence}


_ORDINALS: Final = (
    (1, re.compile(r"\b(?:first|1st|initial|opening)\b|第[1一]弾|[1１]차|[1１]호|첫", re.I)),
    (2, re.compile(r"\b(?:second|2nd)\b|第[2二]弾|[2２]차|[2２]호|두 번째", re.I)),
    (3, re.compile(r"\b(?:third|3rd)\b|第[3三]弾|[3３]차|세 번째", re.I)),
    (4, re.compile(r"\b(?:fourth|4th)\b|第[4四]弾|[4４]차", re.I)),
)


def ordinal_of(label: str) -> int | None:
    return next((n for n, pattern in _ORDINALS if pattern.search(label)), None)


def tranches(reads: list[SentenceRead], amounts: tuple[Amount, ...],
             by_sentence: dict[int, list[Mention]]) -> list[TrancheFact]:
    out: list[TrancheFact] = []
    seen: set[tuple[int, str]] = set()
    by_index = {r.sentence.index: r for r in reads}
    for i, a in enumerate(amounts):
        if a.refers_to != "tranche" or a.converted or a.per_period:
            continue
        r = by_index[a.sentence]
        at = a.start - r.sentence.start
        cues = r.cue_hits.get("tranche_words", [])
        if not cues:
            continue
        cue = min(cues, key=lambda h: abs(h.start - at))
        # "first phase ... 6 to 7 trillion yen, approximately 56 to 65 trillion won": one
        label = cue.text.strip().lower() if cue.text.isascii() else cue.text.strip()
        if (a.sentence, label) in seen:
            continue
        seen.add((a.sentence, label))
        projects = {m.project_id: m for m in by_sentence.get(a.sentence, [])
                    if m.project_id is not None and m.confidence >= 0.5}
        m = next(iter(projects.values())) if len(projects) == 1 else None
        out.append(TrancheFact(label, ordinal_of(label), i, m.project_id if m else None,
                               m.project if m else "", a.sentence, a.evidence,
                               round(a.confidence * (0.8 if m else 0.7), 2)))
    return out


@dataclass(frozen=True, slots=True)
class TermFact(Portable):
    """Terms of a framework an article states: setting -> value (a length as a whole
    number, a unit by name, a rate or share as decimal text), as written."""

    settings: dict[str, Any]
    written: str
    sentence: int
    evidence: str
    confidence: float
    reading: str = ""     # how an ambiguous statement was read

    def record(self) -> dict[str, Any]:
        return {"settings": dict(self.settings), "written": self.written,
                "reading": self.reading, "sentence": self.evidence,
                "confidence": self.confidence}


_FUNDING: Final = re.compile(r"\bfund|\bfinanc|\bwindow\b|\bselect|\bpay|資金|出資|拠出|選定|"
                             r"자금|투자금|선정|납입", re.I)
_WINDOW: Final = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,4})\s*-?\s*(?P<unit>business|working|calendar)?[\s-]*days?\b"
    r"|(?<![\d.,])(?P<nj>\d{1,4})\s*(?:(?P<bj>営業日)|日以内)"
    r"|영업일\s*(?:기준\s*)?(?P<nk>\d{1,4})\s*일|(?<![\d.,])(?P<nk2>\d{1,4})\s*(?:(?P<bk>영업일)"
    r"|일\s*이내)", re.I)
# What the window's end means: funding within it, or not before its end.
_DEADLINE: Final = re.compile(r"\b(?:within|no later than|at most)\b|以内|이내|までに", re.I)
_EARLIEST: Final = re.compile(r"\b(?:at least|no earlier than|not before)\b|최소|以降|経過後|"
                              r"지난\s?(?:날|후|뒤)", re.I)
# What a window is counted in; a sentence without one of these states no window.
# (every branch opens with a letter, not a class, so the regex engine skips quickly to them)
_WINDOW_WORDS: Final = re.compile(r"Days?\b|days?\b|営業日|日以内|영업일|일\s*이내")
_PERCENT: Final = r"(\d{1,2}(?:\.\d+)?)\s*(?:%|％|per ?cent\b|percent\b|パーセント|퍼센트)"
_FROM_TO: Final = re.compile(rf"\bfrom\s+{_PERCENT}\s+to\s+{_PERCENT}", re.I)
_TO_FROM: Final = re.compile(rf"\bto\s+(?:no more than\s+|at most\s+)?{_PERCENT}\s+from\s+"
                             rf"{_PERCENT}", re.I)
# A rate threatened, conditional or on one kind of goods is not the deal's tariff.
_NOT_AGREED: Final = re.compile(r"\b(?:would|could|threat\w*|warn\w*|if|unless|raise|"
                                r"hike)\b|올린|오르면|인상|引き上げ", re.I)
_ON_GOODS: Final = re.compile(r"\s*(?:tariffs?\s+)?on\s+(?:imported\s+|foreign\s+)?"
                              r"(?:steel|aluminium|aluminum|copper|chips|semiconductors|"
                              r"pharmaceuticals|drugs|lumber|trucks)\b", re.I)
_RATE: Final = re.compile(_PERCENT, re.I)
_EARLIER: Final = re.compile(r"\b(?:previous|prior|earlier|had been|up from|down from|"
                             r"before)\b|従来|以前|기존|종전", re.I)
_AUTOS: Final = re.compile(r"\b(?:auto|autos|automobiles?|cars?|vehicles?)\b|自動車|자동차",
                           re.I)
_SPLIT_WORDS: Final = re.compile(r"\bsplit|\bprofit|\bcash ?flow|\bdistribut|\breturns?\b|"
                                 r"利益|配分|収益|수익|배분|분배", re.I)
_PAIR: Final = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:/|-|–|:|対|대)\s*(\d{1,2})(?!\d|\.\d|%)")
# "the United States takes 90%": the partner's share is the rest.
# A split is two shares with a mark between them, or "the United States takes N%".
_SPLIT_MARKS: Final = re.compile(r"\d\s*(?:[/\-–:対대]\s*\d|(?:%|％|per ?cent|percent))")
_US_TAKES: Final = re.compile(r"\b(?:the United States|the U\.S\.|the US|America|Washington)"
                              r"\s+(?:takes|gets|receives|keeps)\s+" + _PERCENT, re.I)
_AFTER: Final = re.compile(r"\b(?:then|after|afterwards|thereafter|once)\b|以降|이후", re.I)


# (a digit of any script, as the patterns of terms read one)
_DIGIT: Final = re.compile(r"\d")


def _share(n: Decimal) -> str:
    return format((n / 100).normalize(), "f")


def _window(text: str) -> TermFact | None:
    if not _WINDOW_WORDS.search(text) or not _FUNDING.search(text):
        return None
    for m in _WINDOW.finditer(text):
        n = m.group("n") or m.group("nj") or m.group("nk") or m.group("nk2")
        if not n or not 1 <= int(n) <= 3660:
            continue
        unit = (m.group("unit") or "").lower()
        business = unit in ("business", "working") or bool(
            m.group("bj") or m.group("nk") or m.group("bk"))
        settings: dict[str, Any] = {"funding_window.length": int(n)}
        if business or unit == "calendar":
            settings["funding_window.unit"] = "business" if business else "calendar"
        near = text[max(0, m.start() - 25):m.end() + 12]
        if _EARLIEST.search(near):
            settings["funding_window.meaning"] = "earliest"
        elif _DEADLINE.search(near):
            settings["funding_window.meaning"] = "deadline"
        return TermFact(settings, m.group(0).strip(), 0, text, 0.8 if business else 0.65)
    return None


def _tariff(text: str) -> TermFact | None:
    if _NOT_AGREED.search(text):
        return None
    for pattern, previous, agreed in ((_FROM_TO, 1, 2), (_TO_FROM, 2, 1)):
        m = pattern.search(text)
        if m and not _AUTOS.search(text[max(0, m.start() - 40):m.start()]):
            return TermFact({"tariff.previous": _share(Decimal(m.group(previous))),
                             "tariff.agreed": _share(Decimal(m.group(agreed)))},
                            m.group(0), 0, text, 0.75)
    for m in _RATE.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        if _AUTOS.search(before) or _ON_GOODS.match(text, m.end()):
            continue    # a car tariff, or one on some goods, is another term
        name = "tariff.previous" if _EARLIER.search(before) else "tariff.agreed"
        return TermFact({name: _share(Decimal(m.group(1)))}, m.group(0), 0, text, 0.7)
    return None


def _split(text: str) -> TermFact | None:
    if not _SPLIT_MARKS.search(text):
        return None
    pairs = [m for m in _PAIR.finditer(text) if int(m.group(1)) + int(m.group(2)) == 100] \
        if _SPLIT_WORDS.search(text) else []
    if not pairs:
        m = _US_TAKES.search(text) if "%" in text else None
        if m is None:
            return None
        name = ("split.post_partner_share" if _AFTER.search(text[:m.start()])
                else "split.pre_partner_share")
        return TermFact({name: _share(100 - Decimal(m.group(1)))}, m.group(0), 0, text, 0.6,
                        "the partner's share read as what the United States does not take")
    shares = [Decimal(min(int(m.group(1)), int(m.group(2)))) for m in pairs[:2]]
    names = ["split.pre_partner_share", "split.post_partner_share"][:len(shares)]
    if len(shares) == 1 and _AFTER.search(text[:pairs[0].start()]):
        names = ["split.post_partner_share"]
    written = text[pairs[0].start():pairs[len(shares) - 1].end()]
    return TermFact(dict(zip(names, (_share(s) for s in shares), strict=True)), written, 0,
                    text, 0.65, "the larger share of an uneven split read as the United "
                                "States', the smaller as the partner's")


def terms(reads: list[SentenceRead]) -> list[TermFact]:
    out: list[TermFact] = []
    for r in reads:
        text = r.sentence.text
        if _DIGIT.search(text) is None:
            continue    # (each term is read from a figure: a sentence without one has none)
        found = [_window(text), _split(text),
                 _tariff(text) if "tariff_words" in r.cues else None]
        out.extend(TermFact(f.settings, f.written, r.sentence.index, text, f.confidence,
                            f.reading) for f in found if f is not None)
    return out


@dataclass(frozen=True, slots=True)
class RelationFact(Portable):
    """Two known projects a sentence relates: ``project_id`` is ``relation`` of ``other_id``
    (a ``domain.relations`` word: duplicate, later_tranche, part_of)."""

    project_id: int
    other_id: int
    relation: str
    written: str
    sentence: int
    evidence: str
    confidence: float

    def record(self) -> dict[str, Any]:
        return {"project_id": self.project_id, "other_id": self.other_id,
                "relation": self.relation, "written": self.written,
                "sentence": self.evidence, "confidence": self.confidence}


# Words of a relation between the two projects a sentence names: "first <kind> second"
# (found as whole words, in any case).
_RELATIONS: Final = FastWords({
    "duplicate": r"also known as\b|the same project as\b|formerly\b|renamed\b"
                 r"|previously (?:reported|announced|known) as\b",
    "later_tranche": "|".join(f"{w} (?:phase|tranche|stage) of\\b"
                              for w in ("second", "next", "later", "another"))
                     + r"|expansion of\b",
    "part_of": "|".join(f"{w} (?:a |one )?(?:part|component) of\\b"
                        for w in ("is", "are", "as", "will be", "was")),
})


def _side(g: Gazetteer, r: SentenceRead, lo: int, hi: int) -> Features:
    def inside(hits: Any) -> list[Any]:
        return [h for h in hits if lo <= h.start < hi]
    orgs = g.with_parents(h.value.name for h in inside(r.orgs))
    types = frozenset(h.value.key for h in inside(r.types))
    sites = inside(r.sites)
    states = frozenset(h.value for h in inside(r.states)) | frozenset(
        h.value.states[0] for h in sites if len(h.value.states) == 1)
    sectors = frozenset(h.value for h in inside(r.sectors)) | frozenset(
        g.types[t].sector for t in types)
    return Features(frozenset(orgs), types, states, frozenset(h.value.name for h in sites),
                    sectors, r.sentence.text[lo:hi])


def relations(g: Gazetteer, reads: list[SentenceRead], projects: ProjectIndex | None,
              framework: str) -> list[RelationFact]:
    out: list[RelationFact] = []
    if projects is None:
        return out
    for r in reads:
        if len(r.orgs) + len(r.types) + len(r.states) + len(r.sites) < 2:
            continue   # two projects are named by two things at least
        found = _RELATIONS.search(r.sentence.text)
        if found is None:
            continue
        start, end, kind, written = found
        left = projects.matches(_side(g, r, 0, start), framework or None)
        right = projects.matches(_side(g, r, end, len(r.sentence.text)), framework or None)
        if not left or not right or left[0].project.id == right[0].project.id:
            continue
        a, b = left[0], right[0]
        out.append(RelationFact(a.project.id, b.project.id, kind, written,
                                r.sentence.index, r.sentence.text,
                                round(min(a.confidence, b.confidence) * 0.8, 2)))
    return out


@dataclass(frozen=True, slots=True)
class OfficialFact(Portable):
    """An official named, with the office the article gives (else the gazetteer's)."""

    name: str
    office: str
    country: str
    written: str
    sentence: int
    evidence: str
    confidence: float
    office_from: str = "article"     # or "gazetteer", or "" when neither gives one

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "office": self.office, "country": self.country,
                "office_from": self.office_from, "written": self.written,
                "sentence": self.evidence, "confidence": self.confidence}


_NATION: Final = (r"(?:(?P<nation>U\.S\.|US|American|Japanese|Japan's|South Korean|Korean|"
                  r"Korea's)\s+)?")
_OFFICE: Final = (r"(?P<office>(?:[A-Z][a-z]+\s+){0,3}(?:Secretary|Minister|Representative|"
                  r"President|Ambassador)(?:\s+of\s+(?:the\s+)?[A-Z][a-z]+(?:,?\s+(?:and\s+)?"
                  r"[A-Z][a-z]+){0,3})?)")
# Japanese and Korean write the office after the name: 赤沢亮正経済再生相, 러트닉 상무장관.
_OFFICE_AFTER: Final = re.compile(r"\s?(?P<office>[一-龥ァ-ヴー]{0,10}?(?:相|大臣|長官|代表|大統領|"
                                  r"首相)|[가-힣]{0,10}?(?:장관|대통령|총리|대표|본부장))")
_TITLES: Final = re.compile(r"Secretary|Minister|Representative|President|Ambassador")
_OFFICE_BEFORE: Final = re.compile(_NATION + _OFFICE + r"\s*$")
_OFFICE_NAME: Final = re.compile(r"\b" + _NATION + _OFFICE +
                                 r"\s+(?P<name>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+){1,2})\b")
_COUNTRIES: Final = {"u.s.": "United States", "us": "United States",
                     "american": "United States", "japanese": "Japan", "japan's": "Japan",
                     "south korean": "South Korea", "korean": "South Korea",
                     "korea's": "South Korea"}


def officials(g: Gazetteer, text: str, sentences: list[Sentence]) -> list[OfficialFact]:
    out: list[OfficialFact] = []
    starts = [s.start for s in sentences]
    known = list(g.official_matcher.finditer(text))
    for h in known:
        i = bisect_right(starts, h.start) - 1
        if i < 0:
            continue
        s = sentences[i]
        before = _OFFICE_BEFORE.search(text[max(s.start, h.start - 80):h.start]) \
            if h.text.isascii() else _OFFICE_AFTER.match(text, h.end, s.end)
        o = h.value
        office = before.group("office") if before else o.office
        out.append(OfficialFact(o.name, office, o.country, h.text, s.index, s.text,
                                0.9 if len(h.text) >= 6 else 0.8,
                                "article" if before else ("gazetteer" if office else "")))
    taken = [(h.start, h.end) for h in known]
    for s in sentences:
        if not _TITLES.search(s.text):
            continue
        for m in _OFFICE_NAME.finditer(s.text):
            a, b = s.start + m.start("name"), s.start + m.end("name")
            if any(x < b and a < y for x, y in taken):
                continue
            nation = (m.group("nation") or "").lower()
            out.append(OfficialFact(m.group("name"), m.group("office"),
                                    _COUNTRIES.get(nation, ""), m.group("name"), s.index,
                                    s.text, 0.7))
    out.sort(key=lambda f: f.sentence)
    return out
