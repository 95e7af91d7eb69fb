"""Status wordings that a list of phrases cannot hold, because other words stand inside
them: an amount ("received $2.1 billion from Japan"), an object ("put a cable plant
forward"), a possessive ("gets its Japanese cash"). Each pattern is compiled once, at
import; :func:`pattern_signals` finds them in a whole text, as the phrase matchers of the
gazetteer find the listed words (:mod:`pledge.ingest.reading` merges the two)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from pledge.domain.lifecycle import Stage
from pledge.ingest.gazetteer import Signal
from pledge.ingest.phrases import Hit
from pledge.ingest.word_patterns import FastWords, plain_lower

__all__ = ["pattern_signals"]

# The side that pays: a partner, its capital, its lender, the programme.
_PAYER: Final = (r"(?:the\s+)?(?:Japan|Japanese\s+(?:government|side|lender)|Tokyo|Korea|"
                 r"South\s+Korea|Korean\s+(?:government|side)|Seoul|JBIC|NEXI|KEXIM|K-?sure|"
                 r"(?:programme|program|fund|facility))\b")
# An amount as a reporter writes it ("$2.1 billion", "US$600m", "¥320 billion", "2 trillion
# won"), with an optional hedge before it.
_AMOUNT: Final = (r"(?:(?:about|around|roughly|some|nearly|almost|more\s+than|over|an?\s+"
                  r"(?:first|initial)|its\s+(?:first|full)|the\s+(?:first|full))\s+)?"
                  r"(?:(?:US|S|A|C|NT)?[$¥₩€£]\s?\d[\d.,]*\s*(?:bn|billion|mn|million|m|tn|"
                  r"trillion|k)?|\d[\d.,]*\s*(?:billion|million|trillion)\s+"
                  r"(?:yen|won|dollars|euros))")

_EN: Final = [
    # "had received $2.1 billion from Japan", "got its first $500m from JBIC"
    (re.compile(rf"\b(?:receives|received|has\s+received|had\s+received|got|gets|collected|"
                rf"collects|drew|draws)\s+{_AMOUNT}\s+(?:\w+\s+){{0,3}}?from\s+{_PAYER}",
                re.I), "funded"),
    # "finally has its money", "gets its Japanese cash", "got their Korean funds"
    (re.compile(r"\b(?:has|have|had|gets|get|got|receives|received)\s+(?:its|their)\s+"
                r"(?:first\s+|full\s+)?(?:Japanese\s+|Korean\s+)?(?:money|cash|funds|"
                r"funding|payment)\b(?!\s+(?:notice|request|letter|call|plan|application))", re.I),
     "funded"),
    # "Japanese money arrives", "the payment came from Japan", "Korea's cash landed",
    # "the Korean funds for the mill went through"
    (re.compile(r"\b(?:Japanese|Korean|Japan's|Korea's|Tokyo's|Seoul's)\s+(?:money|cash|"
                r"funds|funding|payment|capital)\s+(?:(?:for|behind|into)\s+(?:the\s+|its\s+|"
                r"this\s+|that\s+)?(?:[\w-]+\s+){0,3}?(?:project|plant|facility|terminal|"
                r"mill|smelter|refinery|yard|factory|reactors?|it)\s+)?"
                r"(?:has\s+|have\s+|finally\s+)*(?:arrives|"
                r"arrived|came\s+in|comes\s+in|landed|lands|went\s+through|goes\s+through)"
                r"\b", re.I), "funded"),
    # ... or, in the passive, "the first $500 million from Japan was received"
    (re.compile(rf"\b(?:(?:the\s+)?(?:payment|money|cash|funds|transfer)\s+(?:came|come|"
                rf"arrived|was\s+sent|were\s+sent)\s+from\s+{_PAYER}|{_AMOUNT}\s+from\s+"
                rf"{_PAYER}\s+(?:was|were|has\s+been|had\s+been)\s+(?:received|paid|"
                rf"transferred|sent|wired|disbursed|deposited))", re.I), "funded"),
    # "Japan has paid for its share", "Tokyo finished paying for", "Seoul sent $1bn to"
    (re.compile(rf"\b{_PAYER}\s+(?:has\s+|had\s+|have\s+)?(?:now\s+|already\s+|finally\s+)?"
                rf"(?:paid|finished\s+paying|completed\s+(?:its\s+)?payment|sent|"
                rf"transferred|wired|handed\s+over|put\s+up|delivered)\s+(?:(?:in\s+)?"
                rf"(?:its|their|the)\s+(?:share|money|cash|funds|stake|portion)|{_AMOUNT})",
                re.I), "funded"),
    # "Japan invested $1bn in the plant", "Tokyo has injected ¥150 billion into"
    (re.compile(rf"\b{_PAYER}\s+(?:has\s+|had\s+)?(?:now\s+|already\s+)?(?:invested|"
                rf"injected|provided|contributed)\s+{_AMOUNT}", re.I), "funded"),
    # "included in the second tranche", "part of the next round", "joins the second batch"
    (re.compile(r"\b(?:in|for|into|part\s+of|among|included\s+in|joins?|joined|added\s+to)"
                r"\s+(?:the\s+|a\s+)?(?:second|next|third|2nd|3rd)[- ](?:round|tranche|batch|"
                r"group|phase|wave)\b", re.I), "announced"),
    # "has put a U.S. fiber-optic cable plant forward", "put forward by a group of"
    # (but "has put nothing forward" puts none)
    (re.compile(r"\bput(?:s|ting)?\s+(?!(?:nothing|none|no|neither)\b)(?:[\w.$'-]+\s+){0,7}?"
                r"forward\b", re.I), "candidate"),
    # "submitted its plant ... to the committee", "filed a fresh proposal"
    (re.compile(r"\b(?:submit(?:s|ted|ting)?|fil(?:es|ed|ing))\s+(?:(?:a|an|its|their|the|"
                r"fresh|new|second|formal|revised)\s+)*(?:[\w-]+\s+){0,6}?(?:to|with)\s+"
                r"(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:committee|programme|program|"
                r"government|Commerce|Washington|US side|U\.S\. side)\b", re.I), "candidate"),
    # "completed its $2.1 billion contribution", "funding for the plant was completed"
    (re.compile(rf"\bcompleted\s+(?:its|their|the)\s+(?:{_AMOUNT}\s+)?(?:contribution|"
                rf"payment|funding|investment|transfer|disbursement)\b|\b(?:funding|"
                rf"payment|disbursement|transfer)\s+(?:for|to|into)\s+[^.;]{{0,80}}?\b"
                rf"(?:was|were|has\s+been|had\s+been)\s+(?:fully\s+)?completed\b", re.I),
     "funded"),
    # "passed the plant to the President for a decision", "sent it on to the White House"
    (re.compile(r"\b(?:passed|sent|forwarded|referred|handed)\s+(?:on\s+)?(?:it|them|"
                r"(?:the|its|their)\s+(?:[\w'-]+\s+){0,6}?(?:project|projects|plan|plant|"
                r"proposal|terminal|facility|smelter|shipyard|reactors?|application|"
                r"recommendation|file))\s+(?:on\s+)?to\s+(?:the\s+)?(?:President|"
                r"White\s+House|Trump)\b", re.I), "recommended"),
    # "has sat with the committee since September", "is before the committee"
    (re.compile(r"\b(?:sat|sits|has\s+sat|is|are|was|were|remains|remained|lies|lay|"
                r"stays|stayed)\s+(?:still\s+)?(?:with|before)\s+(?:the\s+)?"
                r"(?:[\w-]+\s+){0,2}?(?:committee|panel|reviewers)\b", re.I), "under_review"),
    # "the investment committee backed the plant", "the panel has unanimously endorsed":
    # a committee's support is its recommendation (a politician's "backed" is none)
    (re.compile(r"\b(?:committee|panel)\s+(?:has\s+|had\s+|have\s+)?(?:now\s+|already\s+|"
                r"unanimously\s+|formally\s+)?(?:backed|supported|endorsed|cleared|advanced|"
                r"voted\s+(?:for|to\s+back|to\s+recommend|to\s+advance))\b"
                r"(?!\s+(?:away|off|down|out)\b)", re.I), "recommended"),
    # "received $1.2 billion in Japanese funds", "has received $2.4 billion under the
    # Japan-US investment framework"
    (re.compile(rf"\b(?:receives|received|has\s+received|had\s+received|got|gets|drew)\s+"
                rf"{_AMOUNT}\s+(?:in\s+(?:Japanese|Korean|Japan's|Korea's)\s+(?:money|cash|"
                rf"funds|funding|financing|capital)|under\s+the\s+(?:[\w-]+\s+){{0,5}}?"
                rf"(?:framework|programme|program|agreement|deal)\b)", re.I), "funded"),
    # "said it would not go ahead with its proposal", "will not proceed with their bid":
    # the sponsor leaving with its own entry
    (re.compile(r"\b(?:(?:would|will|did|does|do|could)\s*(?:not|n't)|won't)\s+(?:go\s+ahead|proceed|"
                r"press\s+ahead|move\s+forward)\s+with\s+(?:its|their)\s+(?:[\w-]+\s+){0,3}?"
                r"(?:proposal|bid|application|entry|submission|candidacy)\b", re.I), "withdrawn"),
    # "turned down the US request to finance it", "rejected Washington's call for funding":
    # the partner asked for money says no
    (re.compile(r"\b(?:turned\s+down|turns\s+down|refused|rejected)\s+(?:the\s+|a\s+|an\s+|"
                r"its\s+)?(?:[\w.'-]+\s+){0,3}?(?:request|call|demand)\s+(?:to\s+(?:finance|"
                r"fund|pay\s+for|invest\s+in|bankroll)|for\s+(?:money|funds|funding|"
                r"financing|capital|payment))\b", re.I), "declined"),
    # "received the formal notice", "has received its written notice of funding"
    (re.compile(r"\b(?:receives|received|has\s+received|had\s+received|got)\s+(?:the|a|an|"
                r"its|their)\s+(?:(?:formal|official|written|funding|payment|final)\s+){1,2}"
                r"notice\b(?!\s+(?:of|to)\s+(?:withdrawal|termination|cancell?ation))", re.I),
     "notified"),
]

_JA: Final = [
    # "資金を受け取った", "120億ドルを受け取り", "資金が届いた", "入金された"
    (re.compile(r"(?:資金|出資金|投資資金|[\d,.]+(?:億|兆|万)?(?:ドル|円))(?:を|が)"
                r"(?:受け取|受領|受け入れ|届い|振り込まれ|入金され)"), "funded"),
    # "国際協力銀行が出資した", "日本政府は20億ドルを拠出し、": the partner's side paying
    (re.compile(r"(?:国際協力銀行|JBIC|日本政府|日本側|政府)(?:が|は|も)[^。]{0,24}?(?:出資|拠出|"
                r"資金を出)(?:した|し、|を終え|を完了)"), "funded"),
    # "米側に提案書を提出した", "投資案件として申請した"
    (re.compile(r"(?:投資案件|候補|案件)として(?:[^。、]{0,12})(?:申請|応募|提出|名乗り)"),
     "candidate"),
]

_KO: Final = [
    # "20억 달러를 받았다", "투자금이 들어왔다", "자금을 지급받았다"
    (re.compile(r"(?:자금|투자금|출자금|[\d,.]+\s?(?:억|조|만)?\s?(?:달러|원|엔))(?:을|를|이|가)\s?"
                r"(?:받았|지급받|수령|들어왔|들어갔|입금)"), "funded"),
    # "투자위원회에 사업 계획을 제출했다", "후보로 신청했다"
    (re.compile(r"(?:위원회|정부|미국 측|미측|상무부)에\s?(?:[^.,]{0,20}?)(?:제출|신청|접수)"),
     "candidate"),
]

_PATTERNS: Final = {"en": _EN, "ja": _JA, "ko": _KO}
# Words each Japanese and Korean pattern must hold (a quick test before the pattern's scan).
_NEEDS: Final = {
    "ja": (("受け取", "受領", "受け入れ", "届い", "振り込まれ", "入金され"),
           ("出資", "拠出", "資金を出"), ("申請", "応募", "提出", "名乗り")),
    "ko": (("받았", "지급받", "수령", "들어왔", "들어갔", "입금"), ("제출", "신청", "접수")),
}
_STAGES: Final = {"funded": Stage.FUNDED.value, "candidate": Stage.PROPOSED.value,
                  "under_review": Stage.UNDER_REVIEW.value, "announced": Stage.FINALIST.value,
                  "recommended": Stage.RECOMMENDED.value, "notified": Stage.NOTIFIED.value,
                  "withdrawn": Stage.WITHDRAWN.value,
                  "declined": Stage.DECLINED.value, "operating": Stage.OPERATING.value}
_SIGNALS: Final = {(lang, reported): Signal(reported, lang, _STAGES[reported])
                   for lang, pats in _PATTERNS.items() for _, reported in pats} | {
    ("en", "operating"): Signal("operating", "en", Stage.OPERATING.value)}

# A stage given as the whole of a table's cell or of a "Status:" line of a fact sheet
# ("... | US$2.1bn | Operating", "- Status: operational"): a word that elsewhere names no
# stage ("operating costs") names one there.
_STAGE_CELL: Final = re.compile(
    r"(?:\|[ \t]*|^[ \t]*(?:[-*•·][ \t]*)?(?:Status|Stage)[ \t]*:[ \t]*)"
    r"((?i:operating|operational|in\s+operation|in\s+commercial\s+operation))"
    r"[ \t]*(?=\||$|[(;.]|\s+since\b)", re.M)


def _stage_cells(text: str) -> Iterator[Hit[Signal]]:
    """The operating stage given alone in a table cell or a status line of ``text``."""
    if "perat" not in text or ("|" not in text and ":" not in text):
        return   # (no such word, or no cell nor field to hold it)
    signal = _SIGNALS[("en", "operating")]
    for m in _STAGE_CELL.finditer(text):
        yield Hit(m.start(1), m.end(1), m.group(1), signal)

# The English patterns are tried only around words each must hold (found at once in the
# lower-cased text, see pledge.ingest.word_patterns): anchor kind -> the patterns it opens.
_ANCHORS: Final = FastWords({
    "payer_from": r"from\s+(?:the\s+)?(?:japan|tokyo|korea|south\s+korea|seoul|jbic|nexi|"
                  r"kexim|k-?sure|programme|program|fund|facility)\b",
    "own_money": r"its\s+(?:first\s+|full\s+)?(?:japanese\s+|korean\s+)?(?:money|cash|funds"
                 r"|funding|payment)\b|their\s+(?:first\s+|full\s+)?(?:japanese\s+|korean\s+)?"
                 r"(?:money|cash|funds|funding|payment)\b",
    "partner_money": "|".join(rf"{w}\s+(?:money|cash|funds|funding|payment|capital)\b"
                              for w in ("japanese", "korean", "japan's", "korea's", "tokyo's",
                                        "seoul's")),
    "payer_verb": r"paid\b|finished\s+paying\b|completed\b|sent\b|transferred\b|wired\b"
                  r"|handed\s+over\b|put\s+up\b|delivered\b|invested\b|injected\b"
                  r"|provided\b|contributed\b",
    "round": "|".join(rf"{w}[- ](?:round|tranche|batch|group|phase|wave)\b"
                      for w in ("second", "next", "third")),
    "forward": r"forward\b",
    "submit": r"submit(?:s|ted|ting)?\b|fil(?:es|ed|ing)\b",
    "committee": r"committee\b|panel\b|reviewers\b",
    "to_president": r"to\s+(?:the\s+)?(?:president|white\s+house)\b|to\s+trump\b",
    "received": r"receiv(?:es|ed)\b|got\b|gets\b|drew\b",
    "not_ahead": r"go\s+ahead\s+with\b|press\s+ahead\s+with\b|proceed\s+with\b"
                 r"|move\s+forward\s+with\b",
    "refused": r"turn(?:ed|s)\s+down\b|refused\b|rejected\b",
})
_OPENS: Final = {"payer_from": (0, 3), "own_money": (1,), "partner_money": (2,),
                 "payer_verb": (4, 5, 9), "round": (6,), "forward": (7,), "submit": (8,),
                 "to_president": (10,), "committee": (11, 12), "received": (13, 16),
                 "not_ahead": (14,), "refused": (15,)}
_BACK: Final = 130      # the most a pattern reaches before its anchor ...
_AHEAD: Final = 200     # ... and after it


# Words beside its anchor that each English pattern must hold, in small letters: one word
# of each group (a window of the text without one cannot hold a match; a quick test before
# the pattern's scan of the window).
_PAYER_WORDS: Final = ("japan", "tokyo", "korea", "seoul", "jbic", "nexi", "kexim", "sure",
                       "program", "fund", "facility")
_MUST_HOLD: Final[dict[int, tuple[tuple[str, ...], ...]]] = {
    0: (("receive", "got", "gets", "collect", "drew", "draws"),),
    2: (("arrive", "came", "comes", "land", "went", "goes"),),
    3: (("came", "come", "arrived", "sent", "received", "paid", "transferred", "wired",
         "disbursed", "deposited"),),
    4: (_PAYER_WORDS,),
    5: (_PAYER_WORDS, ("invested", "injected", "provided", "contributed")),
    7: (("put",),),
    8: (("committee", "program", "government", "commerce", "washington", "side"),),
    9: (("completed",),),
    10: (("passed", "sent", "forwarded", "referred", "handed"),),
    11: (("with", "before"),),
    12: (("backed", "supported", "endorsed", "cleared", "advanced", "voted"),),
    13: (("japanese", "korean", "japan's", "korea's", "under"),),
    14: (("not", "n't"), ("its", "their")),
    15: (("request", "call", "demand"),),
    16: (("notice",),),
}


# Where a match of some English patterns may begin, found in the lower-cased text: the first
# two letters of a word the pattern opens with, after no small letter (a case-blind match
# starts there, as its word stands in small letters at the same place; see
# pledge.ingest.word_patterns). Each is tried only there, not at every character.
_OPENINGS: Final[dict[int, re.Pattern[str]]] = {
    4: re.compile(r"(?<![a-z])(?:th|ja|to|ko|so|se|jb|ne|ke|k-|ks|pr|fu|fa)"),
    6: re.compile(r"(?<![a-z])(?:in|fo|pa|am|jo|ad)"),
    11: re.compile(r"(?<![a-z])(?:sa|si|ha|is|ar|wa|we|re|li|la|st)"),
}


def _matches(pattern: re.Pattern[str], opening: re.Pattern[str], text: str, low: str,
             lo: int, hi: int) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text, lo, hi)`` finds, tried only where ``opening`` finds
    a place in ``low`` (the text lower-cased) that a match may begin at."""
    pos = lo
    for o in opening.finditer(low, lo, hi):
        at = o.start()
        if at >= pos:
            m = pattern.match(text, at, hi)
            if m is not None:
                yield m
                pos = m.end()


def _may_hold(low: str, lo: int, hi: int, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``low[lo:hi]`` holds a word of each of ``groups``."""
    return all(any(low.find(w, lo, hi) >= 0 for w in words) for words in groups)


def _english(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, as written, reported) of the English patterns in ``text``."""
    # (the text in small letters where the words a pattern needs stand there as in the
    # text, read in any case; else None, and every window is scanned)
    low = plain_lower(text)
    windows: dict[int, list[tuple[int, int]]] = {}
    for start, end, kind, _ in _ANCHORS.finditer_lowered(text, low):
        for k in _OPENS[kind]:
            spans = windows.setdefault(k, [])
            lo, hi = max(0, start - _BACK), end + _AHEAD
            if spans and lo <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
            else:
                spans.append((lo, hi))
    for k, spans in sorted(windows.items()):
        pattern, reported = _EN[k]
        groups = _MUST_HOLD.get(k, ())
        opening = _OPENINGS.get(k) if low is not None else None
        for lo, hi in spans:
            if low is not None and groups and not _may_hold(low, lo, hi, groups):
                continue
            found = pattern.finditer(text, lo, hi) if opening is None or low is None else \
                _matches(pattern, opening, text, low, lo, hi)
            for m in found:
                yield m.start(), m.end(), m.group(), reported


def pattern_signals(lang: str, text: str) -> Iterator[Hit[Signal]]:
    """The status wordings of the patterns of ``lang`` in ``text`` (English ones in an
    article of any other language)."""
    if lang not in _PATTERNS or lang == "en":
        for start, end, written, reported in _english(text):
            yield Hit(start, end, written, _SIGNALS[("en", reported)])
        yield from _stage_cells(text)
        return
    for (pattern, reported), needs in zip(_PATTERNS[lang], _NEEDS[lang], strict=True):
        if not any(w in text for w in needs):
            continue   # (none of the words the pattern must hold)
        signal = _SIGNALS[(lang, reported)]
        for m in pattern.finditer(text):
            yield Hit(m.start(), m.end(), m.group(), signal)
