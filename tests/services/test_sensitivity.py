"""The tornado: each driver moved down and up by its stated share, the partner's IRR,
present value and recoup year for each, largest IRR swing first; the same from Python,
the command line and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine

from pledge.app import create_app
from pledge.domain import drivers as dr
from pledge.domain.errors import InvalidInput
from pledge.domain.lifecycle import Role
from pledge.services import sensitivity as sv
from pledge.services import simulation
from pledge.services.base import Actor
from pledge.services.users import add_user
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


def test_a_sweep_runs_one_driver_through_evenly_spaced_values(sqlite_engine: Engine) -> None:
    s = sv.sweep(sqlite_engine, OHIO, "power_price", low="50", high="90", steps=5,
                 discount_rate="4%")
    assert (s.moved, s.unit, s.what, s.base) == ("power_price", "US$/MWh", "driver", "70")
    assert [v for v, _ in s.points] == ["50", "60", "70", "80", "90"]
    # the middle value is the base case itself, computed afresh
    assert s.points[2][1] == s.base_outcome
    assert s.base_outcome == sv.sensitivity(sqlite_engine, OHIO, discount_rate="4%").base
    # a higher power price pays the partner more, point after point
    irrs = [o.irr for _, o in s.points]
    npvs = [o.npv for _, o in s.points]
    assert all(x is not None for x in irrs)
    assert irrs == sorted(irrs) and len(set(irrs)) == 5  # type: ignore[type-var]  # all solved just above
    assert npvs == sorted(npvs) and npvs[0] < npvs[-1]
    # the default range is the tornado's low and high, nine values
    bar = {b.name: b for b in sv.sensitivity(sqlite_engine, OHIO).bars}["power_price"]
    default = sv.sweep(sqlite_engine, OHIO, "power_price")
    assert len(default.points) == 9
    assert (default.points[0][0], default.points[-1][0]) == (bar.low, bar.high)
    assert default.points[0][1] == bar.low_outcome and default.points[-1][1] == bar.high_outcome


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"moved": "no_such_driver"}, "sweep"),
    ({"moved": "power_price", "steps": 1}, "steps"),
    ({"moved": "power_price", "steps": 42}, "steps"),
    ({"moved": "power_price", "low": "90", "high": "50"}, "from"),
    ({"moved": "power_price", "high": "1e9"}, "to"),
    ({"moved": "power_price", "low": "cheap"}, "from"),
    ({"moved": "power_price", "low": "NaN"}, "from"),
])
def test_a_sweep_out_of_range_is_refused_naming_the_field(
        sqlite_engine: Engine, kwargs: dict[str, object], field: str) -> None:
    moved = str(kwargs.pop("moved"))
    with pytest.raises(InvalidInput) as err:
        sv.sweep(sqlite_engine, OHIO, moved, **kwargs)  # type: ignore[arg-type]  # each case's own types
    assert err.value.first.field == field and err.value.first.rule == "economics.sweep"


def test_the_command_line_and_the_api_give_the_same_sweep(cli: Cli) -> None:
    doc = cli.json("economics", "sensitivity", str(OHIO), "--sweep", "gas_price", "--from",
                   "2", "--to", "6", "--steps", "3")
    assert [p["value"] for p in doc["points"]] == ["2", "4", "6"]
    assert {"partner_irr", "partner_npv", "recoup_years", "value"} <= set(doc["points"][0])
    assert doc["points"][0]["partner_irr"] > doc["points"][-1]["partner_irr"]  # gas is a cost
    code, out, _ = cli("economics", "sensitivity", str(OHIO), "--sweep", "gas_price",
                       "--steps", "3")
    assert code == 0 and "Sweep of gas_price" in out
    code, _, err = cli("economics", "sensitivity", str(OHIO), "--sweep", "gas_price",
                       "--steps", "99")
    assert code == 2 and "steps=99" in err
    engine = create_engine(cli.url)
    token = add_user(engine, "analyst one", "analyst", Actor("setup", Role.ADMIN)).token
    with TestClient(create_app(cli.url)) as client:
        r = client.get(f"/api/v1/projects/{OHIO}/sensitivity/sweep?name=gas_price&from=2"
                       "&to=6&steps=3", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json() == doc
        r = client.get(f"/api/v1/projects/{OHIO}/sensitivity/sweep?name=gas_price&to=1e9",
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 400 and r.json()["error"]["field"] == "to"
    engine.dispose()


def test_a_discount_rate_near_minus_100_per_cent_gives_present_values(
        sqlite_engine: Engine) -> None:
    # At -90% a year the present value is in the hundreds of digits: it is still given in
    # cents, and it is larger (further from zero) than at -50%.
    near = sv.sensitivity(sqlite_engine, OHIO, discount_rate="-0.9")
    half = sv.sensitivity(sqlite_engine, OHIO, discount_rate="-0.5")
    assert near.base.npv.as_tuple().exponent == -2 and near.base.npv.adjusted() > 28
    assert abs(near.base.npv) > abs(half.base.npv) > 0
    s = sv.sweep(sqlite_engine, OHIO, "gas_price", steps=2, discount_rate="-0.99")
    assert len(s.points) == 2 and all(o.npv.is_finite() for _, o in s.points)


@pytest.mark.parametrize("rate", ["1e9", "1.01", "100000%"])
def test_a_deemed_rate_above_100_per_cent_is_refused(sqlite_engine: Engine, rate: str) -> None:
    with pytest.raises(InvalidInput) as err:
        sv.sensitivity(sqlite_engine, OHIO, deemed_rate=rate)
    assert (err.value.first.field, err.value.first.rule) == ("deemed_rate", "waterfall.rate")
    assert sv.sensitivity(sqlite_engine, OHIO, deemed_rate="100%").discount_rate == 1.0


def test_the_api_answers_extreme_rates_with_a_result_or_a_400(cli: Cli) -> None:
    engine = create_engine(cli.url)
    token = add_user(engine, "analyst two", "analyst", Actor("setup", Role.ADMIN)).token
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(cli.url), raise_server_exceptions=False) as client:
        r = client.get(f"/api/v1/projects/{OHIO}/sensitivity/sweep?name=gas_price&steps=2"
                       "&discount_rate=-0.99", headers=auth)
        assert r.status_code == 200 and len(r.json()["points"]) == 2
        r = client.get(f"/api/v1/projects/{OHIO}/sensitivity?deemed_rate=1e9", headers=auth)
        assert r.status_code == 400 and r.json()["error"]["field"] == "deemed_rate"
    engine.dispose()
    code, _, err = cli("economics", "sensitivity", str(OHIO), "--deemed-rate", "1e9")
    assert code == 2 and err.startswith("error: deemed_rate=") and "[waterfall.rate]" in err
