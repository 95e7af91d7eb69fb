"""The lifecycle rules, as short scenario tables and as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.calendars import BusinessCalendar
from pledge.domain.errors import RuleViolation
from pledge.domain.framework import ConsultationGate
from pledge.domain.lifecycle import (
    Consultation,
    ConsultationKind,
    Role,
    Stage,
    TransitionRequest,
    allowed_targets,
    plan_transition,
)
from pledge.services.frameworks import shipped_frameworks

JAPAN = next(f for f in shipped_frameworks() if f.key == "japan").current
EU = next(f for f in shipped_frameworks() if f.key == "eu").current
# A calendar with no holidays keeps the arithmetic in these tables easy to check by hand.
PLAIN = BusinessCalendar("plain", frozenset(), 2024, 2030)


def run_scenario(table: str) -> list[tuple[str, str]]:
    """Play a scenario table; returns (line, outcome) where outcome is 'ok' or the rule.

    Each line: ``FROM -> TO  ROLE  DATE  [consulted=DATE] [declinecheck=DATE]``.
    """
    results = []
    for line in table.strip().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        parts = line.split()
        src, _, dst, role, on = parts[:5]
        consultations = []
        for extra in parts[5:]:
            key, _, value = extra.partition("=")
            kind = ConsultationKind.COMMITTEE if key == "consulted" else ConsultationKind.DECLINE
            consultations.append(Consultation(kind, date.fromisoformat(value)))
        req = TransitionRequest(current=Stage(src), target=Stage(dst), role=Role(role),
                                on=date.fromisoformat(on), terms=JAPAN,
                                consultations=tuple(consultations))
        try:
            plan = plan_transition(req, PLAIN)
            outcome = "ok" if plan.funding_date is None else f"ok {plan.funding_date}"
        except RuleViolation as exc:
            outcome = " ".join(p.rule for p in exc.problems)
        results.append((line, outcome))
    return results


SCENARIOS = """
# from         ->  to            role       date        recorded consultations    expected
proposed       ->  under_review  cc_jp      2026-01-05                             | ok
under_review   ->  finalist      ic         2026-01-20                             | ok
finalist       ->  recommended   ic         2026-02-10  consulted=2026-02-01      | ok
finalist       ->  recommended   ic         2026-02-10                             | lifecycle.cc_consultation_required
finalist       ->  recommended   ic         2026-02-10  consulted=2026-02-11      | lifecycle.cc_consultation_required
finalist       ->  recommended   cc_us      2026-02-10  consulted=2026-02-01      | lifecycle.role_not_allowed
finalist       ->  recommended   admin      2026-02-10  consulted=2026-02-01      | lifecycle.role_not_allowed
recommended    ->  selected      president  2026-02-17                             | ok
recommended    ->  selected      ic         2026-02-17                             | lifecycle.role_not_allowed
recommended    ->  selected      president  2029-01-20                             | lifecycle.outside_period
recommended    ->  selected      president  2025-09-03                             | lifecycle.outside_period
finalist       ->  selected      president  2026-02-17                             | lifecycle.illegal_transition
selected       ->  notified      ic         2026-02-17                             | ok 2026-04-21
selected       ->  notified      ic         2026-02-21                             | ok 2026-04-24
notified       ->  funded        funder     2026-03-01                             | lifecycle.use_operation
notified       ->  declined      funder     2026-03-01  declinecheck=2026-02-25   | ok
notified       ->  declined      funder     2026-03-01                             | lifecycle.us_consultation_required
notified       ->  declined      president  2026-03-01  declinecheck=2026-02-25   | lifecycle.role_not_allowed
funded         ->  operating     ic         2027-01-01                             | ok
operating      ->  recouped      ic         2035-01-01                             | ok
recouped       ->  closed        admin      2036-01-01                             | ok
selected       ->  withdrawn     ic         2026-03-01                             | ok
funded         ->  withdrawn     ic         2026-03-01                             | lifecycle.illegal_transition
closed         ->  proposed      admin      2026-03-01                             | lifecycle.no_transition
"""


@pytest.mark.parametrize("line", [ln for ln in SCENARIOS.strip().splitlines()
                                  if ln.strip() and not ln.startswith("#")])
def test_scenario_line(line: str) -> None:
    given_part, expected = (x.strip() for x in line.split("|"))
    [(_, outcome)] = run_scenario(given_part)
    assert outcome == expected


def test_notice_business_days_skip_weekends_only_on_plain_calendar() -> None:
    # 45 business days after Tuesday 2026-02-17 with no holidays: 9 weeks of 5, so the
    # Tuesday 9 weeks later.
    [(_, outcome)] = run_scenario("selected -> notified ic 2026-02-17")
    assert outcome == "ok 2026-04-21"
    # From a Saturday the count starts on Monday 23 February: day 1; 44 more is 8 weeks
    # and 4 days, Friday 24 April.
    [(_, outcome)] = run_scenario("selected -> notified ic 2026-02-21")
    assert outcome == "ok 2026-04-24"


def test_a_holiday_in_the_window_moves_the_notice_date_on() -> None:
    # Friday 3 April 2026 a holiday: the 45th business day after 17 February is one
    # business day after the plain calendar's Tuesday 21 April.
    with_holiday = BusinessCalendar("one holiday", frozenset({date(2026, 4, 3)}), 2024, 2030)
    plan = plan_transition(TransitionRequest(current=Stage.SELECTED, target=Stage.NOTIFIED,
                                             role=Role.IC, on=date(2026, 2, 17), terms=JAPAN),
                           with_holiday)
    assert plan.funding_date == date(2026, 4, 22)


def test_every_problem_is_reported_at_once() -> None:
    req = TransitionRequest(current=Stage.FINALIST, target=Stage.SELECTED, role=Role.IC,
                            on=date(2030, 1, 1), terms=JAPAN)
    with pytest.raises(RuleViolation) as err:
        plan_transition(req, PLAIN)
    rules = {p.rule for p in err.value.problems}
    assert rules == {"lifecycle.illegal_transition", "lifecycle.role_not_allowed",
                     "lifecycle.outside_period"}


def test_transition_dated_before_the_last_one_is_refused() -> None:
    req = TransitionRequest(current=Stage.PROPOSED, target=Stage.UNDER_REVIEW, role=Role.IC,
                            on=date(2026, 1, 1), terms=JAPAN, last_on=date(2026, 2, 1))
    with pytest.raises(RuleViolation) as err:
        plan_transition(req, PLAIN)
    assert err.value.first.rule == "lifecycle.date_order"


def test_advisory_gate_lets_the_committee_recommend_without_a_consultation() -> None:
    from dataclasses import replace
    advisory = replace(JAPAN, consultation_gate=ConsultationGate.ADVISORY)
    req = TransitionRequest(current=Stage.FINALIST, target=Stage.RECOMMENDED, role=Role.IC,
                            on=date(2026, 2, 1), terms=advisory)
    assert plan_transition(req, PLAIN).stage is Stage.RECOMMENDED


def test_a_pledge_without_machinery_cannot_select() -> None:
    req = TransitionRequest(current=Stage.RECOMMENDED, target=Stage.SELECTED,
                            role=Role.PRESIDENT, on=date(2026, 2, 1), terms=EU)
    with pytest.raises(RuleViolation) as err:
        plan_transition(req, PLAIN)
    assert "lifecycle.no_machinery" in {p.rule for p in err.value.problems}


# The legal edges, written out independently of RULES, as the oracle for the property.
LEGAL = {
    (Stage.PROPOSED, Stage.UNDER_REVIEW), (Stage.UNDER_REVIEW, Stage.FINALIST),
    (Stage.FINALIST, Stage.RECOMMENDED), (Stage.RECOMMENDED, Stage.SELECTED),
    (Stage.SELECTED, Stage.NOTIFIED), (Stage.NOTIFIED, Stage.DECLINED),
    (Stage.FUNDED, Stage.OPERATING), (Stage.OPERATING, Stage.RECOUPED),
    (Stage.RECOUPED, Stage.CLOSED), (Stage.DECLINED, Stage.CLOSED),
    *((s, Stage.WITHDRAWN) for s in (Stage.PROPOSED, Stage.UNDER_REVIEW, Stage.FINALIST,
                                     Stage.RECOMMENDED, Stage.SELECTED, Stage.NOTIFIED)),
}
WHO = {Stage.RECOMMENDED: {Role.IC}, Stage.SELECTED: {Role.PRESIDENT},
       Stage.NOTIFIED: {Role.IC}, Stage.DECLINED: {Role.FUNDER}}


@settings(max_examples=400, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(list(Stage)), st.sampled_from(list(Role)),
                                st.booleans()), max_size=25))
def test_no_sequence_gets_an_illegal_transition_accepted(
        steps: list[tuple[Stage, Role, bool]]) -> None:
    stage = Stage.PROPOSED
    day = date(2026, 1, 5)
    for target, role, consulted in steps:
        consultations = (Consultation(ConsultationKind.COMMITTEE, day),
                         Consultation(ConsultationKind.DECLINE, day)) if consulted else ()
        req = TransitionRequest(current=stage, target=target, role=role, on=day, terms=JAPAN,
                                consultations=consultations)
        try:
            plan = plan_transition(req, PLAIN)
        except RuleViolation:
            continue
        assert (stage, target) in LEGAL
        assert role in WHO.get(target, {Role.IC, Role.ADMIN, Role.CC_US, Role.CC_JP})
        if target in (Stage.RECOMMENDED, Stage.DECLINED):
            assert consulted
        stage = plan.stage
        assert target in allowed_targets(req.current, role)
        day += timedelta(days=1)
