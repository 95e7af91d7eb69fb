"""Who and what a status word is said of, beyond the project it is tied to: the body that
acts (a committee recommends; a county's or a company's own choice is none of the
programme's stages), the clause it stands in, and the words around it that make it speak
of no project in particular (:mod:`pledge.ingest.statuses` applies them)."""

from __future__ import annotations

import re
from typing import Any, Final

from pledge.ingest.facts import Mention
from pledge.ingest.gazetteer import Gazetteer, Signal
from pledge.ingest.phrases import Hit
from pledge.ingest.reading import SentenceRead
from pledge.ingest.word_patterns import plain_lower

# Who acts before an English selection word ("the investment committee has given the nod
# to"), or after it ("approved by the investment committee"): a committee recommends.
_COMMITTEE_AFTER: Final = re.compile(r"\s+(?:\w+\s+){0,3}?by\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}"
                                     r"committee\b", re.I)
_CLAUSE_START: Final = re.compile(r".*(?:[;:.]|\b(?:but|while|whereas|after|when|and)\b)",
                                  re.I | re.S)
_SELECTORS: Final = ("president", "trump", "white house")


def by_committee(text: str, h: Hit[Signal]) -> bool:
    """Whether an English selection word is a committee's (a recommendation)."""
    if h.value.language != "en":
        return False
    before = text[max(0, h.start - 90):h.start]
    m = _CLAUSE_START.match(before)
    clause = before[m.end():] if m else before
    low = clause.lower()
    if "committee" in low and not any(w in low for w in _SELECTORS):
        return True
    return _COMMITTEE_AFTER.match(text, h.end) is not None


# Bodies whose approvals are not the programme's (a county's tax deal, a state's permit,
# shareholders' vote): an English status word said by or of them.
_OTHER_BODIES: Final = (r"commissioners|commission|council|board|shareholders|regulators|"
                        r"regulator|agency|FERC|NRC|EPA|governor|mayor|"
                        r"authority|authorities|lawmakers|"
                        r"legislature|legislators|voters|court|Congress|Senate|parliament|"
                        r"county|city|township|state regulators|permit")
# (a body may be named by its place: "the Railroad Commission of Texas approved")
_OTHER_BEFORE: Final = re.compile(rf"\b(?:{_OTHER_BODIES})\s+(?:of\s+(?:the\s+)?[A-Z][\w.-]*\s+"
                                  rf"(?:[A-Z][\w.-]*\s+){{0,2}})?(?:(?:had|has|have|also|"
                                  rf"already|unanimously)\s+)?$", re.I)
_OTHER_AFTER: Final = re.compile(rf"\s+by\s+(?:the\s+)?(?:[\w.-]+\s+){{0,2}}?(?:{_OTHER_BODIES})"
                                 r"\b", re.I)
# Words in small letters one of which each of the bodies holds (a quick test of the text
# before a status word, lower-cased, before the scan of :data:`_OTHER_BEFORE`).
_BODY_WORDS: Final = ("commission", "council", "board", "shareholders", "regulator", "agency",
                      "ferc", "nrc", "epa", "governor", "mayor", "authorit", "lawmakers",
                      "legislat", "voters", "court", "congress", "senate", "parliament",
                      "county", "city", "township", "permit")
# (the same test as one scan: whether the lower-cased text holds any of those words)
_BODY_WORD: Final = re.compile("|".join(map(re.escape, _BODY_WORDS)))


def _other_before(text: str, start: int) -> bool:
    """Whether a body outside the programme is named just before ``start`` (what
    :data:`_OTHER_BEFORE` finds in the 50 characters before it)."""
    lo = max(0, start - 50)
    low = plain_lower(text[lo:start])
    if low is not None and _BODY_WORD.search(low) is None:
        return False
    return _OTHER_BEFORE.search(text, lo, start) is not None


_ACTIVE_CHOICE: Final = frozenset({"picks", "selects", "chooses"})
_HOLDS_OFF: Final = frozenset({"見送り", "見送った"})


def company_chooses(r: SentenceRead, h: Hit[Signal]) -> bool:
    """Whether a company is the subject of a present-tense choice ("Korea Zinc picks
    Tennessee for its smelter") or holds off ("TDKは見送り"): the company's own choice,
    not the programme's."""
    if h.text in _HOLDS_OFF:
        # "TDKは見送り": the company itself holds off, no project passed over
        return any(o.value.kind == "company" and r.sentence.text[o.end:h.start] in "はも"
                   for o in r.orgs if o.end < h.start)
    if h.text.lower() not in _ACTIVE_CHOICE:
        return False
    return any(o.value.kind == "company" and not r.sentence.text[o.end:h.start].strip()
               for o in r.orgs if o.end <= h.start)


# What else is approved or chosen: a tax break, a permit, a loan, a site ("approved tax
# breaks for the terminal", "picked Brazoria County as the site", "chose a site in Aiken").
_OTHER_OBJECT: Final = re.compile(
    r"\s+(?:a\s+|an\s+|the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,3}?(?:tax|taxes|permits?|"
    r"zoning|rezoning|loans?|bonds?|incentives?|abatements?|grants?|leases?|budget|contracts?|"
    r"sites?|locations?|plots?)\b", re.I)
_SITE_AS: Final = re.compile(r"[^.;]{0,60}?\b(?:as|for)\s+(?:the\s+|a\s+|its\s+)?(?:site|"
                             r"location|home|base)\b", re.I)
_CJK_SITE: Final = re.compile(r"(?:부지로|부지를|입지로|입지를|건설지로|立地に|立地を|建設地に|"
                              r"建設地を|候補地に|候補地として|用地に|用地を)[^。.]{0,20}$")


# ... and in Japanese and Korean: a company's board or shareholders (its own investment
# decision), a regulator, a state government, a parliament ("取締役会で…承認", "이사회에서
# …의결", "원자력규제위원회가 승인").
# (a parliament's word not inside another one: "全国会議", "한국회사", "민주정부")
_CJK_OTHER: Final = re.compile(r"取締役会|株主総会|規制委員会|規制当局|州政府|州議会|"
                               r"(?<![\u4e00-\u9fff])国会|이사회|주주총회|규제위원회|"
                               r"규제 ?당국|(?<!민)주 ?(?:정부|의회)|(?<![가-힣])국회")
# (the characters what it finds may open with: a quick test before its scan)
_CJK_OTHER_OPENS: Final = "取株規州国이주규국"
_CJK_OTHER_OPEN: Final = re.compile(f"[{_CJK_OTHER_OPENS}]")


# Talks given up, not a project ("walked away from the talks", "交渉を打ち切った", "협상을
# 포기했다"): a withdrawal or a refusal said of negotiations.
_TALKS_AFTER: Final = re.compile(r"\s+(?:of\s+|from\s+|on\s+)?(?:the\s+|its\s+|their\s+)?"
                                 r"(?:[\w-]+\s+){0,2}?(?:talks|negotiations?|agreement|trade\s+"
                                 r"pact|tariffs?)\b", re.I)
_CJK_TALKS_BEFORE: Final = re.compile(r"(?:협상|협의|합의|관세|交渉|協議|合意|関税)"
                                      r"(?:을|를|은|는|이|가|도|を|は|が|も)?\s?$")
_GIVING_UP: Final = frozenset({"withdrawn", "declined"})


def of_talks(text: str, h: Hit[Signal]) -> bool:
    """Whether a withdrawal or a refusal is said of negotiations, not of a project."""
    if h.value.stage not in _GIVING_UP:
        return False
    if h.value.language == "en":
        return _TALKS_AFTER.match(text, h.end) is not None
    return _CJK_TALKS_BEFORE.search(text, max(0, h.start - 6), h.start) is not None


def by_other_body(text: str, h: Hit[Signal]) -> bool:
    """Whether a status word is said by a body outside the programme, or of something
    else it approved or chose (a tax break, a permit, a site)."""
    if of_talks(text, h):
        return True
    if h.value.language != "en":
        lo = max(0, h.start - 40)
        return (h.value.stage == "selected" and bool(
            _CJK_SITE.search(text, max(0, h.start - 30), h.start))) or (
            _CJK_OTHER_OPEN.search(text, lo, h.start) is not None
            and _CJK_OTHER.search(text, lo, h.start) is not None)
    return bool(_other_before(text, h.start)
                or _OTHER_AFTER.match(text, h.end)
                or (h.value.stage == "selected" and (_OTHER_OBJECT.match(text, h.end)
                                                     or _SITE_AS.match(text, h.end))))


_ANY_SUCH: Final = re.compile(r"\b(?:each|every|any|all|no)\s+$", re.I)
_PROJECT_NEXT: Final = re.compile(r"\s+projects?\b", re.I)


def of_any_project(text: str, h: Hit[Signal]) -> bool:
    """Whether a status word qualifies any project, none in particular ("for each
    selected project")."""
    return bool(_ANY_SUCH.search(text, max(0, h.start - 8), h.start)
                and _PROJECT_NEXT.match(text, h.end))


def nameless(g: Gazetteer, descriptor: str) -> bool:
    """Whether a new project's descriptive name names neither a company nor a place
    ("nuclear reactors"): nothing tells which project it is."""
    return "(" not in descriptor and any(descriptor == t.label for t in g.types.values())


def only_one_project(r: SentenceRead) -> bool:
    """Whether a sentence's only group words are a singular "project" ("the total project
    cost"), which speaks of one project, not of a group."""
    hits = r.cue_hits.get("group_nouns", [])
    return bool(hits) and all(h.text.lower() == "project" or _of_a_kind(r, h) for h in hits)


def _of_a_kind(r: SentenceRead, h: Hit[Any]) -> bool:
    """Whether a group word is a singular "package" named by what it supplies ("the energy
    storage and components package"), not by the programme, a round or a sum ("the
    investment package", "the second package", "the $550bn package", "a package of")."""
    text = r.sentence.text
    return h.text.lower() == "package" and _OF_GOODS.search(text, 0, h.start) is not None \
        and not text.startswith(("s", " of"), h.end)


_OF_GOODS: Final = re.compile(
    r"\b(?:the|its|their)\s+(?!(?:[\w$.-]+\s+){0,3}?(?:investment|investments|funding|"
    r"financing|trade|tariff|first|second|third|next|latest|whole|entire|overall|"
    r"Japanese|Korean|U\.?S\.?|American|\$\S*|\S*bn|\S*illion)\b)"
    r"(?:[a-z-]+\s+){1,4}$")


# A clause within which a status word is said of another facility ("was not chosen when
# the copper smelter was approved"): one opened by these words.
_SUBCLAUSE: Final = re.compile(r"\b(?:when|after|before|while|as|since|because|whereas)\s",
                               re.I)


def said_of_another(r: SentenceRead, h: Hit[Signal], m: Mention) -> bool:
    """Whether status word ``h`` stands in a subordinate clause of its own that names a
    facility other than the one of mention ``m``."""
    if h.value.language != "en" or not m.types:
        return False
    text = r.sentence.text
    opener = None
    for o in _SUBCLAUSE.finditer(text, max(m.start, h.start - 80), h.start):
        opener = o
    if opener is None:
        return False
    kinds = {t.value.key for t in r.types if opener.end() <= t.start < h.start}
    # (a clause that names the mention's own facility, among others, is about it:
    # "while the Alaska LNG pipeline is under review")
    return bool(kinds) and m.types[0] not in kinds


# A count larger than any round ("計10件を超え", "more than 10 projects", "10건"): a sentence
# about the programme as a whole, whose facilities are examples, not the projects it reports.
_MANY: Final = re.compile(r"(?:\d{2,}|[6-9])\s?(?:件|건|projects\b)|(?i:dozens? of projects)")


def speaks_of_many(text: str) -> bool:
    """Whether a sentence counts more projects than a round holds."""
    # (a quick test first: a count holds one of these words, "dozen" in any case)
    return ("件" in text or "건" in text or "projects" in text or "dozen" in text.lower()) \
        and _MANY.search(text) is not None


# A status word quoted to say what it means (a fact sheet's key: '"Funded" means Japan has
# paid'): a definition, said of no project.
_DEFINED: Final = re.compile(r"""\s*["'”’」』]\s*(?:means|refers\s+to|indicates|denotes|"""
                             r"""stands\s+for|is\s+used|:|=|は)""", re.I)


def defines(text: str, h: Hit[Signal]) -> bool:
    """Whether a status word stands in quotes as the term a sentence defines."""
    return h.start > 0 and text[h.start - 1] in "\"'“‘「『" and \
        _DEFINED.match(text, h.end) is not None


# Projects in general, picked out by a stage they reached ("the projects selected so far",
# "これまでに選ばれた案件は", "지금까지 선정된 사업은"): none in particular.
_SO_FAR_AFTER: Final = re.compile(r"\s+(?:so\s+far|to\s+date|thus\s+far|until\s+now)\b", re.I)
_PROJECTS_BEFORE: Final = re.compile(r"\bprojects\s+(?:(?:that|which)\s+(?:have\s+been|were)\s+)?$",
                                     re.I)
_CJK_SO_FAR: Final = re.compile(r"(?:これまで(?:に)?|今まで(?:に)?|過去に|지금까지|그동안|이제까지)"
                                r"\s*$")
_CJK_GENERIC_NOUN: Final = re.compile(r"(?:た|れた|された|된|한|받은)?\s?"
                                      r"(?:案件|事業|プロジェクト|사업|프로젝트|투자처)")
# A bare plural "projects" (no article, count or "these" before it) names projects in
# general ("for projects someone else picks"), not a group the article lists.
_DETERMINED: Final = re.compile(
    r"\b(?:the|these|those|both|all|its|their|our|two|three|four|five|first|second|next|"
    r"new|such|\d+)\s+(?:[\w-]+\s+)?$", re.I)


def of_projects_in_general(text: str, h: Hit[Signal]) -> bool:
    """Whether a status word picks out projects in general by the stage they reached."""
    if h.value.language == "en":
        return bool(_SO_FAR_AFTER.match(text, h.end) and _PROJECTS_BEFORE.search(
            text, max(0, h.start - 40), h.start))
    return bool(_CJK_SO_FAR.search(text, max(0, h.start - 8), h.start)
                and _CJK_GENERIC_NOUN.match(text, h.end))


def bare_plural(r: SentenceRead) -> bool:
    """Whether an English sentence's only group words are a bare plural "projects"."""
    text = r.sentence.text
    hits = r.cue_hits.get("group_nouns", [])
    return bool(hits) and text.isascii() and all(
        g.text.lower() == "projects"
        and not _DETERMINED.search(text, max(0, g.start - 30), g.start) for g in hits)
