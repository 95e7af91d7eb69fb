"""Bounded input through the services, on SQLite and on PostgreSQL: amounts below the
ceiling, dates in the plausible range, ids and seeds in range, names and text clean.

Each refusal names its field and leaves the database as it was; before these bounds,
each of these inputs was stored as given or failed inside the database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from importlib.resources import files
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from pledge.app import create_app
from pledge.domain.errors import Conflict, InvalidInput, NotFound
from pledge.services import dashboard, deadlines, funding, jobs, news, priorities, projects
from pledge.services.base import Actor, audit
from pledge.services.simulation import simulation_spec
from pledge.services.users import add_user
from pledge.store import tables as t
from pledge.store.db import transaction
from tests.services.test_programme import COPPER, NOTICE, walk_to_notified

ADMIN = Actor.of("admin", "admin")
IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
FUNDER = Actor.of("JBIC", "funder")
GULFLINK = 25  # "Texas GulfLink deepwater crude oil export terminal"
PROPOSED, FINALIST = 1, 27
SOURCE = "https://example.org/report"
TOO_LATE, TOO_EARLY = date(9999, 12, 31), date(1, 1, 1)
FINE = date(2026, 4, 1)


def rows(engine: Engine) -> dict[str, int]:
    """How many rows each table that a refused change might have touched holds."""
    tables = (t.projects, t.estimates, t.transitions, t.consultations, t.extensions,
              t.postings, t.scores, t.weights, t.site_reports, t.status_reports,
              t.audit_log, t.users)
    with transaction(engine) as s:
        return {tbl.name: s.execute(select(func.count()).select_from(tbl)).scalar_one()
                for tbl in tables}


def refused(engine: Engine, call: Callable[[], Any], error: type[Exception] = InvalidInput
            ) -> Any:
    """Run ``call``, which must raise ``error`` and change nothing; return the error."""
    before = rows(engine)
    with pytest.raises(error) as info:
        call()
    assert rows(engine) == before
    return info.value


# -- money ------------------------------------------------------------------------------

# 2**63 hundredths: one more than a 64-bit money column holds.
OVERFLOW = "US$92233720368547758.08"


@pytest.mark.parametrize("amount", [OVERFLOW, "US$10tn", "¥1,500兆", "₩14000조 원",
                                    "up to US$20 trillion"])
def test_an_amount_at_or_above_the_ceiling_is_refused_at_creation(engine: Engine,
                                                                   amount: str) -> None:
    err = refused(engine, lambda: projects.add_project(
        engine, projects.NewProject(name="Huge plant", sector="energy", amount_text=amount),
        ADMIN))
    assert [(p.field, p.value, p.rule) for p in err.problems] == [
        ("amount", amount, "money.too_large")]


def test_an_amount_at_or_above_the_ceiling_is_refused_as_an_estimate(engine: Engine) -> None:
    err = refused(engine, lambda: projects.add_estimate(engine, PROPOSED, OVERFLOW, SOURCE,
                                                        FINE, ADMIN))
    assert (err.first.field, err.first.rule) == ("amount", "money.too_large")


def test_an_amount_at_or_above_the_ceiling_is_refused_as_a_funding(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    for amount in (OVERFLOW, "US$10,000,000,000,000"):
        err = refused(engine, partial(
            funding.fund, engine, COPPER, amount, NOTICE, "equity", "JBIC", FUNDER))
        assert (err.first.field, err.first.rule) == ("amount", "money.too_large")


def test_the_largest_amount_accepted_in_each_currency_is_stored_exactly(engine: Engine
                                                                        ) -> None:
    # Just below ₩14,000tn (the won ceiling) is the largest count of hundredths any
    # accepted amount has; it and its US dollar conversion fit the columns.
    largest = Decimal("13999999999999999.99")
    d = projects.add_estimate(engine, PROPOSED, f"₩{largest:,}", SOURCE, FINE, ADMIN)
    est = d.estimates[-1]
    assert (est["low"], est["high"], est["currency"]) == (largest, largest, "KRW")
    assert est["usd_low"] == (largest / _krw_per_usd(FINE)).quantize(Decimal("0.01"))


def _krw_per_usd(on: date) -> Decimal:
    """The newest USD/KRW rate on or before ``on`` in the shipped rate file."""
    text = (files("pledge") / "data" / "fx_rates.csv").read_text(encoding="utf-8")
    rates = sorted((r["date"], Decimal(r["rate"])) for r in csv.DictReader(io.StringIO(text))
                   if (r["base"], r["quote"]) == ("USD", "KRW") and r["date"] <= on.isoformat())
    return rates[-1][1]


MAX_ALLOWED = Decimal("9999999999999.99")  # the largest US dollar amount accepted


def _bulk_projects(engine: Engine, count: int, usd: Decimal, first_id: int) -> None:
    now = datetime.now(UTC)
    with transaction(engine) as s:
        fw = s.execute(select(t.frameworks.c.id).where(t.frameworks.c.key == "japan")
                       ).scalar_one()
        s.execute(t.projects.insert(), [
            {"id": first_id + i, "framework_id": fw, "name": f"bulk {i}",
             "name_key": f"bulk {i}", "sector": "energy", "sector_detail": "",
             "location": "", "states": [], "status": "proposed", "created_at": now}
            for i in range(count)])
        s.execute(t.estimates.insert(), [
            {"project_id": first_id + i, "low": usd, "high": usd, "currency": "USD",
             "usd_low": usd, "usd_high": usd, "text": "", "source": "", "as_of": None,
             "is_primary": True} for i in range(count)])
        audit(s, ADMIN, "project.add", "project", first_id)  # the data changed


def _proposed(engine: Engine) -> dashboard.StageCount:
    [stage] = [c for c in dashboard.dashboard(engine, "japan", FINE).pipeline
               if c.stage == "proposed"]
    return stage


def test_the_dashboard_adds_up_many_projects_at_the_largest_amount(engine: Engine) -> None:
    # 10,000 x US$9,999,999,999,999.99 is 9.99e18 hundredths, beyond a 64-bit integer:
    # an SQL SUM of the cents overflows on SQLite; the dashboard's sums are exact.
    before = _proposed(engine)
    _bulk_projects(engine, 10_000, MAX_ALLOWED, first_id=100_000)
    after = _proposed(engine)
    assert (after.count - before.count, after.priced - before.priced) == (10_000, 10_000)
    assert after.usd_low - before.usd_low == MAX_ALLOWED * 10_000
    assert after.usd_high - before.usd_high == MAX_ALLOWED * 10_000
    with TestClient(create_app(str(engine.url), public_read=True)) as client:
        assert client.get("/").status_code == 200


def test_the_dashboard_shows_amounts_stored_before_the_ceiling(engine: Engine) -> None:
    # The amount that once broke the dashboard for every user, on two projects.
    legacy = Decimal("92233720368547758.07")
    before = _proposed(engine).usd_high
    _bulk_projects(engine, 2, legacy, first_id=200_000)
    assert _proposed(engine).usd_high - before == legacy * 2
    with TestClient(create_app(str(engine.url), public_read=True)) as client:
        assert client.get("/").status_code == 200


# -- dates ------------------------------------------------------------------------------

DATED: dict[str, Callable[[Engine, date], Any]] = {
    "transition": lambda e, d: projects.advance(e, PROPOSED, "under_review", ADMIN, d, "r"),
    "consultation": lambda e, d: projects.consult(e, FINALIST, "committee", CC, d),
    "estimate": lambda e, d: projects.add_estimate(e, PROPOSED, "US$1bn", SOURCE, d, ADMIN),
    "site": lambda e, d: projects.add_site_report(e, PROPOSED, "Ohio", SOURCE, d, ADMIN),
    "status report": lambda e, d: projects.add_status_report(e, PROPOSED, "finalist",
                                                             SOURCE, d, ADMIN),
    "score": lambda e, d: priorities.set_score(e, FINALIST, "us", "strategic", 5, IC, d),
    "weight": lambda e, d: priorities.set_weight(e, "japan", "us", "strategic", 0.5, IC, d),
}


@pytest.mark.parametrize("what", DATED)
def test_a_date_outside_the_plausible_range_is_never_stored(engine: Engine, what: str
                                                            ) -> None:
    for day in (TOO_LATE, TOO_EARLY):
        err = refused(engine, partial(DATED[what], engine, day))
        assert [(p.field, p.value, p.rule) for p in err.problems] == [
            ("on", day.isoformat(), "input.date_out_of_range")]
    DATED[what](engine, FINE)  # the same change on a plausible date is made


def test_an_extension_and_a_funding_out_of_range_are_refused(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    err = refused(engine, lambda: projects.extend(engine, COPPER, TOO_LATE, IC, NOTICE,
                                                  "more time"))
    assert [(p.field, p.rule) for p in err.problems] == [("until", "input.date_out_of_range")]
    err = refused(engine, lambda: funding.fund(engine, COPPER, "US$1bn", TOO_EARLY, "equity",
                                               "JBIC", FUNDER))
    assert (err.first.field, err.first.rule) == ("on", "input.date_out_of_range")


@pytest.mark.parametrize("ask", [
    lambda e, d: funding.commitments(e, "japan", d),
    lambda e, d: deadlines.compute_deadline(e, "japan", d),
    lambda e, d: deadlines.project_deadlines(e, as_of=d),
    lambda e, d: dashboard.dashboard(e, "japan", d),
], ids=["commitments", "deadline", "deadlines", "dashboard"])
def test_questions_about_implausible_dates_are_refused(engine: Engine,
                                                       ask: Callable[[Engine, date], Any]
                                                       ) -> None:
    for day in (TOO_LATE, TOO_EARLY):
        with pytest.raises(InvalidInput) as info:
            ask(engine, day)
        assert info.value.first.rule == "input.date_out_of_range"


def test_a_window_of_absurd_length_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as info:
        deadlines.compute_deadline(engine, "japan", FINE, days=10**9)
    assert (info.value.first.field, info.value.first.rule) == ("days", "window.length")


# -- ids and seeds ----------------------------------------------------------------------

@pytest.mark.parametrize("big", [2**31, 2**63, 10**20])
def test_ids_beyond_any_column_are_not_found(engine: Engine, big: int) -> None:
    with pytest.raises(NotFound):
        projects.show_project(engine, big)
    with pytest.raises(NotFound):
        projects.show_project(engine, str(big))
    with pytest.raises(NotFound):
        jobs.job_status(engine, big)
    with pytest.raises(NotFound):
        news.get_proposal(engine, big)
    with pytest.raises(NotFound):
        news.get_article(engine, big)
    assert news.list_proposals(engine, state=None, project_id=big) == []
    assert news.list_proposals(engine, state=None, article_id=big) == []


def test_a_negative_seed_is_refused_before_anything_runs(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as info:
        simulation_spec(engine, project_id=24, paths=10, seed=-1)
    assert (info.value.first.field, info.value.first.rule) == ("seed", "simulation.bad_seed")
    with pytest.raises(InvalidInput) as info:
        priorities.prioritise(engine, "japan", paths=10, seed=-1)
    assert (info.value.first.field, info.value.first.rule) == ("seed", "simulation.bad_seed")


def test_a_weight_of_1e308_is_refused_and_the_scores_keep_their_meaning(engine: Engine
                                                                       ) -> None:
    err = refused(engine, lambda: priorities.set_weight(engine, "japan", "us", "strategic",
                                                        1e308, IC, FINE))
    assert (err.first.field, err.first.rule) == ("weight", "priorities.bad_weight")


# -- names ------------------------------------------------------------------------------

GULF = "Texas GulfLink deepwater crude oil export terminal"


LOOK_ALIKES = [
    GULF.upper(), GULF.lower(), GULF.replace(" ", "  "), f" {GULF} ",
    "Ｔｅｘａｓ GulfLink deepwater crude oil export terminal", GULF.replace(" ", "\u00a0"),
    GULF.replace("Gulf", "Ｇｕｌｆ").replace(" ", "\u3000"),
]


def test_a_look_alike_of_a_project_name_is_refused_naming_the_project(engine: Engine
                                                                      ) -> None:
    for variant in LOOK_ALIKES:
        err = refused(engine, partial(projects.add_project, engine,
                                      projects.NewProject(name=variant, sector="energy"),
                                      ADMIN), Conflict)
        assert (err.first.field, err.first.rule) == ("name", "project.duplicate_name")
        assert f"project {GULFLINK}" in err.first.message and GULF in err.first.message
        err = refused(engine, partial(
            projects.update_project, engine, 24, {"name": variant}, ADMIN), Conflict)
        assert (err.first.field, err.first.rule) == ("name", "project.duplicate_name")


def test_the_same_name_in_another_framework_is_another_project(engine: Engine) -> None:
    d = projects.add_project(engine, projects.NewProject(name=GULF.upper(), sector="energy",
                                                         framework="korea"), ADMIN)
    assert (d.summary.name, d.summary.framework) == (GULF.upper(), "korea")


def test_an_imported_look_alike_is_skipped_as_already_present(engine: Engine) -> None:
    csv_text = f"name,sector\n{GULF.upper()},energy\nA new plant,energy\n"
    result = projects.import_projects_csv(engine, csv_text, "japan", ADMIN)
    assert result.skipped == [GULF.upper()] and len(result.added) == 1


def test_a_name_with_a_control_or_invisible_character_is_refused(engine: Engine) -> None:
    for char in ("\x00", "\x1b", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2060",
                 "\ud800"):
        err = refused(engine, partial(projects.add_project, engine,
                                      projects.NewProject(name=f"New{char} plant",
                                                          sector="energy"), ADMIN))
        assert (err.first.field, err.first.rule) == ("name", "text.bad_character")
        err = refused(engine, partial(projects.add_project, engine,
                                      projects.NewProject(name="New plant", sector="energy",
                                                          lead=f"Acme{char} Corp"), ADMIN))
        assert (err.first.field, err.first.rule) == ("lead", "text.bad_character")
        err = refused(engine, partial(
            projects.update_project, engine, 24, {"location": f"Ohio{char}"}, ADMIN))
        assert (err.first.field, err.first.rule) == ("location", "text.bad_character")


def test_names_are_kept_folded_and_their_keys_are_unique_in_the_database(engine: Engine
                                                                         ) -> None:
    d = projects.add_project(engine, projects.NewProject(
        name="  Ｎｅｗ\u3000Ohio   plant ", sector="energy", location=" Ohio\t, US ",
        lead="Ｓｏｆｔ  Bank; ㈱ Denso"), ADMIN)
    assert (d.summary.name, d.summary.location) == ("New Ohio plant", "Ohio , US")
    assert [s["name"] for s in d.sponsors] == ["Soft Bank", "(株) Denso"]
    with transaction(engine) as s:
        key = s.execute(select(t.projects.c.name_key).where(t.projects.c.id == d.summary.id)
                        ).scalar_one()
    assert key == "new ohio plant"
    # The database refuses a second row with the key, whatever wrote it.
    with pytest.raises(IntegrityError), transaction(engine) as s:
        s.execute(t.projects.insert().values(
            framework_id=s.execute(select(t.projects.c.framework_id).where(
                t.projects.c.id == d.summary.id)).scalar_one(),
            name="NEW OHIO PLANT", name_key=key, sector="energy", sector_detail="",
            location="", states=[], status="proposed", created_at=datetime.now(UTC)))


def test_user_names_are_clean_and_look_alikes_are_refused(engine: Engine) -> None:
    add_user(engine, "Alice Example", "analyst", ADMIN)
    err = refused(engine, lambda: add_user(engine, "ALICE  example", "ic", ADMIN), Conflict)
    assert (err.first.field, err.first.rule) == ("name", "users.exists")
    err = refused(engine, lambda: add_user(engine, "adm\u202ein", "ic", ADMIN))
    assert (err.first.field, err.first.rule) == ("name", "text.bad_character")


@pytest.mark.parametrize("text", ["reason\x00", "colour \x1b[31mred", "a\u202eb"])
def test_free_text_with_control_characters_is_refused(engine: Engine, text: str) -> None:
    err = refused(engine, lambda: projects.advance(engine, PROPOSED, "under_review", ADMIN,
                                                   FINE, text))
    assert (err.first.field, err.first.rule) == ("reason", "text.bad_character")
    err = refused(engine, lambda: projects.consult(engine, FINALIST, "committee", CC, FINE,
                                                   text))
    assert (err.first.field, err.first.rule) == ("note", "text.bad_character")
    d = projects.advance(engine, PROPOSED, "under_review", ADMIN, FINE, "two\r\nlines\tok")
    assert d.transitions[-1]["reason"] == "two\nlines\tok"


def test_a_provider_longer_than_its_column_is_refused(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    err = refused(engine, lambda: funding.fund(engine, COPPER, "US$1bn", NOTICE, "equity",
                                               "J" * 121, FUNDER))
    assert (err.first.field, err.first.rule) == ("provider", "text.too_long")


def test_sources_with_control_characters_are_refused(engine: Engine) -> None:
    err = refused(engine, lambda: projects.add_estimate(engine, PROPOSED, "US$1bn",
                                                        "https://example.org/\x00", FINE, ADMIN))
    assert (err.first.field, err.first.rule) == ("source", "source.control")
    err = refused(engine, lambda: projects.consult(engine, FINALIST, "committee", CC, FINE,
                                                   "", ["https://example.org/\x1b"]))
    assert (err.first.field, err.first.rule) == ("sources[0]", "source.control")
    err = refused(engine, lambda: projects.add_project(engine, projects.NewProject(
        name="New plant", sector="energy", source="https://example.org/\x00"), ADMIN))
    assert (err.first.field, err.first.rule) == ("source", "source.control")


def test_an_article_with_control_characters_is_read_without_them(engine: Engine) -> None:
    analyst = Actor.of("reader", "analyst")
    [result] = news.ingest(engine, [news.ArticleInput(
        "wire", "Toyota will invest US$10bn\x00 in a new plant in Ohio,\x1b the company said."
    )], analyst)
    assert result.article_id is not None
    article = news.get_article(engine, result.article_id)
    assert article["text"] == ("Toyota will invest US$10bn in a new plant in Ohio, the "
                               "company said.")
    err = refused(engine, lambda: news.ingest(engine, [news.ArticleInput(
        "wire\x00", "Another article entirely, with other words in it.")], analyst))
    assert (err.first.field, err.first.rule) == ("source", "source.control")
