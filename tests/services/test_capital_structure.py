"""A project's capital structure through the services and the CLI: layers from the records,
who is paid first, the negative-cash rule moving real money, audited settings, and the
Monte Carlo running the same structure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from pledge.domain.access import Forbidden
from pledge.domain.errors import InvalidInput
from pledge.services import capital_structure as cs
from pledge.services import projects, simulation
from pledge.services.base import Actor
from pledge.store.db import make_engine
from tests.clirunner import Cli

ADMIN = Actor.of("analyst one", "admin")


@pytest.fixture
def demo(demo_url: str) -> Iterator[Engine]:
    """The demo database: project 25 has a JBIC loan and a NEXI guarantee recorded."""
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()
OHIO, GULF = 24, 25
D = Decimal


def test_the_recorded_loan_and_guarantee_are_layers_and_debt_is_paid_first(
        demo: Engine) -> None:
    rep = cs.project_capital(demo, GULF)
    layers = {x.name: x for x in rep.structure.layers}
    # the demo records a US$1.2bn JBIC loan and a US$0.9bn NEXI guarantee on a bank loan
    assert layers["JBIC loan"].amount == D("1200000000.00")
    assert layers["JBIC loan"].holder.value == "partner"
    nexi = layers["NEXI guarantee"]
    assert nexi.expected_loss == D("20250000.00")  # 900m x 5% x 45%
    assert layers["bank loan guaranteed by NEXI"].holder.value == "lender"
    assert rep.order[0].startswith("debt service to bank loan guaranteed by NEXI")
    assert rep.order[1].startswith("debt service to JBIC loan")
    assert rep.order[-1].startswith("the split")
    st = rep.settlement
    tot = st.flows.totals
    assert tot["lender_receipts"] > 0 and tot["partner_loan_receipts"] > 0
    # partner receipts = loan receipts + split share, to the cent
    assert st.partner_total == tot["partner_loan_receipts"] + st.waterfall.partner_total
    assert st.partner_guarantee_expected_loss == D("20250000.00")
    # cash conserved: what the split receives is what is left after debt and co-investors
    assert st.waterfall.partner_total + st.waterfall.us_total == tot["to_split"]


def test_the_negative_cash_rule_moves_real_money_and_is_audited(sqlite_engine: Engine) -> None:
    # on the generic model, whose ramp-up quarters lose money
    simulation.set_economics(sqlite_engine, OHIO, {"model": "generic"}, ADMIN)
    base = cs.project_capital(sqlite_engine, OHIO).settlement
    negative = base.flows.totals["shortfall_funded_by_partner"]
    assert negative > 0  # the ramp-up quarters lose money: the partner funds it (default)
    assert base.flows.totals["shortfall_funded_by_us"] == 0
    assert cs.set_capital(sqlite_engine, OHIO, {"shortfall_rule": "us"}, ADMIN) == {
        "shortfall_rule": "us"}
    us = cs.project_capital(sqlite_engine, OHIO).settlement
    assert us.flows.totals["shortfall_funded_by_us"] == negative
    assert us.flows.totals["shortfall_funded_by_partner"] == 0
    # the partner's deemed allocation no longer carries the losses: it funds less
    assert us.waterfall.funding_total == base.waterfall.funding_total - negative
    assert projects.history(sqlite_engine, OHIO).audit[-1]["action"] == "project.capital"
    cs.set_capital(sqlite_engine, OHIO, {"shortfall_rule": "none-abandon"}, ADMIN)
    gone = cs.project_capital(sqlite_engine, OHIO).settlement
    assert gone.flows.abandoned_period is not None
    assert gone.flows.totals["shortfall_unfunded"] > 0 and gone.waterfall.partner_total == 0
    with pytest.raises(InvalidInput) as exc:
        cs.set_capital(sqlite_engine, OHIO, {"shortfall_rule": "nobody"}, ADMIN)
    assert exc.value.first.field == "shortfall_rule"
    with pytest.raises(Forbidden):
        cs.set_capital(sqlite_engine, OHIO, {"shortfall_rule": "us"}, Actor.of("a", "analyst"))


def test_the_monte_carlo_reports_who_funded_negative_cash(demo: Engine) -> None:
    spec, _ = simulation.simulation_spec(demo, project_id=GULF, paths=300, seed=1)
    summary, res = simulation.simulate(spec)
    assert summary.capital["shortfall_funded_by_partner"] > 0
    assert summary.capital["partner_loan_receipts"] > 0
    assert summary.capital["lender_receipts"] > 0
    # the partner's totals include its loan flows
    assert (res.partner_total >= res.capital[:, 10] - 0.01).all()


def test_economics_show_and_set_carry_the_capital_structure(cli: Cli) -> None:
    cli.json("economics", "set", str(OHIO), "model=generic")  # ramp-up quarters lose money
    shown = cli.json("economics", "show", str(OHIO))
    cap = shown["capital"]
    assert [x["name"] for x in cap["layers"]] == ["partner equity (not yet recorded)"]
    assert cap["settings"]["shortfall_rule"] == "partner"
    funded = D(cap["base_case"]["shortfall_funded_by_partner"])
    assert funded > 0 and cap["sources"]["shortfall_rule"].startswith("assumption")
    changed = cli.json("economics", "set", str(OHIO), "shortfall_rule=us", "loan_rate=3%")
    assert changed["capital"]["settings"]["shortfall_rule"] == "us"
    assert changed["capital"]["sources"]["loan_rate"] == "set for the project"
    assert D(changed["capital"]["base_case"]["shortfall_funded_by_us"]) == funded
    assert changed["overrides"] == {"model": "generic"}  # only the model, set above
    code, out, _ = cli("economics", "show", str(OHIO))
    assert code == 0 and "Who is paid first:" in out and "negative cash funded by" in out
    code, _, err = cli("economics", "set", str(OHIO), "overrun_rule=somebody")
    assert code == 2 and "overrun_rule" in err


def test_simulate_reports_who_funded_negative_cash(cli: Cli) -> None:
    cli.json("economics", "set", str(OHIO), "model=generic")  # ramp-up quarters lose money
    doc = cli.json("simulate", str(OHIO), "--paths", "300", "--seed", "2")
    cap = doc["capital"]
    assert D(cap["shortfall_funded_by_partner"]) > 0 and D(cap["shortfall_funded_by_us"]) == 0
    assert cap["abandoned"] == 0.0
    cli.json("economics", "set", str(OHIO), "shortfall_rule=none-abandon")
    gone = cli.json("simulate", str(OHIO), "--paths", "300", "--seed", "2")["capital"]
    assert gone["abandoned"] > 0.5 and D(gone["shortfall_funded_by_partner"]) == 0
    code, out, _ = cli("simulate", str(OHIO), "--paths", "300", "--seed", "2")
    assert code == 0 and "negative cash funded, expected" in out
    assert "paths where the project is abandoned" in out


def test_the_project_waterfall_counts_the_partner_s_loans_in_its_returns(demo: Engine) -> None:
    rep = simulation.project_waterfall(demo, GULF)
    st = cs.project_capital(demo, GULF).settlement
    assert rep.result == st.waterfall
    assert rep.partner_moic == pytest.approx(float(st.partner_total / st.partner_funding_total))
    assert st.partner_total > st.waterfall.partner_total  # the JBIC loan's receipts


def test_waterfall_of_a_csv_reports_the_negative_cash_it_does_not_distribute(
        cli: Cli, tmp_path: Path) -> None:
    case = tmp_path / "case.csv"
    case.write_text("period,funding,distributable\n0,100,0\n1,0,-30\n2,0,80\n",
                    encoding="utf-8")
    doc = cli.json("waterfall", "--input", str(case), "--deemed-rate", "0")
    assert doc["undistributed_negative_cash"] == "30.00"
    code, out, _ = cli("waterfall", "--input", str(case), "--deemed-rate", "0")
    assert code == 0 and "negative cash 30.00 is not distributed" in out


def test_the_api_gives_the_capital_structure_economics_show_prints(cli: Cli) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine

    from pledge.app import create_app
    from pledge.services.users import add_user

    cli.json("economics", "set", str(OHIO), "model=generic", "shortfall_rule=us")
    shown = cli.json("economics", "show", str(OHIO))["capital"]
    engine = create_engine(cli.url)
    token = add_user(engine, "reader one", "analyst", ADMIN).token
    with TestClient(create_app(cli.url)) as client:
        r = client.get(f"/api/v1/projects/{OHIO}/capital-structure",
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        doc = r.json()
        assert doc["project_id"] == OHIO
        assert doc["settings"]["shortfall_rule"] == "us"
        assert doc["layers"] == shown["layers"] and doc["payment_order"] == shown[
            "payment_order"]
        assert D(doc["base_case"]["shortfall_funded_by_us"]) == D(
            shown["base_case"]["shortfall_funded_by_us"]) > 0
        assert client.get(f"/api/v1/projects/{OHIO}/capital-structure").status_code == 401
    engine.dispose()
