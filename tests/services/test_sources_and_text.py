"""Every service that takes a source checks it once, and no control character reaches the
database (a NUL cannot be stored by PostgreSQL): on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from pledge.domain.errors import InvalidInput, PledgeError
from pledge.services import frameworks, news, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
ADMIN = Actor.of("admin", "admin")
ANALYST = Actor.of("analyst", "analyst")
COPPER = 32  # a finalist in the public list
XSS = "javascript:alert(document.domain)"
ON = date(2026, 3, 2)


def rows_in(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {tbl.name: s.execute(select(func.count()).select_from(tbl)).scalar_one()
                for tbl in (t.projects, t.estimates, t.site_reports, t.status_reports,
                            t.transitions, t.consultations, t.extensions, t.news_articles,
                            t.framework_terms, t.audit_log)}


def refused(call: object, *args: object, **kwargs: object) -> list[tuple[str, str]]:
    assert callable(call)
    with pytest.raises(InvalidInput) as err:
        call(*args, **kwargs)
    return [(p.field, p.rule) for p in err.value.problems]


def test_a_script_or_a_path_is_refused_as_a_source_everywhere(engine: Engine) -> None:
    before = rows_in(engine)
    assert refused(projects.add_estimate, engine, COPPER, "US$2bn", XSS, ON, ADMIN) == [
        ("source", "source.bad_scheme")]
    assert refused(projects.add_estimate, engine, COPPER, "US$2bn", " JaVaScRiPt:alert(1)",
                   ON, ADMIN) == [("source", "source.bad_scheme")]
    assert refused(projects.add_site_report, engine, COPPER, "Houston, Texas",
                   "java\tscript:alert(1)", ON, ADMIN) == [("source", "source.control")]
    assert refused(projects.add_status_report, engine, COPPER, "selected",
                   "/home/someone/notes.txt", ON, ADMIN) == [("source", "source.path")]
    assert refused(projects.consult, engine, COPPER, "committee", CC, ON,
                   sources=["https://example.org/minutes", "data:text/html,x"]) == [
        ("sources[1]", "source.bad_scheme")]
    assert refused(projects.advance, engine, COPPER, "recommended", IC, ON, "ready",
                   ["..\\..\\minutes.txt"]) == [("sources[0]", "source.path")]
    assert refused(projects.extend, engine, COPPER, date(2026, 9, 1), IC, ON, "late",
                   ["file:///etc/passwd"]) == [("sources[0]", "source.bad_scheme")]
    assert refused(projects.add_project, engine, projects.NewProject(
        name="Planted link", sector="energy", status="candidate", source=XSS), ADMIN) == [
        ("source", "source.bad_scheme")]
    assert refused(frameworks.amend_framework, engine, "japan", date(2026, 6, 1),
                   {"tariff.agreed": "0.14"}, [XSS], "lower", ADMIN) == [
        ("source[0]", "source.bad_scheme")]
    rows = projects.read_projects_csv(
        "name,sector,status,source_url\n"
        "Fine,energy,candidate,https://example.org/fine\n"
        f"Planted,energy,candidate,{XSS}\n", "japan")
    with pytest.raises(PledgeError) as err, transaction(engine) as s:
        projects.import_projects(s, rows, ADMIN)
    assert [(p.field, p.rule) for p in err.value.problems] == [
        ("row 3 source", "source.bad_scheme")]
    assert rows_in(engine) == before


def test_a_good_source_is_kept_trimmed(engine: Engine) -> None:
    detail = projects.add_estimate(engine, COPPER, "US$2bn", "  https://example.org/e  ", ON,
                                   ADMIN)
    assert [e["source"] for e in detail.estimates][-1] == "https://example.org/e"
    detail = projects.consult(engine, COPPER, "committee", CC, ON,
                              sources=["minutes-2026-03-02.pdf"])
    with transaction(engine) as s:
        assert s.execute(select(t.consultations.c.sources).where(
            t.consultations.c.project_id == COPPER)).scalar_one() == ["minutes-2026-03-02.pdf"]


def test_an_article_planting_a_script_link_is_refused_at_ingest(engine: Engine) -> None:
    before = rows_in(engine)
    text = ("Toshiba will build a US$2bn transformer plant in Texas under the Japan "
            "investment framework, the ministry said.")
    assert refused(news.ingest, engine, [news.ArticleInput(XSS, text)], ANALYST) == [
        ("source", "source.bad_scheme")]
    assert refused(news.ingest, engine, [news.ArticleInput("/srv/news/a.html", text)],
                   ANALYST) == [("source", "source.path")]
    assert rows_in(engine) == before


def test_a_nul_or_control_character_in_text_is_refused_naming_the_field(
        engine: Engine) -> None:
    before = rows_in(engine)
    assert refused(projects.add_project, engine, projects.NewProject(
        name="Nul\x00plant", sector="energy"), ADMIN) == [("name", "text.bad_character")]
    assert refused(projects.add_project, engine, projects.NewProject(
        name="Plant", sector="energy", location="Ohio\x00", lead="A\x07Corp"), ADMIN) == [
        ("location", "text.bad_character"), ("lead", "text.bad_character")]
    assert refused(projects.update_project, engine, COPPER, {"name": "Copper\x00"},
                   ADMIN) == [("name", "text.bad_character")]
    assert refused(projects.consult, engine, COPPER, "committee", CC, ON,
                   note="agreed\x00") == [("note", "text.bad_character")]
    assert refused(projects.advance, engine, COPPER, "recommended", IC, ON,
                   "ready\x00") == [("reason", "text.bad_character")]
    assert refused(projects.add_status_report, engine, COPPER, "selected",
                   "https://example.org/s", ON, ADMIN, wording="picked\x00") == [
        ("wording", "text.bad_character")]
    rows = projects.read_projects_csv("name,sector\nBad\x00name,energy\n", "japan")
    with pytest.raises(PledgeError) as err, transaction(engine) as s:
        projects.import_projects(s, rows, ADMIN)
    assert [(p.field, p.rule) for p in err.value.problems] == [("row 2 name", "text.bad_character")]
    assert rows_in(engine) == before
    # Line breaks stay allowed where text runs over several lines.
    projects.consult(engine, COPPER, "committee", CC, ON, note="first point\nsecond point")
