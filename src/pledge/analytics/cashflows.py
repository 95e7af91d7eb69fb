"""From a project's economics to its cash flows: the base case and random scenarios.

The model and its per-sector defaults are documented in ``pledge/data/economics.toml``.
Periods follow the framework's split (``n`` a year). Period 0 is the first
funding period. Arrays are float64; amounts are US dollars.

Scenarios are drawn in fixed blocks of paths, each block from its own
``SeedSequence(seed, spawn_key=(block, stream))``, so path ``k`` is the same
whatever the chunking, the number of workers or the cluster it runs on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pledge.analytics import risk
from pledge.domain.errors import InvalidInput, Problem
from pledge.domain.risk import check_risk_type

PROFILES = ("flat", "front", "back", "s-curve")
MAX_DELAY_YEARS = 4
BLOCK = 4096  # paths per random block: the unit of reproducibility

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class EconomicModel:
    """A project's economics (see ``data/economics.toml`` for each parameter's meaning)."""

    capex: float
    partner_share: float
    construction_years: float
    capex_profile: str
    ramp_years: float
    revenue_yield: float
    opex_ratio: float
    tax_rate: float
    life_years: float
    overrun_mu: float
    overrun_sigma: float
    delay_mean_quarters: float
    revenue_sigma: float
    revenue_vol: float
    failure_hazard: float
    common_loading: float
    variable_ratio: float = 0.0
    escalation: float = 0.0
    maintenance_capex: float = 0.0
    residual_value: float = 0.0
    decommissioning: float = 0.0
    tax_life_years: float = 0.0
    # construction risk and macro exposure (pledge/data/risk.toml, analytics/risk.py)
    delay_sigma: float = 0.8
    max_delay_years: float = MAX_DELAY_YEARS
    abandon_probability: float = 0.0
    overrun_loading: float = 0.0
    delay_overrun_corr: float = 0.0
    abandon_overrun_corr: float = 0.0
    risk_type: str = "generic"

    def horizon(self, n: int, *, stochastic: bool) -> int:
        """Periods covered: construction, any delay, and the operating life."""
        extra = round(self.max_delay_years * n) if stochastic else 0
        return self.construction_periods(n) + extra + round(self.life_years * n)

    def construction_periods(self, n: int) -> int:
        return max(1, round(self.construction_years * n))

    def as_dict(self) -> dict[str, Any]:
        """Each parameter by name (every one a number or a word: nothing to copy deeply)."""
        return {name: getattr(self, name) for name in PARAMETERS}


PARAMETERS = tuple(f.name for f in fields(EconomicModel))
# name -> (low, high) inclusive bounds for numeric parameters
BOUNDS: dict[str, tuple[float, float]] = {
    "capex": (0.0, 1e13), "partner_share": (0.0, 1.0), "construction_years": (0.25, 15.0),
    "ramp_years": (0.0, 10.0), "revenue_yield": (0.0, 5.0), "opex_ratio": (0.0, 5.0),
    "tax_rate": (0.0, 1.0), "life_years": (1.0, 80.0), "overrun_mu": (-1.0, 2.0),
    "overrun_sigma": (0.0, 2.0), "delay_mean_quarters": (0.0, 16.0),
    "revenue_sigma": (0.0, 2.0), "revenue_vol": (0.0, 2.0), "failure_hazard": (0.0, 1.0),
    "common_loading": (0.0, 1.0), "variable_ratio": (0.0, 5.0), "escalation": (-0.1, 0.5),
    "maintenance_capex": (0.0, 0.5), "residual_value": (0.0, 5.0),
    "decommissioning": (0.0, 5.0), "tax_life_years": (0.0, 80.0),
    "delay_sigma": (0.0, 3.0), "max_delay_years": (0.0, 20.0),
    "abandon_probability": (0.0, 1.0), "overrun_loading": (-1.0, 1.0),
    "delay_overrun_corr": (-0.99, 0.99), "abandon_overrun_corr": (-0.99, 0.99),
}
#: The parameters a driver model (``pledge.domain.drivers``) works out for itself.
DERIVED = ("revenue_yield", "opex_ratio", "variable_ratio", "decommissioning")


def check_parameters(values: Mapping[str, object], where: str = "") -> dict[str, object]:
    """Validated, converted parameters; raises InvalidInput naming every bad one."""
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for name, raw in values.items():
        field = f"{where}{name}"
        if name not in PARAMETERS:
            problems.append(Problem(field, raw, "economics.unknown_parameter",
                                    f"unknown parameter (known: {', '.join(PARAMETERS)})"))
            continue
        if name == "capex_profile":
            if str(raw) not in PROFILES:
                problems.append(Problem(field, raw, "economics.bad_value",
                                        f"one of: {', '.join(PROFILES)}"))
            else:
                out[name] = str(raw)
            continue
        if name == "risk_type":
            try:
                out[name] = check_risk_type(raw, field).value
            except InvalidInput as err:
                problems.extend(err.problems)
            continue
        try:
            value = float(str(raw).strip().rstrip("%")) / (100 if str(raw).strip()
                                                            .endswith("%") else 1)
        except ValueError:
            problems.append(Problem(field, raw, "economics.bad_value", "expected a number"))
            continue
        low, high = BOUNDS[name]
        if not (math.isfinite(value) and low <= value <= high):
            problems.append(Problem(field, raw, "economics.out_of_range",
                                    f"must be between {low:g} and {high:g}"))
            continue
        out[name] = value
    if problems:
        raise InvalidInput(problems)
    return out


def model_for(sector: str, sector_defaults: Mapping[str, Mapping[str, object]],
              defaults: Mapping[str, object], overrides: Mapping[str, object],
              capex: float | None) -> EconomicModel:
    """The model of a project: defaults, then its sector's, then its own overrides."""
    return model_over(sector_parameters(sector, sector_defaults, defaults), overrides, capex)


def sector_parameters(sector: str, sector_defaults: Mapping[str, Mapping[str, object]],
                      defaults: Mapping[str, object]) -> dict[str, object]:
    """The defaults, then the sector's, validated and merged: what ``model_over`` starts
    from (the same for every project of the sector, so a caller may keep it)."""
    merged: dict[str, object] = {}
    merged.update(check_parameters(defaults, "defaults."))
    merged.update(check_parameters(sector_defaults.get(sector, {}), f"sectors.{sector}."))
    return merged


def model_over(base: Mapping[str, object], overrides: Mapping[str, object],
               capex: float | None) -> EconomicModel:
    """``model_for`` from the sector's parameters already merged (``sector_parameters``;
    not changed here): the capex, then the project's own overrides."""
    merged = dict(base)
    if capex is not None:
        merged["capex"] = capex
    merged.update(check_parameters(overrides))
    if "capex" not in merged:
        raise InvalidInput.single("capex", None, "economics.no_capex",
                                  "the project has no cost estimate; set capex with "
                                  "`pledge economics set ID capex=...`")
    return EconomicModel(**merged)  # type: ignore[arg-type]  # merged holds each field's own type


def _profile(frac: Array, profile: str) -> Array:
    if profile == "flat":
        return np.ones_like(frac)
    if profile == "front":
        return 2.0 * (1.0 - frac)
    if profile == "back":
        return 2.0 * frac
    return np.sin(np.pi * frac)  # s-curve: slow start, peak mid-way, slow finish


@dataclass(frozen=True, slots=True)
class Draws:
    """One block's random inputs (each array has one value per path)."""

    overrun: Array      # cost multiplier
    delay: NDArray[np.int64]  # extra construction periods
    level: Array        # revenue level multiplier
    walk: Array         # (paths, T) revenue path multiplier
    fail_after: Array   # operating periods before failure (inf: never)
    abandon_at: Array | None = None  # period construction stops for good (inf: never)


def build(model: EconomicModel, n: int, draws: Draws, horizon: int) -> tuple[Array, Array]:
    """Funding F and distributable cash D, shape (paths, horizon), for the given draws."""
    t = np.arange(horizon, dtype=np.float64)[None, :]
    c_periods = (model.construction_periods(n) + draws.delay).astype(np.float64)[:, None]
    in_con = t < c_periods
    w = np.where(in_con, _profile(np.clip((t + 0.5) / c_periods, 0.0, 1.0),
                                  model.capex_profile), 0.0)
    w /= w.sum(axis=1, keepdims=True)
    capex = model.capex * draws.overrun[:, None]
    funding = capex * model.partner_share * w
    abandoned = np.zeros((draws.overrun.size, 1), dtype=np.bool_)
    if draws.abandon_at is not None:  # spending stops, nothing is ever earned
        funding = np.where(t < draws.abandon_at[:, None], funding, 0.0)
        abandoned = np.isfinite(draws.abandon_at)[:, None]
    funding = np.ascontiguousarray(funding)

    life = max(1.0, round(model.life_years * n))
    age = t - c_periods
    ramp_periods = max(1.0, model.ramp_years * n)
    ramp = np.clip((age + 1.0) / ramp_periods, 0.0, 1.0)
    operating = ((age >= 0) & (age < life) & (age < draws.fail_after[:, None])
                 & ~abandoned)
    price = (1.0 + model.escalation) ** (t / n)  # escalation from the first funding period
    full = model.capex * model.revenue_yield / n * price
    revenue = full * draws.level[:, None] * draws.walk * ramp
    opex = (model.opex_ratio + model.variable_ratio * ramp) * full
    upkeep = model.maintenance_capex * model.capex / n * price
    tax_life = max(1.0, round((model.tax_life_years or model.life_years) * n))
    depreciation = np.where(age < tax_life, capex / tax_life, 0.0)
    ebitda = np.where(operating, revenue - opex - upkeep, 0.0)
    tax = model.tax_rate * _taxable_after_losses(
        np.where(operating, ebitda - depreciation, 0.0))
    last = operating & (age == life - 1)
    end = (model.residual_value - model.decommissioning) * model.capex * price
    dist = ebitda - tax + np.where(last, end, 0.0)
    return funding, np.ascontiguousarray(dist)


def _taxable_after_losses(profit: Array) -> Array:
    """Each period's taxable profit once losses are carried forward (without limit, never
    back): taxed to date is the running maximum of cumulative profit floored at zero."""
    taxed = np.maximum.accumulate(np.maximum(np.cumsum(profit, axis=1), 0.0), axis=1)
    return np.diff(taxed, axis=1, prepend=0.0)


def base_case(model: EconomicModel, n: int) -> tuple[Array, Array]:
    """The deterministic case: no overrun, no delay, revenue as planned, no failure."""
    horizon = model.horizon(n, stochastic=False)
    draws = Draws(np.ones(1), np.zeros(1, dtype=np.int64), np.ones(1), np.ones((1, horizon)),
                  np.full(1, np.inf))
    f, d = build(model, n, draws, horizon)
    return f[0], d[0]


def rng_for(seed: int, block: int, stream: int) -> np.random.Generator:
    """The generator of one block and stream; independent of how work is split."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, stream)))


def common_factor(seed: int, block: int, size: int,
                  macro: risk.MacroSpec = risk.ONE_FACTOR) -> Array:
    """The macro factors shared by every project in a portfolio, shape (size, K) (K = 1,
    a vector, for the one-factor model)."""
    factors = risk.macro_factors(macro, rng_for(seed, block, 0), BLOCK, size)
    return factors[:, 0] if macro is risk.ONE_FACTOR else factors


def draw(model: EconomicModel, n: int, seed: int, block: int, stream: int, size: int,
         horizon: int, common: Array | None = None,
         macro: risk.MacroSpec = risk.ONE_FACTOR) -> Draws:
    """Random inputs for the first ``size`` paths of one block (stream separates projects).

    ``common`` holds the block's macro factors (:func:`common_factor`) in a portfolio run.
    A whole block is always drawn and then cut to ``size``, so a short run is a
    prefix of a longer one with the same seed.
    """
    rng = rng_for(seed, block, stream)
    full = BLOCK
    factors = None if common is None else common.reshape(size, -1)
    con = risk.construction(model, n, rng, full, size,
                            None if factors is None else factors[:, macro.inflation])
    own = rng.standard_normal(full)[:size]
    z = risk.revenue_score(macro, model.risk_type, model.common_loading, factors, own)
    sigma = model.revenue_sigma
    level = np.exp(sigma * z - 0.5 * sigma * sigma)
    u = rng.random(full)[:size]
    step = model.revenue_vol / math.sqrt(n)
    shocks = rng.standard_normal((full, horizon))[:size]
    walk = np.exp(np.cumsum(step * shocks - 0.5 * step * step, axis=1))
    hazard = model.failure_hazard
    fail_after = (np.floor(-np.log1p(-u) / hazard * n) if hazard > 0
                  else np.full(size, np.inf))
    return Draws(con.overrun, con.delay, level, walk, fail_after, con.abandon_at)
