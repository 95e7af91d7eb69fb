"""The review queue in view: filters by state, kind and framework, pages with counts,
rows that say each thing once, evidence cut around its figure, no Python None."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.review_queue import excerpt
from tests.web.test_pages import csrf, log_in

NEWS = Path(__file__).resolve().parents[1] / "data" / "news"


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url)) as c:
        log_in(c, Role.ANALYST)
        for path in [*sorted(NEWS.glob("*.txt")), *sorted(NEWS.glob("*.html")),
                     *sorted(NEWS.parent.glob("0*.txt"))]:
            c.post("/review/ingest", data={"source": f"https://example.org/{path.stem}",
                                           "text": path.read_text(encoding="utf-8"),
                                           "csrf_token": csrf(c, "/review")})
        yield c


def ids(page: str) -> list[str]:
    return re.findall(r'<tr data-proposal="(\d+)">', page)


def visible(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", page, flags=re.S))


def everything_queued(client: TestClient) -> list[str]:
    """Every proposal's id in the queue's order, page by page of the largest size."""
    found: list[str] = []
    page = 1
    while chunk := ids(client.get(f"/review?size=100&page={page}").text):
        found += chunk
        page += 1
    return found


def test_pages_through_the_queue_with_counts(client: TestClient) -> None:
    everything = everything_queued(client)
    assert len(everything) > 10, "the articles should queue more than a page"
    assert len(set(everything)) == len(everything)
    first = client.get("/review?size=10").text
    assert ids(first) == everything[:10]
    assert f"1–10 of {len(everything)} proposed" in visible(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    nxt = re.search(r'href="/review\?([^"]+)" rel="next"', first)
    assert nxt and "size=10" in nxt.group(1) and "page=2" in nxt.group(1)
    second = client.get("/review?" + nxt.group(1).replace("&amp;", "&")).text
    assert ids(second) == everything[10:20] and 'rel="prev"' in second
    assert client.get("/review?size=7").status_code == 400


def test_filters_by_kind_and_framework(client: TestClient) -> None:
    page = client.get("/review?kind=additional_estimate&size=100").text
    kinds = re.findall(r'<tr data-proposal="\d+">\s*<td class="num">\d+</td>\s*'
                       r'<td><strong>([^<]+)</strong>', page)
    assert kinds and set(kinds) == {"additional estimate"}
    assert "(filtered)" in visible(page)
    japan = ids(client.get("/review?framework=japan&size=100").text)
    korea = ids(client.get("/review?framework=korea&size=100").text)
    assert japan and not set(japan) & set(korea)
    assert client.get("/review?kind=nonsense").status_code == 400


def test_rows_say_each_thing_once_and_never_none(client: TestClient) -> None:
    page = client.get("/review?state=all&size=100").text
    text = visible(page)
    assert "None" not in text
    assert "new project: " not in page and "another estimate: " not in page
    assert "reported site: " not in page


def test_evidence_is_whole_or_centred_on_its_figure() -> None:
    short = "Japan will fund the plant with $33 billion."
    assert excerpt(short, "$33 billion") == short
    long = ("Officials met in Tokyo on Tuesday to discuss a long list of matters " * 8
            + "and the terminal is now expected to cost $2.1 billion in all, the ministry said.")
    cut = excerpt(long, "$2.1 billion", width=120)
    assert "$2.1 billion" in cut and cut.startswith("…")
    assert len(cut) <= 122
    assert excerpt(long, "not there", width=120).endswith("…")


def test_the_page_says_which_role_accepts_what(client: TestClient) -> None:
    from pledge.domain.access import acceptances

    page = client.get("/review").text
    assert 'data-testid="who-accepts"' in page and "Who accepts what" in page
    for a in acceptances():
        row = re.search(rf'<tr data-role="{a.role.value}">(.*?)</tr>', page, re.S)
        assert row, a.role
        for kind in a.kinds:
            assert kind.value.replace("_", " ") in row[1]
        if not a.kinds:
            assert "nothing" in row[1]
    analyst = re.search(r'<tr data-role="analyst">(.*?)</tr>', page, re.S)
    assert analyst and '<span class="tag">you</span>' in analyst[1]
