"""The per-path flows kept for fan charts are the simulation's own paths: the same
draws, cash flows and split, so each path's flows sum to its simulated totals."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sqlalchemy import Engine

from pledge.analytics import cashflows as cf
from pledge.analytics import montecarlo as mc
from pledge.analytics import pathflows
from pledge.analytics.engine import waterfall_batch
from pledge.services import simulation


@pytest.fixture
def specs(sqlite_engine: Engine) -> dict[str, mc.SimSpec]:
    one = simulation.project_spec(sqlite_engine, 24, cf.BLOCK + 50, 11)
    portfolio, ids = simulation.portfolio_spec(sqlite_engine, "japan", 300, 5)
    assert len(ids) > 1 and not portfolio.pooled
    return {"project": one, "portfolio": portfolio,
            "pooled": replace(portfolio, pooled=True)}


@pytest.mark.parametrize("kind", ["project", "portfolio", "pooled"])
def test_each_paths_flows_sum_to_its_simulated_totals(specs: dict[str, mc.SimSpec],
                                                      kind: str) -> None:
    spec = specs[kind]
    res = mc.run(spec)
    flows = pathflows.flows(spec)
    assert flows.partner.shape == (spec.paths, spec.horizon)
    np.testing.assert_allclose(flows.partner.sum(axis=1), res.partner_total, rtol=1e-12)
    np.testing.assert_allclose(flows.funding.sum(axis=1), res.funding_total, rtol=1e-12)
    if kind != "portfolio":   # one waterfall: the US take is the rest of the positive cash
        # (the engine pays whole cents; ``us`` is the rest of the unrounded cash, so the
        # two differ by up to half a cent a period)
        np.testing.assert_allclose(flows.us.sum(axis=1), res.us_total, rtol=1e-9,
                                   atol=0.005 * spec.horizon)
    assert (flows.partner >= 0).all() and (flows.funding >= 0).all()


def test_the_waterfall_over_the_kept_cash_recovers_when_the_simulation_does(
        specs: dict[str, mc.SimSpec]) -> None:
    spec = specs["project"]
    res = mc.run(spec)
    f, d = pathflows.block_cash(spec, 0, cf.BLOCK)
    again = waterfall_batch(f, d, spec.period_rate, spec.pre_share, spec.post_share)
    head = slice(0, cf.BLOCK)
    assert ((again.final_balance <= 0) == res.recouped[head]).all()
    recouped = res.recouped[head]
    assert (again.recoup_period[recouped] == res.recoup_period[head][recouped]).all()
    assert 0 < recouped.sum() < cf.BLOCK


def test_the_cash_of_a_block_is_the_flows_cash(specs: dict[str, mc.SimSpec]) -> None:
    spec = specs["portfolio"]
    f, d = pathflows.block_cash(spec, 0, 300)
    flows = pathflows.block_flows(spec, 0, 300)
    assert np.array_equal(f, flows.funding) and np.array_equal(d, flows.distributable)
