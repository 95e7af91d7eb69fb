"""Companies the gazetteer does not know, told by how news names a company: a name with
a company's ending ("Sandfire Resources", "Sembcorp Industries", "Cameco Corp."), or a
name whose shares are spoken of ("Sasol's shares fell", "Shares in Inari Amertron",
"北海道電力の株価", "성광벤드의 주가").

Found once over the cleaned text (one pattern a script), and only where no organisation
of the gazetteer, no US state or site and no word of a country stands. A short form of
a name found in full ("Sembcorp" beside "Sembcorp Industries") is read as the full name.
Such a company is reported with a lower confidence than one of the gazetteer.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Final

from pledge.ingest.facts import OrgFact
from pledge.ingest.gazetteer import Gazetteer
from pledge.ingest.reading import SentenceRead

__all__ = ["CONFIDENCE", "find_unknown_companies", "unknown_company_facts"]

CONFIDENCE: Final = 0.6

_WORD: Final = r"(?:[A-Z][a-z]*[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?|[A-Z]{2,5}|&)"
_NAME: Final = rf"{_WORD}(?: {_WORD}){{0,2}}"
# Endings kept in the name ("Sembcorp Industries") and endings of the legal form, left out
# of it ("Cameco Corp." is Cameco).
_KEPT_ENDINGS: Final = ("Industries", "Resources", "Holdings", "Mining", "Minerals",
                        "Midstream", "Shipbuilding", "Petroleum", "Chemicals", "Chemical",
                        "Motors", "Engineering", "Group", "Materials", "Metals", "Partners",
                        "Ventures", "Technologies", "Systems", "Electronics", "Semiconductor",
                        "Pharmaceuticals", "Logistics", "Enterprises", "USA", "America")
_LEGAL_ENDINGS: Final = ("Corp.", "Corporation", "Inc.", "Ltd.", "Ltd", "Limited", "plc",
                         "PLC", "Co., Ltd.", "Bhd", "Berhad", "LLC", "L.L.C.", "L.P.", "GmbH",
                         "N.V.", "S.A.", "K.K.", "Co.", "Inc", "Corp")
_ENGLISH: Final = re.compile(
    rf"(?<![\w&-])(?P<kept>{_NAME} (?:{'|'.join(_KEPT_ENDINGS)}))(?![\w])"
    rf"|(?<![\w&-])(?P<legal>{_NAME}),? (?:{'|'.join(re.escape(e) for e in _LEGAL_ENDINGS)})"
    r"(?![\w])"
    rf"|(?<![\w&-])(?P<owner>{_NAME})(?:'s?)? (?:shares|stock)\b"
    rf"|\b[Ss]hares (?:in|of) (?P<held>{_NAME})(?![\w])")
# (Each word's "no word character before it" is tested just after its first letter, as
# "(?<!\w.)", and its "none after it" within its branch, so that every branch opens with
# one letter (not a class) and the scan skips quickly to the letters a branch can open
# with: the same matches as "(?<![\w])(?:...)(?![\w])|\b[Ss]hares (?:in|of) ".)
# (The branches that open with the same letter are tried together, in their order, after
# that letter and its look back: the same matches, with a dozen branches to try where a
# letter can open one rather than fifty.)
_TRIGGER_BRANCHES: Final = [
    *((w[0], re.escape(w[1:]) + r"(?![\w])")
      for w in (*_KEPT_ENDINGS, *_LEGAL_ENDINGS, "shares", "stock")),
    ("S", "hares (?:in|of) "), ("s", "hares (?:in|of) ")]
_TRIGGER: Final = re.compile("|".join(
    re.escape(first) + r"(?<!\w.)(?:" + "|".join(
        rest for f, rest in _TRIGGER_BRANCHES if f == first) + ")"
    for first in dict.fromkeys(f for f, _ in _TRIGGER_BRANCHES)))
_WINDOW: Final = 70     # longer than any name of three words and an ending
# A name given a company's role: a fact sheet's field ("Developer: Keystone Ridge Power"),
# or an apposition ("Brazos Peak Energy, the Houston developer behind the plant").
_ROLES: Final = (r"developer|company|firm|maker|manufacturer|operator|builder|producer|"
                 r"supplier|utility|miner|conglomerate|shipbuilder|contractor|sponsor")
_ROLE_FIELD: Final = re.compile(
    rf"^[ \t]*(?:[-*•·][ \t]*)?(?:Developer|Company|Sponsor|Operator|Owner|Builder|"
    rf"Contractor|Partner|Supplier)s?[ \t]*:[ \t]*(?P<field>{_NAME})(?=[ \t]*(?:[,;(\n]|$))",
    re.M)
_ROLE_WORD: Final = re.compile(r"(?:Developer|Company|Sponsor|Operator|Owner|Builder|Contractor|"
                               r"Partner|Supplier)s?[ \t]*:")
# (the apposition is found by its comma and role, then the name just before the comma)
_APPOSITION: Final = re.compile(rf",\s+(?:the|an?)\s+(?:[\w.-]+\s+){{0,3}}?(?:{_ROLES})"
                                r"(?![\w'’])")
_NAME_BEFORE: Final = re.compile(rf"(?<![\w&-])(?P<appos>{_NAME})\Z")
# A role and then the name ("Its developer, Lone Star Peaking Partners of Houston",
# "the builder, Gulf Ridge Constructors, said"): a name of two words or more.
_ROLE_THEN_NAME: Final = re.compile(
    rf"\b(?:developer|sponsor|operator|builder|contractor|supplier|owner|partner)s?,\s+"
    rf"(?P<role>{_NAME})(?=\s+(?:of|from|based|in)\b|,|\.|\s+(?:said|says|has|is|was|will)\b)",
    re.I)
_ROLE_THEN_NAME_TRIGGERS: Final = tuple(
    f"{w}{s}," for w in ("developer", "sponsor", "operator", "builder", "contractor",
                         "supplier", "owner", "partner") for s in ("", "s"))
# A kind of company and then its name: "化学プラントメーカー、東洋化学工機が",
# "설비업체 대경이엔티는".
_JA_KIND_NAME: Final = re.compile(
    r"(?:メーカー|商社|企業|会社|事業者)、(?P<jakind>[\u4e00-\u9fff\u30a0-\u30ff]{2,10}?)"
    r"(?=が|は|も|と|を|、)")
_KO_KIND_NAME: Final = re.compile(
    r"(?<=[가-힣])(?:업체|기업|제조사|회사|스타트업)\s(?P<kokind>[가-힣A-Za-z&]{2,10}?)"
    r"(?=[은는이가]\s)")

# "Houston-based Red Mesa Partners": a company named after the place it is based in.
_BASED: Final = re.compile(rf"\b[A-Z][\w.]*(?:\s[A-Z][\w.]*)?-based\s+(?P<based>{_NAME})(?![\w])")
_SUBJECT_NEXT: Final = re.compile(r"\s*[,;]|\s+(?:said|says|has|had|is|was|will|plans|won|"
                                  r"announced|agreed|builds|makes|runs)\b")
# A company named in katakana with 社 ("米グレンファーン社"; not 同社, 各社).
_JA_SHA: Final = re.compile(r"(?P<jasha>[\u30a1-\u30fa\u30fc]{3,12})社(?![会員内長外屋宅])")
_JA_KINDS: Final = ("メーカー、", "商社、", "企業、", "会社、", "事業者、")
_KO_KINDS: Final = ("업체 ", "기업 ", "제조사 ", "회사 ", "스타트업 ")

# A subsidiary named with its parent ("Foo Power LLC, the US arm of Mitsubishi Heavy
# Industries"): the parent, named next, is the company reported.
_ARM_OF: Final = re.compile(r"[^,\n]{0,12},\s+(?:the|an?)\s+(?:[\w.-]+\s+){0,2}?"
                            r"(?:arm|unit|subsidiary|affiliate|division)\s+of\b")
# Japanese and Korean names with a company's ending ("古河電気工業", "日揮ホールディングス",
# "세진중공업"); a word just before that names a market or a kind ("石油化学") is no name.
_JA_NAME: Final = re.compile(
    r"(?<![\u4e00-\u9fff\u30a0-\u30ff])(?P<jaco>[\u4e00-\u9fff\u30a0-\u30ff]{2,8}?"
    r"(?:ホールディングス|工業|通商|商事|製作所|電機|製鋼所|工機|精機|化成|興産|物産|電工|電線|重工|"
    r"汽船|製薬))(?![\u4e00-\u9fff\u30a0-\u30ff])"
    r"|株式会社(?P<jakk>[\u4e00-\u9fff\u30a0-\u30ff]{2,10})"
    r"|(?<![\u4e00-\u9fff\u30a0-\u30ff])(?P<jakks>[\u4e00-\u9fff\u30a0-\u30ff]{2,10}?)株式会社")
_KO_NAME: Final = re.compile(
    r"(?<![가-힣A-Za-z])(?P<koco>[가-힣A-Za-z]{2,8}?(?:중공업|홀딩스|제철|상사|해운|이엔티|이앤씨|"
    r"엔지니어링|케미칼|정밀|기공|물산|소재))"
    r"(?=[은는이가을를과와의도에로,.\s)]|$)|(?:\(주\)|㈜)\s?(?P<kojoo>[가-힣A-Za-z]{2,10}?)"
    r"(?=[은는이가을를과와의도에]?(?:[\s,.)]|$))")
_JA_ENDINGS_MORE: Final = ("工機", "精機", "化成", "興産", "物産", "電工", "電線", "重工", "汽船",
                           "製薬")
_KO_ENDINGS_MORE: Final = ("이엔티", "이앤씨", "엔지니어링", "케미칼", "정밀", "기공", "물산",
                           "소재")
_JA_TRIGGERS: Final = ("ホールディングス", "工業", "通商", "商事", "製作所", "電機", "製鋼所",
                       "株式会社", *_JA_ENDINGS_MORE)
_KO_TRIGGERS: Final = ("중공업", "홀딩스", "제철", "상사", "해운", "(주)", "㈜", *_KO_ENDINGS_MORE)
_JA_TRIGGER: Final = re.compile("|".join(map(re.escape, _JA_TRIGGERS)))
_KO_TRIGGER: Final = re.compile("|".join(map(re.escape, _KO_TRIGGERS)))
_NOT_CJK_PREFIX: Final = frozenset({
    "化学", "重化学", "石油化学", "機械", "鉄鋼", "軽", "重", "製造", "素材", "関連", "国内",
    "日本", "米国", "各", "大手", "地場", "中小", "주요", "국내", "해외", "대형", "중소", "종합",
    "조선", "석유", "각", "신", "핵심", "첨단", "양극", "음극", "배터리", "반도체", "기초", "부품",
    "원", "전자", "신규", "고기능", "複合", "新", "先端",
})
_JAPANESE: Final = re.compile(r"(?P<ja>[\u4e00-\u9fff\u30a0-\u30ff]{2,12})の株価")
_KOREAN: Final = re.compile(r"(?<![가-힣])(?P<ko>[가-힣A-Za-z]{2,12}?)(?:의)? ?주가(?:는|가|도)")
# A letter of Japanese or Korean (kana, kanji, hangul, "㈜"): every name and mark looked for
# in those languages holds one, so a text without any (most) is spared their searches.
_CJK_LETTER: Final = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u321c]")
# Capitalised words that open a sentence or name a market, not a company.
_NOT_NAMES: Final = frozenset({
    "The", "A", "An", "Its", "Their", "His", "Her", "Our", "This", "That", "These", "Those",
    "Asian", "European", "American", "Japanese", "Korean", "Chinese", "Australian",
    "Malaysian", "Singapore", "Global", "Bank", "Tech", "Energy", "Steel", "Mining",
    "Technology", "Chip", "Defence", "Defense", "Shipbuilding", "Utility", "Industrial",
    "Investment", "Business", "Trade", "State", "Government", "Committee", "Department",
    "Ministry", "Agency", "Authority", "Exchange", "Index", "Some", "Other", "Many", "Most",
    "All", "Both", "Several", "Few", "Preferred", "Common", "Class", "Such", "When", "While",
    "After", "Before", "In", "On", "At", "For", "From", "With", "And", "But", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "US", "UK", "EU",
    "Investment Committee", "Consultation Committee", "Natural", "Critical", "National",
    "Federal", "Public", "Strategic", "Human", "Mineral", "Heavy", "Advanced", "Renewable",
    "Clean", "Green", "Financial", "Economic", "Foreign", "Domestic", "Regional", "Local",
    "North", "South", "Latin", "Central", "East", "West", "Made", "Team", "Visit",
})
_CJK_ENDINGS: Final = frozenset({"ホールディングス", "工業", "通商", "商事", "製作所", "電機",
                                  "製鋼所", "중공업", "홀딩스", "제철", "상사", "해운",
                                  *_JA_ENDINGS_MORE, *_KO_ENDINGS_MORE})
_NOT_NAMES_CJK: Final = frozenset({
    "同社", "当社", "自社", "各社", "両社", "日本", "米国", "主要", "関連", "銘柄", "企業",
    "회사", "그룹", "이날", "전날", "해당", "국내", "미국", "한국", "일본", "우리", "같은",
    "관련", "종목", "기업", "업체", "회사의", "이", "그", "관계자", "투자", "대부분", "모두",
    "대표", "측", "등", "중", "들", "각사",
})


def _market_and_ending(name: str) -> bool:
    """Whether ``name`` is a word of :data:`_NOT_CJK_PREFIX` and then a company's ending of
    at most three characters ("石油化学" and "工業"): a market or a kind, no name. (Each
    cut of its last three characters is looked up, not each prefix tried.)"""
    return any(name[:k] in _NOT_CJK_PREFIX and name[k:] in _CJK_ENDINGS
               for k in range(max(1, len(name) - 3), len(name)))


def _clean_name(name: str) -> str:
    words = name.split(" ")
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    return " ".join(words)


def _in_title(text: str, at: int) -> bool:
    """Whether position ``at`` lies in a headline written in title case ("Commerce
    Announces Battery Materials Selection"), where any run of capitals looks like a name."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    if (end if end >= 0 else len(text)) - start > _TITLE_MAX:
        return False    # a paragraph, not a headline
    words = _LINE_WORDS.findall(text, start, end if end >= 0 else len(text))
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


_LINE_WORDS: Final = re.compile(r"[A-Za-z][\w'’-]*")
_TITLE_MAX: Final = 160


def find_unknown_companies(text: str, taken: list[tuple[int, int]],
                           places: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each company named in ``text`` that is none of the spans in
    ``taken`` (the gazetteer's organisations, states and sites) and no name in ``places``
    (countries and places, for reading only)."""
    found: list[tuple[int, int, str]] = []
    # the taken spans by start, with the furthest end reached by each prefix of them: a
    # span [start, end) overlaps one iff those starting before ``end`` reach past ``start``
    by_start = sorted(taken)
    starts = [s for s, _ in by_start]
    reach: list[int] = []
    for _, e in by_start:
        reach.append(max(e, reach[-1]) if reach else e)

    def overlaps(start: int, end: int) -> bool:
        k = bisect_left(starts, end)
        return k > 0 and reach[k - 1] > start

    def add(start: int, end: int, name: str) -> None:
        if (name and name not in _NOT_NAMES and name not in _NOT_NAMES_CJK
                and name not in places and name not in _KEPT_ENDINGS
                and not name.startswith("&") and not name.endswith("&")
                and not overlaps(start, end)):
            found.append((start, end, name))

    done = 0
    for t in _TRIGGER.finditer(text):
        # The names are looked for only around the words that can end or open one.
        if t.start() < done:
            continue
        for m in _ENGLISH.finditer(text, max(done, t.start() - _WINDOW), t.end() + _WINDOW):
            if not m.start() <= t.start() < m.end():
                continue
            group = m.lastgroup or ""
            name = _clean_name(m.group(group))
            start = m.start(group) + len(m.group(group)) - len(name)
            if group != "kept" or not _in_title(text, start):
                add(start, start + len(name), name)
            done = m.end()
            break
    cjk = not text.isascii() and _CJK_LETTER.search(text) is not None
    if cjk and "株価" in text:
        for m in _JAPANESE.finditer(text):
            add(m.start("ja"), m.end("ja"), m.group("ja"))
    if cjk and "주가" in text:
        for m in _KOREAN.finditer(text):
            add(m.start("ko"), m.end("ko"), m.group("ko"))
    for m in (_ROLE_FIELD.finditer(text) if ":" in text and _ROLE_WORD.search(text) else ()):
        name = _clean_name(m.group("field"))
        add(m.end("field") - len(name), m.end("field"), name)
    for a in _APPOSITION.finditer(text):
        lo = max(0, a.start() - _WINDOW)
        n = _NAME_BEFORE.search(text[lo:a.start()])
        if n is not None:
            name = _clean_name(n.group("appos"))
            if " " in name:
                add(lo + n.end() - len(name), lo + n.end(), name)
    low = text.lower()
    # (each of them ends with "r," or "rs,", which most texts hold neither of)
    if ("r," in low or "rs," in low) and any(w in low for w in _ROLE_THEN_NAME_TRIGGERS):
        for m in _ROLE_THEN_NAME.finditer(text):
            name = _clean_name(m.group("role"))
            if " " in name:
                add(m.end("role") - len(name), m.end("role"), name)
    if "-based " in text:
        for m in _BASED.finditer(text):
            name = _clean_name(m.group("based"))
            # (one word: only as the subject of a verb or before a comma, "US-based AI
            # data centers" naming none)
            if " " in name or (not name.isupper() and _SUBJECT_NEXT.match(text, m.end("based"))):
                add(m.end("based") - len(name), m.end("based"), name)
    for pattern, group, needs in ((_JA_KIND_NAME, "jakind", _JA_KINDS),
                                  (_KO_KIND_NAME, "kokind", _KO_KINDS),
                                  (_JA_SHA, "jasha", ("社",))):
        if not cjk or not any(w in text for w in needs):
            continue
        for m in pattern.finditer(text):
            add(m.start(group), m.end(group), m.group(group))
    for pattern, trigger in ((_JA_NAME, _JA_TRIGGER), (_KO_NAME, _KO_TRIGGER)) if cjk else ():
        # (looked for only around the endings and marks a name can have)
        spans: dict[tuple[int, int], re.Match[str]] = {}
        for t in trigger.finditer(text):
            for m in pattern.finditer(text, max(0, t.start() - 12), t.end() + 12):
                if m.start() <= t.start() < m.end():
                    spans[m.span()] = m
                    break
        for _, m in sorted(spans.items()):
            group = m.lastgroup or ""
            name = m.group(group)
            if not _market_and_ending(name):
                add(m.start(group), m.end(group), name)
    found = [(s, e, n) for s, e, n in found if not _ARM_OF.match(text, e)]
    full = sorted({n for _, _, n in found if " " in n}, key=len, reverse=True)
    return [(s, e, next((f for f in full if f.startswith(n + " ")), n)) for s, e, n in found]


def unknown_company_facts(g: Gazetteer, text: str, reads: list[SentenceRead]) -> list[OrgFact]:
    """The companies of :func:`find_unknown_companies` in the article ``text`` whose
    sentences ``reads`` holds, as facts of their sentences."""
    taken = [(r.sentence.start + h.start, r.sentence.start + h.end)
             for r in reads for hits in (r.orgs, r.states, r.sites) for h in hits]
    starts = [r.sentence.start for r in reads]
    out: list[OrgFact] = []
    for start, end, name in find_unknown_companies(text, taken, g.place_names):
        i = bisect_right(starts, start) - 1
        if i < 0 or end > reads[i].sentence.end:
            continue
        s = reads[i].sentence
        out.append(OrgFact(name, "company", text[start:end], s.index, s.text, CONFIDENCE))
    return out
