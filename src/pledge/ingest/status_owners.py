"""Which of a sentence's projects a status word is said of: the clause it stands in, less
a facility named only to be compared and a story a headline joins with an ellipsis."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Final

from pledge.ingest.cuts import CLAUSE_BREAK, CONTRAST
from pledge.ingest.facts import Mention
from pledge.ingest.gazetteer import Organisation, Signal
from pledge.ingest.phrases import Hit

# Ends of clauses the passages do not cut at: semicolons, and the Japanese and Korean
# endings that close one clause before the next ("자금이 집행됐고, 텍사스주…").
_CLAUSE_ENDS: Final = re.compile(r"[;；]|(?<=[고며서])[,，]\s|(?<=[してりが])、")


# An ellipsis joining two stories in a Japanese or Korean headline ("추천...철회",
# "承認…撤回").
_HEADLINE_JOIN: Final = re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff가-힣])\s*(?:\.{2,}|…+)\s*"
                                   r"(?=[\[\u3040-\u30ff\u4e00-\u9fff가-힣A-Za-z])")


def owners(own: list[Mention], h: Hit[Signal],
           orgs: Sequence[Hit[Organisation]] = ()) -> list[Mention]:
    """The passages of a sentence a status word is said of, within its clause (", while
    ...", "; ..."): the one it stands in, or all of them when it comes before the first
    facility ("were selected: a gas plant, a port ...") or after the whole list
    ("considering a reactor, a smelter and a display plant as candidates for the second
    round")."""
    text = own[0].evidence
    # (an ellipsis is looked for only in a text that holds one)
    joins = [j.start() for j in _HEADLINE_JOIN.finditer(text)] \
        if ".." in text or "…" in text else []
    if joins:
        # "제련소, 투자위 추천...배터리 공장은 철회": two stories in one headline; a word
        # is said only of the story it stands in, even when that one names nothing known
        lo, hi = _between(joins, h.start, len(text))
        own = [m for m in own if lo <= m.anchor < hi]
        if not own:
            return []
    if h.value.language != "en" and ("、" in text or ", " in text):
        own = _own_topic(text, own, h, orgs)
        if not own:
            return []
    if len(own) == 1:
        return own
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(text)] + \
        [m.start() for m in _CLAUSE_ENDS.finditer(text)] + \
        [m.start() for m in CONTRAST.finditer(text)]
    lo, hi = _between(breaks, h.start, len(text))
    clause = [m for m in own if lo <= m.anchor < hi] or own
    if len(clause) > 1 and h.start > max(m.anchor for m in clause):
        # "like the fertilizer plant, the port upgrade ... was passed over": the one
        # compared is not the one the closing word is said of
        clause = [m for m in clause if not _compared(text, m)] or clause
    if len(clause) == 1:
        return clause
    if h.start < clause[0].anchor or h.start > max(m.anchor for m in clause):
        return clause
    inside = [m for m in clause if m.start <= h.start < m.end]
    return inside or clause[-1:]


# Parallel topics, each with its own status word ("AはX、BはY", "A는 X, B는 Y"): a clause
# that opens with its topic and goes straight to the word, which closes it, and another
# clause with a topic.
_TOPIC_THEN_WORD: Final = re.compile(r"\s*[^\s、,]{1,15}?[はも은는도]\s*")
# (the other: a topic and a short predicate, "TDKは見送り", "LG는 철회")
_TOPIC_CLAUSE: Final = re.compile(r"\s*[^\s、,]{1,15}?[はも은는도]\s*[^\s、,]{1,8}[\s。.]*")
# (a space parts Japanese phrases, as in a headline; in Korean it parts words)
_TOPIC_BREAK: Final = {"ja": re.compile(r"、|,\s|\s"), "ko": re.compile(r"、|,\s")}


def _own_topic(text: str, own: list[Mention], h: Hit[Signal],
               orgs: Sequence[Hit[Organisation]]) -> list[Mention]:
    """The passages a status word may be said of when it closes a clause of its own topic
    ("村田製は推薦、TDKは撤退": 推薦 is not TDK's): those that stand in its clause or
    whose company it names, else all."""
    parts = _TOPIC_BREAK.get(h.value.language)
    if parts is None:
        return own
    breaks = [m.end() for m in parts.finditer(text)]
    lo, hi = _between(breaks, h.start, len(text))
    if len(text[h.end:hi].rstrip("、,。. ")) > 3 or \
            not _TOPIC_THEN_WORD.fullmatch(text, lo, h.start) or \
            not any(_TOPIC_CLAUSE.fullmatch(text, a, b) for a, b in
                    itertools.pairwise([0, *breaks, len(text)]) if a != lo):
        return own
    named = {o.value.name for o in orgs if lo <= o.start < hi}
    return [m for m in own if lo <= m.anchor < hi or named.intersection(m.orgs)]


def _between(marks: list[int], at: int, end: int) -> tuple[int, int]:
    """The stretch around ``at`` between the nearest of ``marks`` (0 and ``end`` where
    none lies on a side)."""
    return (max((b for b in marks if b <= at), default=0),
            min((b for b in marks if b > at), default=end))


# A facility named only to compare another with it ("Like the gas plant, the port ...",
# "肥料工場と同じく…港湾の改修は", "비료 공장과 마찬가지로 항만 사업은").
_LIKE_BEFORE: Final = re.compile(r"\b(?:like|unlike|as\s+with|just\s+as)\s+(?:the\s+|a\s+|an\s+)?"
                                 r"(?:[\w-]+\s+){0,3}$", re.I)
_LIKE_AFTER: Final = re.compile(r"[^、。,，]{0,12}?(?:と同じく|と同様|とは異なり|と違い|と違って|"
                                r"[와과] 마찬가지로|[와과] 같이|처럼|[와과] 달리)")


def _compared(text: str, m: Mention) -> bool:
    """Whether the passage of ``m`` names its facility only as a comparison."""
    return bool(_LIKE_BEFORE.search(text, max(0, m.anchor - 40), m.anchor)
                or _LIKE_AFTER.match(text, m.anchor))
