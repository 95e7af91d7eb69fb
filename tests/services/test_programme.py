"""The programme end to end through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from pledge.domain.errors import PledgeError, RuleViolation
from pledge.services import deadlines, frameworks, funding, projects
from pledge.services.base import Actor
from pledge.services.setup import init
from pledge.store import tables as t
from pledge.store.db import transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
PRESIDENT = Actor.of("The President", "president")
FUNDER = Actor.of("JBIC", "funder")
ADMIN = Actor.of("admin", "admin")
BN = Decimal(10) ** 9
# "Copper smelting and refining plant": the public list reports it a finalist (kept as a
# stage report); in the lifecycle it is proposed until the reviewers take it up.
COPPER = 32
NOTICE = date(2026, 3, 9)  # after the finalist report of 2026-03-04


def counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {name: s.execute(select(func.count()).select_from(tbl)).scalar_one()
                for name, tbl in (("projects", t.projects), ("transitions", t.transitions),
                                  ("audit", t.audit_log), ("postings", t.postings),
                                  ("frameworks", t.frameworks))}


def shortlist(engine: Engine, pid: int, on: date) -> None:
    """The reviewers take a proposed project up and short-list it."""
    projects.advance(engine, pid, "under_review", CC, on, "taken up")
    projects.advance(engine, pid, "finalist", IC, on, "short-listed")


def walk_to_notified(engine: Engine, pid: int, on: date = date(2026, 3, 2),
                     amount: str | None = None) -> None:
    """Selected (allocated ``amount``, by default the estimate's upper bound) and
    notified."""
    if projects.show_project(engine, pid).summary.status == "proposed":
        shortlist(engine, pid, on)
    projects.consult(engine, pid, "committee", CC, on)
    projects.advance(engine, pid, "recommended", IC, on, "ready")
    projects.advance(engine, pid, "selected", PRESIDENT, on, "selected", amount=amount)
    projects.advance(engine, pid, "notified", IC, on, "notice sent")


def test_init_loads_everything_and_is_safe_to_repeat(engine: Engine) -> None:
    before = counts(engine)
    assert before["frameworks"] == 4
    assert before["projects"] == 32
    again = init(engine)
    assert again.frameworks_added == [] and again.projects_added == 0
    assert counts(engine) == before


def test_first_tranche_is_selected(engine: Engine) -> None:
    selected = projects.list_projects(engine, framework="japan", status="selected")
    names = sorted(p.name for p in selected)
    assert len(names) == 3
    assert any("Portsmouth" in n for n in names)
    assert any("GulfLink" in n for n in names)
    assert any("diamond grit" in n for n in names)
    ohio = next(p for p in selected if "Portsmouth" in p.name)
    # two sourced estimates, Commerce's and METI's; METI's is the primary one
    assert (ohio.amount_low_usd, ohio.amount_high_usd) == (Decimal("33.3") * BN,
                                                           Decimal("33.3") * BN)
    assert ohio.states == ("Ohio",)
    detail = projects.show_project(engine, ohio.id)
    assert detail.estimates[0]["source"].startswith("https://newsdig.tbs.co.jp")
    assert [(e["usd_high"], e["is_primary"]) for e in detail.estimates] == [
        (33 * BN, False), (Decimal("33.3") * BN, True)]
    assert {s["name"] for s in detail.sponsors} >= {"SB Energy", "Toshiba"}


def test_a_finalist_through_selection_notice_and_funding(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    detail = projects.show_project(engine, COPPER)
    # 45 US business days after Monday 2026-03-09, no federal holiday in between: nine
    # weeks later, Monday 2026-05-11 (Memorial Day is 2026-05-25).
    assert detail.summary.status == "notified"
    assert detail.summary.funding_date == date(2026, 5, 11)
    assert detail.window_meaning == "deadline"
    [d] = [x for x in deadlines.project_deadlines(engine, as_of=date(2026, 5, 4))
           if x.project_id == COPPER]
    assert (d.due, d.business_days_left, d.provisional) == (date(2026, 5, 11), 5, False)
    assert deadlines.project_deadlines(engine, as_of=date(2026, 5, 4), project_id=COPPER) == [d]
    assert deadlines.project_deadlines(engine, project_id=27) == []  # not selected

    # Selected at its estimate, US$2bn, on top of the first tranche's US$36bn: the
    # fundings draw that allocation down and leave the unallocated capacity as it is.
    result = funding.fund(engine, COPPER, "US$1.5bn", date(2026, 5, 6), "loan", "JBIC",
                          FUNDER)
    assert result.status == "funded" and result.remaining == 512 * BN
    funding.fund(engine, COPPER, "US$500m", date(2026, 5, 7), "guarantee", "NEXI", FUNDER)
    c = funding.commitments(engine, "japan", as_of=date(2026, 5, 7))
    # The guarantee counts toward the cap but is exposure, not cash disbursed.
    assert (c.cap, c.allocated, c.disbursed, c.guaranteed, c.remaining) == (
        550 * BN, 38 * BN, Decimal("1.5") * BN, Decimal("0.5") * BN, 512 * BN)
    assert c.by_instrument == {"loan": Decimal("1.5") * BN}
    hist = projects.history(engine, COPPER)
    assert [x["to_stage"] for x in hist.transitions] == [
        "proposed", "under_review", "finalist", "recommended", "selected", "notified",
        "funded"]
    actions = [a["action"] for a in hist.audit]
    assert actions.count("project.fund") == 2 and "project.consult" in actions
    funded_audit = next(a for a in hist.audit if a["action"] == "project.fund")
    assert funded_audit["before"] == {"status": "notified"}
    assert funded_audit["after"]["amount"] == "1500000000.00"


def test_a_refused_step_changes_nothing_and_names_the_rule(engine: Engine) -> None:
    shortlist(engine, COPPER, NOTICE)
    before = counts(engine)
    with pytest.raises(RuleViolation) as err:
        projects.advance(engine, COPPER, "recommended", IC, NOTICE)
    assert err.value.first.rule == "lifecycle.cc_consultation_required"
    with pytest.raises(RuleViolation) as err:
        projects.advance(engine, COPPER, "selected", PRESIDENT, NOTICE)
    assert err.value.first.rule == "lifecycle.illegal_transition"
    with pytest.raises(RuleViolation):
        funding.fund(engine, COPPER, "US$1bn", NOTICE, "loan", "JBIC", FUNDER)
    assert counts(engine) == before
    assert projects.show_project(engine, COPPER).summary.status == "finalist"


def test_late_funding_needs_an_extension(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    with pytest.raises(RuleViolation) as err:
        funding.fund(engine, COPPER, "US$1bn", date(2026, 5, 12), "loan", "JBIC", FUNDER)
    assert err.value.first.rule == "funding.window_late"
    projects.extend(engine, COPPER, date(2026, 6, 1), IC, date(2026, 5, 11), "permits delayed")
    funding.fund(engine, COPPER, "US$1bn", date(2026, 5, 12), "loan", "JBIC", FUNDER)
    assert projects.show_project(engine, COPPER).summary.status == "funded"


def test_decline_needs_a_recorded_consultation_and_releases_the_allocation(
        engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    funding.allocate(engine, COPPER, "US$3bn", date(2026, 3, 10), IC, "a second line")
    assert funding.commitments(engine, "japan").remaining == 511 * BN
    with pytest.raises(RuleViolation) as err:
        projects.advance(engine, COPPER, "declined", FUNDER, date(2026, 3, 13))
    assert err.value.first.rule == "lifecycle.us_consultation_required"
    projects.consult(engine, COPPER, "decline", FUNDER, date(2026, 3, 12), "told Commerce")
    projects.advance(engine, COPPER, "declined", FUNDER, date(2026, 3, 13), "not viable")
    assert funding.commitments(engine, "japan").remaining == 514 * BN


def test_amended_terms_apply_from_their_date_and_history_keeps_the_old(engine: Engine) -> None:
    frameworks.amend_framework(engine, "japan", date(2026, 6, 1),
                               {"funding_window.unit": "calendar"},
                               ["https://example.org/amendment"], "calendar days", ADMIN)
    fw = frameworks.get_framework(engine, "japan")
    assert len(fw.versions) == 2
    assert fw.terms_on(date(2026, 5, 31)).window.unit.value == "business"  # type: ignore[union-attr]  # these terms have a window
    assert fw.terms_on(date(2026, 6, 1)).window.unit.value == "calendar"  # type: ignore[union-attr]  # these terms have a window
    before = deadlines.compute_deadline(engine, "japan", date(2026, 5, 1))
    after = deadlines.compute_deadline(engine, "japan", date(2026, 6, 1))
    # 45 weekdays from Mon 2026-05-04 to Fri 2026-07-03 hold three federal holidays
    # (Memorial Day, Juneteenth, Independence Day observed on 07-03): three more days.
    assert (before.unit, before.due) == ("business", date(2026, 7, 8))
    # 2026-06-01 + 45 days = 2026-07-16, a Thursday.
    assert (after.unit, after.due) == ("calendar", date(2026, 7, 16))


def test_amending_the_commitment_moves_the_cap(engine: Engine) -> None:
    frameworks.amend_framework(engine, "japan", date(2026, 6, 1),
                               {"commitment": "US$600 billion"},
                               ["https://example.org/amendment"], "bigger", ADMIN)
    assert funding.commitments(engine, "japan").cap == 600 * BN


def test_korea_annual_cap_holds(engine: Engine) -> None:
    pid = projects.add_project(engine, projects.NewProject(
        name="Korean shipyard", sector="shipbuilding", framework="korea",
        location="Philadelphia, Pennsylvania", reported_on="2026-01-02"), ADMIN).summary.id
    projects.advance(engine, pid, "under_review", IC, date(2026, 1, 5))
    projects.advance(engine, pid, "finalist", IC, date(2026, 1, 6))
    walk_to_notified(engine, pid, date(2026, 1, 7), amount="US$30bn")
    # Korea's window is an earliest date: 45 US business days after the notice.
    funding_date = projects.show_project(engine, pid).summary.funding_date
    assert funding_date == date(2026, 3, 13)
    funding.fund(engine, pid, "US$15bn", date(2026, 3, 13), "equity", "KIC", FUNDER)
    with pytest.raises(RuleViolation) as err:
        funding.fund(engine, pid, "US$6bn", date(2026, 3, 16), "equity", "KIC", FUNDER)
    assert err.value.first.rule == "cap.annual_exceeded"
    funding.fund(engine, pid, "US$6bn", date(2027, 1, 4), "equity", "KIC", FUNDER)


def test_the_audit_log_is_append_only(engine: Engine) -> None:
    with pytest.raises(DBAPIError), transaction(engine) as s:
        s.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(DBAPIError), transaction(engine) as s:
        s.execute(text("DELETE FROM audit_log"))
    assert counts(engine)["audit"] > 0


def test_twenty_concurrent_fundings_never_overshoot_the_allocation(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE, amount="US$1bn")
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def race(i: int) -> None:
        start.wait()
        try:
            funding.fund(engine, COPPER, "US$300m", date(2026, 4, 1), "loan", f"bank{i}",
                         FUNDER)
            result = "ok"
        except PledgeError as exc:
            result = exc.first.rule
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(outcomes) == 20
    assert outcomes.count("ok") == 3
    assert set(outcomes) == {"ok", "funding.over_allocation"}
    c = funding.commitments(engine, "japan")
    assert (c.allocated, c.remaining, c.disbursed) == (37 * BN, 513 * BN, Decimal("0.9") * BN)
    a = projects.show_project(engine, COPPER).allocation
    assert a is not None and (a["funded"], a["available"]) == (Decimal("0.9") * BN,
                                                                Decimal("0.1") * BN)


def test_estimates_accumulate_and_convert_at_their_date(engine: Engine) -> None:
    ohio = next(p.id for p in projects.list_projects(engine, status="selected")
                if "Portsmouth" in p.name)
    detail = projects.add_estimate(engine, ohio, "5.2兆円", "https://example.org/meti",
                                   date(2026, 2, 18), ADMIN)
    assert len(detail.estimates) == 3  # Commerce's, METI's, and this one
    new = detail.estimates[-1]
    assert (new["low"], new["currency"], new["is_primary"]) == (
        Decimal("5200000000000"), "JPY", False)
    # The shipped rate of 2026-02-18 is 152.78 yen per dollar.
    assert new["usd_low"] == (Decimal("5200000000000") / Decimal("152.78")).quantize(
        Decimal("0.01"))
    assert detail.summary.amount_low_usd == Decimal("33.3") * BN  # the primary did not change
    detail = projects.add_estimate(engine, ohio, "US$33bn", "https://example.org/x",
                                   date(2026, 2, 17), ADMIN, primary=True)
    assert detail.summary.amount_low_usd == 33 * BN
    assert sum(e["is_primary"] for e in detail.estimates) == 1
    with pytest.raises(PledgeError) as err:
        projects.add_estimate(engine, ohio, "¥1 trillion", "https://example.org/y",
                              date(2020, 1, 1), ADMIN)
    assert err.value.first.rule == "fx.no_rate"


def test_funding_cannot_precede_the_notice(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    with pytest.raises(RuleViolation) as err:
        funding.fund(engine, COPPER, "US$1bn", date(2026, 3, 6), "loan", "JBIC", FUNDER)
    assert err.value.first.rule == "funding.before_notice"


def test_commitments_as_of_a_date_ignore_later_entries(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    funding.fund(engine, COPPER, "US$1bn", date(2026, 4, 1), "loan", "JBIC", FUNDER)
    assert funding.commitments(engine, "japan", as_of=date(2026, 3, 31)).disbursed == 0
    assert funding.commitments(engine, "japan", as_of=date(2026, 4, 1)).disbursed == BN


def test_the_cap_cannot_be_amended_below_what_is_allocated(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    funding.fund(engine, COPPER, "US$2bn", date(2026, 4, 1), "loan", "JBIC", FUNDER)
    with pytest.raises(RuleViolation) as err:
        frameworks.amend_framework(engine, "japan", date(2026, 6, 1),
                                   {"commitment": "US$1bn"}, ["https://example.org/a"], "",
                                   ADMIN)
    assert err.value.first.rule == "cap.below_allocated"


def test_an_extension_cannot_shorten_the_one_granted(engine: Engine) -> None:
    walk_to_notified(engine, COPPER, NOTICE)
    projects.extend(engine, COPPER, date(2026, 6, 1), IC, date(2026, 5, 11), "permits")
    with pytest.raises(RuleViolation) as err:
        projects.extend(engine, COPPER, date(2026, 5, 20), IC, date(2026, 5, 12), "oops")
    assert err.value.first.rule == "extension.not_later"


def test_adding_a_project_in_yen_converts_at_the_reported_date(engine: Engine) -> None:
    detail = projects.add_project(engine, projects.NewProject(
        name="Yen project", sector="energy", amount_text="5.2兆円", reported_on="2026-02-18",
        status="proposed", source="https://example.org/y"), ADMIN)
    est = detail.estimates[0]
    assert (est["low"], est["currency"]) == (Decimal("5200000000000"), "JPY")
    assert detail.summary.amount_low_usd == (Decimal("5200000000000") / Decimal("152.78")
                                             ).quantize(Decimal("0.01"))
    with pytest.raises(PledgeError) as err:
        projects.add_project(engine, projects.NewProject(
            name="Bad", sector="energy", amount_text="abc"), ADMIN)
    assert err.value.first.field == "amount"
    with pytest.raises(PledgeError) as err:
        projects.add_project(engine, projects.NewProject(
            name="Too early", sector="energy", amount_text="¥1 trillion",
            reported_on="2020-01-01"), ADMIN)
    assert err.value.first.rule == "fx.no_rate"


def test_import_refuses_an_unsourced_stage_and_an_unknown_framework(engine: Engine) -> None:
    rows = projects.read_projects_csv(
        "name,sector,status,framework,source_url\n"
        "A,energy,selected,japan,\n"
        "B,astrology,candidate,japan,https://example.org\n"
        "C,energy,candidate,atlantis,https://example.org\n", "japan")
    with pytest.raises(PledgeError) as err, transaction(engine) as s:
        projects.import_projects(s, rows, ADMIN)
    fields = {p.field for p in err.value.problems}
    # row 2 reports a stage past 'proposed': kept as a stage report, it needs a source and
    # the date it was reported
    assert fields == {"row 2 source", "row 2 date_reported", "row 3 sector",
                      "row 4 framework"}
