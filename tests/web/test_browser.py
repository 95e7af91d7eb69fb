"""The pages in a real browser: Debian's Chromium driven by Playwright, headless.

A server runs on a loopback port against a fresh demo database. When Chromium
is missing these tests are skipped on a developer's machine and fail in CI
(``CI`` set), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.demo import demo_password

CHROMIUM = os.environ.get("PLEDGE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(demo_url: str) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(create_app(demo_url), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM} and CI is set")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        yield pg
        context.close()
        browser.close()


def log_in(page: Any, role: Role, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("input[name=name]", f"demo_{role.value}")
    page.fill("input[name=password]", demo_password(role))
    page.click("form[action='/login'] button[type=submit]")  # whatever the page's language
    page.wait_for_selector("[data-testid=user]")


def log_out(page: Any) -> None:
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")


def submit(page: Any, form: str, fields: dict[str, str]) -> str:
    """Fill and submit one of the project page's forms; return the message it leaves."""
    scope = page.locator(f"[data-testid=form-{form}]")
    for name, value in fields.items():
        target = scope.locator(f"[name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    scope.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=flash]")
    return str(page.locator("[data-testid=flash]").inner_text())


def test_an_anonymous_visitor_is_sent_to_log_in(page: Any) -> None:
    page.goto("/projects/32")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "Log in"
    log_in(page, Role.ANALYST, "/projects/32")
    assert page.url.endswith("/projects/32")


def test_committees_take_a_finalist_to_notice_and_the_dashboard_shows_its_date(
        page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # The consultation committee (partner members) records the consultation.
    log_in(page, Role.CC_JP, "/projects/32")
    assert page.locator("[data-testid=form-recommended]").count() == 0
    msg = submit(page, "consult", {"kind": "committee", "on": "2026-04-01",
                                   "note": "reviewed with the partner's members"})
    assert "recorded" in msg
    log_out(page)
    # The US members may consult too, but may not recommend.
    log_in(page, Role.CC_US, "/projects/32")
    assert page.locator("[data-testid=form-consult]").count() == 1
    assert page.locator("[data-testid=form-recommended]").count() == 0
    log_out(page)
    # The investment committee recommends.
    log_in(page, Role.IC, "/projects/32")
    assert page.locator("[data-testid=form-selected]").count() == 0
    assert "recommended" in submit(page, "recommended", {"on": "2026-04-02",
                                                         "reason": "strong case"})
    log_out(page)
    # Only the President selects.
    log_in(page, Role.PRESIDENT, "/projects/32")
    assert "selected" in submit(page, "selected", {"on": "2026-04-03"})
    assert page.locator("[data-testid=stage]").inner_text() == "selected"
    log_out(page)
    # The investment committee sends the notice: the funding date is computed.
    log_in(page, Role.IC, "/projects/32")
    msg = submit(page, "notified", {"on": "2026-04-06"})
    assert "2026-06-09" in msg
    assert page.locator("[data-testid=funding-date]").inner_text() == "2026-06-09"
    page.wait_for_selector("#chart-waterfall .main-svg")
    page.screenshot(path=str(ARTIFACTS / "project.png"), full_page=True)
    # The dashboard lists it among the next funding deadlines.
    page.goto("/?on=2026-04-07")
    assert page.locator("[data-testid=funding-date-32]").inner_text() == "2026-06-09"
    page.wait_for_selector("#chart-gauge .main-svg")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_news_read_on_the_review_page_is_decided_with_its_evidence_in_view(
        page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    seed = Path(__file__).resolve().parents[1] / "data" / "000_c962c52e75ce5afa.txt"
    # An analyst pastes an article; its proposals are queued with their sentences.
    log_in(page, Role.ANALYST, "/review")
    form = page.locator("[data-testid=form-ingest]")
    form.locator("[name=source]").fill("https://news.example/000")
    form.locator("[name=text]").fill(seed.read_text(encoding="utf-8"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=flash]")
    assert "proposed changes queued" in page.locator("[data-testid=flash]").inner_text()
    rows = page.locator("[data-testid=proposals] tr[data-proposal]")
    assert rows.count() == 4      # an estimate, a site, a sponsor and a tranche
    assert page.locator("button:has-text('Accept')").count() == 0  # analysts triage only
    # The article's page marks the sentences each fact was read from.
    page.locator("a[href^='/review/articles/']").first.click()
    page.wait_for_selector("[data-testid=article-text] mark")
    marked = page.locator("[data-testid=article-text] mark").all_inner_texts()
    assert any("6 to 7 trillion yen" in m for m in marked)
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    log_out(page)
    # A committee member accepts the estimate: the project shows it with the article.
    log_in(page, Role.CC_JP, "/review")
    row = page.locator("tr[data-proposal]", has_text="additional estimate")
    row.locator("button:has-text('Accept')").click()
    page.wait_for_selector("[data-testid=flash]")
    assert "accepted and applied" in page.locator("[data-testid=flash]").inner_text()
    assert page.locator("[data-testid=proposals] tr[data-proposal]").count() == 3
    page.goto("/projects/24")
    assert page.locator("a[href='https://news.example/000']").count() >= 1
    assert page.locator("#news a[href^='/review/articles/']").count() == 1


# Records every Content-Security-Policy violation the page reports (the init script is the
# browser's, not the page's, so the policy does not apply to it).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push([e.violatedDirective, e.blockedURI || 'inline', e.sample,
                           e.sourceFile + ':' + e.lineNumber].join(' '));
});
"""


def test_pages_draw_their_charts_under_the_policy_without_a_console_error(page: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.add_init_script(WATCH_VIOLATIONS)
    log_in(page, Role.ANALYST)
    for path, figures in (("/", ["gauge", "pipeline", "sectors"]),
                          ("/projects/25", ["waterfall", "irr"]),
                          ("/projects/26", ["waterfall", "irr", "capital"]),
                          ("/priorities", ["pareto"])):
        response = page.goto(path, timeout=120_000)
        assert response is not None and response.status == 200, path
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, csp
        for key in figures:
            # Plotly draws each figure as SVG inside its <div data-figure>.
            page.wait_for_selector(f"[data-figure={key}] svg.main-svg")
            assert page.locator(f"[data-figure={key}] .plot-container").count() == 1, key
            if key != "gauge":  # every chart with axes names both (the gauge has none)
                for title in ("xtitle", "ytitle"):
                    texts = page.locator(f"[data-figure={key}] text.{title}").all_text_contents()
                    assert texts and all(t.strip() for t in texts), (path, key, title)
        assert page.evaluate("window.__violations") == [], path
    # The framework switch submits itself from the static script (no inline handler).
    page.goto("/")
    page.select_option("select[name=framework]", "korea")
    page.wait_for_url("**/?framework=korea")
    page.wait_for_selector("[data-figure=gauge] svg.main-svg")
    assert page.evaluate("window.__violations") == []
    assert problems == []


def test_the_api_documentation_lists_its_operations_with_no_network(page: Any,
                                                                     server: str) -> None:
    """Swagger UI comes from the installed package: every request the page makes goes to
    the server itself (any other host is refused here, as it would be offline)."""
    elsewhere: list[str] = []
    failed: list[str] = []

    def only_here(route: Any) -> None:
        if route.request.url.startswith(server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: failed.append(f"page error: {e}"))
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto("/docs")
    assert response is not None and response.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=60_000)
    assert page.locator(".opblock").count() >= 40  # every operation of the API
    assert page.get_by_text("/api/v1/projects/{project_id}", exact=True).count() >= 1
    assert page.evaluate("window.__violations") == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs.png"))
    assert elsewhere == [] and failed == []


def test_the_projects_table_sorts_by_a_clicked_column(page: Any) -> None:
    log_in(page, Role.ANALYST, "/projects")
    page.goto("/projects")
    ids = page.locator("[data-testid=projects] tbody tr td:first-child")

    def shown() -> list[int]:
        return [int(x) for x in ids.all_inner_texts()]

    header = page.locator("[data-testid=projects] thead th").first
    header.click()
    assert shown() == sorted(shown()) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert shown() == sorted(shown(), reverse=True)
    assert header.get_attribute("aria-sort") == "descending"


# Every page a logged-in analyst reads, with the charts each draws.
EVERY_PAGE = (("dashboard", "/", ("gauge", "pipeline", "sectors")),
              ("projects", "/projects", ()),
              ("project-25", "/projects/25", ("waterfall", "irr")),
              ("project-26", "/projects/26", ("waterfall", "irr", "capital")),
              ("deadlines", "/deadlines", ()),
              ("framework", "/frameworks/japan", ()),
              ("priorities", "/priorities", ("pareto",)),
              ("review", "/review", ()),
              ("articles", "/review/articles", ()))
# What must never reach a reader: a missing value printed as Python or JavaScript writes
# it, or an amount as raw digits (ten or more in a row, outside a web address).
LEAKS = re.compile(r"\bNone\b|\bnan\b|\bNaN\b")
RAW_DIGITS = re.compile(r"(?<![\d.,])\d{10,}")
ADDRESS = re.compile(r"https?://\S+")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _until_computed(page: Any, path: str) -> None:
    """Open ``path`` and wait out the page's own refreshes while a job computes it."""
    response = page.goto(path, timeout=120_000)
    assert response is not None and response.status == 200, path
    deadline = time.monotonic() + 180
    while page.locator("[data-testid=computing]").count() and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        page.goto(path, timeout=120_000)
    assert page.locator("[data-testid=computing]").count() == 0, path


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_page_in_both_languages_reads_cleanly_and_is_photographed(
        page: Any, server: str, lang: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}")
            if r.status >= 400 else None)
    page.goto(f"/login?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    page.screenshot(path=str(ARTIFACTS / f"{lang}-login.png"), full_page=True)
    log_in(page, Role.ANALYST, "/review")
    # an article read, so that its page and the news on the others are shown too
    seed = Path(__file__).resolve().parents[1] / "data" / "000_c962c52e75ce5afa.txt"
    form = page.locator("[data-testid=form-ingest]")
    form.locator("[name=source]").fill("https://news.example/000")
    form.locator("[name=text]").fill(seed.read_text(encoding="utf-8"))
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=flash]")
    article = page.locator("a[href^='/review/articles/']").first.get_attribute("href")
    for name, path, figures in (*EVERY_PAGE, ("article", article, ())):
        _until_computed(page, path)
        assert page.locator("html").get_attribute("lang") == lang, path
        for key in figures:
            page.wait_for_selector(f"[data-figure={key}] svg.main-svg")
            if key != "gauge":  # every chart with axes names both, in the page's language
                for title in ("xtitle", "ytitle"):
                    texts = page.locator(f"[data-figure={key}] text.{title}").all_text_contents()
                    assert texts and all(t.strip() for t in texts), (lang, path, key, title)
                    if lang == "ja":
                        assert all(JAPANESE.search(t) for t in texts), (path, key, texts)
        text = page.inner_text("body")
        assert not LEAKS.findall(text), (lang, path, LEAKS.findall(text))
        plain = ADDRESS.sub(" ", text)
        assert not RAW_DIGITS.findall(plain), (lang, path, RAW_DIGITS.findall(plain))
        if lang == "ja":
            nav = page.locator("header.top nav").inner_text()
            assert "ダッシュボード" in nav and "Dashboard" not in nav, path
        page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}.png"), full_page=True)
        assert (ARTIFACTS / f"{lang}-{name}.png").stat().st_size > 10_000
    assert problems == []
