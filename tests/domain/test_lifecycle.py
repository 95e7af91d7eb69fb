"""The lifecycle rules, as short scenario tables and as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledge.domain.calendars import BusinessCalendar
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.framework import ConsultationGate, StartEvent, WindowMeaning
from pledge.domain.lifecycle import (
    OPEN_STAGES,
    Consultation,
    ConsultationKind,
    Role,
    Stage,
    TransitionPlan,
    TransitionRequest,
    allowed_targets,
    check_consultation,
    funding_clock_start,
    further,
    parse_role,
    parse_stage,
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


@pytest.mark.parametrize(("kind", "allowed"), [
    (ConsultationKind.COMMITTEE, {Role.IC, Role.CC_US, Role.CC_JP}),
    (ConsultationKind.DECLINE, {Role.FUNDER, Role.CC_JP}),
])
def test_who_may_record_each_consultation(kind: ConsultationKind, allowed: set[Role]) -> None:
    # The committee consultation gates a recommendation, so the partner's funder (who
    # gains from a recommended project) may not record it; the decline consultation is
    # the partner's own.
    for role in Role:
        if role in allowed:
            check_consultation(kind, role, Stage.FINALIST)
            continue
        with pytest.raises(RuleViolation) as err:
            check_consultation(kind, role, Stage.FINALIST)
        assert [(p.field, p.value, p.rule) for p in err.value.problems] == [
            ("role", role.value, "lifecycle.role_not_allowed")]


def test_the_funder_cannot_record_the_committee_consultation() -> None:
    with pytest.raises(RuleViolation) as err:
        check_consultation(ConsultationKind.COMMITTEE, Role.FUNDER, Stage.FINALIST)
    assert err.value.first.rule == "lifecycle.role_not_allowed"
    assert "allowed: cc_jp, cc_us, ic" in err.value.first.message


def refusal(req: TransitionRequest) -> list[tuple[str, object, str, str]]:
    """Every problem ``plan_transition`` finds in ``req``, as (field, value, rule, message)."""
    with pytest.raises(RuleViolation) as err:
        plan_transition(req, PLAIN)
    return [(p.field, p.value, p.rule, p.message) for p in err.value.problems]


def ask(src: Stage, dst: Stage, role: Role, on: date, **more: object) -> TransitionRequest:
    return TransitionRequest(current=src, target=dst, role=role, on=on,
                             terms=more.pop("terms", JAPAN), **more)  # type: ignore[arg-type]  # more holds the request's own fields


# Each refusal, and exactly what it tells the person who asked.
TRANSITION_REFUSALS = [
    ("nothing moves a project back to proposed",
     ask(Stage.CLOSED, Stage.PROPOSED, Role.ADMIN, date(2026, 3, 1)),
     [("to", "proposed", "lifecycle.no_transition", "no project can be moved to 'proposed'")]),
    ("funding is its own operation",
     ask(Stage.NOTIFIED, Stage.FUNDED, Role.FUNDER, date(2026, 3, 1)),
     [("to", "funded", "lifecycle.use_operation",
       "'funded' is reached through `pledge fund`, which records the money")]),
    ("closing needs a recouped or declined project",
     ask(Stage.OPERATING, Stage.CLOSED, Role.ADMIN, date(2026, 3, 1)),
     [("to", "closed", "lifecycle.illegal_transition",
       "cannot move from 'operating' to 'closed' (only from: declined, recouped)")]),
    ("the President does not review",
     ask(Stage.PROPOSED, Stage.UNDER_REVIEW, Role.PRESIDENT, date(2026, 3, 1)),
     [("role", "president", "lifecycle.role_not_allowed",
       "role 'president' may not move a project to 'under_review' "
       "(allowed: admin, cc_jp, cc_us, ic)")]),
    ("a date before the latest transition",
     ask(Stage.PROPOSED, Stage.UNDER_REVIEW, Role.IC, date(2026, 1, 31),
         last_on=date(2026, 2, 1)),
     [("on", "2026-01-31", "lifecycle.date_order",
       "the date is before the project's latest transition (2026-02-01)")]),
    ("a recommendation with no committee consultation",
     ask(Stage.FINALIST, Stage.RECOMMENDED, Role.IC, date(2026, 2, 10),
         consultations=(Consultation(ConsultationKind.DECLINE, date(2026, 2, 1)),)),
     [("consultation", "none", "lifecycle.cc_consultation_required",
       "the investment committee must consult the consultation committee before "
       "recommending; none is recorded on or before this date")]),
    ("a selection before the investment period",
     ask(Stage.RECOMMENDED, Stage.SELECTED, Role.PRESIDENT, date(2025, 9, 3)),
     [("on", "2025-09-03", "lifecycle.outside_period",
       "selection before the investment period starts (2025-09-04)")]),
    ("a selection after the investment period",
     ask(Stage.RECOMMENDED, Stage.SELECTED, Role.PRESIDENT, date(2029, 1, 20)),
     [("on", "2029-01-20", "lifecycle.outside_period",
       "selection after the investment period ends (2029-01-19)")]),
    ("a pledge has no selection",
     ask(Stage.RECOMMENDED, Stage.SELECTED, Role.PRESIDENT, date(2026, 2, 1), terms=EU),
     [("framework", "pledge", "lifecycle.no_machinery",
       "this framework is a pledge without selection machinery")]),
    ("a decline with no consultation of the United States",
     ask(Stage.NOTIFIED, Stage.DECLINED, Role.FUNDER, date(2026, 3, 1),
         consultations=(Consultation(ConsultationKind.COMMITTEE, date(2026, 2, 1)),)),
     [("consultation", "none", "lifecycle.us_consultation_required",
       "the partner must consult the United States before declining; no such "
       "consultation is recorded on or before this date")]),
    ("a notice under a framework with no funding window",
     ask(Stage.SELECTED, Stage.NOTIFIED, Role.IC, date(2026, 3, 1), terms=EU),
     [("framework", "pledge", "lifecycle.no_window", "this framework has no funding window")]),
]


@pytest.mark.parametrize(("case", "req", "expected"), TRANSITION_REFUSALS,
                         ids=[c[0] for c in TRANSITION_REFUSALS])
def test_each_refusal_says_what_is_wrong(case: str, req: TransitionRequest,
                                         expected: list[tuple[str, object, str, str]]) -> None:
    assert refusal(req) == expected


def test_consultations_on_the_decision_day_count() -> None:
    on = date(2026, 2, 10)
    recommend = ask(Stage.FINALIST, Stage.RECOMMENDED, Role.IC, on,
                    consultations=(Consultation(ConsultationKind.COMMITTEE, on),))
    assert plan_transition(recommend, PLAIN).stage is Stage.RECOMMENDED
    decline = ask(Stage.NOTIFIED, Stage.DECLINED, Role.FUNDER, on,
                  consultations=(Consultation(ConsultationKind.DECLINE, on),))
    assert plan_transition(decline, PLAIN).stage is Stage.DECLINED


def test_selection_on_the_first_and_last_day_of_the_period() -> None:
    for on in (date(2025, 9, 4), date(2029, 1, 19)):
        req = ask(Stage.RECOMMENDED, Stage.SELECTED, Role.PRESIDENT, on)
        assert plan_transition(req, PLAIN) == TransitionPlan(Stage.SELECTED)


def test_a_transition_on_the_day_of_the_last_one_is_accepted() -> None:
    req = ask(Stage.PROPOSED, Stage.UNDER_REVIEW, Role.IC, date(2026, 2, 1),
              last_on=date(2026, 2, 1))
    assert plan_transition(req, PLAIN).stage is Stage.UNDER_REVIEW


def test_a_notice_sets_the_deadline_and_its_meaning() -> None:
    # Japan: 45 business days from the notice, a deadline. Tuesday 2026-02-17 + 9 weeks.
    req = ask(Stage.SELECTED, Stage.NOTIFIED, Role.IC, date(2026, 2, 17))
    assert plan_transition(req, PLAIN) == TransitionPlan(
        Stage.NOTIFIED, date(2026, 4, 21), WindowMeaning.DEADLINE)


def test_a_clock_started_by_the_selection_counts_from_the_selection() -> None:
    from dataclasses import replace
    assert JAPAN.window is not None
    by_selection = replace(JAPAN, window=replace(JAPAN.window, start=StartEvent.SELECTION))
    req = ask(Stage.SELECTED, Stage.NOTIFIED, Role.IC, date(2026, 2, 24), terms=by_selection,
              selected_on=date(2026, 2, 17))
    assert plan_transition(req, PLAIN).funding_date == date(2026, 4, 21)
    # Without a recorded selection date the notice starts the clock.
    req = ask(Stage.SELECTED, Stage.NOTIFIED, Role.IC, date(2026, 2, 24), terms=by_selection)
    assert plan_transition(req, PLAIN).funding_date == date(2026, 4, 28)


def test_the_funding_clock_starts_at_the_event_the_framework_names() -> None:
    from dataclasses import replace
    assert JAPAN.window is not None
    selected, notified = date(2026, 2, 17), date(2026, 2, 24)
    assert funding_clock_start(JAPAN, selected, notified) == notified
    by_selection = replace(JAPAN, window=replace(JAPAN.window, start=StartEvent.SELECTION))
    assert funding_clock_start(by_selection, selected, notified) == selected
    assert funding_clock_start(EU, selected, notified) is None


def test_a_notice_needs_the_business_calendar() -> None:
    req = ask(Stage.SELECTED, Stage.NOTIFIED, Role.IC, date(2026, 2, 17))
    with pytest.raises(ValueError, match=r"^a notice needs the window's business calendar$"):
        plan_transition(req, None)


def test_a_refused_notice_computes_no_date() -> None:
    # The role is wrong: the refusal is the only answer, the calendar is not consulted.
    req = ask(Stage.SELECTED, Stage.NOTIFIED, Role.PRESIDENT, date(2026, 2, 17))
    with pytest.raises(RuleViolation) as err:
        plan_transition(req, None)
    assert [p.rule for p in err.value.problems] == ["lifecycle.role_not_allowed"]


def test_consultations_are_recorded_for_open_projects_only() -> None:
    for stage in Stage:
        if stage in OPEN_STAGES:
            check_consultation(ConsultationKind.COMMITTEE, Role.IC, stage)
            continue
        with pytest.raises(RuleViolation) as err:
            check_consultation(ConsultationKind.COMMITTEE, Role.IC, stage)
        assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
            ("project", stage.value, "lifecycle.closed_project",
             f"the project is '{stage.value}'; consultations are recorded for open "
             "projects only")]


def test_a_refused_consultation_names_every_fault_and_who_may_record_it() -> None:
    with pytest.raises(RuleViolation) as err:
        check_consultation(ConsultationKind.DECLINE, Role.IC, Stage.CLOSED)
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("role", "ic", "lifecycle.role_not_allowed",
         "role 'ic' may not record a decline consultation (allowed: cc_jp, funder)"),
        ("project", "closed", "lifecycle.closed_project",
         "the project is 'closed'; consultations are recorded for open projects only")]


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("selected", "finalist", True),
    ("finalist", "selected", False),
    ("finalist", "finalist", False),
    ("closed", "proposed", True),
    ("withdrawn", "notified", True),
    ("declined", "funded", True),
    ("withdrawn", "declined", False),
    ("declined", "withdrawn", False),
    ("withdrawn", "closed", False),
    ("funded", "withdrawn", False),
    ("funded", "declined", False),
    ("announced", "proposed", False),
    ("selected", "announced", False),
])
def test_further_along(a: str, b: str, expected: bool) -> None:
    assert further(a, b) is expected


@pytest.mark.parametrize(("current", "role", "expected"), [
    (Stage.PROPOSED, Role.CC_JP, [Stage.UNDER_REVIEW]),
    (Stage.PROPOSED, Role.IC, [Stage.UNDER_REVIEW, Stage.WITHDRAWN]),
    (Stage.NOTIFIED, Role.FUNDER, [Stage.DECLINED]),
    (Stage.NOTIFIED, Role.IC, [Stage.WITHDRAWN]),
    (Stage.FUNDED, Role.ADMIN, [Stage.OPERATING]),
    (Stage.CLOSED, Role.ADMIN, []),
])
def test_allowed_targets(current: Stage, role: Role, expected: list[Stage]) -> None:
    assert allowed_targets(current, role) == expected


def test_stage_and_role_names_are_read_loosely_and_refused_with_the_list() -> None:
    assert parse_stage(" Notified ") is Stage.NOTIFIED
    assert parse_role("IC\n") is Role.IC
    with pytest.raises(InvalidInput) as err:
        parse_stage("onward")
    assert (err.value.first.field, err.value.first.value) == ("to", "onward")
    with pytest.raises(InvalidInput) as err:
        parse_stage("announced", "status")
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("status", "announced", "lifecycle.unknown_stage",
         "unknown stage (one of: proposed, under_review, finalist, recommended, selected, "
         "notified, funded, declined, operating, recouped, closed, withdrawn)")]
    with pytest.raises(InvalidInput) as err:
        parse_role("lender")
    assert [(p.field, p.value, p.rule, p.message) for p in err.value.problems] == [
        ("role", "lender", "auth.unknown_role",
         "unknown role (one of: admin, ic, president, cc_us, cc_jp, funder, analyst)")]
