"""Scraper noise out, article text in.

Pages saved from news sites carry more than the article: paywall and
subscription blurbs with their bullet lists, "Article content" markers repeated
between paragraphs, newsletter sign-ups, share buttons, copyright lines, menus,
language pickers and timestamps. Nothing is read from the text until these are
gone, so that a subscription offer naming "the New York Times Crossword" never
becomes a fact about New York.

HTML is first turned into lines of text with the standard library's parser:
scripts, styles, navigation, headers, footers, asides, forms and any element
whose class, id or role says cookie, subscribe, newsletter, share, related,
advert, menu... are skipped; when the page has an ``<article>`` element only its
text is kept. Then the same line rules run over HTML and plain text alike:

* a line that is boilerplate (patterns below, English, Japanese and Korean) is
  dropped, and a paywall line opens a *noise block*: the bullets and short lines
  after it are dropped until a line of prose comes;
* a copyright notice is cut from the line it ends;
* a line repeated verbatim is kept once;
* a line of one or two words that is not a sentence (a menu item, "or", "2",
  "English (US)") is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Final

from pledge.ingest.dates import published
from pledge.ingest.text import normalise
from pledge.ingest.word_patterns import plain_lower

__all__ = ["Cleaned", "clean", "html_to_text", "looks_like_html"]


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The article's text (normalised, one paragraph a line), its title, and the lines
    dropped as noise (kept for inspection)."""

    text: str
    title: str = ""
    dropped: tuple[str, ...] = field(default=())
    published: date | None = None     # the publication date (``ingest.dates``), if given


# --- HTML ---------------------------------------------------------------------------------------

_SKIP_TAGS: Final = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav",
    "footer", "aside", "select", "option", "label", "input", "textarea", "canvas", "menu",
    "dialog", "object", "embed", "head",
})
_BLOCK_TAGS: Final = frozenset({
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
    "blockquote", "pre", "ul", "ol", "table", "dd", "dt", "figcaption", "header", "main",
    "hr", "address", "time",
})
# A table's cells are read one row a line, the cells apart by " | " (a row of a fact
# sheet is one line of text, not five lines of two words that are dropped as noise).
_CELL_TAGS: Final = frozenset({"td", "th"})
_VOID: Final = frozenset({"br", "img", "meta", "link", "hr", "input", "source", "wbr", "area",
                          "base", "col", "embed", "param", "track"})
_NOISE_ATTR: Final = re.compile(
    r"cookie|consent|subscri|newsletter|paywall|members?-only|promo|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|"
    r"share|social|related|recommend|breadcrumb|comment|sign-?up|signin|login|modal|popup|"
    r"footer|sidebar|(?:^|[\s_-])menu|(?:^|[\s_-])nav|masthead|banner|byline-social|tags?-list|"
    r"outbrain|taboola|trending|most-read|read-more|toolbar|relation|ranking|popular", re.I)
_NOISE_ROLES: Final = frozenset({"navigation", "banner", "contentinfo", "complementary",
                                 "dialog", "search", "menu", "alert"})


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []   # (tag, skipped)
        self.skip = 0
        self.article_depth = 0
        self.parts: list[str] = []
        self.article_parts: list[str] = []
        self.title: list[str] = []
        self.h1: list[str] = []
        self.in_title = False
        self.in_h1 = False

    def _noise(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in _SKIP_TAGS or (tag == "header" and not self.article_depth):
            return True
        for name, value in attrs:     # (any attribute of noise, in one pass)
            if name == "hidden" or (name == "aria-hidden" and value == "true"):
                return True
            if not value:
                continue
            if name in ("class", "id", "data-component", "data-testid") and \
                    _NOISE_ATTR.search(value):
                return True
            if name == "role" and value.lower() in _NOISE_ROLES:
                return True
        return False

    def updatepos(self, i: int, j: int) -> int:
        # (the parser's line and column, only for its callers: never asked for, not counted)
        return j

    def _newline(self) -> None:
        for parts in (self.parts, self.article_parts) if self.article_depth else (self.parts,):
            if parts and parts[-1] != "\n":
                parts.append("\n")

    def _cell(self) -> None:
        for parts in (self.parts, self.article_parts) if self.article_depth else (self.parts,):
            if parts and parts[-1] != "\n" and not self.skip:
                parts.append(" | ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS:
            self._newline()
        elif tag in _CELL_TAGS:
            self._cell()
        if tag in _VOID:
            return
        skipped = self.skip > 0 or self._noise(tag, attrs)
        if tag == "li" and not skipped:
            self.handle_data("- ")   # keep list items recognisable as bullets
        self.stack.append((tag, skipped))
        if skipped:
            self.skip += 1
        elif tag == "article":
            self.article_depth += 1
        elif tag == "h1":
            self.in_h1 = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK_TAGS:
            self._newline()
        # (the stack holds (tag, bool) pairs: two searches in C rather than a loop)
        if (tag, False) not in self.stack and (tag, True) not in self.stack:
            return
        while self.stack:
            open_tag, skipped = self.stack.pop()
            if skipped:
                self.skip -= 1
            elif open_tag == "article":
                self.article_depth -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.skip:
            return
        if self.in_h1:
            self.h1.append(data)
        self.parts.append(data)
        if self.article_depth:
            self.article_parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """(the page's text, one block a line; its headline) from HTML."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    body = parser.article_parts if "".join(parser.article_parts).strip() else parser.parts
    text = "".join(body)
    headline = " ".join("".join(parser.h1).split()) or " ".join("".join(parser.title).split())
    if headline and headline not in text[:len(headline) + 200]:
        text = headline + "\n" + text
    return text, headline


_HTML_HINT: Final = re.compile(r"<\s*(?:!doctype|html|body|article|p|div|br|h1|span)\b", re.I)


def looks_like_html(text: str, name: str = "") -> bool:
    """Whether ``text`` (from a file called ``name``) is HTML."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return True
    if lower.endswith((".txt", ".md")):
        return False
    return len(_HTML_HINT.findall(text[:5000])) >= 2


# --- Line rules --------------------------------------------------------------------------------

_COPYRIGHT: Final = re.compile(
    r"(?:copyright\s*)?[©ⓒ]|copyright\s+(?:\(c\)|c\b|\d{4}|by\b)|^copyright\b|\(c\)\s*\d{4}|"
    r"all rights reserved|"
    r"무단\s*전재|재배포\s*금지|무단\s*복제|저작권자|無断転載|無断複製|無断複写|転載を禁|"
    r"版權所有|禁止轉載", re.I)

# An e-mail address alone on a line (the one boilerplate branch that needs an "@").
_EMAIL_LINE: Final = r"^[\w .-]+@[\w-]+\.[\w.]+$"
# Whole-line boilerplate (written in small letters, to be matched in lower-cased lines).
_NOISE_LINES: Final = [
    r"^article content$", r"^advertisement$", r"^story continues below(?: advertisement)?$",
    r"^(?:sponsored(?: content)?|ad|ads|promoted)$",
    r"^(?:share|share this(?: article| story)?|tweet|email|print|copy link|facebook|twitter|"
    r"linkedin|whatsapp|reddit|save|bookmark|comments?(?: \(\d+\))?|gift this article|"
    r"listen(?: to this article)?.*|\d+ min(?:ute)?s? read|font size.*)$",
    r"^(?:follow us|follow .{1,40} on (?:twitter|x|facebook|linkedin)).*$",
    r"^(?:read more|related|related articles?|related stories|recommended(?: for you)?|"
    r"more from .{1,40}|most read|most popular|trending(?: now)?|see also|also read|"
    r"you may also like|top stories|latest news|editor'?s picks?)\b.{0,80}$",
    r"^\d+ (?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?) ago$",
    r"^(?:updated|published|posted|last updated)\b.{0,60}\d.{0,40}$",
    r"^(?:english|日本語|한국어|español|français|deutsch|中文)(?: \([a-z]+\))?$",
    r"^[\d\W_]+$",
    r"^(?:home|menu|search|skip to (?:main )?content|sections|news|business|markets|world|"
    r"opinion|politics|economy|or|and|close|next|previous|back to top|top)$",
    r"^(?:reporting|writing|editing|additional reporting|compiled) by\b.{0,120}$",
    r"^(?:photo|image|file photo|credit|source|写真|사진|출처)\s*[:：].{0,120}$",
    _EMAIL_LINE, r"^(?:https?://|www\.)\S+$",
    r"^(?:accept(?: all)?(?: cookies)?|reject all|manage (?:cookies|preferences))$",
    r"^(?:tags?|topics?|keywords?|filed under|タグ|태그)\s*[:：].{0,200}$",
    r"^(?:view (?:this email )?in (?:your )?browser|forward to a friend|unsubscribe|"
    r"like|comment|restack|share this post|our mailing address is)\b.{0,120}$",
    r"^sponsored\s*[:：|].{0,200}$",
    r"^[가-힣]{2,4} ?(?:기자|특파원|선임기자)(?: [\w.]+@[\w.-]+)?$",
    r"^(?:관련\s?기사|많이 본 뉴스|인기 기사|이 시각 주요뉴스|공유하기|좋아요|댓글|글자\s?크기|"
    r"인쇄|스크랩|제보하기|기사 제보|카카오톡|페이스북|트위터|url 복사|구독하기?)\b.{0,40}$",
    r"^(?:関連記事|関連ニュース|シェア|ツイート|ブックマーク|印刷|お気に入り|ランキング|"
    r"この記事をシェア|あわせて読みたい|おすすめ記事|広告)\b.{0,40}$",
]
_NOISE_LINE: Final = re.compile("|".join(_NOISE_LINES), re.I)

# Paywall, subscription, sign-in and newsletter lines: each opens a noise block.
_PAYWALL: Final = re.compile("|".join([
    r"subscribe|subscription|subscribers? only|for subscribers|already a subscriber",
    r"sign in|sign-in|sign up|sign-up|log in|login|create an account|register to|"
    r"register /|registration",
    r"unlock (?:more|this|the)|to unlock|free to read|continue reading|reading experience",
    r"premium (?:content|article|access)|exclusive articles|unlimited (?:online |digital )?access",
    r"epaper|e-edition|daily puzzles|crossword|newsletter|by signing up|in your inbox",
    r"upgrade to (?:premium|paid)|become a (?:paid )?(?:member|subscriber)|unsubscribe|"
    r"receiving this email|free articles? left|articles? left this month",
    r"email updates|favourite authors|favorite authors|join the conversation|"
    r"articles per month|free articles",
    r"cookies?\b.{0,40}(?:consent|accept|privacy|settings)|privacy policy|terms of (?:use|service)",
    r"会員限定|有料会員|続きを読む|会員登録|無料登録|ログイン|購読|この記事は有料|"
    r"メールマガジン|ニュースレター|読み放題|月額\s?[\d,]+\s?円",
    r"구독|로그인|회원가입|유료 회원|뉴스레터|프리미엄 콘텐츠|무제한 열람",
]), re.I)

# The same patterns without the case flag, for lower-cased lines (much faster to search);
# a line with a letter that a case-blind pattern takes for an ASCII one without
# lower-casing to it ("ſ", dotless "ı"), or that changes length lower-cased, is searched
# with the case-blind pattern.
_PAYWALL_LOWER: Final = re.compile(_PAYWALL.pattern)
_NOISE_LINE_LOWER: Final = re.compile(_NOISE_LINE.pattern)
# (and without the e-mail branch, for the lines without an "@": the rest is tried sooner)
_NOISE_LINE_NO_EMAIL: Final = re.compile("|".join(p for p in _NOISE_LINES if p != _EMAIL_LINE))

# Words every match of a pattern holds, one at least (lower-cased): a line holding none is
# not searched (a plain substring test is far faster than the pattern's many branches).
_PAYWALL_WORDS: Final = (
    "subscri", "sign", "log", "account", "regist", "unlock", "read", "premium", "article",
    "unlimited", "paper", "edition", "puzzle", "crossword", "newsletter", "inbox", "upgrade",
    "become", "email", "author", "conversation", "cookie", "privacy", "terms")
_PAYWALL_WORDS_CJK: Final = (
    "会員", "続きを読む", "無料登録", "ログイン", "購読", "この記事は有料", "メールマガジン",
    "ニュースレター", "読み放題", "月額", "구독", "로그인", "회원가입", "유료 회원", "뉴스레터",
    "프리미엄 콘텐츠", "무제한 열람")
_COPYRIGHT_WORDS: Final = ("copyright", "(c)", "all rights reserved")
_COPYRIGHT_WORDS_OTHER: Final = ("©", "ⓒ", "무단", "재배포", "저작권자", "無断", "転載を禁",
                                 "版權所有", "禁止轉載")


def _paywall(line: str, low: str | None = None) -> bool:
    """Whether ``_PAYWALL`` finds anything in ``line`` (``low``: ``plain_lower(line)``, when
    known)."""
    if low is None:
        low = plain_lower(line)
    if low is None:
        return _PAYWALL.search(line) is not None
    if not any(map(low.__contains__, _PAYWALL_WORDS)) and (
            low.isascii() or not any(map(low.__contains__, _PAYWALL_WORDS_CJK))):
        return False
    return _PAYWALL_LOWER.search(low) is not None


# Headers of link lists (related stories, most read, rankings): the lines after them are
# links, dropped like a paywall's bullets.
_LIST_HEADER: Final = re.compile(
    r"^\W*(?:read more|related(?: articles?| stories| coverage| news)?|recommended(?: for you)?|"
    r"more from .{1,40}|most read|most popular|most viewed|trending(?: now)?|see also|"
    r"also read|you may also like|top stories|latest news|editor'?s picks?|"
    r"関連記事|関連ニュース|あわせて読みたい|おすすめ記事|ランキング|アクセスランキング|"
    r"관련\s?기사|많이 본 뉴스|인기 기사|이 시각 주요뉴스|추천 기사)\W*$", re.I)
_LIST_HEADER_LOWER: Final = re.compile(_LIST_HEADER.pattern)   # (see _PAYWALL_LOWER)
_BREADCRUMB: Final = re.compile(r"^[^>›»\n]{1,24}(?:\s*[>›»]\s*[^>›»\n]{1,24})+$")
_BULLET: Final = re.compile(r"^(?:[-•*·・▶▷►■□◆◇»>]|\d{1,2}[.)]|\d{1,2}\s)\s*")
# The last characters of a sentence (a line holds no line break: its last character ends it).
_SENTENCE_ENDS: Final = tuple(".!?。！？\"”」)")
_CJK: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")


# (runs of those letters, counted by their lengths: fewer matches than letters)
_CJK_RUN: Final = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]+")
# No rule compares a line's words with a number above 30, so no count goes past 31.
_MANY_WORDS: Final = 31


def _word_count(line: str, cjk: bool = True) -> int:
    """The words of ``line`` (three letters of Japanese or Korean count as a word), or
    ``_MANY_WORDS`` when there are more. ``cjk``: False when ``_has_cjk(line)`` is."""
    words = len(line.split(None, _MANY_WORDS - 1))    # (at most _MANY_WORDS pieces)
    if words >= _MANY_WORDS or not cjk or line.isascii():
        return words
    return min(words + sum(map(len, _CJK_RUN.findall(line))) // 3, _MANY_WORDS)


def _has_cjk(line: str) -> bool:
    return not line.isascii() and _CJK.search(line) is not None


def _is_prose(line: str, words: int, cjk: bool) -> bool:
    """A line that reads as article text rather than a list item or a button: not a
    bullet, and six words or more (twelve characters of Japanese or Korean).
    (``words``, ``cjk``: the line's ``_word_count`` and ``_has_cjk``)"""
    if _BULLET.match(line):
        return False
    if cjk:
        return len(line) >= 12
    return words >= 6


def _noise_line(line: str, low: str | None) -> bool:
    """Whether ``_NOISE_LINE`` matches ``line`` (``low``: ``plain_lower(line)``)."""
    if low is None:
        return _NOISE_LINE.match(line) is not None
    return (_NOISE_LINE_LOWER if "@" in low else _NOISE_LINE_NO_EMAIL).match(low) is not None


def _list_header(line: str, low: str | None) -> bool:
    """Whether ``_LIST_HEADER`` matches ``line`` (``low``: ``plain_lower(line)``)."""
    if low is None:
        return _LIST_HEADER.match(line) is not None
    return _LIST_HEADER_LOWER.match(low) is not None


def _breadcrumb(line: str) -> bool:
    """Whether ``_BREADCRUMB`` matches ``line`` (never without one of its marks)."""
    if ">" not in line and (line.isascii() or ("›" not in line and "»" not in line)):
        return False
    return _BREADCRUMB.match(line) is not None


def _copyright(line: str, low: str | None = None) -> re.Match[str] | None:
    """``_COPYRIGHT.search(line)``, skipped when the line holds none of its words
    (``low``: ``plain_lower(line)``, when known)."""
    if low is None:
        low = plain_lower(line)
    if low is not None and not any(map(low.__contains__, _COPYRIGHT_WORDS)) and (
            low.isascii() or not any(map(low.__contains__, _COPYRIGHT_WORDS_OTHER))):
        return None
    return _COPYRIGHT.search(line)


def _cut_copyright(line: str, low: str | None) -> str:
    m = _copyright(line, low)
    if m is None:
        return line
    return line[:m.start()].rstrip(" -–—|·,:;") if _word_count(line[:m.start()]) >= 5 else ""


def clean_lines(text: str) -> tuple[list[str], list[str]]:
    """(kept lines, dropped lines) of plain text, by the line rules."""
    kept: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    in_block = False
    # NFKC would turn the circled c of Korean copyright lines into a plain "c".
    for raw in normalise(text.replace("ⓒ", "©").replace("Ⓒ", "©")).split("\n"):
        line = raw.strip()
        if not line:
            continue
        original = line
        # (lower-cased once for every pattern below, again only if a copyright was cut)
        low = plain_lower(line)
        line = _cut_copyright(line, low)
        if not line:
            dropped.append(original)
            continue
        if line is not original:
            low = plain_lower(line)
        # (an ASCII line case-folds to its lower case)
        key = low if low is not None and line.isascii() else line.casefold()
        cjk = _has_cjk(line)
        words = _word_count(line, cjk)    # (a line without those letters not scanned again)
        short = words < 30
        if _list_header(line, low) or (short and _breadcrumb(line)):
            dropped.append(original)
            in_block = True
            continue
        # Every boilerplate pattern is anchored at the line's start: match, not search.
        if (short and _noise_line(line, low)) or key in seen:
            dropped.append(original)
            in_block = in_block and not _is_prose(line, words, cjk)
            continue
        if short and _paywall(line, low):
            dropped.append(original)
            in_block = True
            continue
        if in_block and not _is_prose(line, words, cjk):
            dropped.append(original)
            continue
        in_block = False
        if words <= 2 and not line.endswith(_SENTENCE_ENDS) and not cjk:
            dropped.append(original)
            continue
        if cjk and len(line) < 6 and not line.endswith(_SENTENCE_ENDS):
            dropped.append(original)
            continue
        seen.add(key)
        kept.append(line)
    return kept, dropped


# Control characters besides tabs and line breaks, and unpaired surrogates: never part of
# an article (scraped text sometimes carries them), and no database stores a NUL in text.
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_ASCII_CONTROLS: Final = bytes([*range(9), 11, 12, *range(14, 32), 127])   # (those in ASCII)

# A number whose magnitude a page put on the next line or paragraph ("up to $100" /
# "billion"): joined back, so the amount is read whole. Only a magnitude written in
# small letters opens the next line, so a paragraph that starts "Million ..." stays apart.
_BROKEN_AMOUNT: Final = re.compile(
    r"(\d)[ \t]*\n\s*(?=(?:trillion|billion|million|thousand|trn|tn|bn|bln|mn|mln|crore|lakh)"
    r"(?![A-Za-z]))")

# An amount a hard-wrapped wire story put at the start of the next line, after a word that
# cannot end a sentence ("Cameco stock rose 4% to" / "$61.20 in New York"): joined back
# to its line, so the words before it (a share price's) are read with it.
_AMOUNT_OPENS_LINE: Final = re.compile(
    r"\b(to|at|of|for|by|from|about|around|nearly|some|is|was|are|were|be|cost|costs|worth"
    r"|than|and|or|with|put)[ \t]*\n[ \t]*(?=(?:US\$|U\.S\.\s?\$|[SAC]\$|\$|¥|₩|€|£)\d)")
# What every join of _BROKEN_AMOUNT holds, found fast from its line break.
_MAGNITUDE_OPENS_LINE: Final = re.compile(
    r"\n\s*(?:trillion|billion|million|thousand|trn|tn|bn|bln|mn|mln|crore|lakh)(?![A-Za-z])")
# What every such join holds: a line that opens with an amount (a quick first test, the
# line break being found fast).
_LINE_OPENS_WITH_AMOUNT: Final = re.compile(
    r"\n[ \t]*(?:US\$|U\.S\.\s?\$|[SAC]\$|\$|¥|₩|€|£)\d")


def clean(text: str, *, html: bool | None = None, name: str = "") -> Cleaned:
    """The article in ``text`` (HTML or plain text) without scraper noise.

    ``html``: whether ``text`` is HTML; guessed from ``name`` and the text when None.
    Control characters other than tabs and line breaks are dropped first.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # (an ASCII text is tested for them in bytes first: far faster than the pattern's scan)
    if not text.isascii() or len(text.encode().translate(None, _ASCII_CONTROLS)) < len(text):
        text = _CONTROLS.sub("", text)
    title = ""
    raw, is_html = text, html if html is not None else looks_like_html(text, name)
    if is_html:
        text, title = html_to_text(text)
    on = published(raw, text, html=is_html)
    if "illion" in text or "\n" in text:
        if _MAGNITUDE_OPENS_LINE.search(text):
            text = _BROKEN_AMOUNT.sub(r"\1 ", text)
        if _LINE_OPENS_WITH_AMOUNT.search(text):
            text = _AMOUNT_OPENS_LINE.sub(r"\1 ", text)
    kept, dropped = clean_lines(text)
    if not title:
        for line in kept[:3]:
            long_enough = len(line) >= 12 if _has_cjk(line) else _word_count(line) >= 5
            if long_enough and not line.endswith(_SENTENCE_ENDS) and _word_count(line) <= 25:
                title = line
                break
    return Cleaned("\n".join(kept), title, tuple(dropped), on)
