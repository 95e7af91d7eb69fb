"""One sentence's hits: every matcher of the gazetteer run over the whole text in one scan,
each hit handed to its sentence; status words that are negated or only expected are
dropped here (:func:`_signal_holds`)."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from operator import itemgetter
from typing import Any, Final
from weakref import WeakKeyDictionary

from pledge.domain.lifecycle import Stage
from pledge.ingest.amounts import AmountHit, find_amounts
from pledge.ingest.gazetteer import Cue, Gazetteer, Organisation, ProjectType, Signal, Site
from pledge.ingest.phrases import Hit, PhraseMatcher, PhraseScan, new_hit
from pledge.ingest.signal_patterns import pattern_signals
from pledge.ingest.text import Sentence
from pledge.ingest.word_patterns import may_hold, plain_lower


class SentenceRead:
    """One sentence's hits (a plain class: see :class:`~pledge.ingest.text.Sentence`)."""

    __slots__ = ("amounts", "back_reference", "cue_hits", "cues", "orgs", "pronoun",
                 "sectors", "sentence", "signals", "sites", "states", "types")

    def __init__(self, sentence: Sentence, orgs: list[Hit[Organisation]],
                 states: list[Hit[str]], sites: list[Hit[Site]], sectors: list[Hit[str]],
                 types: list[Hit[ProjectType]], amounts: list[AmountHit],
                 signals: list[Hit[Signal]], cues: set[str], back_reference: bool,
                 cue_hits: dict[str, list[Hit[Cue]]], pronoun: bool = False) -> None:
        self.sentence, self.orgs, self.states, self.sites = sentence, orgs, states, sites
        self.sectors, self.types, self.amounts, self.signals = sectors, types, amounts, signals
        self.cues, self.back_reference, self.cue_hits = cues, back_reference, cue_hits
        self.pronoun = pronoun      # opens with "It" / "They": the project(s) just named


def _window_has(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``words``: a word in Latin letters as a whole word (no
    letter next to it), any other anywhere."""
    return _lowered_has(text.lower(), words)


def _lowered_has(low: str, words: tuple[str, ...]) -> bool:
    """:func:`_window_has` of a text given lower-cased (done once for several lists)."""
    whole, anywhere = _word_finder(words)
    if whole is not None and whole.search(low) is not None:
        return True
    return bool(anywhere) and any(w in low for w in anywhere)


@lru_cache(maxsize=64)
def _word_finder(words: tuple[str, ...]) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """For a gazetteer's list of words (compiled once a list): one pattern for the words in
    Latin letters, and the others. The pattern finds a word with no small letter next to
    it; its branches open with the words' first letters, the check of the character before
    coming after it (a look-behind over both), so the regex engine skips at once to the
    letters a word may start with."""
    latin = [w for w in words if w.isascii() and w[0].isalpha()]
    by_first: dict[str, list[str]] = {}
    for w in latin:
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    whole = re.compile("(?:" + "|".join(
        f"{re.escape(first)}(?<![a-z].)(?:{'|'.join(rest)})"
        for first, rest in by_first.items()) + r")(?![a-z])") if latin else None
    return whole, tuple(w for w in words if w not in latin)


_GOES_ON: Final = re.compile(r"\b(?:keep|keeps|continue|continues|continue to|remain|remains)\s*$",
                             re.I)
# Words one of which what :data:`_GOES_ON` and :data:`_IF_CLAUSE` find holds (quick tests).
_GOES_ON_WORDS: Final = ("keep", "continue", "remain")
_IF_WORDS: Final = ("if", "unless", "until", "case")
_GOES_ON_FINDER: Final = re.compile("|".join(_GOES_ON_WORDS))


def _last_words(text: str, end: int, n: int) -> list[str]:
    """The last ``n`` words of ``text[:end]`` (split at spaces), read from a window before
    ``end`` that grows until it holds more than ``n`` words (so the first, which the
    window may cut, is not among them) or reaches the start: not the whole text before
    every word that is looked at."""
    size = 64
    while True:
        lo = max(0, end - size)
        words = text[lo:end].split()
        if lo == 0 or len(words) > n:
            return words[-n:]
        size *= 4


def _signal_holds(g: Gazetteer, lang: str, text: str, hit: Hit[Signal]) -> bool:
    """A status word that is neither negated nor only expected, nor part of an adjective
    ("Japanese-funded plants", "state-approved")."""
    if hit.start and text[hit.start - 1] == "-" and hit.value.language == "en":
        return False
    neg = g.negations.get(hit.value.language, ())
    if hit.value.stage == Stage.UNDER_REVIEW and hit.value.reported == "under_review":
        # "아직 검토 중" is still under review: "yet" negates only a stage reached
        neg = tuple(n for n in neg if n not in _STILL)
    # A project expected to be proposed is a proposed project: only a negation drops it.
    modal = () if hit.value.stage == Stage.PROPOSED else g.modals.get(hit.value.language, ())
    if hit.value.language == "en":
        lo = max(0, hit.start - 120)
        if modal and may_hold(text[lo:hit.start], _IF_WORDS) and \
                _IF_CLAUSE.search(text, lo, hit.start):
            return False    # "If the terminal is selected, Japan will have 45 days"
        if modal and _PRESENT.match(hit.text) and \
                _WHEN_CLAUSE.search(text, lo, hit.start):
            return False    # "returns start when the plant begins operations": not yet
        # (a word in another table cell or clause negates nothing: "not disclosed | -
        # | Japan declined to fund")
        before = " ".join(_last_words(text, hit.start, 6)).rsplit("|", 1)[-1].rsplit(";", 1)[-1]
        # (lower-cased once for every test of it; see may_hold for the quick one)
        low = before.lower()
        plain = low if before.isascii() else plain_lower(before)
        if (plain is None or _GOES_ON_FINDER.search(plain)) and _GOES_ON.search(before):
            modal = ()      # "will keep examining", "would continue to review"
        return not (_lowered_has(low, neg) or "n't" in before
                    or (len(modal) > 0 and _lowered_has(
                        _MONTH_MAY.sub("", before).lower() if "May" in before else low, modal))
                    or _EN_NOT_AFTER.match(text, hit.end) is not None
                    or (not hit.text.endswith("ed")
                        and _EN_MODAL_AFTER.match(text, hit.end) is not None))
    if _NOT_YET_OR_PROCESS.match(text, hit.end):
        return False    # "추천 전", "選定前の", "선정 과정", "選定基準": no stage reached
    # (within the word's clause: "審査中で、結論はずれ込む可能性" negates nothing)
    before = _CJK_CLAUSE.split(text[max(0, hit.start - 6):hit.start])[-1]
    after = _CJK_CLAUSE.split(text[hit.end:hit.end + 14], 1)[0]
    if "ぎ" in after:
        after = _MERELY.sub("", after)    # "候補に挙がったにすぎず": "only", no negation
    # A condition stated before the word ("大統領が選定すれば、…通知が届く", "승인되면 … 통보")
    negated, modal_in, cond = (_any_of(neg), _any_of(modal),
                               _any_of(_CONDITIONS.get(hit.value.language, ())))
    return not ((negated is not None and (negated.search(after) or negated.search(before)))
                or (modal_in is not None and modal_in.search(after))
                or (cond is not None and cond.search(text, max(0, hit.start - 20), hit.start)))


@lru_cache(maxsize=64)
def _any_of(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern that finds one of ``words`` anywhere (None for no words): one search of a
    text in place of a test for each word (compiled once a list)."""
    return re.compile("|".join(map(re.escape, words))) if words else None


# Negated or conditional after an English status noun or verb: "a funding notice has not
# yet been issued", "is funded only once the money arrives", "approved if ...".
_EN_NOT_AFTER: Final = re.compile(
    r"[\s,]*(?:(?:has|have|had|is|are|was|were)(?:\s+not\b|n't|\s+yet\s+to\b)"
    r"|(?:only\s+)?(?:if|unless|once)\b)", re.I)
# ... and a noun of a stage that only may come ("a funding notice would follow selection")
_EN_MODAL_AFTER: Final = re.compile(
    r"\s*(?:would|will|could|may|might|should|(?:is|are)\s+(?:expected|due|pending))\s", re.I)
_MONTH_MAY: Final = re.compile(r"\bMay\b")     # the month, not the modal ("selected in May")
# A conditional clause the word stands in ("If the plant is selected", "unless it is
# approved"): opened by the condition, with no clause break between it and the word.
_IF_CLAUSE: Final = re.compile(r"\b(?i:if|unless|until|in\s+case)\s[^,;:.]*$")
# A status verb in the present ("begins operations", "scraps", "approves") in a clause of
# time ("when the plant begins operations", "once the President approves it"): a stage to
# come, not one reached.
_PRESENT: Final = re.compile(r"[A-Za-z]{2,}[^s\W]s\b")     # (not "has", "was")
_WHEN_CLAUSE: Final = re.compile(r"\b(?i:when|once|after|as\s+soon\s+as|by\s+the\s+time)\s"
                                 r"[^,;:.]*$")
_STILL: Final = frozenset({"아직"})
_CJK_CLAUSE: Final = re.compile(r"[、。，,；;]")
_CONDITIONS: Final = {"ja": ("すれば", "されれば", "たら"), "ko": ("하면", "되면", "한다면")}
# Just after a Japanese or Korean status noun: "before" it ("아직 추천 전이다", "承認前の段階"),
# or the process, rules or criteria of reaching it ("사업 선정 과정이 불투명", "選定基準を
# 示す"): the stage is not said to be reached.
_NOT_YET_OR_PROCESS: Final = re.compile(
    r"(?:\s?전(?:[이인입에의은도]|까지|\s*[.,。、]|$)|前(?:[のでだにはも、。]|まで|$)"
    r"|\s?(?:과정|절차|기준|방식|요건)|(?:の)?(?:過程|プロセス|手続|基準|要件|方法))")
# "only", "merely" ("にすぎず", "に過ぎない"): a limit, not a negation of the word before.
_MERELY: Final = re.compile(r"に(?:す|過)ぎ(?:ず|ない|なかった)")


# The scan of each gazetteer's matchers, for each language (built once).
_SCANS: WeakKeyDictionary[Gazetteer, dict[str, PhraseScan]] = WeakKeyDictionary()
_NO_PHRASES: PhraseMatcher[Signal] = PhraseMatcher(())


def _scan(g: Gazetteer, lang: str) -> PhraseScan:
    """One scan for the matchers an article in ``lang`` is read with: organisations, states,
    sites, sectors, facility types, the language's status words (else the English ones)
    and each list of cue words."""
    scans = _SCANS.setdefault(g, {})
    scan = scans.get(lang)
    if scan is None:
        signals = g.signal_matchers.get(lang) or g.signal_matchers.get("en") or _NO_PHRASES
        scan = scans[lang] = PhraseScan([
            g.org_matcher, g.state_matcher, g.site_matcher, g.sector_matcher, g.type_matcher,
            signals, *g.cue_matchers.values()])
    return scan


class SentenceReader:
    """Runs every matcher once over the whole text and hands each sentence its hits (with
    offsets made relative to the sentence)."""

    def __init__(self, g: Gazetteer, lang: str, text: str, sentences: list[Sentence]) -> None:
        self.g = g
        self.lang = lang
        self.text = text
        self.starts = [s.start for s in sentences]
        self.sentences = sentences
        orgs, states, sites, sectors, types, signals, *cues = _scan(g, lang).scan(text)
        self.orgs = self._bucket(orgs)
        self.states = self._bucket(states)
        self.sites = self._bucket(sites)
        self.sectors = self._bucket(sectors)
        self.types = self._bucket(types)
        # (the status wordings of patterns, with words inside them, beside the listed ones)
        # (the listed ones are in order: sorted again only with a pattern's among them)
        more = list(pattern_signals(lang, text))
        self.signals = self._bucket(sorted([*signals, *more], key=_start) if more else signals)
        self.cues = {kind: self._bucket(hits) for kind, hits in zip(g.cue_matchers, cues,
                                                                     strict=True)}
        # (each sentence's cue hits by kind, in the kinds' order: gathered once here)
        self.cue_hits: dict[int, dict[str, list[Hit[Cue]]]] = {}
        for kind, buckets in self.cues.items():
            for i, hits in buckets.items():
                self.cue_hits.setdefault(i, {})[kind] = hits

    def _bucket(self, hits: Any) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        starts = self.starts
        sentences = self.sentences
        for start, end, written, value in hits:
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue
            s = sentences[i]
            if end > s.end:
                continue   # runs across the end of the sentence
            at = s.start
            hit = new_hit(Hit, (start - at, end - at, written, value))
            bucket = out.get(i)
            if bucket is None:
                out[i] = [hit]
            else:
                bucket.append(hit)
        return out

    def read(self, s: Sentence) -> SentenceRead:
        g = self.g
        i = s.index
        cue_hits = dict(self.cue_hits.get(i, ()))
        cues = set(cue_hits)
        tariff = "tariff_words" in cues
        # (each list looked through only where the sentence has one)
        found = self.signals.get(i)
        signals = [h for h in found if _signal_holds(g, self.lang, s.text, h)] if found else []
        orgs = self.orgs.get(i, [])
        # A sector word inside a company's name ("Samsung Electronics") names no sector.
        found = None if tariff else self.sectors.get(i)
        sectors = [] if not found else list(found) if not orgs else [
            h for h in found if not any(o.start < h.end and h.start < o.end for o in orgs)]
        types = self.types.get(i, [])
        if types and any(t.text.lower() in _YARDS for t in types):
            types = [t for t in types if t.text.lower() not in _YARDS
                     or not _OTHER_YARD.search(s.text, max(0, t.start - 12), t.start)]
        return SentenceRead(
            s, orgs, self.states.get(i, []), self.sites.get(i, []),
            sectors, types,
            find_amounts(s.text), signals, cues, "back_references" in cues, cue_hits,
            bool(_PRONOUN_START.match(s.text)))


_start: Final = itemgetter(0)     # a hit's start (faster than a lambda as a sort key)

# A yard that builds no ships ("the former rail yard"): not a shipyard.
_YARDS: Final = frozenset({"yard", "yards"})
_OTHER_YARD: Final = re.compile(r"(?:rail|railway|railroad|lumber|storage|scrap|back|container|"
                                r"train|freight|switching|stock|salvage|junk|church)[\s-]?$",
                                re.I)


# A sentence that opens with a pronoun ("It was selected by President Trump in February")
# speaks of the project just named, unless it names one of its own.
_PRONOUN_START: Final = re.compile(r"(?:It|It's|Its)\b")
