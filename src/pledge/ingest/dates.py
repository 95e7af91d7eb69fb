"""An article's publication date, read from its page's metadata or from its first lines.

A change read from an article (a reported stage, an estimate) happened no later than the
day the article was published, so that is the date it is recorded on when accepted
(``services.news.accept``), never the day someone accepted it.

Where the date is looked for, first found wins:

1. HTML metadata: ``<meta property="article:published_time">`` (and the other usual
   names: ``og:published_time``, ``datePublished``, ``date``, ``DC.date.issued``,
   ``pubdate``, ...), JSON-LD ``"datePublished"``, then the first ``<time datetime>``;
2. the text's first lines, a dateline or a "Published" line: ``April 3, 2026``,
   ``Apr. 3 2026``, ``3 April 2026``, ``2026-04-03``, ``2026/04/03``,
   ``2026年4月3日``, ``2026년 4월 3일``. Only a short line, or a date at the start of a
   line ("WASHINGTON, April 14, 2026 - ..."), counts: a date inside the first sentence
   of the story ("by March 31, 2029") is what the story is about, not when it ran.

A date outside ``domain.bounds.PLAUSIBLE_DATES`` (or no calendar day: 31 April) is not a
publication date and is ignored. Pure: no I/O; the input is bounded (only the head of a
page's text is read for a dateline, and at most the first 200,000 characters of HTML).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final

from pledge.domain.bounds import PLAUSIBLE_DATES

__all__ = ["from_html", "from_text", "parse_date", "published"]

#: HTML read for metadata (a page's head is near its start) and text read for a dateline.
HTML_LIMIT: Final = 200_000
HEAD_LINES: Final = 6
HEAD_CHARS: Final = 1_200
#: A line this short (in words) is a dateline or a "Published" line, not a sentence.
SHORT_LINE_WORDS: Final = 15
#: Or the date starts within this many characters of its line ("TOKYO, March 9, 2026 -").
DATELINE_CHARS: Final = 40

_META_NAMES: Final = (
    "article:published_time", "og:published_time", "datepublished", "date",
    "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created", "pubdate",
    "publishdate", "publish-date", "parsely-pub-date", "sailthru.date", "article.published",
)
_META: Final = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR: Final = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_JSON_LD: Final = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')
_TIME: Final = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']?([^\"'\s>]+)", re.I)

_MONTHS: Final = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for m in names}
_MONTH: Final = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_PATTERNS: Final = tuple(re.compile(p, re.I) for p in (
    r"\b(?P<y>(?:19|20|21)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)",
    r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20|21)\d\d)\b",
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>(?:19|20|21)\d\d)\b",
    r"(?P<y>(?:19|20|21)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日",
    r"(?P<y>(?:19|20|21)\d\d)\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일",
))


# Every pattern above holds a year: a line without one holds no date (a quick first test).
_YEAR: Final = re.compile(r"(?:19|20|21)\d\d")


def _day(year: str, month: int, day: str) -> date | None:
    try:
        found = date(int(year), month, int(day))
    except ValueError:
        return None
    return found if found in PLAUSIBLE_DATES else None


def _found(m: re.Match[str]) -> date | None:
    month = _MONTHS[m["mon"].lower()] if "mon" in m.groupdict() else int(m["m"])
    return _day(m["y"], month, m["d"])


def parse_date(value: str) -> date | None:
    """The calendar day a metadata value or a piece of text gives ("2026-04-03T08:00:00Z",
    "April 3, 2026", "2026年4月3日"), the first one in it; None if it gives none."""
    value = unicodedata.normalize("NFKC", value[:200])
    hits = [(m.start(), m) for p in _PATTERNS for m in p.finditer(value)]
    for _, m in sorted(hits, key=lambda h: h[0]):
        found = _found(m)
        if found is not None:
            return found
    return None


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): a or b or c for k, a, b, c in _ATTR.findall(tag)}


def from_html(page: str) -> date | None:
    """The publication date a page's metadata gives: the usual ``<meta>`` names in order,
    then JSON-LD ``datePublished``, then the first ``<time datetime>``; None if none."""
    page = page[:HTML_LIMIT]
    metas: dict[str, str] = {}
    for tag in _META.findall(page):
        a = _attrs(tag)
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
        if key in _META_NAMES and key not in metas and a.get("content"):
            metas[key] = a["content"]
    for key in _META_NAMES:
        if key in metas and (found := parse_date(metas[key])) is not None:
            return found
    for pattern in (_JSON_LD, _TIME):
        for m in pattern.finditer(page):
            if (found := parse_date(m[1])) is not None:
                return found
    return None


def from_text(text: str) -> date | None:
    """The date of a dateline or a short line among the text's first lines; None if none."""
    lines = [ln.strip() for ln in text[:HEAD_CHARS].splitlines() if ln.strip()]
    for line in lines[:HEAD_LINES]:
        line = unicodedata.normalize("NFKC", line)
        if not _YEAR.search(line):
            continue
        short = len(line.split()) <= SHORT_LINE_WORDS or (
            len(line) <= 60 and not line.isascii())
        hits = sorted(((m.start(), m) for p in _PATTERNS for m in p.finditer(line)),
                      key=lambda h: h[0])
        for start, m in hits:
            if short or start <= DATELINE_CHARS:
                found = _found(m)
                if found is not None:
                    return found
    return None


def published(raw: str, text: str, *, html: bool) -> date | None:
    """The article's publication date: its page's metadata (when ``raw`` is HTML), else
    a dateline among the first lines of its ``text``; None when neither gives one."""
    if html and (found := from_html(raw)) is not None:
        return found
    return from_text(text)
