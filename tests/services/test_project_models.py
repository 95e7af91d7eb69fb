"""The default data priced from drivers: projects of one sector differ when their drivers
do, their unit economics fall inside stated, sourced ranges, every driver names its
source, and the exact Decimal waterfall agrees with the vectorised engine on the new
cash flows."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import Engine, select

from pledge.analytics.engine import waterfall_batch
from pledge.domain.errors import InvalidInput
from pledge.domain.waterfall import run_waterfall
from pledge.services import simulation
from pledge.services.base import Actor
from pledge.services.project_models import drivers_data
from pledge.store import tables as t
from pledge.store.db import reading

ADMIN = Actor.of("analyst one", "admin")
OHIO, GULF, FLEET, PENNSYLVANIA = 24, 25, 23, 28


def priced(engine: Engine) -> list[simulation.ProjectEconomics]:
    """Every default project with a cost estimate, as priced."""
    with reading(engine) as s:
        ids = [r.id for r in s.execute(select(t.projects.c.id)).all()]
    out = []
    for pid in ids:
        with suppress(InvalidInput):  # no cost estimate: nothing to price
            out.append(simulation.get_economics(engine, pid))
    return out


def test_projects_of_one_sector_no_longer_share_one_result(sqlite_engine: Engine) -> None:
    irr = {pid: simulation.project_waterfall(sqlite_engine, pid).partner_irr
           for pid in (OHIO, GULF, FLEET)}
    # the gas plant, the crude terminal and the reactor fleet: all "energy", once all at
    # one IRR; now each its own
    assert len({round(v or 0, 6) for v in irr.values()}) == 3
    kinds = {pid: simulation.get_economics(sqlite_engine, pid).kind for pid in irr}
    assert kinds == {OHIO: "gas_power", GULF: "terminal", FLEET: "nuclear"}
    # a second gas plant (Pennsylvania has no reported cost: give it one and a size)
    simulation.set_economics(sqlite_engine, PENNSYLVANIA,
                             {"capex": "2.5e9", "capacity_mw": "1500"}, ADMIN)
    penn = simulation.get_economics(sqlite_engine, PENNSYLVANIA)
    assert penn.kind == "gas_power" and penn.drivers["capacity_factor"].value == Decimal("0.64")
    other = simulation.project_waterfall(sqlite_engine, PENNSYLVANIA).partner_irr
    assert other is not None and irr[OHIO] is not None and abs(other - irr[OHIO]) > 0.005
    # the same plant at Ohio's cost per kW and capacity factor gives Ohio's returns
    simulation.set_economics(sqlite_engine, PENNSYLVANIA, {
        "capex": str(33.3e9 / 9200 * 1500), "capacity_factor": "0.85"}, ADMIN)
    same = simulation.project_waterfall(sqlite_engine, PENNSYLVANIA).partner_irr
    assert same == pytest.approx(irr[OHIO], abs=1e-6)


def test_unit_economics_fall_inside_the_stated_ranges(sqlite_engine: Engine) -> None:
    ranges = drivers_data()["ranges"]
    checked = 0
    for econ in priced(sqlite_engine):
        if econ.kind == "generic":
            continue
        figures = {u.name: u.value for u in econ.units}
        for kind in (econ.kind, "any"):
            for name, r in ranges.get(kind, {}).items():
                assert r["source"], (kind, name)
                low, high = Decimal(r["low"]), Decimal(r["high"])
                assert low <= figures[name] <= high, (econ.name, name, figures[name])
                checked += 1
    assert checked >= 15
    ohio = {u.name: u.value for u in simulation.get_economics(sqlite_engine, OHIO).units}
    # the complaint: US$194/MWh at 85% capacity; now the power price the drivers state
    assert ohio["revenue_per_mwh"] == 70 and 40 <= ohio["revenue_per_mwh"] <= 120


def test_every_driver_says_where_it_comes_from(sqlite_engine: Engine) -> None:
    kinds = set()
    for econ in priced(sqlite_engine):
        kinds.add(econ.kind)
        for name, d in econ.drivers.items():
            if name.endswith("_unit"):
                continue
            assert "http" in d.source or d.source.startswith(
                ("assumption", "calibrated", "derived")), (econ.name, name, d.source)
            assert d.unit, name
        assert set(econ.sources) == set(econ.model.as_dict())
    assert kinds >= {"gas_power", "nuclear", "terminal", "manufacturing", "generic"}
    generic = [e for e in priced(sqlite_engine) if e.kind == "generic"]
    assert all(e.sources["revenue_yield"].startswith("assumption") for e in generic)


def test_the_exact_waterfall_agrees_with_the_engine_on_the_new_cash_flows(
        sqlite_engine: Engine) -> None:
    for econ in priced(sqlite_engine):
        if econ.kind == "generic":
            continue
        _, f, d, terms = simulation.base_case(sqlite_engine, econ.project_id)
        exact = run_waterfall(f, d, terms)
        fast = waterfall_batch(np.array([[float(x) for x in f]]),
                               np.array([[float(x) for x in d]]), float(terms.period_rate),
                               float(terms.pre_share), float(terms.post_share))
        assert fast.partner is not None
        assert [round(x, 2) for x in fast.partner[0]] == [float(p.partner)
                                                          for p in exact.periods], econ.name
        assert round(fast.partner_total[0], 2) == float(exact.partner_total)
        assert round(fast.us_total[0], 2) == float(exact.us_total)
        recoup = int(fast.recoup_period[0]) if fast.final_balance[0] <= 0 else None
        assert recoup == exact.recoup_period


def test_a_driver_model_refuses_the_generic_knobs_and_can_be_switched_off(
        sqlite_engine: Engine) -> None:
    with pytest.raises(InvalidInput) as err:
        simulation.set_economics(sqlite_engine, OHIO, {"revenue_yield": "0.3"}, ADMIN)
    assert err.value.problems[0].rule == "economics.derived"
    with pytest.raises(InvalidInput) as err:
        simulation.set_economics(sqlite_engine, OHIO, {"tariff": "2"}, ADMIN)
    assert err.value.problems[0].rule == "economics.unknown_parameter"
    generic = simulation.set_economics(sqlite_engine, OHIO, {"model": "generic"}, ADMIN)
    assert generic.kind == "generic" and generic.drivers == {}
    assert generic.model.revenue_yield == 0.40  # the energy sector's default, as before
