"""News from the web: pages by address, RSS and Atom feeds, a watched feed list; read
politely (robots.txt, one request at a time with a pause, a byte ceiling, a user agent)
from a server on 127.0.0.1 serving ``tests/data/web``. Nothing reaches the internet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput
from pledge.domain.fetching import USER_AGENT, FeedList, FeedSpec, feed_list
from pledge.domain.lifecycle import Role
from pledge.domain.sources import check_web_address
from pledge.services import news
from pledge.services.base import Actor
from pledge.services.news_fetch import Fetcher, feed_articles, page_article, watch
from tests.clirunner import Cli
from tests.ingest.web_server import WEB, Site, serving

ANALYST = Actor("ana", Role.ANALYST)


@pytest.fixture
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


def quick() -> Fetcher:
    return Fetcher(delay=0)


@pytest.mark.parametrize("address", ["ftp://files.example/a.txt", "file:///etc/passwd",
                                     "javascript:alert(1)", "notes.txt", "",
                                     "https://user@news.example/a", "http:///nohost"])
def test_only_http_and_https_addresses_are_read(address: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_web_address(address, "url")
    assert err.value.first.field == "url" and err.value.first.value == address
    assert err.value.first.rule.startswith("source.")
    assert check_web_address(" https://news.example/a?b=1 ") == "https://news.example/a?b=1"


def test_a_page_is_stored_with_its_address_date_and_outlet(engine: Engine, site: Site) -> None:
    url = site.url("/news/ohio-notice.html")
    [r] = news.ingest(engine, [page_article(quick().get(url))], ANALYST)
    assert r.article_id is not None and r.extraction.published == date(2026, 4, 3)
    stored = news.get_article(engine, r.article_id)
    assert (stored["source"], stored["outlet"], stored["published_on"]) == (
        url, "127.0.0.1", date(2026, 4, 3))
    [p] = r.proposals
    assert (p.kind, p.project_id, p.article_outlet) == ("status_change", 24, "127.0.0.1")


@pytest.mark.parametrize(("path", "day"), [
    ("/news/ohio-notice.html", date(2026, 4, 3)),     # article:published_time
    ("/news/ohio-wire.html", date(2026, 4, 4)),       # JSON-LD datePublished
    ("/news/ohio-time.html", date(2026, 4, 6)),       # <time datetime>
    ("/news/dateline.txt", date(2026, 4, 7)),         # the dateline of a text page
])
def test_a_pages_date_comes_from_its_metadata_or_dateline(site: Site, path: str,
                                                          day: date) -> None:
    art = page_article(quick().get(site.url(path)))
    assert art.html is path.endswith(".html")
    [r] = news.ingest(None, [art], ANALYST, dry_run=True)
    assert r.extraction.published == day


def test_a_feed_gives_its_entries_pages_politely(site: Site) -> None:
    got = quick()
    read = feed_articles(got, site.url("/feed.xml"))
    by_url = {a.source: a for a in read.articles}
    notice, wire = site.url("/news/ohio-notice.html"), site.url("/news/ohio-wire.html")
    assert list(by_url) == [notice, wire]
    # the entry's date wins over the page's; without one the page's metadata gives it
    assert (by_url[notice].published, by_url[wire].published) == (date(2026, 4, 2), None)
    assert {a.outlet for a in read.articles} == {"Example Energy Wire"}
    skipped = {s.url: s.reason for s in read.skipped}
    assert "robots.txt" in skipped[site.url("/private/embargoed.html")]
    assert "ftp:" in skipped["ftp://files.example/notice.txt"]
    # robots.txt read once; the forbidden page never asked for; who asks is said
    assert site.asked.count("/robots.txt") == 1
    assert not any(p.startswith("/private/") for p in site.asked)
    assert set(site.agents) == {USER_AGENT}
    assert len(got.requests) == len(site.asked) == 4    # robots, feed, two pages


def test_entries_already_stored_are_not_read_again(engine: Engine, site: Site) -> None:
    first = feed_articles(quick(), site.url("/feed.xml"))
    news.ingest(engine, first.articles, ANALYST)
    asked = len(site.asked)
    again = feed_articles(quick(), site.url("/feed.xml"),
                          stored=lambda urls: news.stored_sources(engine, urls))
    assert (again.articles, again.known) == ([], 2)
    assert site.asked[asked:] == ["/robots.txt", "/feed.xml"]


def test_requests_are_one_at_a_time_with_the_pause_between(site: Site) -> None:
    waits: list[float] = []
    got = Fetcher(delay=2.5, sleep=waits.append, clock=lambda: 100.0)
    got.get(site.url("/news/ohio-notice.html"))
    got.get(site.url("/news/ohio-wire.html"))
    assert got.requests[0].endswith("/robots.txt") and waits == [2.5, 2.5]


def test_a_site_without_robots_txt_is_read_and_a_crawl_delay_is_obeyed(tmp_path: Path
                                                                       ) -> None:
    (tmp_path / "a.html").write_text("<html><body><p>A page.</p></body></html>",
                                     encoding="utf-8")
    with serving(tmp_path) as bare:
        got = Fetcher(delay=0)
        assert got.get(bare.url("/a.html")).body.startswith(b"<html>")
        assert bare.asked == ["/robots.txt", "/a.html"]         # 404: nothing forbidden
    (tmp_path / "robots.txt").write_text("User-agent: *\nCrawl-delay: 7\n", encoding="utf-8")
    waits: list[float] = []
    with serving(tmp_path) as slow:
        got = Fetcher(delay=1, sleep=waits.append, clock=lambda: 0.0)
        got.get(slow.url("/a.html"))
        got.get(slow.url("/a.html"))
    assert waits == [7, 7]         # the site asks for longer than the 1 second set


def test_a_site_whose_robots_txt_fails_is_not_read(site: Site) -> None:
    site.broken.add("/robots.txt")
    with pytest.raises(InvalidInput) as err:
        quick().get(site.url("/news/ohio-notice.html"))
    assert err.value.first.rule == "fetch.robots"
    assert site.asked == ["/robots.txt"]


def test_a_page_too_large_or_missing_is_refused_naming_it(site: Site) -> None:
    with pytest.raises(InvalidInput) as err:
        Fetcher(delay=0, max_bytes=4096).get(site.url("/big.html"))
    assert (err.value.first.field, err.value.first.rule) == ("url", "fetch.too_large")
    with pytest.raises(InvalidInput) as err:
        quick().get(site.url("/gone.html"))
    assert (err.value.first.rule, err.value.first.value) == ("fetch.status",
                                                             site.url("/gone.html"))


def test_a_watch_queues_only_new_articles_round_after_round(engine: Engine,
                                                            site: Site) -> None:
    feeds = FeedList((FeedSpec(site.url("/feed.xml")),
                      FeedSpec(site.url("/atom.xml"), "Example Analysis")), every=30, delay=0)
    waits: list[float] = []
    rounds = watch(engine, feeds, ANALYST, rounds=2, fetcher=quick(), sleep=waits.append)
    assert waits == [30]                               # between the rounds, not after
    first, second = rounds
    assert [r.extraction.source for r in first.results] == [
        site.url("/news/ohio-notice.html"), site.url("/news/ohio-wire.html"),
        site.url("/news/ohio-time.html")]
    assert (second.results, second.known) == ([], 3)
    # the second round asked whether each feed changed: not re-sent, no page read again
    assert site.statuses[-2:] == [304, 304]
    assert site.asked.count("/news/ohio-notice.html") == 1
    # three articles saying the same thing: one proposal, corroborated twice
    [p] = news.list_proposals(engine)
    assert p.corroborations == 2 and [s["outlet"] for s in p.sources] == [
        "Example Energy Wire", "Example Energy Wire", "Example Analysis"]
    assert [s["published"] for s in p.sources] == [
        date(2026, 4, 2), date(2026, 4, 4), date(2026, 4, 6)]


def test_a_feed_list_is_checked_naming_each_field() -> None:
    with pytest.raises(InvalidInput) as err:
        feed_list({"every": -1, "feed": [{"url": "ftp://x.example/f"}, {"link": "y"}]})
    assert {(p.field, p.rule) for p in err.value.problems} == {
        ("every", "fetch.bad_seconds"), ("feed[0].url", "source.bad_scheme"),
        ("feed[1].link", "fetch.unknown_key"), ("feed[1].url", "source.empty")}
    checked = feed_list({"feed": [{"url": "https://a.example/rss", "outlet": " A  News "}]})
    assert checked.feeds == (FeedSpec("https://a.example/rss", "A News"),)
    assert (checked.every, checked.delay) == (900, 1)


def test_the_cli_reads_a_page_a_feed_and_a_watch_list(cli: Cli, site: Site,
                                                      tmp_path: Path) -> None:
    [page] = cli.json("ingest", site.url("/news/ohio-time.html"), "--delay", "0")
    assert (page["source"], page["published"], page["outlet"]) == (
        site.url("/news/ohio-time.html"), "2026-04-06", "127.0.0.1")
    code, _, err = cli("ingest", "--feed", site.url("/feed.xml"), "--delay", "0")
    assert code == 0 and "skipped" in err and "embargoed" in err
    [p] = cli.json("review", "list")
    assert p["corroborations"] == 2 and len(p["sources"]) == 3
    assert [a["outlet"] for a in cli.json("review", "articles")] == [
        "Example Energy Wire", "Example Energy Wire", "127.0.0.1"]     # newest first
    listed = tmp_path / "feeds.toml"
    listed.write_text(f'every = 0\ndelay = 0\n[[feed]]\nurl = "{site.url("/atom.xml")}"\n'
                      f'[[feed]]\nurl = "{site.url("/feed.xml")}"\n', encoding="utf-8")
    code, out, err = cli("ingest", "--watch", str(listed), "--rounds", "2", "--json")
    assert code == 0, err
    rounds = [json.loads(line) for line in out.splitlines()]
    assert [(r["round"], len(r["articles"]), r["already_stored"]) for r in rounds] == [
        (1, 0, 3), (2, 0, 3)]


def test_the_cli_refuses_an_address_that_is_not_http(cli: Cli) -> None:
    code, _, err = cli("ingest", "ftp://files.example/notice.txt")
    assert code == 2 and "ftp://files.example/notice.txt" in err and "http" in err
    code, _, err = cli("ingest", "--rounds", "2", str(WEB / "news" / "dateline.txt"))
    assert code == 2 and "--watch" in err


def test_a_saved_feed_file_is_read_like_a_feed_at_an_address(cli: Cli, site: Site,
                                                             tmp_path: Path) -> None:
    saved = tmp_path / "saved-feed.xml"
    saved.write_text((WEB / "atom.xml").read_text(encoding="utf-8").replace(
        "{{BASE}}", site.base), encoding="utf-8")
    [item] = cli.json("ingest", "--feed", str(saved), "--dry-run", "--delay", "0",
                      "--outlet", "Saved Analysis")
    assert (item["source"], item["outlet"], item["published"]) == (
        site.url("/news/ohio-time.html"), "Saved Analysis", "2026-04-06")
    assert item["article_id"] is None and cli.json("review", "articles") == []
    code, _, err = cli("ingest", "--feed", str(tmp_path / "none.xml"))
    assert code == 2 and "none.xml" in err
