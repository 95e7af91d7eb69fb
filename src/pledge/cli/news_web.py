"""What ``pledge ingest`` reads from the web: pages by address, feeds' new entries, and a
watched list of feeds read round after round (``services.news_fetch``)."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pledge.cli import render
from pledge.domain.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pledge.services.base import Actor
    from pledge.services.news import ArticleInput, IngestResult
    from pledge.services.news_fetch import Fetcher, Round, Skipped

_SCHEME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_DRIVE: Final = re.compile(r"^[A-Za-z]:[\\/]")


def is_address(target: str) -> bool:
    """Whether a target of ``pledge ingest`` is a web address (or meant as one: any scheme,
    which is then checked) rather than a file or folder."""
    return (bool(_SCHEME.match(target)) and not _DRIVE.match(target)
            and not Path(target).exists())


def fetcher(delay: float | None) -> Fetcher:
    from pledge.domain.fetching import DEFAULT_DELAY
    from pledge.services.news_fetch import Fetcher
    return Fetcher(delay=DEFAULT_DELAY if delay is None else delay)


def gather(addresses: list[str], feeds: list[str], *, engine: Engine | None,
           delay: float | None, outlet: str) -> tuple[list[ArticleInput], list[Skipped]]:
    """The articles at ``addresses`` (an error for one that cannot be read) and the new
    entries of ``feeds`` (an entry that cannot be read is skipped, with the reason)."""
    from pledge.domain.sources import check_web_address
    from pledge.services import news_fetch
    from pledge.services.news import stored_sources
    for address in addresses:   # every address checked before anything is asked
        check_web_address(address, "url")
    got = fetcher(delay)
    articles: list[ArticleInput] = []
    skipped: list[Skipped] = []
    try:
        for address in addresses:
            articles.append(news_fetch.page_article(got.get(address), outlet=outlet))
        for feed in feeds:
            read = news_fetch.feed_articles(
                got, feed, outlet=outlet, stored=lambda urls: stored_sources(engine, urls))
            articles.extend(read.articles)
            skipped.extend(read.skipped)
            if read.known:
                render.err_console.print(f"{feed}: {read.known} entries already stored")
    finally:
        got.close()
    return articles, skipped


def show_skipped(skipped: list[Skipped]) -> None:
    for s in skipped:
        render.err_console.print(f"skipped {s.url}: {s.reason}", markup=False)


def feed_list(path: Path) -> Any:
    """The checked feed list of a FEEDS.toml file."""
    from pledge.cli.options import read_bytes
    from pledge.domain.fetching import feed_list as checked
    if not path.exists():
        raise InvalidInput.single("watch", str(path), "news.no_such_file",
                                  "no such feed list")
    raw = read_bytes(path, "watch")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput.single("watch", str(path), "fetch.bad_toml",
                                  f"not a TOML feed list ({exc})") from None
    return checked(data)


def run_watch(engine: Engine, path: Path, who: Actor, *, rounds: int | None,
              delay: float | None, gazetteer: str | Path | None, json_out: bool,
              rows: Any) -> None:
    """Read the feeds of ``path`` ``rounds`` times (None: until interrupted), printing
    each round as it ends (a JSON line each with ``json_out``)."""
    from pledge.services import news_fetch
    feeds = feed_list(path)
    got = fetcher(feeds.delay if delay is None else delay)

    def done(r: Round) -> None:
        if json_out:
            sys.stdout.write(json.dumps(round_record(r), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return
        show_skipped(r.skipped)
        rows(r.results, f"round {r.number}: {len(r.results)} new articles, "
                        f"{r.known} already stored")

    try:
        news_fetch.watch(engine, feeds, who, rounds=rounds, fetcher=got, gazetteer=gazetteer,
                         done=done)
    except KeyboardInterrupt:
        render.err_console.print("stopped")
    finally:
        got.close()


def round_record(r: Round) -> dict[str, Any]:
    from pledge.models.news import IngestedArticle
    from pledge.services.base import jsonable
    results: list[IngestResult] = r.results
    value: dict[str, Any] = jsonable({
        "round": r.number, "already_stored": r.known,
        "articles": [IngestedArticle.of(x).document() for x in results],
        "skipped": [s.record() for s in r.skipped]})
    return value
