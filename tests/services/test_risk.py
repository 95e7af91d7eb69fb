"""Each project's calibrated risk through the services: its reference class, its own
choice of class, and what the simulation makes of them."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine

from pledge.domain.errors import InvalidInput
from pledge.services import simulation
from pledge.services.base import Actor
from pledge.services.risk import risk_data, risk_table

ADMIN = Actor.of("analyst one", "admin")
REACTORS, OHIO, GULF, GRIT = 23, 24, 25, 26


def mean_overrun(model: object) -> float:
    mu, sigma = model.overrun_mu, model.overrun_sigma  # type: ignore[attr-defined]  # an EconomicModel
    return math.exp(mu + sigma * sigma / 2)


def test_the_default_projects_take_their_reference_class(sqlite_engine: Engine) -> None:
    kinds = {pid: simulation.get_economics(sqlite_engine, pid).model
             for pid in (REACTORS, OHIO, GULF, GRIT)}
    assert {pid: m.risk_type for pid, m in kinds.items()} == {
        REACTORS: "nuclear_large", OHIO: "gas_power", GULF: "terminal",
        GRIT: "manufacturing"}
    assert mean_overrun(kinds[REACTORS]) == pytest.approx(2.0)
    assert mean_overrun(kinds[OHIO]) == pytest.approx(1.16)
    assert kinds[REACTORS].delay_mean_quarters == 16.0
    assert kinds[REACTORS].abandon_probability == 0.2
    assert kinds[OHIO].abandon_probability == 0.02


def test_a_project_may_be_given_another_class_and_its_own_figures(
        sqlite_engine: Engine) -> None:
    econ = simulation.set_economics(sqlite_engine, REACTORS,
                                    {"risk_type": "nuclear_smr", "abandon_probability": "0.1"},
                                    ADMIN)
    assert econ.model.risk_type == "nuclear_smr"
    assert mean_overrun(econ.model) == pytest.approx(1.8)
    assert econ.model.abandon_probability == 0.1  # its own figure beats the class's
    with pytest.raises(InvalidInput) as err:
        simulation.set_economics(sqlite_engine, REACTORS, {"risk_type": "fusion"}, ADMIN)
    assert err.value.first.field == "risk_type"


def test_abandonment_shows_as_total_losses_and_nuclear_loses_more(
        sqlite_engine: Engine) -> None:
    """4,096 paths each: a share's binomial standard error is at most 0.0079."""
    out = {}
    for pid in (REACTORS, OHIO):
        spec = simulation.project_spec(sqlite_engine, pid, 4096, 1)
        summary, _ = simulation.simulate(spec)
        out[pid] = summary
    se = math.sqrt(0.2 * 0.8 / 4096)
    assert out[REACTORS].irr_total_loss_share >= 0.2 - 4 * se
    assert out[OHIO].irr_total_loss_share < out[REACTORS].irr_total_loss_share
    capex = {pid: simulation.get_economics(sqlite_engine, pid).model.capex
             for pid in (REACTORS, OHIO)}
    assert (out[REACTORS].expected_funding / capex[REACTORS]
            > out[OHIO].expected_funding / capex[OHIO])


def test_the_risk_table_gives_every_class_with_its_sources() -> None:
    table = risk_table()
    assert [c.risk_type for c in table["classes"]] == [
        "gas_power", "nuclear_large", "nuclear_smr", "terminal", "manufacturing", "generic"]
    nuclear = table["classes"][1]
    assert nuclear.figures["overrun_mean"]["value"] == 2.0
    assert nuclear.overrun_median < 2.0  # a right-skewed distribution
    assert len(table["correlation"]) == len(table["factors"]) == len(risk_data().factors)


def test_each_parameter_a_class_sets_says_where_it_comes_from() -> None:
    from pledge.services.risk import PARAMETER_FIGURES, parameter_sources

    sources = parameter_sources("nuclear_large")
    assert set(sources) == set(PARAMETER_FIGURES) == set(
        risk_data().model_parameters(risk_data().types.__iter__().__next__()))
    assert sources["overrun_mu"] == "risk class nuclear_large (overrun_mean 2, overrun_p95 3.5)"
    assert sources["abandon_probability"] == "risk class nuclear_large (abandon_probability 0.2)"
    assert sources["delay_overrun_corr"] == "risk construction (delay_overrun_correlation 0.5)"


def test_economics_show_gives_each_risk_parameter_a_unit_and_its_class(
        sqlite_engine: Engine) -> None:
    from pledge.services.project_models import PARAMETER_UNITS

    econ = simulation.get_economics(sqlite_engine, REACTORS)
    for key in ("delay_sigma", "max_delay_years", "abandon_probability", "overrun_loading",
                "delay_overrun_corr", "abandon_overrun_corr", "risk_type"):
        assert PARAMETER_UNITS[key], key
    assert econ.sources["abandon_probability"] == (
        "risk class nuclear_large (abandon_probability 0.2)")
    assert econ.sources["overrun_mu"].startswith("risk class nuclear_large")
