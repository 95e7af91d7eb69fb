"""Economics and simulation through the services and the CLI."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from pledge.cli import run
from pledge.domain.access import Forbidden
from pledge.domain.errors import InvalidInput, RuleViolation
from pledge.services import projects, simulation
from pledge.services.base import Actor

ADMIN = Actor.of("analyst one", "admin")
OHIO, GULF, GRIT = 24, 25, 26
DATA = Path(__file__).resolve().parents[1] / "data"


def test_economics_override_is_stored_validated_and_audited(sqlite_engine: Engine) -> None:
    before = simulation.get_economics(sqlite_engine, GULF)
    assert before.model.capex == 2.1e9 and before.sector == "energy"
    after = simulation.set_economics(sqlite_engine, GULF, {"life_years": "20",
                                                           "utilisation": "90%"}, ADMIN)
    # from 60% to 90% of the terminal's capacity: half as much revenue again
    assert after.model.life_years == 20.0
    assert after.model.revenue_yield == pytest.approx(1.5 * before.model.revenue_yield)
    assert simulation.get_economics(sqlite_engine, GULF).overrides == {
        "life_years": 20.0, "utilisation": "0.9"}
    audit = projects.history(sqlite_engine, GULF).audit[-1]
    assert audit["action"] == "project.economics" and audit["after"]["life_years"] == 20.0
    with pytest.raises(InvalidInput):
        simulation.set_economics(sqlite_engine, GULF, {"life_years": "-3"}, ADMIN)
    with pytest.raises(Forbidden):  # the role matrix: setting economics is a project edit
        simulation.set_economics(sqlite_engine, GULF, {"life_years": "5"},
                                 Actor.of("a", "analyst"))


def test_project_base_case_waterfall(sqlite_engine: Engine) -> None:
    simulation.set_economics(sqlite_engine, GRIT, {"model": "generic"}, ADMIN)
    rep = simulation.project_waterfall(sqlite_engine, GRIT)
    r = rep.result
    # The diamond grit plant by hand, on the generic model of data/economics.toml
    # (critical minerals, quarters):
    # capex $600m (its estimate), all funded by the partner over 3 years on the s-curve
    # sin(pi (t + 1/2) / 12), whose 12 values sum to 1 / sin(pi / 24); then 20 years (80
    # quarters) of operation. Full revenue 0.50 * 600m / 4 = 75m a quarter, operating cost
    # 0.50 of it (37.5m), depreciation 600m / 80 = 7.5m, tax 21% of revenue - 45m once
    # earlier losses are used up; revenue ramps over the first year: 25%, 50%, 75%, then
    # 100%. Taxable profit is -26.25m, -7.5m, 11.25m, then 30m a quarter: the losses carried
    # forward (33.75m) absorb 11.25m and 22.5m of the 4th quarter's 30m, leaving 7.5m taxed
    # (1.575m). So the distributable cash is -18.75m, 0, 18.75m, 37.5m - 1.575m = 35.925m,
    # then 75m - 37.5m - 6.3m = 31.2m for the remaining 76 quarters.
    funding = [600e6 * math.sin(math.pi / 24) * math.sin(math.pi * (t + 0.5) / 12)
               for t in range(12)] + [0.0] * 80
    dist = [0.0] * 12 + [-18.75e6, 0.0, 18.75e6, 35.925e6] + [31.2e6] * 76
    assert len(r.periods) == 92
    assert [float(p.funding) for p in r.periods] == pytest.approx(funding, abs=0.005)
    assert [p.distributable for p in r.periods] == [Decimal(repr(x)).quantize(Decimal("0.01"))
                                                    for x in dist]
    assert r.funding_total == Decimal("600000000.00")
    # The split by a second route: the rule (deemed rate 6% a year compounded quarterly,
    # half to the partner until its allocation is recovered, then a tenth) in floats,
    # money in whole cents: interest booked and the partner's share rounded to the cent.
    growth, balance, partner, recoup = 1.06 ** 0.25, 0.0, [], None
    for t, (f, d) in enumerate(zip(funding, dist, strict=True)):
        balance = round(balance * growth, 2) + round(f, 2)
        d = max(d, 0.0)
        if balance > 0 and d > 2 * balance:      # recovered inside the period
            partner.append(round(balance + 0.1 * (d - 2 * balance), 2))
            balance, recoup = 0.0, t
        else:
            partner.append(round(0.5 * d if balance > 0 else 0.1 * d, 2))
            balance -= partner[-1] if balance > 0 else 0.0
    assert recoup == r.recoup_period == 82         # 71 quarters into operation
    assert float(r.partner_total) == pytest.approx(sum(partner), abs=0.01)
    assert float(r.partner_total) == pytest.approx(1_099_690_875.06, abs=0.001)
    # Every positive dollar goes to one side or the other: 18.75m + 35.925m + 76 * 31.2m.
    assert r.partner_total + r.us_total == Decimal("2425875000")
    assert rep.partner_moic == pytest.approx(sum(partner) / 600e6, rel=1e-12)
    # The IRR discounts the partner's net flows to zero (annualised from quarters); the
    # allocation earns its 6% and the tenth after recovery adds a little.
    assert rep.partner_irr is not None and 0.06 < rep.partner_irr < 0.07
    v = (1 + rep.partner_irr) ** -0.25
    npv = sum((p - f) * v ** t for t, (p, f) in enumerate(zip(partner, funding, strict=True)))
    assert abs(npv) < 1e-6 * sum(funding)


def test_serial_and_dask_runs_agree(sqlite_engine: Engine) -> None:
    from distributed import Client, LocalCluster

    spec = simulation.project_spec(sqlite_engine, OHIO, 9000, seed=11)
    local, res_local = simulation.simulate(spec)
    with LocalCluster(  # type: ignore[no-untyped-call]  # distributed is untyped
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]  # distributed is untyped
        remote, res_remote = simulation.simulate(spec, client=client)
    np.testing.assert_array_equal(res_local.partner_total, res_remote.partner_total)
    np.testing.assert_array_equal(res_local.irr, res_remote.irr)
    assert local == remote


def test_portfolio_covers_the_selected_projects(sqlite_engine: Engine) -> None:
    spec, ids = simulation.portfolio_spec(sqlite_engine, "japan", 2000, seed=1)
    assert ids == [OHIO, GULF, GRIT] and spec.common and not spec.pooled
    summary, _ = simulation.simulate(spec)
    assert summary.paths == 2000 and 0 <= summary.prob_recover <= 1
    with pytest.raises(RuleViolation):
        simulation.portfolio_spec(sqlite_engine, "eu", 10, seed=1)


def cli(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["--db", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_waterfall_diet_answer_case(sqlite_url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(sqlite_url, capsys, "waterfall", "--input",
                         str(DATA / "waterfall_diet.csv"), "--deemed-rate", "0.06",
                         "--periods-per-year", "1", "--json")
    assert code == 0, err
    data = json.loads(out)
    periods = data["periods"]
    # Year 1: cash equal to the deemed allocation (106) is paid half to each side at once.
    assert (periods[1]["partner"], periods[1]["us"], periods[1]["balance"]) == (
        "53.00", "53.00", "53.00")
    # Year 2: the balance grows to 56.18; 200 of cash clears it inside the year, then 90/10.
    assert (periods[2]["partner"], periods[2]["us"], periods[2]["balance"]) == (
        "64.94", "135.06", "0.00")
    assert periods[3] == {"period": 3, "partner": "5.00", "us": "45.00", "balance": "0.00"}
    assert data["recoup_period"] == 2
    assert (data["partner_total"], data["us_total"]) == ("122.94", "233.06")
    assert data["partner_moic"] == pytest.approx(1.2294)
    # -100 + 53/(1+x) + 64.94/(1+x)^2 + 5/(1+x)^3 = 0: by hand, x is between 13% and 14%.
    x = data["partner_irr"]
    assert 0.13 < x < 0.14
    assert -100 + 53 / (1 + x) + 64.94 / (1 + x) ** 2 + 5 / (1 + x) ** 3 == pytest.approx(
        0, abs=1e-9)


def test_cli_waterfall_bad_csv_names_row_and_column(sqlite_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("period,funding,distributable\n0,100,0\n1,abc,5\n2,-5,1\n")
    code, _, err = cli(sqlite_url, capsys, "waterfall", "--input", str(bad))
    assert code == 2
    assert "row 3 column funding=abc" in err and "row 4 column funding=-5" in err
    (tmp_path / "nocol.csv").write_text("period,funding\n0,1\n")
    code, _, err = cli(sqlite_url, capsys, "waterfall", "--input", str(tmp_path / "nocol.csv"))
    assert code == 2 and "distributable" in err


def test_cli_simulate_json(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(sqlite_url, capsys, "simulate", "24", "--paths", "3000", "--seed",
                         "5", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"prob_recover", "partner_irr", "expected_moic", "recoup_years",
            "us_expected_take"} <= set(data)
    assert set(data["partner_irr"]) == {"p5", "p50", "p95"}
    _, out2, _ = cli(sqlite_url, capsys, "simulate", "24", "--paths", "3000", "--seed",
                         "5", "--json")
    assert json.loads(out2) == data
    code, out, _ = cli(sqlite_url, capsys, "simulate", "--framework", "japan", "--portfolio",
                       "--paths", "1000", "--json")
    assert code == 0 and json.loads(out)["projects"] == [OHIO, GULF, GRIT]
