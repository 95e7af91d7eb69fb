"""An article's publication date, from its page's metadata or its dateline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pledge.ingest.clean import clean
from pledge.ingest.dates import from_html, from_text, parse_date, published

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
APRIL_3 = date(2026, 4, 3)


@pytest.mark.parametrize("head", [
    '<meta property="article:published_time" content="2026-04-03T08:00:00Z">',
    "<meta content='2026-04-03' name='date'>",
    '<meta name="DC.date.issued" content="2026/04/03">',
    '<meta itemprop="datePublished" content="2026-04-03T23:30:00+09:00">',
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"datePublished": "2026-04-03T10:00:00Z", "dateModified": "2026-05-01"}</script>',
    '<p>By A. Writer <time datetime="2026-04-03">3 April</time></p>',
])
def test_html_metadata_gives_the_date(head: str) -> None:
    page = f"<html><head>{head}</head><body><p>Text of May 9, 2027.</p></body></html>"
    assert from_html(page) == APRIL_3


def test_the_published_time_wins_over_a_modified_time_and_a_later_time_tag() -> None:
    page = ('<meta property="article:modified_time" content="2026-06-01">'
            '<time datetime="2026-06-02">June</time>'
            '<meta property="article:published_time" content="2026-04-03T08:00:00Z">')
    assert from_html(page) == APRIL_3


@pytest.mark.parametrize("text", [
    "Smelter named finalist\n\nWASHINGTON, April 3, 2026 - A copper plant was named.",
    "Smelter named finalist\nApr. 3 2026\nA copper plant was named a finalist today.",
    "Smelter named finalist\nPublished 3 April 2026\nA copper plant was named.",
    "Smelter named finalist\n3rd April, 2026\nA copper plant was named.",
    "2026-04-03\nA copper plant was named a finalist.",
    "銅製錬所が最終候補に\n2026年4月3日\n銅製錬所が第2弾の最終候補に選ばれた。",
    "銅製錬所が最終候補に\n２０２６年４月３日\n銅製錬所が選ばれた。",   # full-width digits
    "구리 제련소\n2026년 4월 3일\n구리 제련소가 최종 후보로 선정됐다.",
])
def test_a_dateline_gives_the_date(text: str) -> None:
    assert from_text(text) == APRIL_3


@pytest.mark.parametrize("text", [
    # a date inside the story is what it is about, not when it ran
    "Smelter named finalist\nThe committee, which met on Monday to weigh the copper smelter "
    "and two other plants in Arizona and Texas, said funds would follow by March 31, 2029.",
    "No date anywhere in this article about a copper smelter.",
    "Smelter\nApril 31, 2026\nThere is no 31 April.",           # not a calendar day
    "Smelter\nJanuary 3, 1890\nLong before any source pledge cites.",  # out of range
    "Smelter\n2026年13月3日\n",
    "",
])
def test_no_date_is_invented(text: str) -> None:
    assert from_text(text) is None


def test_a_page_with_no_metadata_falls_back_to_its_dateline_and_else_gives_none() -> None:
    dated = "<html><body><h1>Smelter</h1><p>TOKYO, 3 April 2026 - The plant was named.</p>"
    assert published(dated, clean(dated, html=True).text, html=True) == APRIL_3
    bare = "<html><head><title>Smelter</title></head><body><p>The plant was named.</p></body>"
    assert published(bare, clean(bare, html=True).text, html=True) is None
    assert clean(bare, html=True).published is None


def test_parse_date_reads_the_first_date_in_a_value() -> None:
    assert parse_date("2026-04-03T08:00:00Z") == APRIL_3
    assert parse_date("Friday, April 3rd, 2026, 9:00 AM ET") == APRIL_3
    assert parse_date("not a date") is None


def test_the_shipped_examples_carry_their_dates() -> None:
    copper = (EXAMPLES / "article_copper.txt").read_text(encoding="utf-8")
    assert clean(copper).published == date(2026, 4, 14)
    page = (EXAMPLES / "page_gulflink.html").read_text(encoding="utf-8")
    assert clean(page, html=True).published == date(2026, 3, 23)
