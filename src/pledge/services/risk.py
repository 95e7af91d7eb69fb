"""Use cases on calibrated risk: each project's reference class, the macro model, the table
the risk page and the README explain (``pledge/data/risk.toml``)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from pledge.domain.risk import (
    RiskData,
    RiskType,
    TypeRisk,
    check_risk_type,
    parse_risk,
    risk_type_for,
)


@lru_cache(maxsize=1)
def risk_data() -> RiskData:
    """The shipped reference classes and macro model, checked (``data/risk.toml``)."""
    text = (files("pledge") / "data" / "risk.toml").read_text(encoding="utf-8")
    return parse_risk(tomllib.loads(text))


@lru_cache(maxsize=1)
def macro() -> Any:
    """The simulation's macro model (``analytics.risk.MacroSpec``), loaded lazily: the
    engines' modules stay off the everyday paths."""
    from pledge.analytics.risk import macro_spec

    return macro_spec(risk_data())


def project_risk_type(sector: str, detail: str, name: str,
                      stored: Mapping[str, Any] | None) -> RiskType:
    """A project's reference class: its own setting (``economics set ID risk_type=...``),
    else the one its sector and words fit."""
    own = (stored or {}).get("risk_type")
    if own is not None:
        return check_risk_type(own)
    return risk_type_for(sector, detail, name)


def risk_parameters(sector: str, detail: str, name: str,
                    stored: Mapping[str, Any] | None) -> dict[str, object]:
    """The cash-flow model's uncertainty parameters for the project's reference class
    (they sit between the sector's defaults and the project's own settings)."""
    return risk_data().model_parameters(project_risk_type(sector, detail, name, stored))


@dataclass(frozen=True, slots=True)
class ClassRow:
    """A reference class as the risk page and ``--json`` show it: the calibrated figures
    (value, unit, source, assumed) and what they imply (the lognormal's median)."""

    risk_type: str
    label: str
    figures: dict[str, dict[str, Any]]
    overrun_median: float
    loadings: dict[str, float]
    loadings_source: str


def _row(t: TypeRisk) -> ClassRow:
    import math

    mu, _ = t.overrun
    return ClassRow(t.risk_type.value, t.label,
                    {k: {"value": f.value, "unit": f.unit, "source": f.source,
                         "assumed": f.assumed} for k, f in t.figures.items()},
                    math.exp(mu), dict(t.revenue_loadings), t.loadings_source)


def risk_table() -> dict[str, Any]:
    """Everything the risk page shows: the classes, the within-project correlations, the
    macro factors and their correlation matrix, each figure with its source."""
    data = risk_data()
    return {
        "classes": [_row(data.types[r]) for r in RiskType],
        "construction": {k: {"value": f.value, "unit": f.unit, "source": f.source}
                         for k, f in data.construction.items()},
        "factors": [{"name": f.name, "label": f.label, "annual_sd": f.annual_sd.value,
                     "unit": f.annual_sd.unit, "source": f.annual_sd.source}
                    for f in data.factors],
        "correlation": [list(row) for row in data.correlation],
        "correlation_source": data.correlation_source,
    }


def risk_document() -> dict[str, Any]:
    """The risk table as JSON-ready data (``/api/v1/exports/risk.json``)."""
    from dataclasses import asdict

    table = risk_table()
    return {**table, "classes": [asdict(c) for c in table["classes"]]}


@dataclass(frozen=True, slots=True)
class ProjectRisk:
    """A project's reference class in a line: what its page says (multiples of the
    budget, years, a probability), and whether the project chose the class itself."""

    risk_type: str
    label: str
    chosen: bool
    overrun_mean: float
    overrun_p95: float
    delay_mean_years: float
    abandon_probability: float


def project_risk(sector: str, detail: str, name: str,
                 stored: Mapping[str, Any] | None) -> ProjectRisk:
    """The reference class a project's simulation draws its construction risk from."""
    kind = project_risk_type(sector, detail, name, stored)
    t = risk_data().types[kind]
    return ProjectRisk(kind.value, t.label, "risk_type" in (stored or {}),
                       t.value("overrun_mean"), t.value("overrun_p95"),
                       t.value("delay_mean_years"), t.value("abandon_probability"))


#: Which calibration figures each cash-flow parameter a reference class sets comes from.
PARAMETER_FIGURES = {
    "overrun_mu": ("overrun_mean", "overrun_p95"),
    "overrun_sigma": ("overrun_mean", "overrun_p95"),
    "delay_mean_quarters": ("delay_mean_years",),
    "delay_sigma": ("delay_mean_years", "delay_p95_years"),
    "max_delay_years": ("max_delay_years",), "abandon_probability": ("abandon_probability",),
    "common_loading": ("common_loading",), "overrun_loading": ("overrun_inflation_loading",),
    "delay_overrun_corr": (), "abandon_overrun_corr": (), "risk_type": ()}


def parameter_sources(risk_type: str) -> dict[str, str]:
    """Where each parameter a reference class sets comes from, in words: the class and
    the figures it is calibrated from (their sources are on the risk page)."""
    data = risk_data()
    t = data.types[RiskType(risk_type)]
    out = {}
    for name, figures in PARAMETER_FIGURES.items():
        given = ", ".join(f"{f} {t.value(f):g}" for f in figures)
        out[name] = f"risk class {risk_type}" + (f" ({given})" if given else "")
    for name, key in (("delay_overrun_corr", "delay_overrun_correlation"),
                      ("abandon_overrun_corr", "abandon_overrun_correlation")):
        out[name] = f"risk construction ({key} {data.construction[key].value:g})"
    return out
