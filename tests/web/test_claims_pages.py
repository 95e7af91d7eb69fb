"""What the news says beside the record, on the pages: a framework's term claims beside
the terms in force (never changing them), a project's tranches; both for signed-in
readers, as on the API."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import claims
from pledge.services.base import Actor
from pledge.store.db import make_engine
from tests.web.test_pages import log_in

CC = Actor.of("committee one", "cc_us")
ON = date(2026, 3, 2)


@pytest.fixture
def client(demo_url: str) -> Iterator[TestClient]:
    engine = make_engine(demo_url)
    claims.record_term_claim(engine, "japan", {"funding_window.length": 60,
                                               "funding_window.unit": "calendar"},
                             "https://wire.example/terms", ON, CC)
    claims.add_tranche(engine, "first phase", "https://wire.example/phase", ON, CC,
                       project_id=24, ordinal=1, amount="US$10bn")
    engine.dispose()
    with TestClient(create_app(demo_url)) as c:
        yield c


def test_the_framework_page_shows_each_claim_beside_the_terms(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = html.unescape(client.get("/frameworks/japan").text)
    section = page.split('data-testid="term-claims"')[1].split("</section>")[0]
    rows = re.findall(r"<tr data-claim=\"\d+\">(.*?)</tr>", section, re.S)
    assert len(rows) == 2
    length = next(r for r in rows if "funding_window.length" in r)
    cells = re.findall(r"<td>(.*?)</td>", length, re.S)
    # claimed 60, the terms say 45: they disagree, and the source is linked
    assert cells[2:5] == ["60", "45", "<strong>no</strong>"]
    assert "https://wire.example/terms" in length
    ja = html.unescape(client.get("/frameworks/japan?lang=ja").text)
    assert "報道が伝える条件" in ja and "条件上の値" in ja


def test_the_project_page_lists_its_tranches(client: TestClient) -> None:
    log_in(client, Role.ANALYST)
    page = html.unescape(client.get("/projects/24").text)
    section = page.split('data-testid="tranches"')[1].split("</section>")[0]
    assert "first phase" in section and "https://wire.example/phase" in section
    assert re.search(r"<td>first phase</td><td>[^<]*10[^<]*</td>", section), section
    assert 'data-testid="tranches"' not in client.get("/projects/25").text


def test_signed_out_readers_of_the_public_portal_see_neither(demo_url: str) -> None:
    engine = make_engine(demo_url)
    claims.record_term_claim(engine, "japan", {"funding_window.length": 60},
                             "https://wire.example/terms", ON, CC)
    engine.dispose()
    with TestClient(create_app(demo_url, public_read=True)) as anon:
        page = anon.get("/frameworks/japan")
        assert page.status_code == 200 and 'data-testid="term-claims"' not in page.text


@pytest.mark.parametrize("planted", ["javascript:alert(1)", " JaVaScRiPt:alert(2)",
                                     "java\tscript:alert(3)", "ftp://files.example/x",
                                     "file:///etc/passwd", "data:text/html,<b>4</b>"])
def test_a_claim_or_tranche_source_stored_as_script_is_never_a_link(
        client: TestClient, demo_url: str, planted: str) -> None:
    # Written straight into the database (as rows recorded before sources were checked
    # would be): the framework and project pages show the text, never an <a href>.
    from sqlalchemy import update

    from pledge.store import tables as t
    from pledge.store.db import transaction
    engine = make_engine(demo_url)
    with transaction(engine) as s:
        s.execute(update(t.term_claims).values(source=planted))
        s.execute(update(t.tranches).values(source=planted))
    engine.dispose()
    log_in(client, Role.ANALYST)
    for path, testid in (("/frameworks/japan", "term-claims"), ("/projects/24", "tranches")):
        section = client.get(path).text.split(f'data-testid="{testid}"')[1]
        section = section.split("</section>")[0]
        hrefs = re.findall(r"""<a\b[^>]*\bhref\s*=\s*["']?([^"'\s>]*)""", section, re.I)
        assert all(h.startswith(("https://", "http://", "/")) for h in hrefs), (path, hrefs)
        assert html.escape(planted.strip()[:20], quote=False)[:10] in section, path
