"""How pledge reads news from the web politely, and the list of feeds it watches.

Reading a page or a feed is bounded: one request at a time, a pause between two
requests to any site (``delay``, 1 second unless set: 0 to 60), a time limit per
request, a ceiling on the bytes read, a user agent that says who asks, and the site's
``robots.txt`` obeyed. A feed list (``pledge ingest --watch FEEDS.toml``) names the
feeds, how often they are read (``every``: seconds between rounds) and, for each, the
outlet it belongs to. Every value is checked here, once, naming the field and value.

Pure: no I/O (the service reads the file and the network).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.sources import check_web_address
from pledge.domain.text import clean_name

__all__ = ["DEFAULT_DELAY", "DEFAULT_EVERY", "MAX_DELAY", "MAX_EVERY", "MAX_FEEDS",
           "MAX_PAGE_BYTES", "MAX_ROUNDS", "TIMEOUT_SECONDS", "USER_AGENT", "FeedList",
           "FeedSpec", "check_delay", "check_every", "check_rounds", "feed_list"]

USER_AGENT: Final = "pledge-news/0.1 (+reads public articles; obeys robots.txt)"
TIMEOUT_SECONDS: Final = 20.0
MAX_PAGE_BYTES: Final = 5 * 1024 * 1024
"""The most bytes read of one page or feed (beyond it the page is refused, not cut)."""
DEFAULT_DELAY: Final = 1.0
MAX_DELAY: Final = 60.0
DEFAULT_EVERY: Final = 900.0
MAX_EVERY: Final = 7 * 24 * 3600.0
MAX_ROUNDS: Final = 10_000
MAX_FEEDS: Final = 200


def _seconds(value: object, field: str, largest: float) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0 <= number <= largest:
        raise InvalidInput.single(field, value, "fetch.bad_seconds",
                                  f"a number of seconds from 0 to {largest:g}")
    return number


def check_delay(value: object, field: str = "delay") -> float:
    """The pause between two requests, in seconds (0 to 60)."""
    return _seconds(value, field, MAX_DELAY)


def check_every(value: object, field: str = "every") -> float:
    """The seconds between two rounds of reading the watched feeds (0 to a week)."""
    return _seconds(value, field, MAX_EVERY)


def check_rounds(value: int, field: str = "rounds") -> int:
    """How many rounds a watch runs (1 to 10,000)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROUNDS:
        raise InvalidInput.single(field, value, "fetch.bad_rounds",
                                  f"a whole number of rounds from 1 to {MAX_ROUNDS}")
    return value


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One watched feed: its address and the outlet it belongs to ("" : the feed's own
    title, else the site's host name)."""

    url: str
    outlet: str = ""


@dataclass(frozen=True, slots=True)
class FeedList:
    """What a FEEDS.toml file says: the feeds, the seconds between rounds, the pause
    between requests."""

    feeds: tuple[FeedSpec, ...]
    every: float = DEFAULT_EVERY
    delay: float = DEFAULT_DELAY


_KEYS: Final = frozenset({"every", "delay", "feed"})
_FEED_KEYS: Final = frozenset({"url", "outlet"})


def feed_list(data: Mapping[str, Any]) -> FeedList:
    """The feed list a parsed FEEDS.toml gives::

        every = 900          # seconds between rounds (default 900)
        delay = 1            # seconds between two requests (default 1)
        [[feed]]
        url = "https://news.example/rss.xml"
        outlet = "Example News"   # optional

    Every problem is raised together, each naming its field (``feed[0].url``)."""
    problems: list[Problem] = []
    for key in sorted(set(data) - _KEYS):
        problems.append(Problem(key, data[key], "fetch.unknown_key",
                                "a feed list has every, delay and [[feed]] tables only"))
    every, delay = DEFAULT_EVERY, DEFAULT_DELAY
    try:
        every = check_every(data.get("every", DEFAULT_EVERY))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        delay = check_delay(data.get("delay", DEFAULT_DELAY))
    except InvalidInput as exc:
        problems.extend(exc.problems)
    raw = data.get("feed", [])
    if not isinstance(raw, list) or not raw or len(raw) > MAX_FEEDS:
        problems.append(Problem("feed", raw if not isinstance(raw, list) else len(raw),
                                "fetch.no_feeds",
                                f"name 1 to {MAX_FEEDS} feeds, each a [[feed]] with a url"))
        raw = []
    feeds: list[FeedSpec] = []
    for i, item in enumerate(raw):
        where = f"feed[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(where, item, "fetch.bad_feed", "a [[feed]] table"))
            continue
        for key in sorted(set(item) - _FEED_KEYS):
            problems.append(Problem(f"{where}.{key}", item[key], "fetch.unknown_key",
                                    "a feed has a url and an optional outlet"))
        try:
            url = check_web_address(str(item.get("url", "")), f"{where}.url")
            outlet = str(item.get("outlet", ""))
            outlet = clean_name(f"{where}.outlet", outlet, max_len=200) if outlet else ""
            feeds.append(FeedSpec(url, outlet))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return FeedList(tuple(feeds), every, delay)
