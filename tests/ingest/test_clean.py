"""Scraper noise goes before anything is read: paywalls, sign-ups, menus, copyright."""

from __future__ import annotations

from pledge.ingest.clean import clean, html_to_text, looks_like_html
from tests.ingest.helpers import SEED_000, SEED_003

PROSE = ("Japan and the United States named three projects worth $36 billion on Tuesday, "
         "officials said.")


def test_seed_003_loses_every_line_of_scraper_noise() -> None:
    cleaned = clean(SEED_003.read_text(encoding="utf-8"), name=SEED_003.name)
    kept = cleaned.text.split("\n")
    assert kept[0].startswith("(Bloomberg) — The US and Japan remain far apart")
    assert kept[-1].startswith("After a selection is made, Japan has 45 business days")
    assert len(kept) == 11
    for line in kept:
        assert not line.startswith(("- ", "Article content", "Subscribe", "SUBSCRIBE"))
    for gone in ("Article content", "By signing up you consent to receive the above "
                 "newsletter from Postmedia Network Inc.", "Sign In or Create an Account",
                 "or", "1 hour ago", "2", "English (US)"):
        assert gone in cleaned.dropped


def test_seed_000_loses_its_copyright_line() -> None:
    cleaned = clean(SEED_000.read_text(encoding="utf-8"), name=SEED_000.name)
    assert "뉴스로드" not in cleaned.text and "Copyright" not in cleaned.text
    assert cleaned.text.endswith("future economic collaboration.")


def test_a_paywall_opens_a_block_until_prose_returns() -> None:
    text = "\n".join([PROSE, "THIS STORY IS FOR SUBSCRIBERS", "- Unlimited access",
                      "- The New York Times Crossword", "Already a subscriber? Log in",
                      "Officials in Tokyo said the funding would start within weeks of the "
                      "notice."])
    kept = clean(text, html=False).text.split("\n")
    assert kept == [PROSE, "Officials in Tokyo said the funding would start within weeks of "
                           "the notice."]


def test_link_lists_and_breadcrumbs_and_bylines() -> None:
    text = "\n".join(["Home > Business > Trade", PROSE, "Most read",
                      "1. Yen slides past 157 per dollar", "2. Toyota raises guidance",
                      "関連記事", "・オハイオ州のガス火力に330億ドル",
                      "홍길동 기자 gildong@example.co.kr", "Reporting by A. Writer; Editing by B",
                      "Tags: Texas, Oil, LNG"])
    assert clean(text, html=False).text == PROSE


def test_copyright_is_cut_from_the_line_it_ends() -> None:
    line = ("Korea will provide $200 billion in cash over several years under the deal. "
            "ⓒ Example News, 무단 전재 및 재배포 금지")
    assert clean(line, html=False).text == ("Korea will provide $200 billion in cash over "
                                            "several years under the deal.")
    assert clean("(c) 2026 Example Media. All rights reserved.", html=False).text == ""


def test_repeated_lines_are_kept_once() -> None:
    text = "\n".join([PROSE, "Share", PROSE, "Advertisement", PROSE])
    assert clean(text, html=False).text == PROSE


def test_html_keeps_the_article_and_drops_the_page_around_it() -> None:
    page = """<html><head><title>T | Site</title><script>var x = "$5 billion";</script></head>
    <body><nav><a>Texas</a></nav><div class="cookie-banner">We use cookies.</div>
    <article><h1>Three projects named</h1><div class="share-tools">Share</div>
    <p>The gas plant in <b>Ohio</b> will cost $33 billion, officials said on Tuesday.</p>
    <div class="ad-slot"><p>Advertisement</p></div>
    <aside class="related-articles"><ul><li>Texas terminal wins permit</li></ul></aside>
    </article><footer>© 2026 Site</footer></body></html>"""
    _, headline = html_to_text(page)
    assert headline == "Three projects named"
    cleaned = clean(page, name="page.html")
    assert cleaned.title == "Three projects named"
    assert cleaned.text == ("Three projects named\nThe gas plant in Ohio will cost $33 billion, "
                            "officials said on Tuesday.")


def test_html_without_an_article_element_and_list_items_as_bullets() -> None:
    page = ("<body><div class='story'><p>" + PROSE + "</p></div>"
            "<div class='promo'><h3>Related</h3><ul><li>Texas news item number one here</li>"
            "</ul></div><h3>Related</h3><ul><li>Another story about Ohio and its plant"
            "</li></ul></body>")
    assert clean(page, html=True).text == PROSE


def test_telling_html_from_text() -> None:
    assert looks_like_html("<p>a</p><p>b</p>")
    assert looks_like_html("anything", "page.HTML")
    assert not looks_like_html("<p>a</p><p>b</p>", "notes.txt")
    assert not looks_like_html("Costs rose 5% < 10% forecast.")


def test_paywall_lines_are_told_in_the_lower_cased_line_as_by_the_case_blind_pattern() -> None:
    from pledge.ingest.clean import _PAYWALL, _paywall
    from tests.ingest.helpers import NEWS

    lines = ["SUBSCRIBE NOW", "Sign In or Create an Account", "Already a Subscriber?",
             "ſubscribe today", "SIGN İN", "Log ın", "Cookies and your PRIVACY settings",
             "会員限定の記事です", "구독하기", "Japan names three projects", "Read the E-Edition",
             "月額 1,980 円で読み放題", "K-pop news letter", "Newsletter"]
    lines += [line for path in sorted(NEWS.glob("*.*")) if path.suffix != ".json"
              for line in path.read_text(encoding="utf-8").splitlines()]
    found = [line for line in lines if _paywall(line)]
    assert found == [line for line in lines if _PAYWALL.search(line)]
    assert "ſubscribe today" in found and "SIGN İN" in found and "Newsletter" in found
