"""Links and headers: a stored script link is shown as text, every response carries a
strict Content-Security-Policy and the other security headers, errors included."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import news, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import make_engine, transaction
from tests.web.test_pages import log_in

SEED = Path(__file__).resolve().parents[1] / "data" / "000_c962c52e75ce5afa.txt"
IC = Actor("demo_ic", Role.IC)
PROJECT = 25
PLANTED = ["javascript:alert(document.domain)", " JaVaScRiPt:alert(2)", "java\tscript:alert(3)",
           "data:text/html,<script>alert(4)</script>", "\x01javascript:alert(5)"]
LINK = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
# plotly.js fills an empty <style> element through the CSS object model: the one inline
# style the pages allow is the empty one.
EMPTY = f"'sha256-{base64.b64encode(hashlib.sha256(b'').digest()).decode()}'"


@pytest.fixture
def app(demo_url: str) -> FastAPI:
    return create_app(demo_url)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_secured(headers: object, *, docs: bool = False) -> dict[str, list[str]]:
    h = headers
    assert hasattr(h, "get")
    assert h.get("x-content-type-options") == "nosniff"
    assert h.get("referrer-policy") == "same-origin"
    assert h.get("x-frame-options") == "DENY"
    csp = directives(h.get("content-security-policy") or "")
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    if not docs:
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'", EMPTY]
        assert csp["default-src"] == ["'self'"]
    return csp


def test_every_response_carries_the_security_headers(app: FastAPI, client: TestClient
                                                     ) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    anonymous = [client.get("/", follow_redirects=False), client.get("/login"),
                 client.get("/static/app.js"), client.get("/api/v1/projects"),
                 client.get("/api/v1/projects/999999"), client.get("/no/such/page"),
                 client.post("/api/v1/projects", json={"name": 1}),
                 client.get("/openapi.json")]
    assert [r.status_code for r in anonymous] == [303, 200, 200, 401, 401, 404, 401, 200]
    for r in anonymous:
        assert_secured(r.headers)
    log_in(client, Role.ANALYST)
    for path in ("/", f"/projects/{PROJECT}", "/deadlines", "/review", "/projects/999999"):
        assert_secured(client.get(path).headers)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert_secured(r.headers)


def test_the_api_documentation_gets_its_own_narrow_policy(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    csp = assert_secured(r.headers, docs=True)
    inline = r.text.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert csp["script-src"] == ["'self'", f"'sha256-{digest}'"]
    # No other host is named, in the policy or in the page: the documentation works offline.
    assert "https://" not in r.headers["content-security-policy"]
    assert "https://" not in r.text and "http://" not in r.text
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert f'"{asset}"' in r.text or f"'{asset}'" in r.text
        got = client.get(asset)
        assert got.status_code == 200 and len(got.content) > 10_000, asset
    assert client.get("/docs-assets/favicon.png").status_code == 404  # not what a page loads
    assert client.get("/docs-assets/..%2F__init__.py").status_code == 404
    assert client.get("/redoc").status_code == 404  # ReDoc's build is not offline: not offered
    # The pages keep the strict policy.
    assert directives(client.get("/login").headers["content-security-policy"])[
        "style-src"] == ["'self'", EMPTY]


def test_the_site_has_an_icon(client: TestClient) -> None:
    for path in ("/favicon.ico", "/static/favicon.svg"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        assert r.content.lstrip().startswith(b"<svg")
    assert 'href="/static/favicon.svg"' in client.get("/login").text


def test_links_recorded_before_sources_were_checked_are_shown_as_text(
        client: TestClient, demo_url: str) -> None:
    engine = make_engine(demo_url)
    on = date(2026, 4, 1)
    projects.add_estimate(engine, PROJECT, "US$3bn", "https://example.org/e", on, IC)
    projects.add_site_report(engine, PROJECT, "Piketon, Ohio", "https://example.org/s", on, IC)
    projects.add_status_report(engine, PROJECT, "selected", "https://example.org/r", on, IC)
    [ingested] = news.ingest(engine, [news.ArticleInput("https://example.org/a",
                                                        SEED.read_text(encoding="utf-8"))],
                             Actor("demo_analyst", Role.ANALYST))
    with transaction(engine) as s:
        for table in (t.estimates, t.site_reports, t.status_reports):
            s.execute(table.update().where(table.c.project_id == PROJECT)
                      .values(source=PLANTED[0]))
        s.execute(t.transitions.update().where(t.transitions.c.project_id == PROJECT)
                  .values(sources=PLANTED))
        s.execute(t.news_articles.update().where(t.news_articles.c.id == ingested.article_id)
                  .values(source=PLANTED[1]))
        assert s.execute(select(t.transitions.c.id).where(
            t.transitions.c.project_id == PROJECT)).first() is not None
    log_in(client, Role.ANALYST)
    for path, shown in ((f"/projects/{PROJECT}", PLANTED[0]),
                        (f"/review/articles/{ingested.article_id}", PLANTED[1].strip())):
        page = client.get(path).text
        links = LINK.findall(page)
        assert links, path
        # a path, a web address, or a place on the same page (a fragment)
        safe = ("/", "https://", "http://", "#")
        assert all(h.startswith(safe) for h in links), (
            path, [h for h in links if not h.startswith(safe)])
        assert f'<span class="src">{shown}</span>' in page, path
    # A good address is still a link.
    projects.add_estimate(engine, PROJECT, "US$4bn", "https://example.org/good", on, IC)
    page = client.get(f"/projects/{PROJECT}").text
    assert '<a class="src" href="https://example.org/good" rel="noreferrer">' in page


def test_the_login_page_says_how_the_first_administrator_logs_in(client: TestClient) -> None:
    page = client.get("/login").text
    note = page.split('data-testid="first-admin"')[1].split("</p>")[0]
    assert "<code>admin</code>" in note and "pledge users reset-password admin" in note


def test_the_pages_name_fonts_that_draw_japanese_and_korean(client: TestClient) -> None:
    css = client.get("/static/app.css").text
    body = css.split("body {")[1].split("}")[0]
    assert "Noto Sans CJK JP" in body and "Hiragino Sans" in body and "Yu Gothic" in body
    assert "Noto Sans CJK KR" in body and "Malgun Gothic" in body
    assert body.index("Noto Sans CJK JP") < body.index("sans-serif;")
