"""The driver models: a year at full output from physical and commercial drivers,
exactly, and the unit economics they imply."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pledge.domain import drivers as dr
from pledge.domain.errors import InvalidInput

GAS: dict[str, D | str] = {
    "capacity_mw": D(1000), "capacity_factor": D("0.5"), "heat_rate": D(7000),
    "gas_price": D(3), "power_price": D(60), "fixed_om": D(20), "variable_om": D(2)}


def test_a_gas_plant_by_hand() -> None:
    p = dr.plan(dr.Kind.GAS_POWER, GAS, D(1_000_000_000))
    # 1,000 MW at half the year's 8,760 hours: 4,380,000 MWh at US$60
    assert p.revenue == D(262_800_000)
    # 7,000 Btu/kWh is 7 MMBtu/MWh at US$3: US$21/MWh of fuel, US$2 of running costs
    assert p.variable_cost == D(4_380_000 * 23)
    assert p.fixed_cost == D(20_000_000)  # 1,000,000 kW at US$20 a year
    assert p.decommissioning == 0
    units = {u.name: u for u in dr.unit_economics(dr.Kind.GAS_POWER, GAS, D(1_000_000_000))}
    assert (units["revenue_per_mwh"].value, units["revenue_per_mwh"].unit) == (D(60), "US$/MWh")
    assert units["cash_margin_per_mwh"].value == D(60) - 23 - D(20_000_000) / 4_380_000
    assert units["capex_per_kw"].value == 1000
    assert units["revenue_per_capex"].value == D("0.2628")


def test_a_reactor_pays_for_its_decommissioning_and_a_terminal_for_its_volume() -> None:
    nuclear: dict[str, D | str] = {
        "capacity_mw": D(1100), "capacity_factor": D("0.9"), "power_price": D(90),
        "fixed_om": D(120), "variable_om": D(2), "fuel_cost": D(7),
        "decommissioning_per_kw": D(1000)}
    p = dr.plan(dr.Kind.NUCLEAR, nuclear, D(10**10))
    mwh = D(1100) * D("0.9") * 8760
    assert (p.revenue, p.variable_cost) == (mwh * 90, mwh * 9)
    assert (p.fixed_cost, p.decommissioning) == (D(132_000_000), D(1_100_000_000))
    terminal: dict[str, D | str] = {
        "capacity_per_day": D(1_000_000), "utilisation": D("0.5"), "tariff": D(1),
        "variable_cost": D("0.1"), "fixed_cost_share": D("0.02"), "throughput_unit": "bbl"}
    t = dr.plan(dr.Kind.TERMINAL, terminal, D(2 * 10**9))
    assert (t.revenue, t.variable_cost, t.fixed_cost) == (D(182_500_000), D(18_250_000),
                                                          D(40_000_000))
    units = {u.name: u for u in dr.unit_economics(dr.Kind.TERMINAL, terminal, D(2 * 10**9))}
    assert units["revenue_per_unit"].unit == "US$/bbl"
    assert units["cost_per_unit"].value == (D(18_250_000) + D(40_000_000)) / D(182_500_000)
    grit: dict[str, D | str] = {"output": D(1000), "price": D(50), "margin": D("0.3")}
    m = dr.plan(dr.Kind.MANUFACTURING, grit, D(100_000))
    assert (m.revenue, m.variable_cost, m.cash_margin) == (D(50_000), D(35_000), D(15_000))


def test_bad_drivers_are_named_with_their_unit() -> None:
    with pytest.raises(InvalidInput) as err:
        dr.check_drivers(dr.Kind.GAS_POWER, {"capacity_factor": "1.5", "heat_rate": "hot",
                                             "tariff": "1"})
    found = {p.field: p for p in err.value.problems}
    assert set(found) == {"capacity_factor", "heat_rate", "tariff"}
    assert found["capacity_factor"].rule == "economics.out_of_range"
    assert "fraction" in found["capacity_factor"].message
    assert found["tariff"].rule == "economics.unknown_driver"
    assert dr.check_drivers(dr.Kind.GAS_POWER, {"capacity_factor": "85%"}) == {
        "capacity_factor": D("0.85")}
    with pytest.raises(InvalidInput) as err:
        dr.plan(dr.Kind.GAS_POWER, {"capacity_mw": D(1)}, D(1))
    assert {p.rule for p in err.value.problems} == {"economics.missing_driver"}


@pytest.mark.parametrize(("sector", "detail", "name", "kind"), [
    ("energy", "gas-fired power", "Portsmouth plant", dr.Kind.GAS_POWER),
    ("energy", "nuclear", "reactors", dr.Kind.NUCLEAR),
    ("energy", "crude export infrastructure", "GulfLink", dr.Kind.TERMINAL),
    ("energy", "LNG/pipeline", "Alaska LNG pipeline", dr.Kind.TERMINAL),
    ("energy", "EPC", "Kiewit services", dr.Kind.GENERIC),
    ("critical_minerals", "copper", "smelter", dr.Kind.MANUFACTURING),
    ("manufacturing_logistics", "ports", "Port upgrades", dr.Kind.TERMINAL),
    ("semiconductors", "", "a fab", dr.Kind.GENERIC),
])
def test_each_project_finds_the_model_that_fits(sector: str, detail: str, name: str,
                                                kind: dr.Kind) -> None:
    assert dr.kind_for(sector, detail, name) is kind


def test_a_sensitivity_range_stays_inside_the_bounds() -> None:
    assert dr.flexed(D("0.9"), D("0.2"), D("0.01"), D(1)) == (D("0.72"), D(1))
    assert dr.swing_of("gas_price") == D("0.5") and dr.swing_of("fixed_om") == D("0.2")


@pytest.mark.parametrize(("text", "value"), [
    ("1,200", D(1200)), ("12,345,678.5", D("12345678.5")), ("-1,000", D(-1000)),
    ("85%", D("0.85")), ("1_000", D(1000)), (" 3.5 ", D("3.5"))])
def test_a_number_may_group_its_thousands(text: str, value: D) -> None:
    assert dr.parse_number(text) == value


@pytest.mark.parametrize("text", ["1,5", "2,50", "1,2,3", ",100", "1,0000", "1.5,000",
                                  "1,000,00"])
def test_a_comma_that_groups_no_thousands_is_refused(text: str) -> None:
    # "1,5" is one and a half where a comma marks the decimals: read as 15 it would move
    # a gas price tenfold; it is refused instead, as is any comma not before three digits.
    with pytest.raises(ValueError):
        dr.parse_number(text)
    with pytest.raises(InvalidInput) as err:
        dr.check_drivers(dr.Kind.GAS_POWER, {"gas_price": text})
    assert err.value.first.field == "gas_price"
