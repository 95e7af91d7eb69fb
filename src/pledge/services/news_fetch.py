"""News from the web: a page read by its address, a feed's new entries, a watched list.

``Fetcher`` makes the requests, politely (``domain.fetching``): one at a time, a pause
of ``delay`` seconds between two (or the longer ``Crawl-delay`` a site's robots.txt
asks), each site's ``robots.txt`` read once and obeyed, a time limit, a ceiling on the
bytes read, and a user agent saying who asks. Only http and https addresses are read
(``domain.sources.check_web_address``).

``page_article`` turns a page into an ``ArticleInput`` (its address as the source, the
site's host as the outlet; the date from the page's metadata or dateline, read as any
article's is). ``feed_articles`` reads an RSS or Atom feed (``feedparser``) and each
entry's page, skipping the addresses already stored; an entry's own date wins over the
page's. A page that cannot be read (robots.txt says no, an error) is skipped with the
reason, and the entry's own text is read instead when the feed carries it.
``watch`` reads a list of feeds round after round and queues only what is new (a feed
is asked for again with its ETag or Last-Modified, so one unchanged costs its site
little).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from pledge.domain.bounds import PLAUSIBLE_DATES
from pledge.domain.errors import InvalidInput, PledgeError, Problem
from pledge.domain.fetching import (
    DEFAULT_DELAY,
    MAX_DELAY,
    MAX_PAGE_BYTES,
    TIMEOUT_SECONDS,
    USER_AGENT,
    FeedList,
    FeedSpec,
    check_delay,
    check_rounds,
)
from pledge.domain.sources import check_web_address
from pledge.ingest.decode import decode_article
from pledge.ingest.outlets import outlet_of

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from pledge.services.base import Actor
    from pledge.services.news import ArticleInput, IngestResult

__all__ = ["FeedRead", "Fetched", "Fetcher", "Round", "Skipped", "feed_articles",
           "page_article", "read_feed", "watch"]

_HTML: Final = ("text/html", "application/xhtml+xml")
#: An entry's own text shorter than this is a teaser, not an article to read instead.
MIN_ENTRY_TEXT: Final = 200


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response read in full: the address it came from (after redirects), its body,
    its media type and declared charset."""

    url: str
    body: bytes
    media_type: str
    charset: str | None


def _refused(url: str, rule: str, message: str) -> InvalidInput:
    return InvalidInput([Problem("url", url, rule, message)])


class Fetcher:
    """Reads web addresses one at a time, politely. ``client``: an ``httpx.Client`` (a
    new one with the user agent, time limit and redirect limit when None); ``sleep`` and
    ``clock``: how it waits and tells the time (tests pass their own)."""

    def __init__(self, *, delay: float = DEFAULT_DELAY, max_bytes: int = MAX_PAGE_BYTES,
                 client: httpx.Client | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = check_delay(delay)
        self.max_bytes = max_bytes
        self._client = client
        self._sleep, self._clock = sleep, clock
        self._last: float | None = None
        self._validators: dict[str, str] = {}    # the last response's, to ask again with
        self._robots: dict[str, RobotFileParser | None] = {}
        self.requests: list[str] = []       # every address asked for, in order
        self._kept: dict[str, tuple[dict[str, str], Fetched]] = {}   # for asking again

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx
            self._client = httpx.Client(
                headers={"User-Agent": USER_AGENT}, follow_redirects=True, max_redirects=5,
                timeout=httpx.Timeout(TIMEOUT_SECONDS))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _wait(self, pause: float) -> None:
        if self._last is not None:
            left = self._last + pause - self._clock()
            if left > 0:
                self._sleep(left)
        self._last = self._clock()

    def _request(self, url: str, pause: float,
                 headers: dict[str, str] | None = None) -> tuple[int, Fetched]:
        import httpx
        self._wait(pause)
        self.requests.append(url)
        try:
            with self._http().stream("GET", url, headers=headers) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise _refused(url, "fetch.too_large",
                                       f"larger than {self.max_bytes} bytes: not read")
                header = Message()
                header["content-type"] = response.headers.get("content-type", "")
                self._validators = {k: response.headers[v] for k, v in (
                    ("If-None-Match", "etag"), ("If-Modified-Since", "last-modified"))
                    if v in response.headers}
                return response.status_code, Fetched(
                    str(response.url), bytes(body), header.get_content_type(),
                    header.get_content_charset())
        except httpx.HTTPError as exc:
            raise _refused(url, "fetch.unreachable",
                           f"could not be read ({type(exc).__name__}: {exc})") from None

    def _rules(self, url: str) -> RobotFileParser | None:
        """The site's robots.txt (None: the site has none, so nothing is forbidden)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            rules = RobotFileParser()
            try:
                status, got = self._request(urljoin(origin, "/robots.txt"), self.delay)
            except InvalidInput:
                status, got = 503, None
            if got is not None and 200 <= status < 300:
                rules.parse(got.body.decode("utf-8", "replace").splitlines())
                self._robots[origin] = rules
            elif 400 <= status < 500:   # no robots.txt: the site forbids nothing
                self._robots[origin] = None
            else:                        # unreachable: read nothing of the site (RFC 9309)
                rules.parse(["User-agent: *", "Disallow: /"])
                self._robots[origin] = rules
        return self._robots[origin]

    def get(self, url: str, *, again: bool = False) -> Fetched:
        """The page or feed at ``url``, read in full; InvalidInput naming ``url`` when
        the address is not http(s), robots.txt forbids it, it answers with an error,
        it is too large or it cannot be reached. ``again``: ask only whether it changed
        since this fetcher last read it (its ETag, its Last-Modified), and take what was
        read then when it has not (a watched feed read round after round)."""
        url = check_web_address(url, "url")
        rules = self._rules(url)
        pause = self.delay
        if rules is not None:
            if not rules.can_fetch(USER_AGENT, url):
                raise _refused(url, "fetch.robots", "the site's robots.txt asks robots "
                                                    "not to read this page")
            asked = rules.crawl_delay(USER_AGENT)
            if asked is not None:
                pause = min(max(pause, float(asked)), MAX_DELAY)
        kept = self._kept.get(url) if again else None
        status, got = self._request(url, pause, kept[0] if kept else None)
        if status == 304 and kept is not None:
            return kept[1]
        if not 200 <= status < 300:
            raise _refused(url, "fetch.status", f"the site answered {status}")
        if again and self._validators:
            self._kept[url] = (self._validators, got)
        return got


def _is_html(media_type: str) -> bool | None:
    return True if media_type in _HTML else False if media_type == "text/plain" else None


def page_article(fetched: Fetched, *, outlet: str = "",
                 published: date | None = None) -> ArticleInput:
    """A fetched page as an article to read: its address the source, ``outlet`` (default
    the site's host), ``published`` when known beforehand (a feed entry's date)."""
    from pledge.services.news import ArticleInput
    text = decode_article(fetched.body, declared=fetched.charset, field="url",
                          value=fetched.url)
    return ArticleInput(fetched.url, text, _is_html(fetched.media_type),
                        published=published, outlet=outlet or outlet_of(fetched.url))


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry: its page's address, title, date (if it gives one) and own text."""

    link: str
    title: str
    published: date | None
    text: str


@dataclass(frozen=True, slots=True)
class Feed:
    title: str
    entries: list[Entry]


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(key)
        if stamp:
            try:
                day = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
            except (ValueError, AttributeError):
                continue
            if day in PLAUSIBLE_DATES:
                return day
    return None


def read_feed(data: bytes) -> Feed:
    """An RSS or Atom feed's title and entries (``feedparser``); InvalidInput
    (``news.not_a_feed``) for bytes that are no feed."""
    import feedparser
    parsed = feedparser.parse(data[:MAX_PAGE_BYTES])
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        raise InvalidInput.single("feed", "", "news.not_a_feed",
                                  "not an RSS or Atom feed (no entries could be read)")
    entries = []
    for e in parsed.entries:
        content = e.get("content") or []
        text = str(content[0].get("value", "")) if content else str(e.get("summary", ""))
        entries.append(Entry(str(e.get("link", "")).strip(), str(e.get("title", "")),
                             _entry_date(e), text))
    return Feed(str(parsed.feed.get("title", "")), entries)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry not read, and why."""

    url: str
    reason: str

    def record(self) -> dict[str, str]:
        return {"url": self.url, "reason": self.reason}


@dataclass(slots=True)
class FeedRead:
    """What a feed gave: the articles to ingest, the entries skipped (and why), and how
    many entries were already stored."""

    articles: list[ArticleInput] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    known: int = 0


def feed_articles(fetcher: Fetcher, where: str, *, outlet: str = "",
                  stored: Callable[[Iterable[str]], set[str]] = lambda urls: set(),
                  again: bool = False) -> FeedRead:
    """The articles of the feed at ``where`` (an http(s) address, or a feed file's path)
    that are not stored yet (``stored(addresses)`` says which are). Each entry's page is
    read; an entry's date wins over the page's; the outlet is ``outlet``, else the feed's
    title, else the page's host. ``again``: a feed read before by this fetcher is asked
    for only if it changed (``Fetcher.get``)."""
    from pledge.services.news import ArticleInput
    if where.startswith(("http://", "https://")) or "://" in where:
        feed = read_feed(fetcher.get(where, again=again).body)
    else:
        path = Path(where)
        if not path.is_file():
            raise InvalidInput.single("feed", where, "news.no_such_file",
                                      "no such feed file (or give an http(s) address)")
        feed = read_feed(path.read_bytes())
    name = outlet or feed.title.strip()[:200]
    out = FeedRead()
    links: dict[str, Entry] = {}
    for entry in feed.entries:
        try:
            links.setdefault(check_web_address(entry.link, "link"), entry)
        except InvalidInput as exc:
            out.skipped.append(Skipped(entry.link, exc.first.message))
    already = stored(list(links))
    out.known = len(already)
    for link, entry in links.items():
        if link in already:
            continue
        try:
            out.articles.append(page_article(fetcher.get(link), outlet=name,
                                             published=entry.published))
        except PledgeError as exc:
            if len(entry.text.strip()) >= MIN_ENTRY_TEXT:
                out.articles.append(ArticleInput(link, entry.text, None,
                                                 published=entry.published,
                                                 outlet=name or outlet_of(link)))
                out.skipped.append(Skipped(link, f"{exc.first.message}; the feed's own "
                                                 "text was read instead"))
            else:
                out.skipped.append(Skipped(link, exc.first.message))
    return out


@dataclass(frozen=True, slots=True)
class Round:
    """One round of a watch: its number, what each feed's new articles became, the
    entries skipped, and how many were already stored."""

    number: int
    results: list[IngestResult]
    skipped: list[Skipped]
    known: int


def watch(engine: Engine, feeds: FeedList, actor: Actor, *, rounds: int | None,
          fetcher: Fetcher | None = None, gazetteer: str | Path | None = None,
          sleep: Callable[[float], None] = time.sleep,
          done: Callable[[Round], None] = lambda r: None) -> list[Round]:
    """Read every feed of ``feeds``, ingest what is new, then wait ``feeds.every`` seconds
    and read them again: ``rounds`` times (None: until interrupted). ``done`` is called
    after each round. A feed that cannot be read is skipped for that round with the
    reason; the others are read."""
    from pledge.services import news
    if rounds is not None:
        check_rounds(rounds)
    fetcher = fetcher or Fetcher(delay=feeds.delay)
    out: list[Round] = []
    number = 0
    while rounds is None or number < rounds:
        number += 1
        if number > 1:
            sleep(feeds.every)
        articles: list[ArticleInput] = []
        skipped: list[Skipped] = []
        known = 0
        for spec in feeds.feeds:
            got = _one_feed(fetcher, spec, engine)
            articles.extend(got.articles)
            skipped.extend(got.skipped)
            known += got.known
        results = news.ingest(engine, articles, actor, gazetteer=gazetteer) if articles \
            else []
        finished = Round(number, results, skipped, known)
        done(finished)
        out.append(finished)
    return out


def _one_feed(fetcher: Fetcher, spec: FeedSpec, engine: Engine) -> FeedRead:
    from pledge.services.news import stored_sources
    try:
        return feed_articles(fetcher, spec.url, outlet=spec.outlet,
                             stored=lambda urls: stored_sources(engine, urls), again=True)
    except PledgeError as exc:
        return FeedRead(skipped=[Skipped(spec.url, exc.first.message)])
