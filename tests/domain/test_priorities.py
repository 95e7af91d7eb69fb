"""Rankings, the gap between the sides, and fund-or-decline arithmetic."""

from __future__ import annotations

import pytest

from pledge.domain.decline import DeclineInputs, advise
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.domain.lifecycle import Role
from pledge.domain.priorities import (
    Criterion,
    Side,
    check_may_speak_for,
    compare,
    kendall_tau_b,
    rescale,
)

CRITS = [Criterion("strategic", "Strategic"), Criterion("risk", "Risk", lower_is_better=True)]


def test_rescale_flips_lower_is_better_and_counts_missing_as_worst() -> None:
    assert rescale({1: 2.0, 2: 6.0, 3: 4.0}, CRITS[0]) == {1: 0.0, 2: 1.0, 3: 0.5}
    assert rescale({1: 2.0, 2: 6.0, 3: None}, CRITS[1]) == {1: 1.0, 2: 0.0, 3: 0.0}


@pytest.mark.parametrize(("xs", "ys", "tau"), [
    ([1, 2, 3, 4], [1, 2, 3, 4], 1.0),
    ([1, 2, 3, 4], [4, 3, 2, 1], -1.0),
    ([1, 2, 3], [1, 3, 2], 1 / 3),
    ([1, 1, 2], [1, 2, 3], 2 / (3 ** 0.5 * 2 ** 0.5)),  # tau-b with a tie in x
    ([1, 1, 1], [1, 2, 3], None),
])
def test_kendall_tau_b(xs: list[float], ys: list[float], tau: float | None) -> None:
    got = kendall_tau_b(xs, ys)
    assert got == (None if tau is None else pytest.approx(tau))


def test_the_sides_disagree_and_the_drivers_say_why() -> None:
    projects = [1, 2, 3]
    us = {"strategic": {1: 9.0, 2: 5.0, 3: 1.0}, "risk": {1: 8.0, 2: 5.0, 3: 2.0}}
    partner = {"strategic": {1: 9.0, 2: 5.0, 3: 1.0}, "risk": {1: 8.0, 2: 5.0, 3: 2.0}}
    c = compare(projects, CRITS, us, partner, {"strategic": 1.0, "risk": 0.0},
                {"strategic": 0.0, "risk": 1.0}, top_k=1)
    assert [c.us.ranks[p] for p in projects] == [1, 2, 3]
    assert [c.partner.ranks[p] for p in projects] == [3, 2, 1]
    assert c.tau == pytest.approx(-1.0)
    assert c.top_overlap == 0.0
    assert c.drivers[1][0][0] == "strategic" and c.drivers[1][0][1] == pytest.approx(1.0)
    assert c.drivers[3][0][0] == "risk" and c.drivers[3][0][1] == pytest.approx(-1.0)


def test_who_speaks_for_which_side() -> None:
    check_may_speak_for(Side.US, Role.IC)
    check_may_speak_for(Side.PARTNER, Role.CC_JP)
    with pytest.raises(RuleViolation):
        check_may_speak_for(Side.PARTNER, Role.IC)
    with pytest.raises(RuleViolation):
        check_may_speak_for(Side.US, Role.CC_JP)


def test_fund_or_decline() -> None:
    x = DeclineInputs(pv_funding=10e9, pv_distributions=7e9, exports=150e9,
                      tariff_increase=0.10, duration_years=1.0, probability=0.5)
    a = advise(x)
    assert a.cost_fund == pytest.approx(3e9)
    assert a.cost_decline == pytest.approx(7.5e9)
    assert a.break_even_probability == pytest.approx(0.2)
    assert a.advice == "fund"
    from dataclasses import replace
    assert advise(replace(x, probability=0.1)).advice == "decline"
    assert advise(replace(x, pv_distributions=12e9)).break_even_probability == 0.0
    with pytest.raises(InvalidInput):
        DeclineInputs(1, 1, 1, 0.1, 1, probability=1.5)
