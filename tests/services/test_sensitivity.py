"""The tornado: each driver moved down and up by its stated share, the partner's IRR,
present value and recoup year for each, largest IRR swing first; the same from Python,
the command line and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from pledge.domain import drivers as dr
from pledge.services import sensitivity as sv
from pledge.services import simulation
from pledge.services.base import Actor
from tests.clirunner import Cli

OHIO, GULF, TEXAS = 24, 25, 29


def test_each_driver_moves_by_its_stated_share_and_the_largest_swing_comes_first(
        sqlite_engine: Engine) -> None:
    t = sv.sensitivity(sqlite_engine, OHIO, discount_rate="4%")
    assert (t.kind, t.discount_rate, t.discount_basis) == ("gas_power", 0.04, "given")
    base = simulation.project_waterfall(sqlite_engine, OHIO)
    assert t.base.irr == base.partner_irr
    bars = {b.name: b for b in t.bars}
    # every driver of the gas model, and the main cash-flow parameters
    assert set(dr.driver_names(dr.Kind.GAS_POWER)) <= set(bars)
    assert {"capex", "life_years", "escalation"} <= set(bars)
    gas = bars["gas_price"]
    assert (gas.base, gas.low, gas.high, gas.swing) == ("3.00", "1.500", "4.500", 0.5)
    assert gas.low_outcome.irr is not None and gas.high_outcome.irr is not None
    assert gas.low_outcome.irr > t.base.irr > gas.high_outcome.irr  # type: ignore[operator]  # both solved just above
    power = bars["power_price"]
    assert power.low_outcome.npv < t.base.npv < power.high_outcome.npv
    # the capacity factor is bounded by 1: moved up 10% from 0.85 stays inside
    assert bars["capacity_factor"].high == "0.935"
    swings = [b.irr_swing or 0.0 for b in t.bars]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    # each case is the exact waterfall of the project priced with that one change
    case = simulation.pricing(sqlite_engine, OHIO).economics_with({"gas_price": "4.5"})
    assert case.drivers["gas_price"].value == Decimal("4.5")
    assert gas.high_outcome.irr == pytest.approx(
        sv._outcome(case, simulation.pricing(sqlite_engine, OHIO), 0.04).irr, abs=0)


def test_the_present_value_is_at_the_stated_rate(sqlite_engine: Engine) -> None:
    rep = simulation.project_waterfall(sqlite_engine, GULF)
    net = [p.partner - p.funding for p in rep.result.periods]
    by_hand = sum(float(x) * 1.04 ** (-t / 4) for t, x in enumerate(net))
    t = sv.sensitivity(sqlite_engine, GULF, discount_rate=0.04)
    assert float(t.base.npv) == pytest.approx(by_hand, abs=0.02)
    deemed = sv.sensitivity(sqlite_engine, GULF)
    assert (deemed.discount_rate, deemed.discount_basis) == (0.06, "deemed rate")
    assert deemed.base.npv < t.base.npv  # the same net cash, discounted harder


def test_a_generic_project_moves_its_revenue_share(sqlite_engine: Engine) -> None:
    simulation.set_economics(sqlite_engine, TEXAS, {"capex": "3e9"},
                             Actor.of("analyst one", "admin"))
    t = sv.sensitivity(sqlite_engine, TEXAS)
    assert t.kind == "generic"
    assert {"revenue_yield", "opex_ratio", "capex"} <= {b.name for b in t.bars}


def test_the_command_line_and_the_api_give_the_same_tornado(cli: Cli) -> None:
    doc = cli.json("economics", "sensitivity", str(OHIO), "--discount-rate", "4%")
    assert doc["sorted_by"].startswith("swing in the partner's IRR")
    assert doc["bars"][0]["irr_swing"] >= doc["bars"][-1]["irr_swing"]
    assert Decimal(doc["base"]["partner_npv"]) < 0
    code, out, _ = cli("economics", "sensitivity", str(OHIO))
    assert code == 0 and "gas_price (US$/MMBtu) ±50%" in out and "largest IRR swing" in out
    code, _, err = cli("economics", "sensitivity", str(OHIO), "--discount-rate", "-150%")
    assert code == 2 and "discount_rate" in err
