"""Status words that say nothing of a programme project's stage: a candidate site a company
is looking for, and a facility the sentence sets apart from the programme."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from pledge.domain.lifecycle import Stage
from pledge.ingest.gazetteer import Signal
from pledge.ingest.phrases import Hit
from pledge.ingest.word_patterns import may_hold


@lru_cache(maxsize=32)
def _stage(value: str) -> Stage:
    """The stage of a status word's value (read once a value, as every status word of an
    article asks; an unknown value raises, as ``Stage`` does)."""
    return Stage(value)

# "후보지를 물색", "候補地を探す", "candidate sites": a place being looked for, not a project
# put forward.
# "at sites still under study", "부지는 검토 중": the place is being studied, not the project.
_SITE_BEFORE: Final = re.compile(r"(?:\b(?:sites?|locations?)\s+(?:(?:is|are|still|yet|now|"
                                 r"being)\s+){0,3}|(?:候補地|立地|부지|입지)[はがを은는이가을를]?\s*)$",
                                 re.I)
_SITE_AFTER: Final = re.compile(r"\s*(?:지(?!만|도|\s*않)|地|sites?\b|locations?\b)", re.I)

# "これは枠組みとは別の自社投資だ", "틀과는 별개의", "separate from the framework": what
# the clause reports is the company's own business, not a stage of the programme.
_APART: Final = re.compile(
    r"(?:枠組み|枠組|制度|対米投資)(?:と|と?は|の)?(?:別|外|関係な)|"
    r"(?:틀|프레임워크|대미 ?투자)(?:와|과)?(?:는|은)? ?(?:별개|무관|관계없)|"
    r"\b(?:separate\s+from|outside(?:\s+of)?|unrelated\s+to|not\s+part\s+of|independent\s+of)"
    r"\s+(?:the\s+|this\s+|its\s+)?(?:\$?[\w.]+\s+){0,3}"
    r"(?:framework|programme|program|deal|package|investment\s+pledge)\b", re.I)
# Words one of which a sentence :data:`_APART` finds something in holds: as written (the
# Japanese and Korean ones), or in small letters in the text lower-cased (the English ones;
# see :func:`pledge.ingest.word_patterns.plain_lower`). A quick test before its scan.
_APART_CJK: Final = ("枠組", "制度", "対米投資", "틀", "프레임워크", "대미")
_APART_EN: Final = ("separate", "outside", "unrelated", "not", "independent")

# Stages a company reaches by itself; leaving the programme is said alongside its own plans.
_OWN_STAGES: Final = frozenset({Stage.OPERATING, Stage.FUNDED, Stage.PROPOSED,
                                Stage.UNDER_REVIEW})


def names_a_site(text: str, h: Hit[Signal]) -> bool:
    """Whether the status word names a candidate site ("후보지", "candidate sites") or says
    that sites are being studied ("at sites still under study")."""
    if h.value.stage is not None and _stage(h.value.stage) is Stage.UNDER_REVIEW and \
            _SITE_BEFORE.search(text, max(0, h.start - 30), h.start):
        return True
    return bool(_SITE_AFTER.match(text, h.end))


def apart_from_programme(text: str, h: Hit[Signal]) -> bool:
    """Whether the sentence says the facility of its status word lies outside the programme
    ("already runs a battery plant in Kansas, which is separate from the framework")."""
    stage = h.value.stage
    return stage is not None and _stage(stage) in _OWN_STAGES and _may_be_apart(text) \
        and bool(_APART.search(text))


def _may_be_apart(text: str) -> bool:
    """Whether ``text`` holds a word :data:`_APART` needs (or may, read in any case)."""
    return may_hold(text, _APART_EN, _APART_CJK)


# A request for money turned down by the side asked ("出資要請を断った", "출자 요청을
# 거절했다", "turned down a request to pay"): the partner declined the project.
_REFUSED_AFTER: Final = re.compile(r"\s*[をを을를은는]?\s*(?:断|拒|辞退|거절|거부|사양)")
_REFUSED_BEFORE: Final = re.compile(
    r"\b(?:turned\s+down|refused|rejected|declined|said\s+no\s+to)\s+(?:the\s+|a\s+|an\s+|its\s+)?"
    r"(?:[\w$.-]+\s+){0,3}$", re.I)


def refused(text: str, h: Hit[Signal]) -> bool:
    """Whether the request a notifying word names was refused by the side asked."""
    stage = h.value.stage
    if stage is None or _stage(stage) is not Stage.NOTIFIED:
        return False
    return bool(_REFUSED_AFTER.match(text, h.end)
                or _REFUSED_BEFORE.search(text, max(0, h.start - 60), h.start))
