"""Project economics from physical and commercial drivers, exactly (Decimal).

A project is priced by the model of its type (:class:`Kind`). Each type turns its
drivers, each with a unit, into one year of operation at full output, in US dollars
of the base year (:class:`Plan`):

* gas-fired power: generation ``G = capacity_mw * capacity_factor * 8,760`` MWh;
  revenue ``G * power_price``; variable cost ``G * (heat_rate / 1,000 * gas_price +
  variable_om)`` (a heat rate in Btu/kWh is ``heat_rate / 1,000`` MMBtu per MWh); fixed
  cost ``capacity_mw * 1,000 * fixed_om``;
* nuclear: the same generation; revenue ``G * power_price`` (the PPA); variable cost
  ``G * (fuel_cost + variable_om)``; fixed cost ``capacity_mw * 1,000 * fixed_om``;
  decommissioning ``capacity_mw * 1,000 * decommissioning_per_kw`` once, at the end;
* terminal (crude export terminal, pipeline, port): volume ``capacity_per_day *
  utilisation * 365``; revenue ``volume * tariff``; variable cost ``volume *
  variable_cost``; fixed cost ``fixed_cost_share * capex``;
* manufacturing: revenue ``output * price``; variable cost ``revenue * (1 - margin)``;
  no separate fixed cost (the margin is after the plant's running costs);
* generic (the fallback, when no physical model fits): revenue ``revenue_yield *
  capex``; fixed cost ``opex_ratio * revenue``.

Timing (construction, ramp-up, life, escalation, taxes) is the cash-flow model's, in
``pledge.analytics.cashflows``; this module says what a year at full output is worth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pledge.domain.errors import InvalidInput, Problem

HOURS_PER_YEAR = Decimal(8760)
DAYS_PER_YEAR = Decimal(365)
KW_PER_MW = Decimal(1000)


class Kind(StrEnum):
    """The model a project is priced with."""

    GAS_POWER = "gas_power"
    NUCLEAR = "nuclear"
    TERMINAL = "terminal"
    MANUFACTURING = "manufacturing"
    GENERIC = "generic"


KIND_WORDS = {Kind.GAS_POWER: "gas-fired power plant", Kind.NUCLEAR: "nuclear power plant",
              Kind.TERMINAL: "export terminal, pipeline or port",
              Kind.MANUFACTURING: "manufacturing plant",
              Kind.GENERIC: "generic model (revenue a share of the cost): no physical model "
                            "fits this project"}


@dataclass(frozen=True, slots=True)
class Driver:
    """One driver of a model: its name, unit, inclusive bounds and meaning."""

    name: str
    unit: str
    low: Decimal
    high: Decimal
    meaning: str


def _d(name: str, unit: str, low: str, high: str, meaning: str) -> Driver:
    return Driver(name, unit, Decimal(low), Decimal(high), meaning)


_POWER = (
    _d("capacity_mw", "MW", "1", "100000", "net generating capacity"),
    _d("capacity_factor", "fraction", "0.01", "1", "share of the year's hours at full output"),
)
DRIVERS: dict[Kind, tuple[Driver, ...]] = {
    Kind.GAS_POWER: (
        *_POWER,
        _d("heat_rate", "Btu/kWh", "5000", "15000", "fuel burnt per unit of power"),
        _d("gas_price", "US$/MMBtu", "0.5", "30", "delivered gas price"),
        _d("power_price", "US$/MWh", "5", "500", "power price or PPA price received"),
        _d("fixed_om", "US$/kW-year", "0", "500", "fixed operation and maintenance"),
        _d("variable_om", "US$/MWh", "0", "100", "variable operation and maintenance"),
    ),
    Kind.NUCLEAR: (
        *_POWER,
        _d("power_price", "US$/MWh", "5", "500", "PPA price received"),
        _d("fixed_om", "US$/kW-year", "0", "1000", "fixed operation and maintenance"),
        _d("variable_om", "US$/MWh", "0", "100", "variable operation and maintenance"),
        _d("fuel_cost", "US$/MWh", "0", "100", "nuclear fuel cost"),
        _d("decommissioning_per_kw", "US$/kW", "0", "10000",
           "decommissioning cost, paid at the end of the operating life"),
    ),
    Kind.TERMINAL: (
        _d("capacity_per_day", "units/day", "1", "100000000",
           "throughput capacity (barrels, tonnes or MMBtu a day: see throughput_unit)"),
        _d("utilisation", "fraction", "0.01", "1", "share of capacity used over a year"),
        _d("tariff", "US$/unit", "0.001", "1000", "fee or tariff per unit handled"),
        _d("variable_cost", "US$/unit", "0", "1000", "running cost per unit handled"),
        _d("fixed_cost_share", "fraction of capex a year", "0", "0.5",
           "fixed operating cost as a share of the capital cost"),
    ),
    Kind.MANUFACTURING: (
        _d("output", "units/year", "1", "1000000000000", "annual output at full production"),
        _d("price", "US$/unit", "0.0001", "10000000", "selling price per unit"),
        _d("margin", "fraction of revenue", "0.01", "0.95",
           "cash margin (EBITDA) as a share of revenue"),
    ),
    Kind.GENERIC: (
        _d("revenue_yield", "fraction of capex a year", "0", "5",
           "annual revenue at full output, as a share of the capital cost"),
        _d("opex_ratio", "fraction of revenue", "0", "5",
           "annual operating cost, as a share of full-output revenue"),
    ),
}

#: A text setting of a kind (not a number): the unit its throughput or output counts.
UNIT_TEXT = {Kind.TERMINAL: "throughput_unit", Kind.MANUFACTURING: "output_unit"}
MAX_UNIT_TEXT = 40

#: How far each driver is moved down and up in a sensitivity run, as a fraction of its
#: value (the default for any driver not named is ``DEFAULT_SWING``).
DEFAULT_SWING = Decimal("0.2")
SWING = {"capacity_factor": Decimal("0.1"), "utilisation": Decimal("0.2"),
         "power_price": Decimal("0.25"), "gas_price": Decimal("0.5"),
         "price": Decimal("0.25"), "tariff": Decimal("0.25"), "margin": Decimal("0.25"),
         "heat_rate": Decimal("0.1")}


#: The cash-flow parameters a sensitivity run moves too, with how far each way.
PARAMETER_SWING = {"capex": Decimal("0.2"), "construction_years": Decimal("0.25"),
                   "life_years": Decimal("0.2"), "escalation": Decimal("0.5"),
                   "maintenance_capex": Decimal("0.5"), "revenue_yield": Decimal("0.2"),
                   "opex_ratio": Decimal("0.2")}
#: Of those, the ones a driver model works out itself (moved through its drivers instead).
WORKED_OUT = ("revenue_yield", "opex_ratio")


def driver_names(kind: Kind) -> tuple[str, ...]:
    return tuple(d.name for d in DRIVERS[kind])


def spec(kind: Kind, name: str) -> Driver | None:
    return next((d for d in DRIVERS[kind] if d.name == name), None)


def check_kind(raw: object, field: str = "model") -> Kind:
    """A model type by name; raises InvalidInput naming the known ones."""
    try:
        return Kind(str(raw).strip().lower())
    except ValueError:
        raise InvalidInput.single(field, raw, "economics.unknown_model",
                                  f"one of: {', '.join(k.value for k in Kind)}") from None


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?%?")


def parse_number(raw: object) -> Decimal:
    """A driver's value from text or a number: "0.85", "85%", "1,200"; raises ValueError.
    A comma only groups thousands ("1,200"): "1,5" (a decimal comma) is refused, not
    read as 15."""
    text = str(raw).strip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise ValueError(text)
        text = text.replace(",", "")
    text = text.replace("_", "")
    try:
        value = (Decimal(text[:-1]) / 100) if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def check_drivers(kind: Kind, values: Mapping[str, object], where: str = ""
                  ) -> dict[str, Decimal | str]:
    """The drivers of ``kind`` among ``values``, checked against their bounds; raises
    InvalidInput naming every bad one (an unknown name for this kind is bad)."""
    out: dict[str, Decimal | str] = {}
    problems: list[Problem] = []
    for name, raw in values.items():
        field = f"{where}{name}"
        if name == UNIT_TEXT.get(kind):
            text = str(raw).strip()
            if not text or len(text) > MAX_UNIT_TEXT or not text.replace(" ", "").isalnum():
                problems.append(Problem(field, raw, "economics.bad_value",
                                        f"a unit name of 1 to {MAX_UNIT_TEXT} letters"))
            else:
                out[name] = text
            continue
        d = spec(kind, name)
        if d is None:
            problems.append(Problem(field, raw, "economics.unknown_driver",
                                    f"not a driver of the {kind.value} model (its drivers: "
                                    f"{', '.join(driver_names(kind))})"))
            continue
        try:
            value = parse_number(raw)
        except ValueError:
            problems.append(Problem(field, raw, "economics.bad_value", "expected a number"))
            continue
        if not d.low <= value <= d.high:
            problems.append(Problem(field, raw, "economics.out_of_range",
                                    f"{d.meaning} in {d.unit}: between {d.low} and {d.high}"))
            continue
        out[name] = value
    if problems:
        raise InvalidInput(problems)
    return out


@dataclass(frozen=True, slots=True)
class Plan:
    """One year at full output in base-year US dollars.

    revenue:        what the year's output sells for
    variable_cost:  costs that scale with output (fuel, running costs)
    fixed_cost:     costs paid whatever the output
    decommissioning: a one-off cost at the end of the operating life
    """

    revenue: Decimal
    variable_cost: Decimal
    fixed_cost: Decimal
    decommissioning: Decimal = Decimal(0)

    @property
    def cash_margin(self) -> Decimal:
        return self.revenue - self.variable_cost - self.fixed_cost


def _need(kind: Kind, drivers: Mapping[str, Decimal | str]) -> dict[str, Decimal]:
    found = {n: v for n in driver_names(kind) if isinstance(v := drivers.get(n), Decimal)}
    missing = [n for n in driver_names(kind) if n not in found]
    if missing:
        raise InvalidInput([Problem(n, None, "economics.missing_driver",
                                    f"the {kind.value} model needs {n}") for n in missing])
    return found


def generation_mwh(d: Mapping[str, Decimal]) -> Decimal:
    return d["capacity_mw"] * d["capacity_factor"] * HOURS_PER_YEAR


def plan(kind: Kind, drivers: Mapping[str, Decimal | str], capex: Decimal) -> Plan:
    """A year at full output from the drivers (module docstring); raises InvalidInput
    naming a missing driver."""
    d = _need(kind, drivers)
    if kind in (Kind.GAS_POWER, Kind.NUCLEAR):
        g = generation_mwh(d)
        fixed = d["capacity_mw"] * KW_PER_MW * d["fixed_om"]
        if kind is Kind.GAS_POWER:
            per_mwh = d["heat_rate"] / KW_PER_MW * d["gas_price"] + d["variable_om"]
            return Plan(g * d["power_price"], g * per_mwh, fixed)
        return Plan(g * d["power_price"], g * (d["fuel_cost"] + d["variable_om"]), fixed,
                    d["capacity_mw"] * KW_PER_MW * d["decommissioning_per_kw"])
    if kind is Kind.TERMINAL:
        volume = d["capacity_per_day"] * d["utilisation"] * DAYS_PER_YEAR
        return Plan(volume * d["tariff"], volume * d["variable_cost"],
                    d["fixed_cost_share"] * capex)
    if kind is Kind.MANUFACTURING:
        revenue = d["output"] * d["price"]
        return Plan(revenue, revenue * (1 - d["margin"]), Decimal(0))
    revenue = d["revenue_yield"] * capex
    return Plan(revenue, Decimal(0), d["opex_ratio"] * revenue)


@dataclass(frozen=True, slots=True)
class UnitFigure:
    """One implied unit-economics figure: its name, value and unit."""

    name: str
    value: Decimal
    unit: str


def unit_economics(kind: Kind, drivers: Mapping[str, Decimal | str], capex: Decimal
                   ) -> list[UnitFigure]:
    """What the drivers imply per unit of output and per dollar of capital."""
    p = plan(kind, drivers, capex)
    out: list[UnitFigure] = []
    if kind in (Kind.GAS_POWER, Kind.NUCLEAR):
        d = _need(kind, drivers)
        g = generation_mwh(d)
        out += [UnitFigure("generation", g, "MWh/year"),
                UnitFigure("revenue_per_mwh", p.revenue / g, "US$/MWh"),
                UnitFigure("variable_cost_per_mwh", p.variable_cost / g, "US$/MWh"),
                UnitFigure("fixed_cost_per_mwh", p.fixed_cost / g, "US$/MWh"),
                UnitFigure("cash_margin_per_mwh", p.cash_margin / g, "US$/MWh"),
                UnitFigure("capex_per_kw", capex / (d["capacity_mw"] * KW_PER_MW), "US$/kW")]
    elif kind is Kind.TERMINAL:
        d = _need(kind, drivers)
        unit = str(drivers.get("throughput_unit", "unit"))
        volume = d["capacity_per_day"] * d["utilisation"] * DAYS_PER_YEAR
        out += [UnitFigure("volume", volume, f"{unit}/year"),
                UnitFigure("revenue_per_unit", p.revenue / volume, f"US$/{unit}"),
                UnitFigure("cost_per_unit", (p.variable_cost + p.fixed_cost) / volume,
                           f"US$/{unit}"),
                UnitFigure("cash_margin_per_unit", p.cash_margin / volume, f"US$/{unit}"),
                UnitFigure("capex_per_daily_unit", capex / d["capacity_per_day"],
                           f"US$ per {unit}/day")]
    elif kind is Kind.MANUFACTURING:
        d = _need(kind, drivers)
        unit = str(drivers.get("output_unit", "unit"))
        out += [UnitFigure("revenue_per_unit", d["price"], f"US$/{unit}"),
                UnitFigure("cash_margin_per_unit", p.cash_margin / d["output"], f"US$/{unit}"),
                UnitFigure("capex_per_annual_unit", capex / d["output"], f"US$ per {unit}/year")]
    out += [UnitFigure("revenue", p.revenue, "US$/year"),
            UnitFigure("cash_margin", p.cash_margin, "US$/year"),
            UnitFigure("revenue_per_capex", p.revenue / capex if capex else Decimal(0),
                       "US$ a year per US$ of capex"),
            UnitFigure("cash_margin_per_capex", p.cash_margin / capex if capex else Decimal(0),
                       "US$ a year per US$ of capex")]
    return out


def swing_of(name: str) -> Decimal:
    """How far a sensitivity run moves ``name`` each way, as a fraction of its value."""
    return SWING.get(name, PARAMETER_SWING.get(name, DEFAULT_SWING))


def flexed(value: Decimal, swing: Decimal, low: Decimal, high: Decimal
           ) -> tuple[Decimal, Decimal]:
    """``value`` moved down and up by ``swing`` (a fraction of it), kept in bounds."""
    down = max(low, value * (1 - swing))
    up = min(high, value * (1 + swing))
    return down, up


MAX_SWEEP_STEPS = 41
"""Most values a scenario sweep runs (each one exact waterfall)."""


def sweep_points(low: object, high: object, steps: int, bound_low: Decimal,
                 bound_high: Decimal, field: str) -> list[Decimal]:
    """``steps`` evenly spaced values from ``low`` to ``high`` (numbers, or text as
    :func:`parse_number` reads it), both ends included, for a scenario sweep of
    ``field``. ``InvalidInput`` (rule ``economics.sweep``) naming the field when an end
    is not a number, ``steps`` is not 2 to :data:`MAX_SWEEP_STEPS`, ``low`` is above
    ``high``, or either lies outside the parameter's bounds."""
    ends: list[Decimal] = []
    for end, raw in (("from", low), ("to", high)):
        try:
            ends.append(raw if isinstance(raw, Decimal) else parse_number(raw))
        except ValueError:
            raise InvalidInput.single(end, raw, "economics.sweep",
                                      "expected a number") from None
    first, last = ends
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= MAX_SWEEP_STEPS:
        raise InvalidInput.single("steps", steps, "economics.sweep",
                                  f"a sweep runs 2 to {MAX_SWEEP_STEPS} values")
    for end, value in (("from", first), ("to", last)):
        if not bound_low <= value <= bound_high:
            raise InvalidInput.single(end, str(value), "economics.sweep",
                                      f"{field} must lie from {bound_low} to {bound_high}")
    if first > last:
        raise InvalidInput.single("from", str(first), "economics.sweep",
                                  f"the sweep of {field} must start at or below its end "
                                  f"({last})")
    step = (last - first) / (steps - 1)
    inner = [first + step * i for i in range(1, steps - 1)]
    return [first, *inner, last]


def kind_for(sector: str, detail: str, name: str = "") -> Kind:
    """The model that fits a project, from its sector and the source's own words."""
    text = f"{detail} {name}".lower()
    if sector == "energy":
        if "nuclear" in text or "reactor" in text or "smr" in text.split():
            return Kind.NUCLEAR
        if "gas-fired" in text or "natural gas power plant" in text:
            return Kind.GAS_POWER
        if "crude" in text or "terminal" in text or "lng" in text:
            return Kind.TERMINAL
        return Kind.GENERIC
    if sector == "manufacturing_logistics" and "port" in text:
        return Kind.TERMINAL
    if sector == "critical_minerals" or (sector == "electronics" and "display" in text):
        return Kind.MANUFACTURING
    return Kind.GENERIC
