"""The parser's token pattern, written with trees of letter classes, cuts text into the
same tokens as the plain alternation of its words and signs, longest first, read case-blind
(the pattern it replaced, for speed)."""

from __future__ import annotations

import random
import re

from pledge.domain.amount_words import SYMBOLS, TOKEN, WORDS


def _alternation(keys: list[str], words: bool) -> str:
    ordered = sorted(keys, key=len, reverse=True)
    if words:
        return "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in ordered)
    return "|".join(re.escape(k) for k in ordered)


_PLAIN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<num>(?:[0-9]|\.[0-9])(?:[0-9,_.]*[0-9])?)"
    rf"|(?<![A-Za-z])(?P<word>{_alternation(list(WORDS), True)})(?![A-Za-z])"
    rf"|(?P<sym>{_alternation(list(SYMBOLS), False)})"
    r"|(?P<alpha>[A-Za-z]+)"
    r"|(?P<other>.)",
    re.IGNORECASE | re.DOTALL,
)


def _tokens(pattern: re.Pattern[str], text: str) -> list[tuple[str | None, str, int]]:
    return [(m.lastgroup, m.group(), m.start()) for m in pattern.finditer(text)]


def _case(rng: random.Random, text: str) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c for c in text)


def test_tokens_match_the_plain_alternation() -> None:
    rng = random.Random(7)
    pieces = [*WORDS, *SYMBOLS, " ", "  ", "\t", "\n", "5", "1,000", ".5", "2.5", "x", "ab",
              "s", "ſ", "K", "\u212a", "İ", "ı", ".", ",", "-", "円", "억", "$", "US", "U.S.",
              "dollar", "an", "and", "a", "to", "bn", "trillion"]
    fixed = ["US$550 billion", "between $5 billion and $7 billion", "up to $25 billion",
             "5兆2000億円", "약 5조 원", "U.S. $ 5 bn", "US $5bn", "NT dollars 5", "Rs. 5 crore",
             "no  more\tthan 5 U.S.  dollars", "approx. 5 yen", "approxx 5 yen", "rs.5",
             "5 pounds sterling", "5 poundsx", "max.5", "ſome 5 ſterling", "\u212a 5"]
    texts = fixed + ["".join(_case(rng, rng.choice(pieces)) for _ in range(rng.randint(1, 8)))
                     for _ in range(20000)]
    for text in texts:
        assert _tokens(TOKEN, text) == _tokens(_PLAIN, text), text
