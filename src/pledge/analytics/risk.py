"""The random inputs of construction risk and the shared macro factors.

The distributions and their calibration are described in ``pledge/data/risk.toml`` and
checked in ``pledge.domain.risk``; here they are drawn, vectorised over paths.

* Macro factors: ``F = Z L'`` with ``Z`` independent standard normals (one row per path)
  and ``L`` the Cholesky factor of the correlation matrix, so each row of ``F`` has that
  correlation. They come from the block's stream 0, so every project of a portfolio
  sees the same ``F`` on a path.
* Cost overrun: ``exp(mu + sigma * z_o)`` with ``z_o = a F_inflation + sqrt(1 - a^2) e_o``.
* Delay: the mean ``m`` (periods) and log spread ``s`` give
  ``m * exp(s * z_d - s^2 / 2)``, with ``z_d = r z_o + sqrt(1 - r^2) e_d``, rounded to
  whole periods and capped.
* Abandonment: when ``z_a = r_a z_o + sqrt(1 - r_a^2) e_a`` exceeds the normal quantile of
  ``1 - p``, construction stops from period ``1 + floor(u * (C - 1))``, ``C`` the delayed
  build's periods and ``u`` uniform (so at least the first period is spent, and the last
  period's spending never happens): exactly a share ``p`` of paths, the overrunning ones
  likelier.
* Revenue level score: ``c (b . F) / sd(b . F) + sqrt(1 - c^2) e``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from pledge.domain.risk import RiskData

Array = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MacroSpec:
    """The macro model a simulation draws from (plain tuples: hashable, picklable).

    names:    the factors, in the matrix's order
    chol:     the lower-triangular Cholesky factor of their correlation matrix
    loadings: (risk type, weights in ``names`` order) for each reference class
    inflation: the index of the factor overruns load on
    """

    names: tuple[str, ...]
    chol: tuple[tuple[float, ...], ...]
    loadings: tuple[tuple[str, tuple[float, ...]], ...] = ()
    inflation: int = 0

    @property
    def correlation(self) -> Array:
        low = np.asarray(self.chol, dtype=np.float64)
        return np.asarray(low @ low.T, dtype=np.float64)

    def direction(self, risk_type: str) -> Array:
        """The type's revenue loadings scaled so that ``b . F`` has unit variance (the
        first factor alone when the type has none: the one-factor model)."""
        weights = dict(self.loadings).get(risk_type)
        b = np.zeros(len(self.names))
        if weights is None:
            b[0] = 1.0
        else:
            b[:] = weights
        return np.asarray(b / math.sqrt(float(b @ self.correlation @ b)), dtype=np.float64)


#: One common factor that every project loads on: the model before reference classes.
ONE_FACTOR = MacroSpec(("common",), ((1.0,),))


def macro_spec(data: RiskData) -> MacroSpec:
    """The simulation's macro model from the checked data."""
    from pledge.domain.risk import cholesky

    names = data.factor_names
    loadings = tuple((t.value, tuple(dict(r.revenue_loadings).get(n, 0.0) for n in names))
                     for t, r in data.types.items())
    return MacroSpec(names, cholesky(data.correlation), loadings, names.index("inflation"))


def macro_factors(macro: MacroSpec, rng: np.random.Generator, full: int, size: int) -> Array:
    """Correlated standard normal factors, shape (size, K): a whole block of ``full`` rows
    is drawn, then cut, so a short run is a prefix of a longer one."""
    z = rng.standard_normal((full, len(macro.names)))[:size]
    return np.asarray(z @ np.asarray(macro.chol, dtype=np.float64).T, dtype=np.float64)


def _mix(loading: float, common: Array | float, own: Array) -> Array:
    return np.asarray(loading * common + math.sqrt(max(0.0, 1.0 - loading * loading)) * own,
                      dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Construction:
    """One block's construction draws (one value per path).

    overrun:    cost multiplier
    delay:      extra construction periods (whole, capped)
    abandon_at: the period from which construction stops for good (inf: never)
    """

    overrun: Array
    delay: NDArray[np.int64]
    abandon_at: Array


class ConstructionModel(Protocol):
    """What the construction draws need of a project's model (``cashflows.EconomicModel``
    has it)."""

    @property
    def overrun_mu(self) -> float: ...
    @property
    def overrun_sigma(self) -> float: ...
    @property
    def delay_mean_quarters(self) -> float: ...
    @property
    def delay_sigma(self) -> float: ...
    @property
    def max_delay_years(self) -> float: ...
    @property
    def abandon_probability(self) -> float: ...
    @property
    def overrun_loading(self) -> float: ...
    @property
    def delay_overrun_corr(self) -> float: ...
    @property
    def abandon_overrun_corr(self) -> float: ...

    def construction_periods(self, n: int) -> int: ...


def delay_periods(mean: float, sigma: float, z: Array) -> Array:
    """Continuous delays with mean ``mean`` (any unit) and log spread ``sigma``."""
    if mean <= 0:
        return np.zeros_like(z)
    return np.asarray(mean * np.exp(sigma * z - 0.5 * sigma * sigma), dtype=np.float64)


def construction(model: ConstructionModel, n: int, rng: np.random.Generator, full: int,
                 size: int, inflation: Array | None) -> Construction:
    """Overrun, delay and abandonment for the first ``size`` paths of a block.

    ``inflation`` is the block's inflation factor (a portfolio run), or None.
    """
    e = rng.standard_normal((3, full))[:, :size]
    u = rng.random(full)[:size]
    z_o = e[0] if inflation is None else _mix(model.overrun_loading, inflation, e[0])
    overrun = np.exp(model.overrun_mu + model.overrun_sigma * z_o)
    z_d = _mix(model.delay_overrun_corr, z_o, e[1])
    mean = model.delay_mean_quarters * n / 4.0
    delay = np.minimum(np.rint(delay_periods(mean, model.delay_sigma, z_d)),
                       round(model.max_delay_years * n)).astype(np.int64)
    p = model.abandon_probability
    abandon_at = np.full(size, np.inf)
    if p > 0:
        z_a = _mix(model.abandon_overrun_corr, z_o, e[2])
        cut = NormalDist().inv_cdf(1.0 - p) if p < 1 else -np.inf
        stop = z_a > cut
        periods = (model.construction_periods(n) + delay).astype(np.float64)
        # after the first period's spending: an abandoned project has always cost money
        abandon_at = np.where(stop, 1.0 + np.floor(u * np.maximum(periods - 1.0, 0.0)),
                              np.inf)
    return Construction(np.asarray(overrun, dtype=np.float64), delay,
                        np.asarray(abandon_at, dtype=np.float64))


def revenue_score(macro: MacroSpec, risk_type: str, loading: float, factors: Array | None,
                  own: Array) -> Array:
    """The revenue level's standard normal score: the macro index of the type's loadings
    with weight ``loading``, the project's own shock for the rest."""
    if factors is None:
        return own
    return _mix(loading, factors @ macro.direction(risk_type), own)

