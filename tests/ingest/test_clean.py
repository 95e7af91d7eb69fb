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


# One line for each branch of the paywall and copyright patterns (in several cases), so
# that the words a line is first tested for are seen to miss none of them.
_BRANCH_LINES = [
    "Subscribe", "a subscription", "subscribers only", "For Subscribers", "already a subscriber",
    "sign in", "Sign-in", "SIGN UP", "sign-up", "Log in", "LOGIN", "Create an account",
    "Register to read", "register / sign", "Registration", "Unlock more", "unlock this",
    "Unlock the story", "to unlock", "Free to read", "Continue reading", "reading experience",
    "Premium content", "premium article", "PREMIUM ACCESS", "exclusive articles",
    "unlimited access", "Unlimited online access", "unlimited digital access", "ePaper",
    "E-Edition", "Daily Puzzles", "Crossword", "Newsletter", "By signing up",
    "in your inbox", "Upgrade to Premium", "upgrade to paid", "Become a member",
    "become a paid subscriber", "Unsubscribe", "receiving this email", "2 free articles left",
    "free article left", "articles left this month", "article left this month",
    "Email updates", "favourite authors", "Favorite authors", "Join the conversation",
    "5 articles per month", "free articles", "Cookies: accept", "cookie settings",
    "COOKIES and your consent", "Privacy Policy", "Terms of Use", "terms of service",
    "会員限定", "有料会員", "続きを読む", "会員登録", "無料登録", "ログイン", "購読する",
    "この記事は有料です", "メールマガジン", "ニュースレター", "読み放題", "月額 1,980 円",
    "구독", "로그인", "회원가입", "유료 회원", "뉴스레터", "프리미엄 콘텐츠", "무제한 열람",
    "Copyright © 2026", "© Example", "ⓒ 연합뉴스", "Ⓒ News", "COPYRIGHT (C) News",
    "Copyright c News", "copyright 2026 News", "Copyright by News", "Copyright notice",
    "(c) 2026 News", "(C)2026", "All Rights Reserved", "무단 전재", "무단전재", "재배포 금지",
    "무단 복제", "저작권자", "無断転載", "無断複製", "無断複写", "転載を禁じます", "版權所有",
    "禁止轉載", "ſubscribe", "SIGN İN", "Log ın", "unloK", "all rightſ reserved",
    "The plant will be built in Ohio", "Japan names three projects",
]


def test_paywall_and_copyright_lines_are_told_as_by_the_full_patterns() -> None:
    from pledge.ingest.clean import _COPYRIGHT, _PAYWALL, _copyright, _paywall

    lines = [variant for line in _BRANCH_LINES
             for variant in (line, line.upper(), line.lower(), f"xx {line} yy")]
    paywall = [line for line in lines if _paywall(line)]
    assert paywall == [line for line in lines if _PAYWALL.search(line)]
    assert len(paywall) > 300
    found = [(line, m.span()) for line in lines if (m := _copyright(line)) is not None]
    full = [(line, m.span()) for line in lines if (m := _COPYRIGHT.search(line)) is not None]
    assert found == full
    assert len(found) > 80
