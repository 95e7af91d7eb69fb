"""A project's page is read in one unit of work that skips the lists its row says are
empty, and its template writes plain messages, numbers and Japanese dates from what it
remembers: what a reader sees must still follow every change at once, and each role, each
language and the public still see their own page."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services import claims, news, project_page, projects, relations, simulation
from pledge.services.base import Actor
from pledge.store import project_queries as q
from pledge.store import tables as t
from pledge.store.db import make_engine, reading
from pledge.web import i18n, templating
from tests.web.test_pages import log_in

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
ON = date(2026, 3, 2)


@pytest.fixture
def engine(demo_url: str) -> Iterator[Engine]:
    e = make_engine(demo_url)
    yield e
    e.dispose()


def test_the_page_reads_what_each_long_read_does_for_every_project(engine: Engine) -> None:
    with reading(engine) as s:
        ids = [int(i) for i in s.execute(select(t.projects.c.id)).scalars()]
    assert len(ids) > 20
    for pid in ids:
        read = project_page.project_page(engine, pid, signed_in=True)
        assert read.detail == projects.show_project(engine, pid)
        assert read.assumptions == simulation.assumptions(engine, pid)
        assert read.tranches == claims.list_tranches(engine, project_id=pid)
        assert read.articles == news.list_articles(engine, project_id=pid)
        with reading(engine) as s:  # the lists the row calls empty are empty indeed
            row, _ = q.row_and_summary(s, pid) or (None, None)
            assert row is not None
            assert q.records(s, pid, held=q.holding(row)) == q.records(s, pid)
            assert relations.related_of(s, pid) == [] or "project_links" in q.holding(row)
    public = project_page.project_page(engine, ids[0], signed_in=False)
    assert public.tranches == [] and public.articles == []


def test_a_kept_read_answers_until_the_data_changes(engine: Engine) -> None:
    from pledge.services import public_view
    from tests.services.test_page_reads import statements

    project_page.forget_pages()
    first = project_page.project_page(engine, 26, signed_in=True)
    with statements(engine) as seen:
        assert project_page.project_page(engine, 26, signed_in=True) is first
    assert len(seen) == 1 and "max(audit_log.id)" in seen[0]  # the data's version only
    public = project_page.project_page(engine, 26, signed_in=False)  # kept apart
    assert public.detail == public_view.for_public(engine, first.detail) != first.detail
    assert public.tranches == [] and public.articles == []
    assert project_page.project_page(engine, 26, signed_in=True) is first
    projects.add_site_report(engine, 26, "Lorain County, Ohio", "https://example.org/s",
                             ON, IC)
    again = project_page.project_page(engine, 26, signed_in=True)
    assert again is not first and again.detail == projects.show_project(engine, 26)
    assert "Lorain County, Ohio" in {x["location"] for x in again.detail.sites}
    later = project_page.project_page(engine, 26, signed_in=False)
    assert "Lorain County, Ohio" in {x["location"] for x in later.detail.sites}
    with statements(engine) as seen:
        assert project_page.project_page(engine, 26, signed_in=True) is again
    assert len(seen) == 1


def test_an_id_as_text_or_an_unknown_one_reads_as_before(engine: Engine) -> None:
    from pledge.domain.errors import InvalidInput, NotFound

    assert project_page.project_page(engine, "25", signed_in=True).detail == \
        projects.show_project(engine, 25)
    with pytest.raises(NotFound):
        project_page.project_page(engine, 999_999, signed_in=True)
    with pytest.raises(InvalidInput):
        project_page.project_page(engine, "twenty", signed_in=True)


def test_each_change_to_a_project_shows_on_its_next_page(demo_url: str) -> None:
    engine = make_engine(demo_url)
    added = projects.add_project(engine, projects.NewProject(
        name="A plant with nothing recorded yet", sector="energy", framework="japan",
        location="Ohio", amount_text="US$2bn"), IC)
    pid = added.summary.id
    with TestClient(create_app(demo_url)) as client:
        log_in(client, Role.IC)

        def page() -> str:
            r = client.get(f"/projects/{pid}")
            assert r.status_code == 200
            return str(r.text)

        first = page()
        assert 'id="tranches"' not in first and 'id="related"' not in first
        assert 'class="consultation"' not in first
        assert 'id="news"' not in first
        assert 'id="sites"' not in first and 'id="reported-stages"' not in first
        projects.update_project(engine, pid, {"name": "A plant renamed since"}, IC)
        assert "A plant renamed since" in page()
        projects.consult(engine, pid, "committee", CC, ON, note="heard the committee")
        assert "heard the committee" in page()
        projects.add_estimate(engine, pid, "US$3.5bn", "https://example.org/cost", ON, IC)
        assert "https://example.org/cost" in page()
        projects.add_site_report(engine, pid, "Lorain County, Ohio",
                                 "https://example.org/site", ON, IC)
        assert 'id="sites"' in page() and "Lorain County, Ohio" in page()
        projects.add_status_report(engine, pid, "finalist", "https://example.org/stage",
                                   ON, IC, wording="short-listed")
        assert 'id="reported-stages"' in page() and "short-listed" in page()
        claims.add_tranche(engine, "first phase", "https://example.org/phase", ON, IC,
                           project_id=pid, amount="US$1bn")
        assert 'id="tranches"' in page() and "first phase" in page()
        relations.link_projects(engine, pid, 1, "related", "https://example.org/link", IC)
        shown = page()
        assert 'id="related"' in shown and 'href="/projects/1"' in shown
        relations.unlink_projects(engine, pid, 1, IC, reason="recorded in error")
        assert 'id="related"' not in page()  # a withdrawn link is not shown


def _user(page: str) -> list[str]:
    """Whom the page's header says is signed in."""
    return [str(name) for name in re.findall(r'data-testid="user">([^ <]+)', page)]


def _forms(page: str) -> set[str]:
    return set(re.findall(r'data-testid="form-([\w-]+)"', page))


def test_each_role_sees_its_own_controls_and_name_on_the_same_page(demo_url: str) -> None:
    app = create_app(demo_url, public_read=True)
    with TestClient(app) as ic, TestClient(app) as analyst, TestClient(app) as anyone:
        log_in(ic, Role.IC)
        log_in(analyst, Role.ANALYST)
        for path in ("/projects/27", "/projects/27?lang=ja", "/projects/24"):
            seen_ic, seen_analyst = ic.get(path).text, analyst.get(path).text
            seen_public = anyone.get(path).text
            assert _user(seen_ic) == ["demo_ic"] and _user(seen_analyst) == ["demo_analyst"]
            assert _forms(seen_ic) >= {"estimate", "site", "status-report", "link"}
            assert 'data-testid="actions"' not in seen_analyst and not _forms(seen_analyst)
            assert 'data-testid="actions"' not in seen_public and not _forms(seen_public)
            token = re.findall(r'name="csrf_token" value="([^"]+)"', seen_ic)
            assert token and set(token).isdisjoint(
                re.findall(r'name="csrf_token" value="([^"]+)"', seen_analyst))
            assert _user(seen_public) == []  # nobody signed in
            assert not re.search(r"\bdemo_(admin|analyst|cc_jp|cc_us|funder|ic|president)\b",
                                 seen_public)  # no account's name reaches the public


def test_a_plain_message_is_written_in_each_page_s_language_in_turn(demo_url: str) -> None:
    ja = i18n.catalogue("ja").gettext
    assert ja("Timeline") != "Timeline" and ja("Sponsors") != "Sponsors"
    with TestClient(create_app(demo_url)) as client:
        log_in(client, Role.ANALYST)
        for _ in range(2):  # each language after the other, twice: nothing carried over
            english = client.get("/projects/25?lang=en").text
            japanese = client.get("/projects/25?lang=ja").text
            assert "<h2>Timeline</h2>" in english and f"<h2>{ja('Timeline')}</h2>" in japanese
            assert f"<h2>{ja('Sponsors')}</h2>" not in english
            assert "<h2>Timeline</h2>" not in japanese


def test_a_template_message_formats_as_jinja_s_own_gettext_does() -> None:
    env = templating.templates().env
    page = env.from_string('{{ _("Up 100%% on %(day)s", day=d) }}|{{ _("Plain 5%%") }}|'
                           '{{ _("<b>%(x)s</b>", x=x) }}|{{ _("a & b") }}')
    i18n.use("en")
    try:
        assert page.render(d="2026-03-02", x="<i>") == \
            "Up 100% on 2026-03-02|Plain 5%|<b>&lt;i&gt;</b>|a & b"
    finally:
        i18n.use("en")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_remembered_numbers_and_dates_are_babel_s(lang: str) -> None:
    i18n.use(lang)
    try:
        locale = i18n.LOCALES[lang]
        values: tuple[Any, ...] = (1, 1.0, Decimal("1"), 0.125, Decimal("0.125"), 1234.5678,
                                   Decimal("1234.565"), -0.5, 2.675)
        for value in values:
            for digits in (0, 1, 2):
                grouped = "#,##0" + ("." + "0" * digits if digits else "")
                for _ in range(2):  # written, then remembered
                    assert templating.number(value, digits) == \
                        format_decimal(value, grouped, locale=locale)
                    assert templating.pct(value, digits) == \
                        format_percent(value, grouped + "%", locale=locale)
        nan = float("nan")
        assert templating.pct(nan) == format_percent(nan, "#,##0.0%", locale=locale)
        assert math.isnan(nan) and templating.number(None) == "—"
        for day in (date(2026, 6, 9), date(2025, 12, 31)):
            expected = day.isoformat() if lang == "en" else format_date(day, "long",
                                                                         locale=locale)
            assert templating.day(day) == expected == templating.day(day)
    finally:
        i18n.use("en")
