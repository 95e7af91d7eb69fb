"""Properties through the services and a real database: whatever users do, in any order,
the stored ledger balances, the cap holds, no project is funded past its allocation, only
legal transitions are recorded, and each refusal comes from the rule that should refuse it.

The test keeps its own account of the programme's state and states the rules once more,
from the programme's description rather than from the code: for each step it works out
which rules must refuse it (none, one or several) and compares that with what the
services say. So a rule that stops refusing, or refuses for the wrong reason, fails here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from pledge.domain.errors import PledgeError
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import make_engine, transaction
from tests.conftest import Templates

ROLES = ["ic", "president", "cc_us", "cc_jp", "funder", "admin", "analyst"]
STAGES = ["proposed", "under_review", "finalist", "recommended", "selected", "notified",
          "funded", "declined", "operating", "recouped", "closed", "withdrawn"]
PROJECTS = [24, 25, 26, 30, 32]  # three selected and two proposed in the public list
STEP = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from(PROJECTS), st.sampled_from(STAGES),
              st.sampled_from(ROLES)),
    st.tuples(st.just("consult"), st.sampled_from(PROJECTS),
              st.sampled_from(["committee", "decline"]), st.sampled_from(ROLES)),
    st.tuples(st.just("allocate"), st.sampled_from(PROJECTS),
              st.sampled_from(["US$100bn", "US$200bn", "US$300bn"]), st.sampled_from(ROLES)),
    st.tuples(st.just("fund"), st.sampled_from(PROJECTS),
              st.sampled_from(["US$50bn", "US$150bn", "US$400bn"]),
              st.sampled_from(["equity", "loan", "guarantee"])),
)
BN = Decimal(10) ** 9
AMOUNTS = {"US$50bn": 50 * BN, "US$100bn": 100 * BN, "US$150bn": 150 * BN,
           "US$200bn": 200 * BN, "US$300bn": 300 * BN, "US$400bn": 400 * BN}

# The rules, as the programme describes them.
OPEN = {"proposed", "under_review", "finalist", "recommended", "selected", "notified"}
REVIEWERS, OPERATORS = {"ic", "cc_us", "cc_jp", "admin"}, {"ic", "admin"}
# Each stage a project can be moved to: the stages it may come from and who moves it.
# Nothing moves a project back to "proposed"; "funded" is reached by funding, not by a move.
MOVES = {"under_review": ({"proposed"}, REVIEWERS),
         "finalist": ({"under_review"}, REVIEWERS),
         "recommended": ({"finalist"}, {"ic"}),
         "selected": ({"recommended"}, {"president"}),
         "notified": ({"selected"}, {"ic"}),
         "funded": ({"notified"}, {"funder"}),
         "declined": ({"notified"}, {"funder"}),
         "operating": ({"funded"}, OPERATORS),
         "recouped": ({"operating"}, OPERATORS),
         "closed": ({"recouped", "declined"}, OPERATORS),
         "withdrawn": (OPEN, OPERATORS)}
# Who may attempt each operation at all (the role matrix): everyone but the analysts
# moves projects; the President records no consultation; the investment committee (or
# an administrator) may touch the ledger, but only the committee changes an allocation;
# only the partner's funder funds.
MAY = {"advance": set(ROLES) - {"analyst"},
       "consult": {"ic", "cc_us", "cc_jp", "funder", "admin"},
       "allocate": {"ic", "admin"}}
ALLOCATORS = {"ic"}
ALLOCATING = {"recommended", "selected", "notified", "funded", "operating"}
# The investment committee consults the consultation committee (either side records it);
# the partner (its funder or its committee members) consults the United States.
RECORDS = {"committee": {"ic", "cc_us", "cc_jp"}, "decline": {"funder", "cc_jp"}}
# Japan's investment period (data/frameworks/japan.toml) and its US$550bn cap.
PERIOD = (date(2025, 9, 4), date(2029, 1, 19))
CAP = 550 * BN


@dataclass
class Programme:
    """What the test expects the database to hold."""

    stage: dict[int, str]
    last_on: dict[int, date]
    unallocated: Decimal
    allocated: dict[int, Decimal]  # what is left of each project's allocation
    approved: dict[int, Decimal | None]  # what selecting allocates: the estimate's top
    used: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    consulted: dict[int, list[tuple[str, date]]] = field(default_factory=lambda: defaultdict(list))
    notified_on: dict[int, date] = field(default_factory=dict)

    def refusals(self, kind: str, pid: int, what: str, role: str, day: date) -> set[str]:
        """The rules that refuse this step (empty: it must succeed)."""
        stage = self.stage[pid]
        if kind == "advance":
            if role not in MAY["advance"]:
                return {"auth.forbidden"}
            if what not in MOVES:
                return {"lifecycle.no_transition"}
            sources, movers = MOVES[what]
            rules = set()
            if what == "funded":
                rules.add("lifecycle.use_operation")
            if stage not in sources:
                rules.add("lifecycle.illegal_transition")
            if role not in movers:
                rules.add("lifecycle.role_not_allowed")
            if day < self.last_on[pid]:
                rules.add("lifecycle.date_order")
            if what == "recommended" and not self.consulted_before("committee", pid, day):
                rules.add("lifecycle.cc_consultation_required")
            if what == "selected" and not PERIOD[0] <= day <= PERIOD[1]:
                rules.add("lifecycle.outside_period")
            if what == "declined" and not self.consulted_before("decline", pid, day):
                rules.add("lifecycle.us_consultation_required")
            if what == "selected" and not rules:
                # Selecting allocates the approved amount: the primary estimate's top.
                approved = self.approved[pid]
                if approved is None:
                    return {"allocation.amount_needed"}
                if approved - self.allocated[pid] - self.used[pid] > self.unallocated:
                    return {"cap.exceeded"}
            return rules
        if kind == "consult":
            if role not in MAY["consult"]:
                return {"auth.forbidden"}
            rules = set()
            if role not in RECORDS[what]:
                rules.add("lifecycle.role_not_allowed")
            if stage not in OPEN:
                rules.add("lifecycle.closed_project")
            return rules
        amount = AMOUNTS[what]
        if kind == "allocate":
            if role not in MAY["allocate"]:
                return {"auth.forbidden"}
            rules = set()
            if role not in ALLOCATORS:
                rules.add("allocation.role_not_allowed")
            if stage not in ALLOCATING:
                rules.add("allocation.stage")
            change = amount - self.allocated[pid] - self.used[pid]
            if amount < self.used[pid]:
                rules.add("allocation.below_funded")
            elif change == 0:
                rules.add("allocation.unchanged")
            elif change > self.unallocated:
                rules.add("cap.exceeded")
            return rules
        # A funding (always by the funder; ``role`` is the instrument, each counted in
        # full): the project must have been notified, and it must fit in what is left of
        # the project's allocation (never in unallocated capacity). No funding here can
        # be late or early: the steps are at most 14 days after a notice, the deadline
        # 45 business days after it (nine weeks or more).
        rules = set()
        if stage not in {"notified", "funded"}:
            rules.add("funding.not_notified")
        else:
            assert day - self.notified_on[pid] < timedelta(weeks=9)
        if amount > self.allocated[pid]:
            rules.add("funding.over_allocation")
        return rules

    def consulted_before(self, kind: str, pid: int, day: date) -> bool:
        return any(k == kind and on <= day for k, on in self.consulted[pid])

    def apply(self, kind: str, pid: int, what: str, day: date) -> None:
        """Record a step the services accepted."""
        if kind == "advance":
            self.stage[pid], self.last_on[pid] = what, day
            if what == "notified":
                self.notified_on[pid] = day
            if what in ("declined", "withdrawn"):  # its allocation goes back to the pool
                self.unallocated += self.allocated[pid]
                self.allocated[pid] = Decimal(0)
            if what == "selected":
                self.allocate(pid, self.approved[pid] or Decimal(0))
        elif kind == "consult":
            self.consulted[pid].append((what, day))
        elif kind == "allocate":
            self.allocate(pid, AMOUNTS[what])
        else:
            self.allocated[pid] -= AMOUNTS[what]
            self.used[pid] += AMOUNTS[what]
            self.stage[pid], self.last_on[pid] = "funded", day

    def allocate(self, pid: int, amount: Decimal) -> None:
        """The project's allocation becomes ``amount``: the change comes from (or goes
        back to) the unallocated capacity."""
        change = amount - self.allocated[pid] - self.used[pid]
        self.allocated[pid] += change
        self.unallocated -= change


def onward(p: Programme) -> st.SearchStrategy[tuple[str, int, str, str]]:
    """Steps that move the programme on from where it is (so that notices, fundings,
    declines and a full cap are reached, not only refusals): a move the lifecycle allows
    from a project's stage by a role that may make it, a consultation by a role that may
    record it, an allocation by the committee, a funding of a notified project; first the
    kind of step, then one of its kind. Some are still refused, by the rules that depend
    on more than the stage and the role."""
    # Moves: the project and the stage first, then the role; a withdrawal only of a project
    # that holds an allocation (so that its release is seen; otherwise it ends the story).
    moves = [(pid, target, sorted(movers)) for pid in PROJECTS
             for target, (sources, movers) in MOVES.items()
             if p.stage[pid] in sources and target != "funded"
             and (target != "withdrawn" or p.allocated[pid] > 0)]
    steps: dict[str, list[tuple[str, int, str, str]]] = {
        "consult": [("consult", pid, kind, role) for pid in PROJECTS if p.stage[pid] in OPEN
                    for kind, roles in RECORDS.items() for role in sorted(roles)],
        "allocate": [("allocate", pid, amount, "ic") for pid in PROJECTS
                     if p.stage[pid] in ALLOCATING
                     for amount in ("US$100bn", "US$200bn", "US$300bn")],
        "fund": [("fund", pid, amount, "loan") for pid in PROJECTS
                 if p.stage[pid] in {"notified", "funded"}
                 for amount in ("US$50bn", "US$150bn", "US$400bn")]}
    by_kind = {k: st.sampled_from(v) for k, v in steps.items() if v}
    if moves:
        by_kind["advance"] = st.sampled_from(moves).flatmap(
            lambda m: st.sampled_from(m[2]).map(lambda role: ("advance", m[0], m[1], role)))
    if not by_kind:
        return STEP
    return st.sampled_from(sorted(by_kind)).flatmap(lambda k: by_kind[k])


def japan_balances(engine: Engine) -> tuple[Decimal, dict[int, Decimal]]:
    """The unallocated capacity and each project's outstanding allocation, as stored."""
    with transaction(engine) as s:
        rows = s.execute(select(t.postings.c.account, t.postings.c.project_id,
                                func.sum(t.postings.c.amount))
                         .join(t.frameworks, t.frameworks.c.id == t.postings.c.framework_id)
                         .where(t.frameworks.c.key == "japan")
                         .group_by(t.postings.c.account, t.postings.c.project_id)).all()
    unallocated = sum((a for acct, _, a in rows if acct == "strategic:capacity:unallocated"),
                      Decimal(0))
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    for acct, pid, a in rows:
        if acct == "strategic:capacity:allocated":
            allocated[pid] += a
    return unallocated, allocated


def stored_programme(engine: Engine) -> Programme:
    """The starting point, read from the freshly loaded database."""
    with transaction(engine) as s:
        stage = {r.id: r.status for r in s.execute(
            select(t.projects.c.id, t.projects.c.status).where(t.projects.c.id.in_(PROJECTS)))}
        last_on = {r.project_id: r.on for r in s.execute(
            select(t.transitions.c.project_id, func.max(t.transitions.c.on).label("on"))
            .where(t.transitions.c.project_id.in_(PROJECTS))
            .group_by(t.transitions.c.project_id))}
        consulted: dict[int, list[tuple[str, date]]] = defaultdict(list)
        for r in s.execute(select(t.consultations.c.project_id, t.consultations.c.kind,
                                  t.consultations.c.on)):
            consulted[r.project_id].append((r.kind, r.on))
        e = t.estimates
        approved: dict[int, Decimal | None] = {pid: None for pid in PROJECTS}
        for r in s.execute(select(e.c.project_id, e.c.usd_low, e.c.usd_high).where(
                e.c.project_id.in_(PROJECTS), e.c.is_primary)):
            approved[r.project_id] = r.usd_high if r.usd_high is not None else r.usd_low
    unallocated, allocated = japan_balances(engine)
    # The first tranche was allocated at its selection: its estimates' tops.
    assert {p: a for p, a in allocated.items() if a} == {
        24: Decimal("33.3") * BN, 25: Decimal("2.1") * BN, 26: Decimal("0.6") * BN}
    assert unallocated == CAP - 36 * BN
    assert approved[30] is None and approved[32] == 2 * BN
    return Programme(stage, last_on, unallocated, defaultdict(Decimal, allocated), approved,
                     consulted=consulted)


def check_invariants(engine: Engine, expected: Programme) -> None:
    with transaction(engine) as s:
        per_entry: dict[int, Decimal] = defaultdict(Decimal)
        per_account: dict[str, Decimal] = defaultdict(Decimal)
        for p in s.execute(select(t.postings).join(
                t.frameworks, t.frameworks.c.id == t.postings.c.framework_id)
                .where(t.frameworks.c.key == "japan")):
            per_entry[p.entry_id] += p.amount
            per_account[p.account] += p.amount
        assert all(v == 0 for v in per_entry.values()), "an entry does not balance"
        cap = -per_account["strategic:commitment"]
        assert cap == CAP
        assert per_account["strategic:capacity:unallocated"] >= 0, "the cap was exceeded"
        assert (per_account["strategic:capacity:unallocated"]
                + per_account["strategic:capacity:allocated"]
                + per_account["strategic:capacity:used"]) == cap
        used: dict[int, Decimal] = defaultdict(Decimal)
        allocation: dict[int, Decimal] = defaultdict(Decimal)
        for p in s.execute(select(t.postings).where(t.postings.c.account.in_(
                ("strategic:capacity:used", "strategic:capacity:allocated")))):
            allocation[p.project_id] += p.amount
            if p.account == "strategic:capacity:used":
                used[p.project_id] += p.amount
        for pid, drawn in used.items():  # no project is funded past its allocation
            assert drawn <= allocation[pid]
        for row in s.execute(select(t.transitions).where(t.transitions.c.from_stage.isnot(None))):
            assert row.from_stage in MOVES[row.to_stage][0]
        stages = {r.id: r.status for r in s.execute(
            select(t.projects.c.id, t.projects.c.status).where(t.projects.c.id.in_(PROJECTS)))}
    assert stages == expected.stage
    unallocated, allocated = japan_balances(engine)
    assert unallocated == expected.unallocated
    assert {p: a for p, a in allocated.items() if a} == {
        p: a for p, a in expected.allocated.items() if a}


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_sequence_of_user_actions_keeps_the_books_and_the_rules(
        templates: Templates, data: st.DataObject) -> None:
    engine = make_engine(templates.fresh("sqlite", seeded=True))
    day = date(2026, 3, 9)
    try:
        expected = stored_programme(engine)
        for _ in range(data.draw(st.integers(min_value=1, max_value=14), label="steps")):
            # Any step at all, or one that moves the programme on from where it is.
            kind, pid, what, role = data.draw(st.one_of(STEP, onward(expected)))
            actor = Actor.of("someone", role if kind != "fund" else "funder")
            want = expected.refusals(kind, pid, what, role, day)
            try:
                if kind == "advance":
                    projects.advance(engine, pid, what, actor, day)
                elif kind == "consult":
                    projects.consult(engine, pid, what, actor, day)
                elif kind == "allocate":
                    funding.allocate(engine, pid, what, day, actor, "more capacity")
                else:
                    funding.fund(engine, pid, what, day, role, "JBIC", actor)
            except PledgeError as exc:
                refused_by = {p.rule for p in exc.problems}
            else:
                refused_by = set()
            assert refused_by == want, (kind, pid, what, role, day)
            if not want:
                expected.apply(kind, pid, what, day)
            check_invariants(engine, expected)
            day += timedelta(days=1)
    finally:
        engine.dispose()
