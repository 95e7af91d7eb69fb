"""The one parser for amounts of money as people write them.

Reads English, Japanese and Korean notations: "US$550 billion", "$0.6B",
"6–7 trillion yen", "between $5 billion and $7 billion", "up to $25 billion",
"5兆2000億円", "約5兆700億円", "1000億ドル規模", "최대 1000억 달러", "2조 5천억 원",
"₩509조".

It works in two passes. The text is first cut into tokens (numbers, magnitudes,
currencies, qualifiers such as "up to" or "以上", range marks such as "to", "–"
or "～", and anything unrecognised; the words and the token pattern are in
:mod:`pledge.domain.amount_words`). The tokens are then grouped into one or two
*bounds*, each evaluated to an exact ``Decimal``. Problems are collected, not
raised one at a time, so a caller sees every fault of the text at once.

Full-width characters are folded first (NFKC), but each problem quotes the
offending substring of the text *as given*. Use it through
:func:`pledge.domain.money.parse_amount`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, localcontext
from typing import Final

from pledge.domain.amount_words import (
    GOOD_NUMBER,
    LEADING_QUALIFIERS,
    SYMBOLS_LOWER,
    TOKEN,
    WORDS,
    Lex,
)
from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.money import CURRENCIES, D, MoneyRange, check_ceiling, plain

FIELD: Final = "amount"

__all__ = ["FIELD", "LEADING_QUALIFIERS", "parse_amount"]

# Exact arithmetic: anything that would round is an error, not a silent change.
_EXACT: Final = Context(prec=60, traps=[Inexact, InvalidOperation, Overflow])
_MAX_DIGITS: Final = 40




@dataclass(slots=True)
class _Tok:
    kind: str                 # num, junk, or a Lex kind
    text: str
    start: int
    end: int
    lex: Lex | None = None
    value: Decimal | None = None   # num: the number, or None if malformed
    index: int = 0                 # position among the non-space tokens


@dataclass(slots=True)
class _Bound:
    """One side of a range, as it is being read."""

    parts: list[_Tok] = field(default_factory=list)   # numbers and magnitudes
    curs: list[_Tok] = field(default_factory=list)
    quals: list[_Tok] = field(default_factory=list)
    minus: _Tok | None = None
    pct: _Tok | None = None
    phase: int = 0            # 0 before the number, 1 in it, 2 after it
    bad: bool = False         # a problem inside was already reported
    value: Decimal | None = None
    lead_scale: Decimal = Decimal(1)
    has_units: bool = False

    def tokens(self) -> list[_Tok]:
        extra = [t for t in (self.minus, self.pct) if t is not None]
        return [*self.parts, *self.curs, *self.quals, *extra]

    def span(self) -> tuple[int, int]:
        toks = self.tokens()
        return min(t.start for t in toks), max(t.end for t in toks)

    def code(self) -> str | None:
        return self.curs[0].lex.code if self.curs and self.curs[0].lex else None

    def bounds(self) -> set[str]:
        return {"approx" if t.kind == "tilde" else t.lex.bound for t in self.quals if t.lex}


class _Reader:
    """Reads one text; collects problems as (position, Problem)."""

    def __init__(self, text: str) -> None:
        self.text = text
        if text.isascii():      # NFKC leaves ASCII as it is
            self.norm = text
            self.origin = list(range(len(text)))
        else:
            chars: list[str] = []
            self.origin = []
            for i, ch in enumerate(text):
                folded = unicodedata.normalize("NFKC", ch)
                chars.append(folded)
                self.origin.extend([i] * len(folded))
            self.norm = "".join(chars)
        self.problems: list[tuple[int, Problem]] = []
        self.unknown_currency = False

    def quote(self, start: int, end: int) -> str:
        """The text as given behind the normalised span [start, end)."""
        return self.text[self.origin[start]:self.origin[end - 1] + 1].strip()

    def add(self, rule: str, span: tuple[int, int], message: str) -> None:
        self.problems.append((span[0], Problem(FIELD, self.quote(*span), rule, message)))

    # -- pass 1 --------------------------------------------------------------
    def tokenize(self) -> list[_Tok]:
        toks: list[_Tok] = []
        for m in TOKEN.finditer(self.norm):
            kind = m.lastgroup or "other"
            if kind == "space":
                continue
            text = m.group()
            tok = _Tok(kind, text, m.start(), m.end())
            if kind == "num":
                tok.value = self._number(tok)
            elif kind == "word":
                tok.lex = WORDS[" ".join(text.lower().split())]
                tok.kind = tok.lex.kind
            elif kind == "sym":
                tok.lex = SYMBOLS_LOWER[text.lower()]
                tok.kind = tok.lex.kind
            else:
                tok.kind = "junk"
            toks.append(tok)
        if toks and toks[-1].kind == "junk" and toks[-1].text in {".", "。"} and len(toks) > 1:
            toks.pop()  # a full stop ending the text
        for i, tok in enumerate(toks):
            tok.index = i
        return toks

    def _number(self, tok: _Tok) -> Decimal | None:
        digits = sum(ch.isdigit() for ch in tok.text)
        if not GOOD_NUMBER.fullmatch(tok.text) or digits > _MAX_DIGITS:
            self.add("money.bad_number", (tok.start, tok.end),
                     f"'{tok.text}' is not a number (use digits, '.' for decimals and ',' "
                     "between groups of three)")
            return None
        return D(tok.text)

    # -- pass 2 --------------------------------------------------------------
    def group(self, toks: list[_Tok]) -> tuple[list[_Bound], list[_Tok], _Tok | None]:
        """Split the tokens into bounds at the range marks; note stray tokens."""
        bounds: list[_Bound] = []
        marks: list[_Tok] = []
        junk: list[_Tok] = []
        between: _Tok | None = None
        b = _Bound()
        prev: _Tok | None = None
        tail = False
        for tok in toks:
            k = tok.kind
            lex = tok.lex
            if tail:
                junk.append(tok)
            elif k == "num":
                if b.phase == 0 or (b.phase == 1 and prev is not None and prev.kind == "unit"):
                    b.phase = 1
                    b.parts.append(tok)
                elif b.phase == 1 and prev is not None and prev.kind == "num":
                    self.add("money.bad_number", (prev.start, tok.end),
                             "two numbers in a row (digits are grouped with ',', not spaces)")
                    b.bad = True
                    b.parts.append(tok)
                else:
                    tail = True
                    if prev is not None and len(b.curs) > 1 and b.curs[-1] is prev \
                            and prev.start > b.parts[-1].start:
                        junk.append(b.curs.pop())   # "$5bn + $6bn": the "$" starts the tail
                    junk.append(tok)
            elif k == "unit" and b.phase < 2:
                b.phase = 1
                b.parts.append(tok)
            elif k == "cur":
                b.curs.append(tok)
                b.phase = 2 if b.phase else 0
            elif k == "qual" and lex is not None and not lex.post and b.phase == 0:
                b.quals.append(tok)
            elif k == "qual" and lex is not None and lex.post and b.phase > 0:
                b.quals.append(tok)
                b.phase = 2
            elif k == "pct" and b.phase > 0:
                b.pct = tok
                b.phase = 2
            elif k == "between" and between is None and not bounds and not b.tokens():
                between = tok
            elif k in {"range", "dash", "tilde"} or (k == "and" and between is not None):
                if b.phase > 0:
                    bounds.append(b)
                    marks.append(tok)
                    b = _Bound()
                elif k == "dash" and b.minus is None:
                    b.minus = tok
                elif k == "tilde" and not bounds and not b.tokens():
                    b.quals.append(tok)          # a leading "~" means "about"
                else:
                    self.add("money.bad_range", (tok.start, tok.end),
                             f"'{tok.text}' joins two amounts but there is none before it")
                    b.bad = True
            elif k == "junk" and prev is not None and prev.kind == "num" and b.phase == 1 \
                    and tok.text.isalpha() and tok.text.isascii():
                self.add("money.unknown_unit", (tok.start, tok.end),
                         f"'{tok.text}' is not a known magnitude (thousand, million, billion, "
                         "trillion, k, m, bn, tn, 万, 億, 兆, 만, 억, 조)")
                b.bad = True
            elif k == "junk" and re.fullmatch(r"[A-Z]{3}", tok.text):
                self.add("money.unknown_currency", (tok.start, tok.end),
                         f"'{tok.text}' is not a known currency (known: {', '.join(CURRENCIES)})")
                b.bad = self.unknown_currency = True
                b.phase = 2 if b.phase else 0
            else:
                tail = b.phase > 0   # after an amount, the rest is trailing text
                junk.append(tok)
            prev = tok
        bounds.append(b)
        self._junk(junk, toks)
        return bounds, marks, between

    def _junk(self, junk: list[_Tok], toks: list[_Tok]) -> None:
        runs: list[list[_Tok]] = []
        for tok in junk:
            if runs and runs[-1][-1].index == tok.index - 1:
                runs[-1].append(tok)
            else:
                runs.append([tok])
        for run in runs:
            span = (run[0].start, run[-1].end)
            if run[-1].index == len(toks) - 1:
                self.add("money.trailing_text", span,
                         f"unexpected text after the amount: '{self.quote(*span)}'")
            else:
                self.add("money.unexpected_text", span,
                         f"'{self.quote(*span)}' is not part of an amount")

    def evaluate(self, b: _Bound) -> None:
        """Work out ``b.value`` (left ``None`` when the number is malformed)."""
        if b.bad or any(t.kind == "num" and t.value is None for t in b.parts):
            return
        span = (b.parts[0].start, b.parts[-1].end)
        try:
            with localcontext(_EXACT):
                result = _combine(b.parts)
        except (Inexact, InvalidOperation, Overflow):
            result = "too many digits to hold exactly"
        if isinstance(result, str):
            self.add("money.bad_number", span, result)
            b.bad = True
            return
        b.value, b.lead_scale, b.has_units = result


def _combine(parts: list[_Tok]) -> tuple[Decimal, Decimal, bool] | str:
    """Value of numbers and magnitudes ("5", "bn"; "5", "兆", "2000", "億"; "2", "조", "5",
    "천", "억"), the scale of the first number, and whether there was a magnitude; or why
    it cannot be read."""
    western = [p for p in parts if p.lex is not None and p.lex.western]
    if western and (len(parts) != 2 or parts[0].kind != "num"):
        return f"'{western[0].text}' must follow a single number and end it"
    total = section = Decimal(0)
    current: Decimal | None = None
    last_big: int | None = None
    last_small: int | None = None
    for i, p in enumerate(parts):
        if p.kind == "num":
            current = p.value
            continue
        assert p.lex is not None
        e = p.lex.exponent
        if p.lex.small:
            if last_small is not None and e >= last_small:
                return "magnitudes out of order"
            section += (Decimal(1) if current is None else current).scaleb(e)
            last_small, current = e, None
            continue
        group = section + (current if current is not None else Decimal(0))
        if current is None and not section:
            if i > 0 or e > 4:
                return f"'{p.text}' needs a number before it"
            group = Decimal(1)                       # 万円, 만 원: one of the unit
        if last_big is not None and (e >= last_big or group.scaleb(e) >= Decimal(1).scaleb(
                last_big)):
            return "magnitudes out of order"
        total += group.scaleb(e)
        section, current, last_small, last_big = Decimal(0), None, None, e
    rest = section + (current if current is not None else Decimal(0))
    if last_big is not None and rest >= Decimal(1).scaleb(last_big):
        return "magnitudes out of order"
    total += rest
    lead = Decimal(1)
    for i, p in enumerate(parts):
        if p.kind == "num" and i > 0:
            break
        if p.lex is not None:
            lead = lead.scaleb(p.lex.exponent)
            if not p.lex.small:
                break
    return total, lead, any(p.kind != "num" for p in parts)


def parse_amount(text: str) -> MoneyRange:
    """Parse ``text`` into a :class:`MoneyRange`; see :func:`pledge.domain.money.parse_amount`.

    Raises ``InvalidInput`` listing every problem (field ``"amount"``, value the
    offending substring as given, rule ``"money.*"``), in the order they occur.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_amount() takes text, not {type(text).__name__}")
    r = _Reader(text)
    if not r.norm.strip():
        raise InvalidInput.single(FIELD, text, "money.empty", "no amount given")
    toks = r.tokenize()
    bounds, marks, between = r.group(toks)
    whole = (toks[0].start, toks[-1].end)
    numbered = [b for b in bounds if b.parts]
    if not numbered:
        r.add("money.no_number", whole, "no number found")
    for b, mark in zip(bounds[1:], marks, strict=True):
        if not b.parts:
            r.add("money.bad_range", (mark.start, max([mark.end, *(t.end for t in b.tokens())])),
                  f"'{mark.text}' joins two amounts but there is none after it")
    if len(numbered) > 2:
        r.add("money.bad_range", (marks[1].start, whole[1]), "more than two amounts")
    for b in numbered:
        r.evaluate(b)
        _check_bound(r, b)
    low = high = None
    currency = ""
    if 1 <= len(numbered) <= 2 and len(numbered) == len(bounds):
        low, high, currency = _settle(r, numbered, between, whole)
        # Amounts at or above the ceiling (US$10tn or its equivalent) are refused here,
        # before anything can reach storage or a sum.
        largest = high if high is not None else low
        if largest is not None:
            for p in check_ceiling(largest, currency, FIELD):
                r.add(p.rule, whole, p.message)
    if r.problems:
        raise InvalidInput(p for _, p in sorted(r.problems, key=lambda x: x[0]))
    return MoneyRange(low, high, currency, text)


def _check_bound(r: _Reader, b: _Bound) -> None:
    # (the bound's span, b.span(), is worked out only for a problem that quotes it)
    if b.pct is not None:
        r.add("money.percentage", (b.parts[0].start, b.pct.end),
              "a percentage is not an amount of money")
    if b.minus is not None:
        r.add("money.negative", (b.minus.start, b.span()[1]), "an amount cannot be negative")
    if len({t.lex.code for t in b.curs if t.lex}) > 1:
        span = (min(t.start for t in b.curs), max(t.end for t in b.curs))
        r.add("money.conflicting_currency", (min(span[0], b.span()[0]), span[1]),
              "names two different currencies")
    kinds = b.bounds()
    if "upto" in kinds and kinds & {"atleast", "from"}:
        r.add("money.conflicting_bounds", b.span(), "is both an upper and a lower bound")


def _settle(r: _Reader, bs: list[_Bound], between: _Tok | None,
            whole: tuple[int, int]) -> tuple[Decimal | None, Decimal | None, str]:
    """Combine the bounds: currency, inherited magnitude, qualifiers, order."""
    def span() -> tuple[int, int]:     # only a problem quotes it
        return bs[0].span()[0], bs[-1].span()[1]

    codes = [b.code() for b in bs]
    known = {c for c in codes if c}
    currency = next(iter(known)) if len(known) == 1 else ""
    if len(known) > 1 and not any(len({t.lex.code for t in b.curs if t.lex}) > 1 for b in bs):
        r.add("money.conflicting_currency", span(),
              "the two amounts are in different currencies")
    elif not known and not r.unknown_currency and not any(b.pct for b in bs):
        r.add("money.no_currency", whole, "no currency given (e.g. $, ¥, ₩, €, USD, yen, 円, 원)")
    if any(b.value is None or b.pct for b in bs):
        return None, None, currency
    if len(bs) == 1:
        b = bs[0]
        if between is not None:
            r.add("money.bad_range", (between.start, whole[1]), "'between' needs two amounts")
        kinds = b.bounds()
        assert b.value is not None
        value = plain(b.value)
        if "upto" in kinds:
            return None, value, currency
        if kinds & {"atleast", "from"}:
            return value, None, currency
        return value, value, currency
    left, right = bs
    if "upto" in left.bounds():
        r.add("money.conflicting_bounds", left.span(), "the low end of a range cannot be 'up to'")
    if right.bounds() & {"atleast", "from"}:
        r.add("money.conflicting_bounds", right.span(),
              "the high end of a range cannot be 'at least'")
    for one, other in ((left, right), (right, left)):
        if not one.has_units and other.has_units and len(one.parts) == 1:
            assert one.value is not None  # "6 to 7 trillion": 6 trillion
            one.value = one.value.scaleb(other.lead_scale.adjusted(), _EXACT)
    assert left.value is not None and right.value is not None
    lo, hi = plain(left.value), plain(right.value)
    if lo > hi:
        r.add("money.reversed_range", span(), "the first amount is larger than the second")
    return lo, hi, currency
