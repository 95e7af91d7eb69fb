"""Money mentions in text, read by the core's amount parser.

A pattern finds *candidate* spans that look like amounts (a number with a
magnitude and a currency, in English, Japanese or Korean notation, possibly a
range: "$350 million to as much as $100 billion", "6 to 7 trillion yen",
"5兆2000億円", "최대 1000억 달러", "56조~65조 원"). A candidate needs a currency
somewhere in it, so "15%", "45 business days" or "85 minutes" are never money.
Each candidate is handed whole to :func:`pledge.domain.money.parse_amount`, which
decides what it means; when the parser refuses a range, its two sides are tried
on their own. Nothing here does arithmetic on amounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from pledge.domain.amount_words import LEADING_QUALIFIERS, WORDS, caseless, caseless_tree
from pledge.domain.errors import InvalidInput
from pledge.domain.money import CURRENCIES, MAX_AMOUNT, MoneyRange, parse_amount
from pledge.ingest.word_amounts import find_word_amounts
from pledge.ingest.word_patterns import FOLDS_TO_ASCII

__all__ = ["AmountHit", "find_amounts"]


class AmountHit:
    """An amount found in text: its span, the text as written, the parsed range; ``note``:
    how the amount was read, when it needs saying (a vague count). (A plain class: see
    :class:`~pledge.ingest.text.Sentence`.)"""

    __slots__ = ("confidence", "end", "note", "range", "start", "text")

    def __init__(self, start: int, end: int, text: str, range: MoneyRange,
                 confidence: float, note: str = "") -> None:
        self.start, self.end, self.text, self.range = start, end, text, range
        self.confidence, self.note = confidence, note


_NUM: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WESTERN_MAG: Final = (r"(?i:trillion|billion|million|thousand|crores?|lakhs?|trn|tn|bn|bln|mn|mln"
                       r"|m|b|k|t)"
                       r"(?![A-Za-z])")
_CJK_MAG: Final = r"[兆億万萬千百十조억만천백십]"
_CJK_NUM: Final = rf"{_NUM}\s?{_CJK_MAG}+(?:\s?{_NUM}\s?{_CJK_MAG}+)*(?:\s?{_NUM})?"
_CODES: Final = "(?:" + "|".join(sorted(CURRENCIES)) + ")"
# The dollars with a country's letters (S$, A$, HK$, C$), the rand "R", the ringgit "RM",
# the rupee "Rs." and the won "W" of brokers' notes ("W2.1trn") (glued to the number or one
# blank before it) are read as signs.
_CUR_BEFORE: Final = (rf"(?:US\s?\$|U\.S\.\s?\$|NT\$|CN¥|(?<![A-Za-z])(?:SG|AU|CA|HK|[SAC])\$"
                      r"|(?<![A-Za-z])(?:RM|Rs\.?|R|W)(?=\s?\d)|(?<![A-Za-z])\$|¥|₩|€|£|₹|"
                      rf"(?<![A-Za-z]){_CODES}\s?)")
_CJK_CURRENCY: Final = (
    r"(?:米ドル|台湾ドル|シンガポールドル|豪ドル|香港ドル|カナダドル|スイスフラン|インドルピー"
    r"|リンギット|ランド|싱가포르\s?달러|호주\s?달러|홍콩\s?달러|캐나다\s?달러|스위스\s?프랑|링깃"
    r"|ドル|円|ユーロ|ウォン|人民元|달러|유로|위안"
    r"|원(?!전|자력|자로|유|칙|장|인|료|가|활|래|년|하|회|으로부터)"
    r"|엔(?!비|진|지|터|씨))")
_CUR_AFTER: Final = (
    r"(?:\s?(?i:(?:U\.S\.|US|Singapore|Australian|Hong\sKong|Canadian|Taiwan|NT)\s)?"
    r"(?i:dollars?|yen|won|euros?|rand|ringgit|rupees?|(?:Swiss\s)?francs|pounds?)(?![A-Za-z])"
    rf"|\s?{_CODES}(?![A-Za-z])"
    rf"|\s?{_CJK_CURRENCY})")
# The parser's qualifiers, so that a candidate includes them ("no more than $20bn"); not
# the bare abbreviations ("max", "approx"), which would swallow the word before an amount.
_QUAL_WORDS: Final = tuple(w for w in LEADING_QUALIFIERS
                           if w not in ("max", "max.", "min", "min.", "approx"))
_CJK_QUALS: Final = ("約", "およそ", "最大で?", "最高で?", "最低で?", "少なくとも",
                     "약", "최대", "최소", "대략")
_QUAL_BEFORE: Final = (
    "(?:(?:" + "|".join(caseless(w) for w in sorted(_QUAL_WORDS, key=len, reverse=True))
    + r")\s+|(?:" + "|".join(_CJK_QUALS) + r")\s?)?")
# Qualifiers written after an amount; each is one the parser reads (a test checks).
_POST_QUALS: Final = ("以上", "超", "余り", "余", "以下", "未満", "規模", "程度", "前後", "近く",
                      "強", "弱", "이상", "이하", "미만", "까지", "가량", "정도", "내외", "안팎",
                      "수준", "규모")
_QUAL_AFTER: Final = (r"(?:\s?(?:" + "|".join(sorted(_POST_QUALS, key=len, reverse=True))
                      + r")|\s(?i:or more|plus))?")
# Verbs that bound the amount after them ("could exceed $100 billion") ...
_VERBS: Final = ("exceeds?", "exceeded", "tops?", "topped", r"surpass(?:es|ed)?")
_VERB_BEFORE: Final = rf"(?P<verb>(?i:{'|'.join(_VERBS)})\s+)?"
# ... and Japanese and Korean endings that bound the amount before them.
_AT_LEAST_AFTER: Final = ("を超える", "を上回る", "を超え", "超え", "を超す", "를 넘는", "을 넘는",
                          "를 넘어", "을 넘어", "를 넘을", "을 넘을", "를 웃도는", "을 웃도는",
                          "이 넘는", "가 넘는", "이 넘을", "가 넘을", "를 넘긴", "을 넘긴",
                          "를 넘게", "을 넘게", "이 넘게", "가 넘게")
_UP_TO_AFTER: Final = ("を超えない", "を下回る", "以内", "를 넘지 않는", "을 넘지 않는",
                       "이 넘지 않는", "가 넘지 않는", "한도", "상한", "이내", "를 밑도는",
                       "을 밑도는", "에 못 미치는", "에 미치지 못하는")
_POST_VERB: Final = ("(?P<post>\\s?(?:" + "|".join(
    re.escape(w).replace(r"\ ", r"\s?")
    for w in sorted(_AT_LEAST_AFTER + _UP_TO_AFTER, key=len, reverse=True)) + "))?")
_BEFORE_NUMBER: Final = rf"{_QUAL_BEFORE}(?:{_CUR_BEFORE}\s?)?"
# A magnitude may be joined to its number by a hyphen ("$4-billion", as some papers write).
_HYPHEN_MAG: Final = r"-(?i:trillion|billion|million)(?![A-Za-z])"
_BOUND: Final = (rf"{_BEFORE_NUMBER}(?:{_CJK_NUM}|{_NUM}(?:\s?{_WESTERN_MAG}|{_HYPHEN_MAG})?)"
                 rf"(?:{_CUR_AFTER})?{_QUAL_AFTER}")
_JOIN: Final = r"\s*(?:(?i:to|and)|-|–|—|~|∼|〜|から|에서|부터)\s*"
_CANDIDATE: Final = re.compile(rf"{_VERB_BEFORE}{_BOUND}(?:{_JOIN}{_BOUND})?{_POST_VERB}")
_ONE_BOUND: Final = re.compile(_BOUND)
# Where a candidate can start: every part before its first number is optional and none
# holds a digit, and the number starts with one (and may be one digit alone); so a
# candidate starts wherever this matches.
# (Only where it matches counts, not how: its qualifiers are written as a tree of letter
# classes, common beginnings shared, which tries far fewer branches at each character.)
# (And it opens with a verb's or a qualifier's first two letters, in any case, a Japanese
# or Korean qualifier's first character, a currency's, the letters and signs _CUR_BEFORE
# opens with, or the digit itself: tested first, this rules out most places at once.)
_START_OPENS: Final = (
    "(?=" + caseless_tree(tuple(sorted({v[:2] for v in _VERBS}
                                        | {w[:2] for w in _QUAL_WORDS})))
    + "|[" + re.escape("".join(sorted({q[0] for q in _CJK_QUALS} | set("USNCAHRW$¥₩€£₹")
                                        | {c[0] for c in CURRENCIES}))) + r"]|\d)")
_START: Final = re.compile(
    rf"{_START_OPENS}{_VERB_BEFORE}"
    rf"(?:{caseless_tree(_QUAL_WORDS)}\s+|(?:{'|'.join(_CJK_QUALS)})\s?)?"
    rf"(?:{_CUR_BEFORE}\s?)?\d")
_DIGIT: Final = re.compile(r"\d")
_WIDE_SPACE: Final = re.compile(r"\s\s")
_HAS_CURRENCY: Final = re.compile(rf"{_CUR_BEFORE}|{_CUR_AFTER}")
# Where no sign stands (see _plausible), whether _HAS_CURRENCY finds a currency: the same
# answer, from the currencies written without a sign, each without the optional words and
# blanks around it (a match with them holds one without them), every branch opening with
# a character or a class of letters, so that a place is ruled out at once (a test
# compares the two).
_HAS_NAMED_CURRENCY: Final = re.compile("|".join([
    r"R(?<![A-Za-z]R)(?:M|s\.?)?(?=\s?\d)", r"W(?<![A-Za-z]W)(?=\s?\d)",
    *(f"{c[0]}(?<![A-Za-z]{c[0]}){c[1:]}" for c in sorted(CURRENCIES)),
    *(f"{c}(?![A-Za-z])" for c in sorted(CURRENCIES)),
    caseless_tree(("dollar", "dollars", "yen", "won", "euro", "euros", "rand", "ringgit",
                   "rupee", "rupees", "francs", "pound", "pounds")) + "(?![A-Za-z])",
    _CJK_CURRENCY]))
_MAGNITUDE: Final = re.compile(rf"{_WESTERN_MAG}|{_CJK_MAG}")
# Words and signs that also mean something else ("won approval", "R2 road", "300 pounds
# of steel", "the rand"): money only after a magnitude or a grouped number.
_WON_WORD: Final = re.compile(r"(?i:won|pounds?|rand|francs)(?![A-Za-z])"
                             r"|(?<![A-Za-z])[RW](?=\s?\d)")
_GROUPED: Final = re.compile(r"\d,\d{3}")
# Currency signs that mean money wherever they stand in a candidate (a quick first test).
_SIGN: Final = re.compile(r"[$¥₩€£₹]")
# What every currency of _CUR_BEFORE and _CUR_AFTER holds, however it is written and
# whatever stands around it: a sign, a code, "R" or "W" before a figure ("R2", "RM 5"), a
# Japanese or Korean word ("ドル" of "米ドル", "달러" of "호주 달러"), or an English word (in
# any case, so looked for in the lower-cased text: "dollar" of "US Dollars", "nggit" of
# "ringgit", with no letter a case-blind pattern reads beyond ASCII, "ı" for "i"). A text
# holding none names no currency (see _may_hold_money). (Each alternative opens with one
# character, so a search skips at once where none stands.)
_CURRENCY_MARK: Final = re.compile("|".join([
    *map(re.escape, "$¥₩€£₹"), *sorted(CURRENCIES), r"R(?=(?:M|s\.?)?\s?\d)", r"W(?=\s?\d)",
    "ドル", "円", "ユーロ", "ウォン", "人民元", "フラン", "リンギット", "ランド",
    "달러", "유로", "위안", "원", "엔", "링깃", "프랑"]))
_CURRENCY_WORD: Final = re.compile("dollar|yen|won|euro|rand|nggit|rupee|franc|pound")


# A span of figures and marks only (a year, "3.5", "1,000"): no currency can be named in it,
# as each is written with a sign or letters (a quick first test).
_FIGURES_ONLY: Final = re.compile(r"[\d\s.,%()/+\-–—~]*")


def _may_hold_money(text: str) -> bool:
    """Whether ``text`` holds a digit and names a currency somewhere, false only when sure:
    every amount read holds both (see :func:`_plausible`), so a text without them has none
    (a quick first test of a sentence, as most name no currency)."""
    return _DIGIT.search(text) is not None and (
        _CURRENCY_MARK.search(text) is not None
        or _CURRENCY_WORD.search(text.lower()) is not None)


def _plausible(span: str) -> bool:
    """A currency is named; and the English word "won" ("in 2025 won approval"), and the
    other words and signs of :data:`_WON_WORD`, count only with a magnitude or a grouped
    number."""
    if _FIGURES_ONLY.fullmatch(span):
        return False
    if not _SIGN.search(span) and not _HAS_NAMED_CURRENCY.search(span):
        return False
    return not (_WON_WORD.search(span) and not _MAGNITUDE.search(span)
                and not _GROUPED.search(span))


def _parse(text: str) -> MoneyRange | None:
    # (an article repeats its amounts: a reading depends on the text alone and is frozen,
    # so each is kept; emptied when full)
    try:
        return _READ[text]
    except KeyError:
        pass
    if len(_READ) >= _READ_KEPT:
        _READ.clear()
    read = _quick(text)
    if read is None:
        try:
            read = parse_amount(text)
        except InvalidInput:
            read = None
    _READ[text] = read
    return read


_READ: Final[dict[str, MoneyRange | None]] = {}
_READ_KEPT: Final = 20_000


# The commonest amounts, a currency sign, a number and maybe an English magnitude ("$33
# billion", "US$550bn", "RM2.31 trillion") or a number, one Japanese or Korean magnitude
# and a currency word ("5500億ドル", "1500억 달러"), maybe after a plain qualifier ("up to",
# "約"), read without the full parser: the same range (a test compares the two on every
# such amount of the labelled articles), far faster.
# (the parser's English qualifiers of one bound, or of both, in small letters: "up to",
# "more than", "approximately", "close to"...; a test compares the readings)
_QUICK_BOUNDS: Final = {"upto": "high", "atleast": "low", "approx": "both"}
_QUICK_QUALS: Final = {
    **{f"{word} ": _QUICK_BOUNDS[lex.bound] for word, lex in WORDS.items()
       if lex.kind == "qual" and not lex.post and lex.bound in _QUICK_BOUNDS
       and word.replace(" ", "").isascii() and word.replace(" ", "").isalpha()
       and word not in ("max", "min", "approx")},
    "約": "both", "약 ": "both", "最大": "high", "최대 ": "high", "": "both"}
_QUICK: Final = re.compile(
    "(?P<qual>" + "|".join(re.escape(q) for q in sorted(_QUICK_QUALS, key=len, reverse=True)
                           if q) + ")?"
    r"(?:(?P<sign>US\$|HK\$|NT\$|S\$|A\$|C\$|RM|R|\$|¥|₩|€|£) ?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|[1-9]\d{0,11}|0)(?:\.(?P<frac>\d{1,6}))?"
    r"(?: ?(?P<mag>trillion|billion|million|tn|bn|m))?"
    r"|(?P<cnum>[1-9]\d{0,4})(?:\.(?P<cfrac>\d{1,3}))?(?P<cmag>[兆億万조억만]) ?"
    r"(?P<cur>米ドル|ドル|円|달러|원))")
_QUICK_SIGN: Final = {"US$": "USD", "$": "USD", "HK$": "HKD", "NT$": "TWD", "S$": "SGD",
                      "A$": "AUD", "C$": "CAD", "RM": "MYR", "R": "ZAR", "¥": "JPY",
                      "₩": "KRW", "€": "EUR", "£": "GBP", "米ドル": "USD", "ドル": "USD",
                      "円": "JPY", "달러": "USD", "원": "KRW"}
_QUICK_EXPONENT: Final = {None: 0, "trillion": 12, "tn": 12, "billion": 9, "bn": 9,
                          "million": 6, "m": 6, "兆": 12, "조": 12, "億": 8, "억": 8,
                          "万": 4, "만": 4}
_ONE: Final = Decimal(1)
_QUICK_MAX: Final = Decimal(10) ** 12    # below every currency's ceiling


def _quick(text: str) -> MoneyRange | None:
    m = _QUICK.fullmatch(text)
    if m is None:
        return None
    cjk = m.group("cnum") is not None
    whole, fraction = (m.group("cnum"), m.group("cfrac")) if cjk else (m.group("num"),
                                                                        m.group("frac"))
    value = Decimal(whole.replace(",", "") + ("." + fraction if fraction else ""))
    magnitude = m.group("cmag") if cjk else m.group("mag")
    value = value.scaleb(_QUICK_EXPONENT[magnitude])
    currency = _QUICK_SIGN[m.group("cur") if cjk else m.group("sign")]
    # With a magnitude the amount is whole (six decimals at most, of a million or more; three
    # of 万): up to its currency's ceiling, the parser reads it as here. Without one, only
    # amounts below every ceiling are read here.
    if not value or value >= (MAX_AMOUNT[currency] if magnitude else _QUICK_MAX):
        return None
    value = value.quantize(_ONE) if value == value.to_integral_value() else value.normalize()
    bound = _QUICK_QUALS[m.group("qual") or ""]
    return MoneyRange(None if bound == "high" else value, None if bound == "low" else value,
                      currency, text)


_HANGUL: Final = re.compile(r"[\uac00-\ud7af]")
_AFTER_DE: Final = re.compile(r"(最大|最高|最低)で")


def _drop_de(text: str) -> str:
    """"最大で" read as "最大" (and 最高で, 最低で)."""
    return _AFTER_DE.sub(r"\1", text) if "で" in text else text


# A bounding verb negated before it ("would not exceed $5bn", "not to top") caps the amount.
_NEGATED: Final = re.compile(r"(?i:\bnot|\bnever|n't|\bcannot)\s+(?:to\s+)?$")


def _parse_text(m: re.Match[str]) -> str:
    """The candidate as the parser reads it: a bounding verb becomes the parser's own
    qualifier ("exceed $1bn" reads "more than $1bn"; "1兆円を超える" reads "1兆円以上")."""
    text = m.group()
    verb, post = m.group("verb"), m.group("post")
    if post:
        text = text[:len(text) - len(post)]
        words = post.strip().replace(" ", "")
        at_least = any(words == w.replace(" ", "") for w in _AT_LEAST_AFTER)
        korean = bool(_HANGUL.search(post))
        text += ("이상" if at_least else "이하") if korean else ("以上" if at_least else "以下")
    if verb:
        negated = _NEGATED.search(m.string, max(0, m.start() - 16), m.start())
        text = ("up to " if negated else "more than ") + text[len(verb):]
    return _won_sign(_unhyphen(_drop_de(text))).strip()


_BROKER_WON: Final = re.compile(r"(?<![A-Za-z])W(?=\s?\d)")


def _won_sign(text: str) -> str:
    """"W2.1trn" (a broker's won) read as "₩2.1trn"."""
    return _BROKER_WON.sub("₩", text) if "W" in text else text


_HYPHENED: Final = re.compile(r"(?<=\d)-(?=(?i:trillion|billion|million)(?![A-Za-z]))")


def _unhyphen(text: str) -> str:
    """"$4-billion" read as "$4 billion"."""
    return _HYPHENED.sub(" ", text) if "illion" in text.lower() else text


def _lead() -> int:
    """The most characters before its first digit a candidate can start, when no two
    blanks stand together: a verb, a qualifier ("no more than", "少なくとも"), a currency
    ("U.S. $", "USD ") and the single blanks after each."""
    verbs = max(len(v) for v in ("exceeded", "surpasses", "surpassed", "topped"))
    quals = max([len(w) for w in _QUAL_WORDS] + [len(w.replace("?", "")) for w in _CJK_QUALS])
    currencies = max([len("U.S. $"), len("NT$"), len("CN¥"), len("SG$"), len("Rs.")]
                     + [len(c) for c in CURRENCIES])
    return (verbs + 1) + (quals + 1) + (currencies + 1) + 1


_LEAD: Final = _lead()
# How the text before a lead's last blank can end: a qualifier's last word, a verb or a
# currency code (lower-cased), a currency sign, a Japanese or Korean qualifier.
_LEAD_ENDS: Final = tuple(sorted(
    {w.split()[-1].lower() for w in _QUAL_WORDS}
    | {"exceed", "exceeds", "exceeded", "top", "tops", "topped", "surpass", "surpasses",
       "surpassed"} | {c.lower() for c in CURRENCIES}
    | {"$", "¥", "₩", "€", "£", "₹"}
    | {q.rstrip("?")[-1] for q in _CJK_QUALS}
    | {q[:-2][-1] for q in _CJK_QUALS if q.endswith("?")}))
_LEAD_END_SIZE: Final = max(map(len, _LEAD_ENDS))
# The currencies written with letters of one case only, "R", "RM", "Rs", "W" ("December 5"
# does not end with the rand).
_SIGN_LETTERS: Final = ("R", "RM", "Rs", "Rs.", "W")


def _may_lead(text: str, lo: int, d: int) -> bool:
    """Whether a candidate could start in [lo, d), before the digit at ``d``: false only
    when sure, as the text just before the digit (past one blank) ends with nothing a
    lead can end with."""
    j = d - 1 if d > lo and text[d - 1].isspace() else d
    before = text[max(lo, j - _LEAD_END_SIZE):j]
    if not before:
        return False
    return (bool(FOLDS_TO_ASCII.search(before)) or before.lower().endswith(_LEAD_ENDS)
            or before.endswith(_SIGN_LETTERS))


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """The same matches as ``_CANDIDATE.finditer(text)``, found by looking only shortly
    before each digit: a candidate's start is found with :data:`_START` in the
    :data:`_LEAD` characters before the first digit after the last candidate (and after
    the digits already tried), then the candidate is matched from there. Text with two
    blanks together is scanned whole, as the lead could be longer there. (Every candidate
    holds a digit: a text without one has none.)"""
    digit = _DIGIT.search(text)
    if digit is None:
        return
    if _WIDE_SPACE.search(text):
        yield from _CANDIDATE.finditer(text)
        return
    scanned = 0     # no candidate starts before this (or overlaps the last one found)
    while digit is not None:
        d = digit.start()
        # A start before the last digit tried would have been found with that digit.
        lo = max(scanned, d - _LEAD)
        start = _START.search(text, lo, d + 1) if _may_lead(text, lo, d) else digit
        m = _CANDIDATE.match(text, start.start()) if start is not None else None
        if m is None:   # (never when a start was found: see _START)
            scanned = d + 1
        else:
            yield m
            scanned = m.end()
        digit = _DIGIT.search(text, scanned)


# A price per unit ("$80 a barrel", "$3.23 per share", "¥150/kWh") is not an amount
# invested; nor a share price ("shares closed at $3.23", "a share price of A$1.10").
_PER_UNIT: Final = re.compile(
    r"\s*(?:a|an|per|each|/)\s*(?i:share|barrel|bbl|tonne|ton|metric ton|ounce|troy ounce|oz"
    r"|pound|lb|kilogram|kg|gram|gallon|litre|liter|cubic metre|kWh|MWh|GWh|MMBtu|Btu"
    r"|kilowatt[- ]hour|megawatt[- ]hour|unit|piece|chip|wafer|vehicle|car|head|hour"
    r"|carat|ct)s?"
    r"(?![A-Za-z])|\s?(?:/(?:株|トン|バレル|kWh)|1株|毎株|주당)"
    r"|\s+(?:to|against)\s+the\s+(?:US\s+|U\.S\.\s+)?dollar(?![A-Za-z])"
    # "per" and any unit but a period ("$6 per fiber-kilometer", "$1m per job"; "$20bn per
    # year" is an amount, paid each year)
    r"|\s*(?i:per)\s+(?!(?i:year|annum|month|quarter|week|day|cent)\b)[A-Za-z]"
    # a currency's move ("every ¥1 move against the dollar")
    r"|\s+(?i:move|swing|change)\s+(?i:in|against|of)\b")
# A unit named before the price ("1トン当たり400ドル", "100万BTU当たり8ドル", "톤당 400달러"), a
# wage per hour ("시급이 50달러", "時給15ドル", "an hourly wage of $45"), a share's move and
# price ("8%高の1050円", "1.1% 내린 41만 5000원", "41만 5000원에 거래를 마쳤다").
_UNIT_BEFORE: Final = re.compile(
    r"(?:当たり|あたり|[가-힣A-Za-z]당|時給|時間給|시급|時給は|시급은|시급이|시간당"
    r"|(?i:hourly\s+(?:wage|pay|rate)s?\s+(?:of\s+)?))\s?(?:約|약\s?|about\s)?$")
_SHARE_MOVE_BEFORE: Final = re.compile(r"%\s?(?:高|安)の?\s?$|%\s?(?:오른|내린|상승한|하락한)\s?$")
_SHARE_CLOSE_AFTER: Final = re.compile(r"(?:에\s?(?:거래를\s?마쳤|장을\s?마쳤|마감)"
                                       r"|で(?:取引を)?終え|で引け|を付けた)")
# Between the words of shares and the price: no end of a sentence and no other amount (a
# decimal point between digits, "rose 3.5 per cent to $98.40", is no full stop; nor one
# line break of a hard-wrapped wire story).
_GAP: Final = r"(?:[^.;!?\n$¥₩€£]|(?<=\d)\.(?=\d)|\n(?!\n))"
_PRICE_BEFORE: Final = re.compile(
    rf"(?i:\b(?:shares?|stock|ADRs?|share price|stock price|closing price|unit price"
    rf"|target price|price target|target|priced|trading|traded)\b{_GAP}{{0,48}}"
    rf"|per[- ]share\s|1株|주가)$"
    r"|(?:株|株価|주가)(?:[^。.]|(?<=\d)\.(?=\d)){0,30}$"
    r"|(?i:(?:%|\bper\s?cent)\s+(?:higher|lower|up|down)?\s*(?:to|at)\s*"
    r"|\b(?:closed|ended|finished|opened)\s+(?:[a-z]+\s+){0,2}at\s*)$"
    r"|(?:株価|주가)(?:[^。.]|(?<=\d)\.(?=\d)){0,30}$")
_PRICE_LOOKBACK: Final = 80
# Magnitudes that make an amount too large for a price (万, 千, 만, 천 do not: "11만2천원").
_LARGE: Final = re.compile(rf"(?<![A-Za-z]){_WESTERN_MAG}|[兆億조억]")


def _is_price(text: str, m: re.Match[str], span: str) -> bool:
    """Whether the amount at ``m`` is a price: per unit (whatever its size), or a share
    price (an amount without a magnitude after words of shares and prices)."""
    if _PER_UNIT.match(text, m.end()) or _UNIT_BEFORE.search(text, max(0, m.start() - 14),
                                                              m.start()):
        return True
    if _LARGE.search(span):
        return False
    if _SHARE_MOVE_BEFORE.search(text, max(0, m.start() - 12), m.start()) or \
            _SHARE_CLOSE_AFTER.match(text, m.end()):
        return True
    before = text[max(0, m.start() - _PRICE_LOOKBACK):m.start()]
    return bool(_PRICE_BEFORE.search(before))


_FROM: Final = re.compile(r"(?i:from)\s")
# A ceiling named before an amount ("an annual cap of US$20bn", "capped at $5bn", "上限
# 1000億ドル", "상한 200억 달러"): the amount is the most there can be.
_CAP_BEFORE: Final = re.compile(r"(?:\b(?i:cap|ceiling|limit)\s+of\s+|\b(?i:capped)\s+at\s+"
                                r"|上限(?:は|で)?\s?|(?:상한|한도)(?:은|는|로)?\s?)$")


def find_amounts(text: str) -> list[AmountHit]:
    """Every amount of money in ``text``, in order (percentages, counts and prices are not
    money invested: "15%", "45 days", "$3.23 a share", "$80 a barrel")."""
    hits: list[AmountHit] = []
    for m in _candidates(text) if _may_hold_money(text) else ():
        span = m.group().strip()
        if not span or not _plausible(span) or _is_price(text, m, span):
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        read = _parse_text(m)
        if _FROM.match(read) and text[:start].rstrip().endswith(("(", "（")):
            read = read[5:]    # "(from W1.8trn)": the figure before, not a lower bound
        parsed = _parse(read)
        if parsed is not None and parsed.low == parsed.high and _CAP_BEFORE.search(
                text, max(0, start - 30), start):
            parsed = MoneyRange(None, parsed.high, parsed.currency, parsed.text)
        if parsed is not None:
            hits.append(AmountHit(start, start + len(span), span, parsed, 0.95))
            continue
        for part in _ONE_BOUND.finditer(text, m.start(), m.end()):
            piece = part.group().strip()
            if not piece or not _plausible(piece):
                continue
            one = _parse(_won_sign(_unhyphen(_drop_de(piece))))
            if one is not None:
                begin = part.start() + (len(part.group()) - len(part.group().lstrip()))
                hits.append(AmountHit(begin, begin + len(piece), piece, one, 0.8))
    words = find_word_amounts(text)
    if words:
        taken = [(h.start, h.end) for h in hits]
        hits += [AmountHit(w.start, w.end, w.text, w.range, w.confidence, w.note)
                 for w in words if not any(s < w.end and w.start < e for s, e in taken)]
        hits.sort(key=lambda h: h.start)
    return hits
