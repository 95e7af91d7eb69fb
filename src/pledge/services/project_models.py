"""Which model prices a project, with which drivers, and where each number comes from.

The shipped values are in ``data/drivers.toml`` (per type and per project, each with
its source) and ``data/economics.toml`` (the cash-flow model's defaults per sector);
a project's own settings (``pledge economics set``) are stored with it and audited.
The rules that turn drivers into revenue and costs are ``pledge.domain.drivers``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

from pledge.analytics import cashflows as cf
from pledge.domain import drivers as dr
from pledge.domain.errors import InvalidInput, Problem

#: Where a project's own setting comes from.
OWN = "project setting (pledge economics set; recorded in the audit log)"
DERIVED = "derived from the drivers"
CAPEX = "the project's primary cost estimate"

#: The unit of each cash-flow parameter.
PARAMETER_UNITS = {
    "capex": "US$", "partner_share": "fraction", "construction_years": "years",
    "capex_profile": "", "ramp_years": "years", "revenue_yield": "fraction of capex a year",
    "opex_ratio": "fraction of revenue", "tax_rate": "fraction of taxable profit",
    "life_years": "years", "overrun_mu": "log of the cost multiplier",
    "overrun_sigma": "log of the cost multiplier", "delay_mean_quarters": "quarters",
    "revenue_sigma": "log of revenue", "revenue_vol": "per year", "failure_hazard": "per year",
    "common_loading": "correlation", "variable_ratio": "fraction of revenue",
    "escalation": "per year", "maintenance_capex": "fraction of capex a year",
    "residual_value": "fraction of capex", "decommissioning": "fraction of capex",
    "tax_life_years": "years (0: the operating life)",
    "delay_sigma": "log of the delay", "max_delay_years": "years",
    "abandon_probability": "probability over the build", "overrun_loading": "correlation",
    "delay_overrun_corr": "correlation", "abandon_overrun_corr": "correlation",
    "risk_type": "reference class (risk.toml)",
}


@lru_cache(maxsize=1)
def drivers_data() -> dict[str, Any]:
    """The shipped driver values (``data/drivers.toml``)."""
    text = (files("pledge") / "data" / "drivers.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class Sourced:
    """A driver's value as used, its unit, and where it comes from."""

    value: Decimal | str
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A project's model before the cash-flow parameters are merged.

    kind: the model used; note: why the generic model stands in, if it does;
    drivers: the kind's drivers as used; params: cash-flow parameters the kind, the
    project's shipped values and the drivers set (name -> value) with ``sources``;
    plan and units: a year at full output and the implied unit economics (None and
    empty without a cost estimate or for the generic model).
    """

    kind: dr.Kind
    note: str | None
    drivers: dict[str, Sourced]
    params: dict[str, object]
    sources: dict[str, str]
    plan: dr.Plan | None = None
    units: list[dr.UnitFigure] = field(default_factory=list)


def _entry(name: str) -> dict[str, Any] | None:
    for item in drivers_data().get("projects", []):
        if name.startswith(item["match"]):
            return dict(item)
    return None


def nominal_kind(name: str, sector: str, detail: str, stored: Mapping[str, Any]) -> dr.Kind:
    """The model type that fits the project (its own choice, its shipped entry, or its
    sector and the source's words), before any fallback for missing drivers."""
    if "model" in stored:
        return dr.check_kind(stored["model"])
    entry = _entry(name)
    if entry is not None:
        return dr.check_kind(entry["kind"], f"drivers.toml {entry['match']!r} kind")
    return dr.kind_for(sector, detail, name)


def _sourced_table(table: Mapping[str, Any], where: str) -> tuple[dict[str, str], dict[str, str]]:
    """(name -> value text, name -> source) of a ``{value, source}`` table."""
    values, sources = {}, {}
    for key, item in table.items():
        if not isinstance(item, dict) or "value" not in item or "source" not in item:
            raise InvalidInput.single(f"{where}.{key}", item, "economics.bad_value",
                                      "expected { value = ..., source = ... }")
        values[key], sources[key] = str(item["value"]), str(item["source"])
    return values, sources


def resolve(name: str, sector: str, detail: str, stored: Mapping[str, Any],
            capex: Decimal | None) -> Resolved:
    """The project's model type, its drivers with their sources, and the cash-flow
    parameters they set (module docstring)."""
    kind = nominal_kind(name, sector, detail, stored)
    data = drivers_data().get("kinds", {}).get(kind.value, {})
    entry = _entry(name)
    own = entry if entry is not None and entry.get("kind") == kind.value else {}
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    params: dict[str, object] = {}
    psources: dict[str, str] = {}
    for table, where in ((data, f"kinds.{kind.value}"), (own, f"projects {name!r}")):
        v, src = _sourced_table(table.get("drivers", {}), f"{where}.drivers")
        values.update(v)
        sources.update(src)
        v, src = _sourced_table(table.get("model", {}), f"{where}.model")
        params.update(cf.check_parameters(v, f"{where}.model."))
        psources.update(src)
    names = set(dr.driver_names(kind)) | {dr.UNIT_TEXT.get(kind, "")}
    for key, raw in stored.items():
        if key in names:
            values[key], sources[key] = raw, OWN
    checked = dr.check_drivers(kind, values)
    if kind is dr.Kind.GENERIC:
        return Resolved(kind, None, {}, params, psources)
    missing = [n for n in dr.driver_names(kind) if n not in checked]
    if missing:
        note = (f"generic model: the {kind.value} model has no {', '.join(missing)} for this "
                f"project (set with pledge economics set ID {missing[0]}=...)")
        return Resolved(dr.Kind.GENERIC, note, {}, {}, {})
    used = {n: Sourced(checked[n], spec.unit, sources[n])
            for n, spec in ((d.name, d) for d in dr.DRIVERS[kind])}
    unit_key = dr.UNIT_TEXT.get(kind)
    if unit_key and unit_key in checked:
        used[unit_key] = Sourced(checked[unit_key], "", sources[unit_key])
    if capex is None or capex <= 0:
        return Resolved(kind, None, used, params, psources)
    plan = dr.plan(kind, checked, capex)
    if plan.revenue <= 0:
        raise InvalidInput.single("revenue", str(plan.revenue), "economics.no_revenue",
                                  "the drivers give no revenue")
    params.update({"revenue_yield": float(plan.revenue / capex),
                   "opex_ratio": float(plan.fixed_cost / plan.revenue),
                   "variable_ratio": float(plan.variable_cost / plan.revenue),
                   "decommissioning": float(plan.decommissioning / capex)})
    psources.update(dict.fromkeys(cf.DERIVED, DERIVED))
    return Resolved(kind, None, used, params, psources, plan,
                    dr.unit_economics(kind, checked, capex))


def stored_capex(stored: Mapping[str, Any], estimate: Decimal | None) -> Decimal | None:
    """The capex a project is priced at: its own setting, else its primary estimate."""
    if "capex" in stored:
        return Decimal(str(stored["capex"]))
    return estimate


def parameter_sources(model: cf.EconomicModel, resolved: Resolved, stored: Mapping[str, Any],
                      sector: str, sector_defaults: Mapping[str, Any]) -> dict[str, str]:
    """Where each cash-flow parameter of ``model`` comes from."""
    out: dict[str, str] = {}
    for key in model.as_dict():
        if key in stored and resolved.sources.get(key) != DERIVED:
            out[key] = OWN
        elif key in resolved.sources:
            out[key] = resolved.sources[key]
        elif key == "capex":
            out[key] = CAPEX
        elif key in sector_defaults.get(sector, {}):
            out[key] = f"assumption: the {sector} sector's default (economics.toml)"
        else:
            out[key] = "assumption: the programme's default (economics.toml)"
    return out


def check_changes(kind: dr.Kind, changes: Mapping[str, str]) -> dict[str, object]:
    """``economics set`` changes checked against the project's model type ``kind`` (after
    any ``model=`` change): the model, its drivers (kept as exact text) and cash-flow
    parameters. Parameters a driver model works out are refused, naming its drivers."""
    out: dict[str, object] = {}
    rest: dict[str, str] = {}
    names = set(dr.driver_names(kind)) | {dr.UNIT_TEXT.get(kind, "")}
    for key, raw in changes.items():
        if key == "model":
            out[key] = dr.check_kind(raw).value
        elif key in names and kind is not dr.Kind.GENERIC:
            value = dr.check_drivers(kind, {key: raw})[key]
            out[key] = str(value)
        else:
            rest[key] = raw
    derived = [k for k in rest if k in cf.DERIVED and kind is not dr.Kind.GENERIC]
    if derived:
        raise InvalidInput([Problem(k, rest[k], "economics.derived",
                                    f"worked out from the {kind.value} model's drivers "
                                    f"({', '.join(dr.driver_names(kind))}); set those, or "
                                    f"model=generic") for k in derived])
    out.update(cf.check_parameters(rest))
    return out
