"""The reference classes' figures: checked once, turned into lognormals, assigned to
projects."""

from __future__ import annotations

import copy
import math
import tomllib
from importlib.resources import files
from statistics import NormalDist
from typing import Any

import pytest

from pledge.domain.errors import InvalidInput
from pledge.domain.risk import (
    RiskType,
    cholesky,
    lognormal_from_mean_p95,
    parse_risk,
    risk_type_for,
)

DOC: dict[str, Any] = tomllib.loads(
    (files("pledge") / "data" / "risk.toml").read_text(encoding="utf-8"))


def test_a_lognormal_is_fixed_by_its_mean_and_95th_percentile() -> None:
    mu, sigma = lognormal_from_mean_p95(2.0, 3.5)
    assert math.exp(mu + sigma * sigma / 2) == pytest.approx(2.0)
    assert math.exp(mu + NormalDist().inv_cdf(0.95) * sigma) == pytest.approx(3.5)
    assert lognormal_from_mean_p95(1.5, 1.5) == (math.log(1.5), 0.0)
    with pytest.raises(ValueError, match="between the mean"):
        lognormal_from_mean_p95(2.0, 1.5)
    with pytest.raises(ValueError, match="between the mean"):
        lognormal_from_mean_p95(1.0, 10.0)  # beyond exp(z^2 / 2) = 3.87 times the mean


def test_every_shipped_figure_has_a_unit_and_a_source_or_says_it_is_assumed() -> None:
    data = parse_risk(DOC)
    assert set(data.types) == set(RiskType)
    for t in data.types.values():
        for name, f in t.figures.items():
            assert f.unit and f.source, (t.risk_type, name)
    # the reference-class figures that come from studies are not labelled assumptions
    nuclear = data.types[RiskType.NUCLEAR_LARGE]
    assert not nuclear.figures["overrun_mean"].assumed
    assert "Boston University" in nuclear.figures["overrun_mean"].source
    assert not nuclear.figures["abandon_probability"].assumed
    assert data.types[RiskType.GAS_POWER].figures["overrun_p95"].assumed


def test_nuclear_is_calibrated_to_about_twice_its_budget_and_years_late() -> None:
    data = parse_risk(DOC)
    nuclear, gas = data.types[RiskType.NUCLEAR_LARGE], data.types[RiskType.GAS_POWER]
    assert 1.8 <= nuclear.value("overrun_mean") <= 2.5
    assert nuclear.value("delay_mean_years") >= 3
    for name in ("overrun_mean", "overrun_p95", "delay_mean_years", "delay_p95_years",
                 "abandon_probability", "max_delay_years"):
        assert nuclear.value(name) > gas.value(name), name
    params = data.model_parameters(RiskType.NUCLEAR_LARGE)
    assert params["delay_mean_quarters"] == 16.0
    assert params["max_delay_years"] == 12.0 and params["abandon_probability"] == 0.2


def test_every_problem_in_the_data_is_named_at_once() -> None:
    doc = copy.deepcopy(DOC)
    doc["types"]["gas_power"]["overrun_p95"]["value"] = 0.9   # below the mean
    doc["types"]["terminal"]["abandon_probability"]["value"] = 1.5
    doc["types"]["nuclear_smr"]["delay_mean_years"]["source"] = ""
    doc["types"]["manufacturing"]["revenue_loadings"] = {"weather": 1.0}
    with pytest.raises(InvalidInput) as err:
        parse_risk(doc)
    fields = {p.field for p in err.value.problems}
    assert fields == {"types.gas_power.overrun_p95", "types.terminal.abandon_probability.value",
                      "types.nuclear_smr.delay_mean_years.source",
                      "types.manufacturing.revenue_loadings"}


def test_the_correlation_matrix_must_be_a_correlation_matrix() -> None:
    doc = copy.deepcopy(DOC)
    doc["macro"]["correlation"][0][1] = 0.9  # no longer symmetric
    with pytest.raises(InvalidInput) as err:
        parse_risk(doc)
    assert {p.field for p in err.value.problems} == {"macro.correlation[0][1]",
                                                     "macro.correlation[1][0]"}
    doc = copy.deepcopy(DOC)
    for i, j in ((2, 3), (3, 2)):
        doc["macro"]["correlation"][i][j] = -0.95  # gas and power opposed...
    for i, j in ((2, 4), (4, 2), (3, 4), (4, 3)):
        doc["macro"]["correlation"][i][j] = 0.95   # ...yet both with crude
    with pytest.raises(InvalidInput, match="not positive definite"):
        parse_risk(doc)


def test_cholesky_factor_reproduces_the_matrix() -> None:
    data = parse_risk(DOC)
    low = cholesky(data.correlation)
    k = len(low)
    for i in range(k):
        for j in range(k):
            assert sum(low[i][m] * low[j][m] for m in range(k)) == pytest.approx(
                data.correlation[i][j])


@pytest.mark.parametrize(("sector", "detail", "name", "expected"), [
    ("energy", "energy (nuclear)", "US government-owned fleet of up to 10 large reactors "
     "(AP1000) using Japan funds", RiskType.NUCLEAR_LARGE),
    ("energy", "energy (nuclear)", "Westinghouse AP1000 reactors and SMRs",
     RiskType.NUCLEAR_LARGE),
    ("energy", "energy (nuclear)", "GE Vernova Hitachi SMR (BWRX-300) construction",
     RiskType.NUCLEAR_SMR),
    ("energy", "energy (power for AI)", "ENTRA1 Energy / NuScale baseload power for AI "
     "(gas-fired and nuclear)", RiskType.NUCLEAR_SMR),
    ("energy", "energy (gas-fired power)", "Portsmouth Powered Land Project (9.2 GW natural "
     "gas power plant for AI data centers)", RiskType.GAS_POWER),
    ("energy", "energy (crude export infrastructure)",
     "Texas GulfLink deepwater crude oil export terminal", RiskType.TERMINAL),
    ("manufacturing_logistics", "manufacturing and logistics (ports)",
     "Port upgrades (incl. dredging shipping channels)", RiskType.TERMINAL),
    ("critical_minerals", "critical minerals (synthetic diamond)",
     "HPHT synthetic diamond grit facility", RiskType.MANUFACTURING),
    ("energy", "energy (EPC)", "Kiewit engineering, procurement and construction services",
     RiskType.GENERIC),
])
def test_projects_fall_in_the_reference_class_their_words_name(
        sector: str, detail: str, name: str, expected: RiskType) -> None:
    assert risk_type_for(sector, detail, name) is expected


def test_support_and_transport_are_not_ports() -> None:
    assert risk_type_for("energy", "energy (transport support)", "grid") is RiskType.GENERIC
