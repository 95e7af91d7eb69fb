"""Properties through the services and a real database: whatever users do, in any order,
the stored ledger balances, the cap holds, and only legal transitions are recorded."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from pledge.domain.errors import PledgeError
from pledge.domain.lifecycle import RULES, Stage
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import make_engine, transaction
from tests.conftest import Templates

ROLES = ["ic", "president", "cc_us", "cc_jp", "funder", "admin", "analyst"]
PROJECTS = [24, 25, 26, 30, 32]  # three selected and two finalists in the public list
STEP = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from(PROJECTS), st.sampled_from(list(Stage)),
              st.sampled_from(ROLES)),
    st.tuples(st.just("consult"), st.sampled_from(PROJECTS),
              st.sampled_from(["committee", "decline"]), st.sampled_from(ROLES)),
    st.tuples(st.just("allocate"), st.sampled_from(PROJECTS),
              st.sampled_from(["US$100bn", "US$200bn", "US$300bn"]), st.sampled_from(ROLES)),
    st.tuples(st.just("fund"), st.sampled_from(PROJECTS),
              st.sampled_from(["US$50bn", "US$150bn", "US$400bn"]),
              st.sampled_from(["equity", "loan", "guarantee"])),
)
LEGAL = {(src, dst) for dst, rule in RULES.items() for src in rule.sources}


def check_invariants(engine: Engine) -> None:
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
        assert cap == Decimal(550) * 10**9
        assert per_account["strategic:capacity:unallocated"] >= 0, "the cap was exceeded"
        assert (per_account["strategic:capacity:unallocated"]
                + per_account["strategic:capacity:allocated"]
                + per_account["strategic:capacity:used"]) == cap
        for row in s.execute(select(t.transitions).where(t.transitions.c.from_stage.isnot(None))):
            if row.to_stage == Stage.FUNDED.value:
                assert row.from_stage == Stage.NOTIFIED.value
            else:
                assert (Stage(row.from_stage), Stage(row.to_stage)) in LEGAL


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_any_sequence_of_user_actions_keeps_the_books_and_the_rules(
        templates: Templates, steps: list[tuple[str, int, str, str]]) -> None:
    engine = make_engine(templates.fresh("sqlite", seeded=True))
    day = date(2026, 3, 9)
    try:
        for kind, pid, what, role in steps:
            actor = Actor.of("someone", role if kind != "fund" else "funder")
            try:
                if kind == "advance":
                    projects.advance(engine, pid, what, actor, day)
                elif kind == "consult":
                    projects.consult(engine, pid, what, actor, day)
                elif kind == "allocate":
                    funding.allocate(engine, pid, what, day, actor)
                else:
                    funding.fund(engine, pid, what, day, role, "JBIC", actor)
            except PledgeError:
                pass
            check_invariants(engine)
            day += timedelta(days=1)
    finally:
        engine.dispose()
