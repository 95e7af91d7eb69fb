"""The news review queue on a page: read an article, then accept and reject what it proposes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from tests.web.test_pages import csrf, log_in

SEED = Path(__file__).resolve().parents[1] / "data" / "000_c962c52e75ce5afa.txt"


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        yield c


def proposals(page: str) -> list[str]:
    return re.findall(r'<tr data-proposal="(\d+)">', page)


def test_an_analyst_reads_an_article_and_decides_what_it_proposes(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    r = client.post("/review/ingest", data={"source": "https://example.org/003",
                                            "text": SEED.read_text(encoding="utf-8"),
                                            "csrf_token": csrf(client, "/review")})
    assert 'class="flash ok"' in r.text and "proposed changes queued" in r.text
    queued = proposals(r.text)
    assert queued, "the article proposes nothing"
    assert "example.org/003" in r.text  # every proposal names its article
    first, *rest = queued
    r = client.post(f"/review/{first}/reject", data={"reason": "not news",
                                                      "csrf_token": csrf(client, "/review")})
    assert "rejected" in r.text and first not in proposals(r.text)
    rejected = client.get("/review?state=rejected").text
    assert first in proposals(rejected) and "not news" in rejected
    # The same article again is recognised and queues nothing.
    r = client.post("/review/ingest", data={"source": "again", "text": SEED.read_text(
        encoding="utf-8"), "csrf_token": csrf(client, "/review")})
    assert "Already read" in r.text
    assert proposals(r.text) == rest


def test_a_funder_sees_the_queue_but_cannot_decide(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    client.post("/review/ingest", data={"source": "s", "text": SEED.read_text(
        encoding="utf-8"), "csrf_token": csrf(client, "/review")})
    client.cookies.clear()
    log_in(client, Role.FUNDER)
    page = client.get("/review").text
    ids = proposals(page)
    assert ids and "Accept</button>" not in page
    r = client.post(f"/review/{ids[0]}/accept", data={"csrf_token": csrf(client, "/review")})
    assert 'class="flash error"' in r.text and ids[0] in proposals(r.text)


def test_accepting_applies_the_change_with_the_article_as_its_source(client: TestClient
                                                                     ) -> None:
    log_in(client, Role.ANALYST)
    page = client.post("/review/ingest", data={
        "source": "https://example.org/estimate",
        "text": "Japan's government said the Portsmouth Powered Land Project in Ohio, led by "
                "SoftBank Group, is now expected to cost $35 billion.",
        "csrf_token": csrf(client, "/review")}).text
    rows = re.findall(r'<tr data-proposal="(\d+)">\s*<td class="num">\d+</td>\s*'
                      r'<td><strong>([^<]+)</strong>', page)
    estimate = [pid for pid, kind in rows if kind == "additional estimate"]
    assert estimate, page[:3000]
    client.cookies.clear()
    log_in(client, Role.IC)  # adding an estimate is a committee's edit
    r = client.post(f"/review/{estimate[0]}/accept", data={"csrf_token": csrf(client,
                                                                                "/review")})
    assert 'class="flash ok"' in r.text, r.text[:2000]
    project = client.get("/projects/24").text
    assert "https://example.org/estimate" in project


def test_accept_is_offered_only_to_roles_that_may_make_the_change(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.post("/review/ingest", data={
        "source": "https://example.org/estimate",
        "text": "Japan's government said the Portsmouth Powered Land Project in Ohio, led by "
                "SoftBank Group, is now expected to cost $35 billion.",
        "csrf_token": csrf(client, "/review")}).text
    # An analyst may triage (reject) but not add an estimate: no Accept, and who may.
    assert proposals(page) and "Accept</button>" not in page and "Reject</button>" in page
    assert "accepted by: admin, cc_jp, cc_us, ic" in page
    assert "additional estimate</strong><br><span class=\"muted\">$35 billion (recorded: US$33bn" \
        in page
    client.cookies.clear()
    log_in(client, Role.CC_US)
    page = client.get("/review").text
    assert "Accept</button>" in page and 'data-testid="accept-by"' not in page


def test_an_article_page_marks_the_sentences_facts_came_from(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = client.post("/review/ingest", data={
        "source": "https://example.org/seed-000", "text": SEED.read_text(encoding="utf-8"),
        "csrf_token": csrf(client, "/review")}).text
    [article] = set(re.findall(r'href="/review/articles/(\d+)"', page))
    page = client.get(f"/review/articles/{article}").text
    marked = re.findall(r"<mark>([^<]+)</mark>", page)
    assert any("6 to 7 trillion yen" in m for m in marked) and "¥6tn to ¥7tn" in page
    assert any("Texas or Louisiana" in m for m in marked)
    assert not any("Copyright" in m for m in marked) and "Copyright" not in page
    assert "SoftBank Group, GE Vernova, De Beers, Westinghouse" in page
    assert set(proposals(page)) and set(proposals(page)) <= set(proposals(
        client.get("/review").text))
    assert client.get("/review/articles/999").status_code == 404
    listed = client.get("/review/articles").text
    assert re.findall(r'<tr data-article="(\d+)">', listed) == [article]
    project = client.get("/projects/24").text
    assert 'id="news"' in project and f'href="/review/articles/{article}"' in project


def test_a_reported_stage_is_recorded_from_the_page(client: TestClient) -> None:
    log_in(client, Role.CC_US)
    page = client.post("/review/ingest", data={
        "source": "https://example.org/lcd",
        "text": "The investment committee recommended the LCD and OLED display factory on "
                "Monday.", "csrf_token": csrf(client, "/review")}).text
    [pid] = proposals(page)
    # cc_us may not recommend (the IC does), but may keep the report with its source.
    assert "Accept</button>" not in page and "accepted by: ic" in page
    assert "Record as reported</button>" in page
    r = client.post(f"/review/{pid}/accept", data={"as_report": "true",
                                                   "csrf_token": csrf(client, "/review")})
    assert "recorded as a reported stage" in r.text and pid not in proposals(r.text)
    project = client.get("/projects/31").text
    assert 'id="reported-stages"' in project and "https://example.org/lcd" in project
    # the lifecycle stage is kept (31's "finalist" in the list is itself a stage report)
    assert 'class="stage stage-proposed" data-testid="stage"' in project


def test_the_queue_is_paged(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from pledge.services import review_queue

    monkeypatch.setattr(review_queue, "PAGE_SIZES", (1, 25))
    log_in(client, Role.ANALYST)
    client.post("/review/ingest", data={"source": "s", "text": SEED.read_text(
        encoding="utf-8"), "csrf_token": csrf(client, "/review")})
    first, second = client.get("/review?size=1").text, client.get("/review?size=1&page=2").text
    assert "page 1 of 4" in first     # an estimate, a site, a sponsor and a tranche
    assert 'href="/review?state=proposed&amp;kind=&amp;framework=&amp;size=1&amp;page=2"' \
        in first
    assert len(proposals(first)) == len(proposals(second)) == 1
    assert proposals(first) != proposals(second)
    r = client.get("/review?size=1&page=5")
    assert r.status_code == 400 and "pages run from 1 to 4" in r.text


def test_the_dashboard_shows_the_news_waiting(client: TestClient, demo_url: str) -> None:
    log_in(client, Role.ANALYST)
    assert 'data-testid="news"' not in client.get("/").text     # nothing read yet
    client.post("/review/ingest", data={"source": "https://example.org/000", "text": SEED.
                                        read_text(encoding="utf-8"),
                                        "csrf_token": csrf(client, "/review")})
    page = client.get("/").text
    waiting = len(proposals(client.get("/review").text))
    assert 'data-testid="news"' in page
    assert f"<strong>{waiting}</strong> proposed changes waiting for review" in page
    assert 'href="/review/articles/' in page
    # Public readers see the dashboard but not the news.
    with TestClient(create_app(demo_url, public_read=True)) as anonymous:
        public = anonymous.get("/")
        assert public.status_code == 200 and 'data-testid="news"' not in public.text


def test_accepting_from_the_page_records_the_articles_date_or_the_one_given(
        client: TestClient) -> None:
    log_in(client, Role.CC_US)
    page = client.post("/review/ingest", data={
        "source": "https://example.org/lcd-dated",
        "text": "Display plant recommended\n\nTOKYO, April 3, 2026 - The investment committee "
                "recommended the LCD and OLED display factory on Monday.",
        "csrf_token": csrf(client, "/review")}).text
    [pid] = proposals(page)
    # the form is prefilled with the article's date, and the queue and list show it
    assert 'name="on" value="2026-04-03"' in page and "published 2026-04-03" in page
    listed = client.get("/review/articles").text
    assert '<td data-testid="published">2026-04-03</td>' in listed
    r = client.post(f"/review/{pid}/accept", data={"as_report": "true", "on": "03/04/2026",
                                                   "csrf_token": csrf(client, "/review")})
    assert 'class="flash error"' in r.text and "(on: 03/04/2026)" in r.text
    assert pid in proposals(client.get("/review").text)
    r = client.post(f"/review/{pid}/accept", data={"as_report": "true", "on": "2026-04-05",
                                                   "csrf_token": csrf(client, "/review")})
    assert "recorded on 2026-04-05" in r.text and pid not in proposals(r.text)


def test_the_queue_shows_the_outlet_and_the_articles_that_corroborate(
        client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    claim = ("The investment committee recommended the LCD and OLED display factory on "
             "Monday.")
    client.post("/review/ingest", data={
        "source": "https://wire.example/lcd", "text": f"TOKYO, April 3, 2026 - {claim}",
        "csrf_token": csrf(client, "/review")})
    page = client.post("/review/ingest", data={
        "source": "https://daily.example/lcd",
        "text": f"SEOUL, April 4, 2026 - Screen makers were watching Tokyo closely. {claim} "
                "Suppliers in Korea expect orders for glass and chemicals.",
        "csrf_token": csrf(client, "/review")}).text
    assert len(proposals(page)) == 1          # one proposal, not a copy per article
    assert '<span class="muted" data-testid="article-outlet">wire.example</span>' in page
    assert re.search(r'data-testid="corroborations" title="https://daily.example/lcd">'
                     r'1 more article says so<', page)
    japanese = client.get("/review?lang=ja").text
    assert "ほかに 1 件の記事が同じことを伝えています" in japanese


def test_a_tranche_of_the_programme_is_shown_as_the_programme_s(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    client.post("/review/ingest", data={"source": "s", "text": SEED.read_text(
        encoding="utf-8"), "csrf_token": csrf(client, "/review")})
    page = client.get("/review?kind=tranche").text
    [row] = re.findall(r'<tr data-proposal=.*?</tr>', page, re.S)
    assert "first phase (no. 1): an estimated 6 to 7 trillion yen" in row
    assert "programme" in row and "not yet recorded" not in row
    sponsor = client.get("/review?kind=sponsor").text
    assert "GE Vernova as partner" in sponsor and "sponsor: GE Vernova" not in sponsor
