"""The draws reproduce the reference classes' calibration, within sampling error.

Every check on a mean allows four standard errors of the mean (the sample's standard
deviation over sqrt(N)); every check on a share or a quantile allows four binomial
standard errors, sqrt(p (1 - p) / N), on the share of draws below the calibrated
quantile; correlations allow four times (1 - rho^2) / sqrt(N). With N = 200,000 draws a
correct draw fails one of these about once in 16,000 checks; the seeds are fixed, so a
pass is reproducible.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pledge.analytics import cashflows as cf
from pledge.analytics import montecarlo as mc
from pledge.analytics import risk
from pledge.domain.risk import RiskType
from pledge.services.risk import macro, risk_data
from pledge.services.simulation import economics_defaults

N = 200_000
DOC = economics_defaults()


def model(risk_type: RiskType, **overrides: object) -> cf.EconomicModel:
    params = {**risk_data().model_parameters(risk_type), **overrides}
    return cf.model_for("energy", DOC["sectors"], DOC["defaults"], params, 1e9)


def draws(m: cf.EconomicModel, n: int = 4, seed: int = 11,
          inflation: np.ndarray | None = None) -> risk.Construction:
    rng = np.random.default_rng(seed)
    return risk.construction(m, n, rng, N, N, inflation)


def within(sample: np.ndarray, target: float) -> None:
    se = sample.std(ddof=1) / math.sqrt(sample.size)
    assert abs(sample.mean() - target) < 4 * se, (sample.mean(), target, se)


def share_within(share: float, p: float, size: int = N) -> None:
    se = math.sqrt(p * (1 - p) / size)
    assert abs(share - p) < 4 * se, (share, p, se)


@pytest.mark.parametrize("risk_type", list(RiskType))
def test_overruns_have_the_calibrated_mean_and_95th_percentile(risk_type: RiskType) -> None:
    t = risk_data().types[risk_type]
    overrun = draws(model(risk_type)).overrun
    within(overrun, t.value("overrun_mean"))
    share_within(float((overrun <= t.value("overrun_p95")).mean()), 0.95)


@pytest.mark.parametrize("risk_type", list(RiskType))
def test_delays_have_the_calibrated_mean_and_95th_percentile(risk_type: RiskType) -> None:
    """Weekly periods and a cap far out, so rounding and the cap do not blur the check
    (rounding to a week moves the mean by far less than its standard error)."""
    t = risk_data().types[risk_type]
    years = draws(model(risk_type, max_delay_years=20), n=52).delay / 52
    within(years, t.value("delay_mean_years"))
    share_within(float((years <= t.value("delay_p95_years") + 0.5 / 52).mean()), 0.95)


def test_delays_are_capped_and_whole_periods() -> None:
    m = model(RiskType.NUCLEAR_LARGE)
    delay = draws(m).delay
    assert delay.dtype == np.int64 and delay.min() >= 0
    assert delay.max() == 12 * 4  # some paths reach the cap
    assert m.horizon(4, stochastic=True) == (m.construction_periods(4) + 48
                                             + round(m.life_years * 4))


@pytest.mark.parametrize("risk_type", list(RiskType))
def test_construction_is_abandoned_at_the_calibrated_rate(risk_type: RiskType) -> None:
    m = model(risk_type)
    con = draws(m)
    stopped = np.isfinite(con.abandon_at)
    share_within(float(stopped.mean()), m.abandon_probability)
    build = m.construction_periods(4) + con.delay
    assert (con.abandon_at[stopped] >= 1).all()  # after some money is spent
    assert (con.abandon_at[stopped] < np.maximum(build[stopped], 2)).all()  # before the end


def test_abandonment_and_delay_go_with_overruns() -> None:
    con = draws(model(RiskType.NUCLEAR_LARGE))
    stopped = np.isfinite(con.abandon_at)
    assert con.overrun[stopped].mean() > 1.3 * con.overrun[~stopped].mean()
    assert np.corrcoef(np.log(con.overrun), con.delay)[0, 1] > 0.3


def test_nuclear_is_riskier_than_gas_in_overrun_delay_and_abandonment() -> None:
    nuclear, gas = draws(model(RiskType.NUCLEAR_LARGE)), draws(model(RiskType.GAS_POWER))
    assert nuclear.overrun.mean() > 1.5 * gas.overrun.mean()
    assert np.percentile(nuclear.overrun, 95) > 1.8 * np.percentile(gas.overrun, 95)
    assert nuclear.delay.mean() > 4 * gas.delay.mean()
    assert np.isfinite(nuclear.abandon_at).mean() > 5 * np.isfinite(gas.abandon_at).mean()


def test_simulated_macro_factors_have_the_data_files_correlation() -> None:
    spec = macro()
    factors = risk.macro_factors(spec, np.random.default_rng(5), N, N)
    target = np.asarray(risk_data().correlation)
    got = np.corrcoef(factors, rowvar=False)
    tolerance = 4 * (1 - target ** 2) / math.sqrt(N) + 1e-12
    assert (np.abs(got - target) <= tolerance).all(), got - target
    np.testing.assert_allclose(factors.std(axis=0), 1.0, atol=4 / math.sqrt(2 * N))


def test_a_short_block_is_a_prefix_of_the_full_one() -> None:
    spec = macro()
    full = risk.macro_factors(spec, np.random.default_rng(3), 4096, 4096)
    short = risk.macro_factors(spec, np.random.default_rng(3), 4096, 100)
    np.testing.assert_array_equal(short, full[:100])
    m = model(RiskType.TERMINAL)
    a = risk.construction(m, 4, np.random.default_rng(2), 4096, 4096, full[:, 1])
    b = risk.construction(m, 4, np.random.default_rng(2), 4096, 100, short[:, 1])
    np.testing.assert_array_equal(a.overrun[:100], b.overrun)
    np.testing.assert_array_equal(a.abandon_at[:100], b.abandon_at)


def test_overruns_load_on_inflation() -> None:
    spec = macro()
    factors = risk.macro_factors(spec, np.random.default_rng(8), N, N)
    m = model(RiskType.TERMINAL)
    con = draws(m, inflation=factors[:, spec.inflation])
    corr = np.corrcoef(np.log(con.overrun), factors[:, spec.inflation])[0, 1]
    assert abs(corr - m.overrun_loading) < 4 * (1 - m.overrun_loading ** 2) / math.sqrt(N)


def level_scores(seed: int, *types: RiskType) -> list[np.ndarray]:
    spec = mc.SimSpec(tuple((i + 1, model(t), 0) for i, t in enumerate(types)), 4, 0.0147,
                      0.5, 0.1, seed, cf.BLOCK, common=True, macro=macro())
    common = cf.common_factor(spec.seed, 0, cf.BLOCK, spec.macro)
    out = []
    for stream, m, _ in spec.models:
        h = m.horizon(4, stochastic=True)
        level = cf.draw(m, 4, seed, 0, stream, cf.BLOCK, h, common, spec.macro).level
        out.append(np.log(level) / m.revenue_sigma)
    return out


def test_projects_correlate_through_the_factors_their_type_loads_on() -> None:
    """Two gas plants share power and gas; a gas plant and a crude terminal share little."""
    data, spec = risk_data(), macro()
    corr = np.asarray(data.correlation)

    def expected(a: RiskType, b: RiskType) -> float:
        ca = data.types[a].value("common_loading")
        cb = data.types[b].value("common_loading")
        return float(ca * cb * spec.direction(a.value) @ corr @ spec.direction(b.value))

    rows = []
    for seed in range(12):  # 12 blocks: 49,152 paths
        rows.append(level_scores(seed, RiskType.GAS_POWER, RiskType.GAS_POWER,
                                 RiskType.TERMINAL))
    g1, g2, term = (np.concatenate([r[i] for r in rows]) for i in range(3))
    size = g1.size
    for (x, y), target in (((g1, g2), expected(RiskType.GAS_POWER, RiskType.GAS_POWER)),
                           ((g1, term), expected(RiskType.GAS_POWER, RiskType.TERMINAL))):
        got = float(np.corrcoef(x, y)[0, 1])
        assert abs(got - target) < 4 * (1 - target ** 2) / math.sqrt(size), (got, target)
    assert expected(RiskType.GAS_POWER, RiskType.GAS_POWER) > 0.3
    assert expected(RiskType.GAS_POWER, RiskType.TERMINAL) < 0.1


def test_an_abandoned_project_stops_spending_and_never_earns() -> None:
    m = model(RiskType.NUCLEAR_SMR, abandon_probability=1.0)
    h = m.horizon(4, stochastic=True)
    d = cf.draw(m, 4, 1, 0, 1, 500, h)
    f, dist = cf.build(m, 4, d, h)
    assert d.abandon_at is not None and np.isfinite(d.abandon_at).all()
    t = np.arange(h)[None, :]
    assert (f[t >= d.abandon_at[:, None]] == 0).all()
    assert (f.sum(axis=1) > 0).all()  # something was spent before it stopped
    assert (dist == 0).all()
    assert (f.sum(axis=1) < m.capex * d.overrun * m.partner_share - 1).all()


def test_the_same_seed_gives_the_same_portfolio_and_another_seed_another() -> None:
    def run(seed: int) -> mc.PathResults:
        spec = mc.SimSpec(((1, model(RiskType.GAS_POWER), 0),
                           (2, model(RiskType.NUCLEAR_LARGE), 4)), 4, 0.0147, 0.5, 0.1,
                          seed, 600, common=True, macro=macro())
        return mc.run(spec)

    a, b, c = run(4), run(4), run(5)
    np.testing.assert_array_equal(a.partner_total, b.partner_total)
    np.testing.assert_array_equal(a.irr, b.irr)
    assert not np.array_equal(a.partner_total, c.partner_total)


def test_an_abandoned_project_is_a_total_loss_never_a_recovery() -> None:
    spec = mc.SimSpec(((1, model(RiskType.GAS_POWER, abandon_probability=1.0,
                                 construction_years=0.25, delay_mean_quarters=0), 0),),
                      4, 0.0147, 0.5, 0.1, 9, 2000)
    res = mc.run(spec)
    summary = mc.summarise(res, spec)
    assert (res.funding_total > 0).all() and (res.partner_total == 0).all()
    assert not res.recouped.any() and (res.recoup_period == -1).all()
    assert summary.irr_total_loss_share == 1.0 and summary.irr_p95 == -1.0
