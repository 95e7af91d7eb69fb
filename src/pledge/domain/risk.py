"""Construction risk and shared macro factors by reference class, checked once.

A project falls in a reference class (:class:`RiskType`) whose published record sets the
distributions of its cost overrun, its delay and the chance that construction is
abandoned; the data (``pledge/data/risk.toml``) gives each figure with its unit and its
source. This module checks those figures and turns them into the parameters the draws
use (``pledge.analytics.risk``):

* a lognormal given by its mean ``m`` and 95th percentile ``q``: with ``z = 1.6449`` the
  95% normal quantile, ``sigma = z - sqrt(z^2 - 2 ln(q / m))`` and
  ``mu = ln m - sigma^2 / 2`` (the smaller root: the larger one would put the median
  above the 95th percentile). It needs ``m < q < m * exp(z^2 / 2)``;
* the macro factors' correlation matrix must be symmetric, have a unit diagonal, entries
  in [-1, 1] and be positive definite (its Cholesky factor exists);
* a type's revenue loadings name factors of the matrix, and do not all vanish.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist
from typing import Any

from pledge.domain.drivers import Kind, kind_for
from pledge.domain.errors import InvalidInput, Problem

Z95 = NormalDist().inv_cdf(0.95)


class RiskType(StrEnum):
    """The reference class a project's construction risk is calibrated to."""

    GAS_POWER = "gas_power"
    NUCLEAR_LARGE = "nuclear_large"
    NUCLEAR_SMR = "nuclear_smr"
    TERMINAL = "terminal"
    MANUFACTURING = "manufacturing"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Figure:
    """One calibration figure: its value, unit and source (or "assumption: why")."""

    value: float
    unit: str
    source: str

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumption")


#: name -> (low, high) inclusive bounds of each figure of a type
TYPE_BOUNDS: dict[str, tuple[float, float]] = {
    "overrun_mean": (0.5, 10.0), "overrun_p95": (0.5, 20.0),
    "delay_mean_years": (0.0, 15.0), "delay_p95_years": (0.0, 30.0),
    "max_delay_years": (0.0, 20.0), "abandon_probability": (0.0, 1.0),
    "common_loading": (0.0, 1.0), "overrun_inflation_loading": (-1.0, 1.0),
}
CONSTRUCTION_BOUNDS = {"delay_overrun_correlation": (-0.99, 0.99),
                       "abandon_overrun_correlation": (-0.99, 0.99)}


def lognormal_from_mean_p95(mean: float, p95: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with this mean and 95th percentile.

    Raises ValueError when no lognormal has them (see the module's note).
    """
    if mean <= 0 or p95 <= 0:
        raise ValueError("mean and 95th percentile must be positive")
    if p95 == mean:
        return math.log(mean), 0.0
    gap = Z95 * Z95 - 2.0 * math.log(p95 / mean)
    if p95 < mean or gap < 0:
        raise ValueError(f"no lognormal has mean {mean:g} and 95th percentile {p95:g} "
                         f"(the percentile must lie between the mean and "
                         f"{mean * math.exp(Z95 * Z95 / 2):.3g})")
    sigma = Z95 - math.sqrt(gap)
    return math.log(mean) - sigma * sigma / 2.0, sigma


@dataclass(frozen=True, slots=True)
class TypeRisk:
    """A reference class's construction risk and macro exposure.

    figures: each figure of ``TYPE_BOUNDS`` by name (multiples of the budget, years,
        probability, correlations), with unit and source;
    revenue_loadings: (factor, weight) pairs: which macro factors the revenue level
        follows, with what sign and relative weight; loadings_source says why.
    """

    risk_type: RiskType
    label: str
    figures: dict[str, Figure]
    revenue_loadings: tuple[tuple[str, float], ...]
    loadings_source: str

    def value(self, name: str) -> float:
        return self.figures[name].value

    @property
    def overrun(self) -> tuple[float, float]:
        """(mu, sigma) of the log cost multiplier."""
        return lognormal_from_mean_p95(self.value("overrun_mean"), self.value("overrun_p95"))

    @property
    def delay(self) -> tuple[float, float]:
        """(mean, sigma) of the delay in years: its mean and its log's spread (0, 0 for
        no delay)."""
        mean = self.value("delay_mean_years")
        if mean == 0:
            return 0.0, 0.0
        _, sigma = lognormal_from_mean_p95(mean, self.value("delay_p95_years"))
        return mean, sigma


@dataclass(frozen=True, slots=True)
class MacroFactor:
    """A shared macro factor: its name, words, and what one standard score is worth."""

    name: str
    label: str
    annual_sd: Figure


@dataclass(frozen=True, slots=True)
class RiskData:
    """Every reference class and the macro model, as checked from the data file.

    factors: in the order of the correlation matrix's rows; correlation: that matrix;
    construction: the within-project correlations (``CONSTRUCTION_BOUNDS``).
    """

    types: dict[RiskType, TypeRisk]
    factors: tuple[MacroFactor, ...]
    correlation: tuple[tuple[float, ...], ...]
    correlation_source: str
    construction: dict[str, Figure]

    @property
    def factor_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.factors)

    def model_parameters(self, risk_type: RiskType) -> dict[str, object]:
        """The cash-flow model's uncertainty parameters for a reference class (names of
        ``pledge.analytics.cashflows.EconomicModel``; delay in quarters)."""
        t = self.types[risk_type]
        mu, sigma = t.overrun
        mean, delay_sigma = t.delay
        return {"risk_type": risk_type.value, "overrun_mu": mu, "overrun_sigma": sigma,
                "delay_mean_quarters": mean * 4.0, "delay_sigma": delay_sigma,
                "max_delay_years": t.value("max_delay_years"),
                "abandon_probability": t.value("abandon_probability"),
                "common_loading": t.value("common_loading"),
                "overrun_loading": t.value("overrun_inflation_loading"),
                "delay_overrun_corr": self.construction["delay_overrun_correlation"].value,
                "abandon_overrun_corr":
                    self.construction["abandon_overrun_correlation"].value}


def cholesky(matrix: tuple[tuple[float, ...], ...]) -> tuple[tuple[float, ...], ...]:
    """The lower-triangular L with L L' = matrix; ValueError if not positive definite."""
    k = len(matrix)
    low = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i + 1):
            s = matrix[i][j] - sum(low[i][m] * low[j][m] for m in range(j))
            if i == j:
                if s <= 1e-12:
                    raise ValueError("the correlation matrix is not positive definite")
                low[i][j] = math.sqrt(s)
            else:
                low[i][j] = s / low[j][j]
    return tuple(tuple(row) for row in low)


def _figure(raw: object, where: str, bounds: tuple[float, float],
            problems: list[Problem]) -> Figure | None:
    if not isinstance(raw, Mapping) or not {"value", "unit", "source"} <= set(raw):
        problems.append(Problem(where, raw, "risk.bad_figure",
                                "expected a table with value, unit and source"))
        return None
    value, source = raw["value"], str(raw["source"]).strip()
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and low <= value <= high):
        problems.append(Problem(f"{where}.value", value, "risk.out_of_range",
                                f"must be a number between {low:g} and {high:g}"))
        return None
    if not source:
        problems.append(Problem(f"{where}.source", source, "risk.no_source",
                                "every figure needs a source or an 'assumption: ...' note"))
        return None
    return Figure(float(value), str(raw["unit"]), source)


def _type(name: str, raw: Mapping[str, Any], factors: tuple[str, ...],
          problems: list[Problem]) -> TypeRisk | None:
    where = f"types.{name}"
    try:
        risk_type = RiskType(name)
    except ValueError:
        problems.append(Problem(where, name, "risk.unknown_type",
                                f"one of: {', '.join(RiskType)}"))
        return None
    before = len(problems)
    figures = {key: f for key, bounds in TYPE_BOUNDS.items()
               if (f := _figure(raw.get(key), f"{where}.{key}", bounds, problems))}
    loads = raw.get("revenue_loadings", {})
    if not isinstance(loads, Mapping) or not loads or any(
            k not in factors or not isinstance(v, int | float) for k, v in loads.items()) \
            or not any(loads.values()):
        problems.append(Problem(f"{where}.revenue_loadings", loads, "risk.bad_loadings",
                                f"weights on the macro factors ({', '.join(factors)}), "
                                "not all zero"))
    if len(problems) > before:
        return None
    t = TypeRisk(risk_type, str(raw.get("label", name)), figures,
                 tuple((k, float(v)) for k, v in loads.items()),
                 str(raw.get("revenue_loadings_source", "assumption")))
    for what, (mean, p95) in (("overrun", ("overrun_mean", "overrun_p95")),
                              ("delay", ("delay_mean_years", "delay_p95_years"))):
        try:
            t.overrun if what == "overrun" else t.delay  # noqa: B018  # checked for the error
        except ValueError as err:
            problems.append(Problem(f"{where}.{p95}", t.value(p95), "risk.no_lognormal",
                                    f"{err} (mean from {mean})"))
    return t


def _macro(raw: Mapping[str, Any], problems: list[Problem]
           ) -> tuple[tuple[MacroFactor, ...], tuple[tuple[float, ...], ...]]:
    order = tuple(str(x) for x in raw.get("order", ()))
    table = raw.get("factors", {})
    factors = []
    for name in order:
        spec = table.get(name, {})
        sd = _figure(spec.get("annual_sd"), f"macro.factors.{name}.annual_sd", (0.0, 5.0),
                     problems)
        if sd is not None:
            factors.append(MacroFactor(name, str(spec.get("label", name)), sd))
    rows = raw.get("correlation", [])
    k = len(order)
    matrix = tuple(tuple(float(x) for x in row) for row in rows)
    if not order or len(matrix) != k or any(len(r) != k for r in matrix):
        problems.append(Problem("macro.correlation", rows, "risk.bad_matrix",
                                f"a {k} x {k} matrix, one row per factor of macro.order"))
        return tuple(factors), ()
    for i in range(k):
        for j in range(k):
            bad = (matrix[i][j] != 1.0 if i == j else
                   matrix[i][j] != matrix[j][i] or abs(matrix[i][j]) > 1.0)
            if bad:
                problems.append(Problem(f"macro.correlation[{i}][{j}]", matrix[i][j],
                                        "risk.bad_matrix", "a correlation matrix is "
                                        "symmetric with ones on its diagonal"))
    if not problems:
        try:
            cholesky(matrix)
        except ValueError as err:
            problems.append(Problem("macro.correlation", "matrix", "risk.bad_matrix",
                                    str(err)))
    return tuple(factors), matrix


def parse_risk(doc: Mapping[str, Any]) -> RiskData:
    """The data file's content, checked; InvalidInput naming every problem."""
    problems: list[Problem] = []
    macro = doc.get("macro", {})
    factors, matrix = _macro(macro, problems)
    names = tuple(f.name for f in factors)
    construction = {key: f for key, bounds in CONSTRUCTION_BOUNDS.items()
                    if (f := _figure(doc.get("construction", {}).get(key),
                                     f"construction.{key}", bounds, problems))}
    types = {t.risk_type: t for name, raw in doc.get("types", {}).items()
             if (t := _type(name, raw, names, problems))}
    missing = [r.value for r in RiskType if r not in types]
    if missing and not problems:
        problems.append(Problem("types", ", ".join(missing), "risk.missing_type",
                                "every reference class needs its figures"))
    if "inflation" not in names:
        problems.append(Problem("macro.order", names, "risk.no_inflation",
                                "overruns load on a factor named inflation"))
    if problems:
        raise InvalidInput(problems)
    return RiskData(types, factors, matrix, str(macro.get("correlation_source", "")),
                    construction)


def check_risk_type(value: object, field: str = "risk_type") -> RiskType:
    """A reference class by name; InvalidInput naming the field otherwise."""
    try:
        return RiskType(str(value).strip())
    except ValueError:
        raise InvalidInput.single(field, value, "risk.unknown_type",
                                  f"one of: {', '.join(RiskType)}") from None


def risk_type_for(sector: str, detail: str = "", name: str = "") -> RiskType:
    """The reference class that fits a project: the class of the model that prices it
    (:func:`pledge.domain.drivers.kind_for`, one rule for both), with two refinements
    of the risk's own.

    Small modular reactors (SMR, BWRX-300, NuScale) are told from large reactors (a
    project naming AP1000s or large reactors is large, even if it names SMRs too). A
    project the price models leave generic still gets the class its build resembles:
    a pipeline, terminal or port outside the energy sector is a terminal build, and a
    plant of the manufacturing sectors a manufacturing build.
    """
    text = f"{detail} {name}".lower()
    words = set(text.replace("(", " ").replace(")", " ").replace(",", " ")
                .replace("/", " ").split())
    kind = kind_for(sector, detail, name)
    if kind is Kind.NUCLEAR:
        large = "ap1000" in text or "large" in words
        if not large and (words & {"smr", "smrs"} or "small modular" in text
                          or "bwrx" in text or "nuscale" in text):
            return RiskType.NUCLEAR_SMR
        return RiskType.NUCLEAR_LARGE
    by_kind = {Kind.GAS_POWER: RiskType.GAS_POWER, Kind.TERMINAL: RiskType.TERMINAL,
               Kind.MANUFACTURING: RiskType.MANUFACTURING}
    if kind in by_kind:
        return by_kind[kind]
    if any(w in text for w in ("crude", "terminal", "pipeline", "lng")) \
            or words & {"port", "ports"}:
        return RiskType.TERMINAL
    if sector in {"critical_minerals", "semiconductors", "electronics", "pharmaceuticals",
                  "shipbuilding", "ai_infrastructure"}:
        return RiskType.MANUFACTURING
    return RiskType.GENERIC
