"""The words, symbols and patterns the amount parser reads.

What each known currency sign, magnitude ("bn", "兆", "억"), qualifier ("up to",
"以上", "최대"), range mark and percentage word means (:data:`SYMBOLS` for symbols
and non-Latin words, matched anywhere; :data:`WORDS` for Latin words, matched whole),
and the token pattern built from them once, at import. The grammar that groups the
tokens into amounts is :mod:`pledge.domain.amount_parser`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class Lex:
    """What a known word or symbol means."""

    kind: str            # cur, unit, qual, range, dash, tilde, pct, between, and
    code: str = ""       # cur: the ISO code
    exponent: int = 0    # unit: power of ten
    small: bool = False  # unit: multiplies within a group (千 百 十 천 백 십)
    western: bool = False  # unit: thousand/million/billion/trillion and abbreviations
    bound: str = ""      # qual: upto, atleast, approx, from
    post: bool = False   # qual: written after the amount (以上, or more, +)


# The helpers below build the word tables and the token pattern once, at import. A
# mutation tester that switches mutants on per call never reaches them, so they are
# left out of `make mutate`; the tables they build are what every parser test reads.
# pragma: no mutate start
def _cur(code: str) -> Lex:
    return Lex("cur", code=code)


def _unit(exponent: int, *, small: bool = False, western: bool = False) -> Lex:
    return Lex("unit", exponent=exponent, small=small, western=western)


def _qual(bound: str, *, post: bool = False) -> Lex:
    return Lex("qual", bound=bound, post=post)


def _many(lex: Lex, *keys: str) -> dict[str, Lex]:
    return dict.fromkeys(keys, lex)
# pragma: no mutate end


_RANGE: Final = Lex("range")

# Symbols and non-Latin words (matched anywhere, longest first, any case).
SYMBOLS: Final[dict[str, Lex]] = {
    **_many(_cur("USD"), "US$", "U.S.$", "US $", "U.S. $", "$", "ドル", "米ドル", "美元", "달러",
            "미국달러", "弗"),
    **_many(_cur("JPY"), "¥", "円", "日元", "엔"),
    **_many(_cur("KRW"), "₩", "원", "ウォン", "韩元"),
    **_many(_cur("EUR"), "€", "ユーロ", "유로", "欧元"),
    **_many(_cur("TWD"), "NT$", "台湾ドル", "新台幣", "台幣", "대만달러"),
    **_many(_cur("CNY"), "CN¥", "元", "人民元", "人民币", "위안"),
    **_many(_cur("GBP"), "£", "ポンド", "파운드", "英镑"),
    **_many(_cur("SGD"), "S$", "SG$", "シンガポールドル", "싱가포르달러", "新加坡元"),
    **_many(_cur("AUD"), "A$", "AU$", "豪ドル", "호주달러", "澳元"),
    **_many(_cur("HKD"), "HK$", "香港ドル", "홍콩달러", "港元", "港币"),
    **_many(_cur("CAD"), "C$", "CA$", "カナダドル", "캐나다달러", "加元"),
    **_many(_cur("CHF"), "スイスフラン", "스위스프랑", "瑞士法郎"),
    **_many(_cur("INR"), "₹", "インドルピー", "루피"),
    **_many(_cur("MYR"), "リンギット", "링깃"),
    **_many(_cur("ZAR"), "ランド", "랜드"),
    **_many(_unit(1, small=True), "十", "십"),
    **_many(_unit(2, small=True), "百", "백"),
    **_many(_unit(3, small=True), "千", "천"),
    **_many(_unit(4), "万", "萬", "만"),
    **_many(_unit(8), "億", "亿", "억"),
    **_many(_unit(12), "兆", "조"),
    **_many(_qual("upto"), "最大", "最高", "최대", "<", "≤"),
    **_many(_qual("atleast"), "最低", "最小", "少なくとも", "최소", ">", "≥"),
    **_many(_qual("approx"), "約", "およそ", "概ね", "약", "대략", "≈"),
    # 強 / 弱 after an amount: a little over / a little under it ("1兆円強")
    **_many(_qual("atleast", post=True), "超", "以上", "余り", "余", "이상", "여", "+", "強"),
    **_many(_qual("upto", post=True), "以下", "未満", "이하", "미만", "까지", "弱"),
    **_many(_qual("approx", post=True), "程度", "前後", "ほど", "近く", "規模",
            "가량", "정도", "내외", "규모", "안팎", "수준"),
    **_many(_RANGE, "–", "—", "‒", "〜", "∼", "～", "から", "부터", "에서"),
    **_many(Lex("dash"), "-", "‐", "‑", "−"),
    "~": Lex("tilde"),
    **_many(Lex("pct"), "%", "パーセント", "퍼센트"),
}

# Latin words and phrases (whole words, case-insensitive, single spaces here).
WORDS: Final[dict[str, Lex]] = {
    **_many(_cur("USD"), "usd", "dollar", "dollars", "us dollar", "us dollars", "u.s. dollar",
            "u.s. dollars"),
    **_many(_cur("JPY"), "jpy", "yen", "japanese yen"),
    **_many(_cur("KRW"), "krw", "won", "korean won"),
    **_many(_cur("EUR"), "eur", "euro", "euros"),
    **_many(_cur("TWD"), "twd", "ntd", "nt dollar", "nt dollars", "taiwan dollar",
            "taiwan dollars", "new taiwan dollar", "new taiwan dollars"),
    **_many(_cur("CNY"), "cny", "rmb", "yuan", "renminbi"),
    **_many(_cur("GBP"), "gbp", "pound", "pounds", "pounds sterling", "sterling"),
    **_many(_cur("SGD"), "sgd", "singapore dollar", "singapore dollars"),
    **_many(_cur("AUD"), "aud", "australian dollar", "australian dollars"),
    **_many(_cur("HKD"), "hkd", "hong kong dollar", "hong kong dollars"),
    **_many(_cur("CAD"), "cad", "canadian dollar", "canadian dollars"),
    **_many(_cur("CHF"), "chf", "swiss franc", "swiss francs", "francs", "sfr"),
    **_many(_cur("INR"), "inr", "rupee", "rupees", "rs", "rs."),
    **_many(_cur("MYR"), "myr", "rm", "ringgit"),
    **_many(_cur("ZAR"), "zar", "r", "rand"),
    **_many(_unit(3, western=True), "thousand", "k"),
    **_many(_unit(6, western=True), "million", "m", "mn", "mln", "mil"),
    **_many(_unit(9, western=True), "billion", "bn", "b", "bln"),
    **_many(_unit(12, western=True), "trillion", "tn", "t", "trn"),
    **_many(_unit(5, western=True), "lakh", "lakhs"),
    **_many(_unit(7, western=True), "crore", "crores"),
    **_many(_qual("upto"), "up to", "as much as", "as high as", "at most", "no more than",
            "not more than", "less than", "under", "just under", "below", "a maximum of",
            "maximum of", "max", "max.", "not exceeding"),
    **_many(_qual("atleast"), "at least", "over", "well over", "just over", "more than",
            "above", "in excess of", "upwards of", "no less than", "not less than",
            "a minimum of", "minimum of", "min", "min.", "exceeding"),
    **_many(_qual("approx"), "about", "around", "roughly", "approximately", "approx",
            "approx.", "some", "nearly", "almost", "circa", "an estimated", "estimated",
            "close to"),
    "from": _qual("from"),
    **_many(_qual("atleast", post=True), "or more", "plus", "or above", "and above", "and up",
            "or over", "and over"),
    **_many(_qual("upto", post=True), "or less", "or below", "and below", "or under", "and under"),
    "between": Lex("between"),
    "and": Lex("and"),
    "to": _RANGE,
    **_many(Lex("pct"), "percent", "per cent", "pct"),
}

# The words that bound or qualify an amount written before it ("up to", "between"), for
# readers that must find where a written amount begins.
LEADING_QUALIFIERS: Final = tuple(k for k, v in WORDS.items()
                                  if v.kind in ("qual", "between") and not v.post)


SYMBOLS_LOWER: Final = {k.lower(): v for k, v in SYMBOLS.items()}


# Letters beyond ASCII that a case-blind pattern matches to ASCII ones ("ſ" to "s"; see
# caseless). The reader's quick tests before case-blind scans rest on the same four.
FOLDING_TO_ASCII: Final = "\u0130\u0131\u017f\u212a"


# pragma: no mutate start (run once, at import: see _cur above)
def caseless(word: str, blank: str = r"\s+") -> str:
    r"""``word`` as a pattern matching it in any case, each letter a class of the characters
    a case-blind pattern matches it to ("about" is "[aA][bB]..."; an "s" also matches "ſ"),
    blanks as ``blank`` (``\s+`` unless told): the same strings as ``(?i:word)``, found
    faster, as a branch that opens with a class is skipped at once where its first letter
    is not. (Every other character of the words here matches itself alone in any case.)"""
    out = []
    for ch in word:
        if ch == " ":
            out.append(blank)
        elif ch.isascii() and ch.isalpha():
            same = dict.fromkeys(ch.lower() + ch.upper() + FOLDING_TO_ASCII)
            out.append("[" + "".join(c for c in same if re.fullmatch("(?i)" + ch, c)) + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def caseless_tree(words: Iterable[str], blank: str = r"\s+") -> str:
    """A pattern matching the same strings as ``(?:caseless(w1)|caseless(w2)|...)``, with
    the words' common beginnings shared. Branches that part open with different
    characters, so at most one of them can go on at a place; and each tries the longer
    words first, so where several words match at a place the longest is taken first, as
    in an alternation of the words longest first."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict[str, Any]) -> str:
        branches = [caseless(ch, blank) + walk(child) for ch, child in node.items() if ch]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return walk(tree)
# pragma: no mutate end


# The words and signs are written as trees of letter classes (case-blind by their classes,
# not by the flag): the same tokens as an alternation of them longest first, far fewer
# branches tried at each place.
TOKEN: Final = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<num>(?:[0-9]|\.[0-9])(?:[0-9,_.]*[0-9])?)"
    rf"|(?<![A-Za-z])(?P<word>(?-i:{caseless_tree(WORDS)}))(?![A-Za-z])"
    rf"|(?P<sym>(?-i:{caseless_tree(SYMBOLS, re.escape(' '))}))"
    r"|(?P<alpha>[A-Za-z]+)"
    r"|(?P<other>.)",
    re.IGNORECASE | re.DOTALL,
)
GOOD_NUMBER: Final = re.compile(
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:_[0-9]+)*)(?:\.[0-9]+)?|\.[0-9]+")
