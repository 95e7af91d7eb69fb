"""``pledge economics show/set/cashflows`` and ``waterfall --project`` through the CLI: the
model a project is priced with, its overrides, and the base case both ways."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.clirunner import Cli

GULFLINK = "25"  # energy, US$2.1bn


def test_overrides_are_stored_and_shown_beside_the_sector_defaults(cli: Cli) -> None:
    shown = cli.json("economics", "show", GULFLINK)
    assert (shown["project_id"], shown["sector"], shown["overrides"]) == (25, "energy", {})
    assert shown["model"]["capex"] == 2.1e9 and shown["model"]["life_years"] == 30.0
    assert shown["kind"] == "terminal" and shown["drivers"]["tariff"]["value"] == "1.25"

    changed = cli.json("economics", "set", GULFLINK, "life_years=10", "tariff=2.5")
    assert changed["overrides"] == {"life_years": 10.0, "tariff": "2.5"}
    # twice the tariff: twice the revenue, and the running costs a smaller share of it
    assert changed["model"]["revenue_yield"] == pytest.approx(
        2 * shown["model"]["revenue_yield"])
    assert changed["model"]["opex_ratio"] == pytest.approx(shown["model"]["opex_ratio"] / 2)
    assert changed["model"]["life_years"] == 10.0
    assert changed["drivers"]["tariff"]["source"].startswith("project setting")
    assert changed["unit_economics"]["revenue_per_unit"] == {"value": "2.5",
                                                             "unit": "US$/bbl"}
    assert cli.json("economics", "show", GULFLINK)["overrides"] == changed["overrides"]

    code, out, _ = cli("economics", "show", GULFLINK)
    assert code == 0
    rows = {line.split("│")[1].strip(): line.split("│")[4].strip()
            for line in out.splitlines() if line.count("│") == 5 and line.split("│")[1].strip()}
    assert rows["life_years"].startswith("project setting")
    assert rows["tariff"].startswith("project setting")
    assert rows["capex"] == "the project's primary cost estimate"
    assert rows["opex_ratio"] == "derived from the drivers"
    code, out, _ = cli("economics", "set", GULFLINK, "utilisation=0.5")
    assert code == 0 and "utilisation" in out


@pytest.mark.parametrize(("value", "rule"), [("life_years=ten", "economics.bad_value"),
                                              ("colour=blue", "economics.unknown_parameter")])
def test_a_bad_override_changes_nothing(cli: Cli, value: str, rule: str) -> None:
    code, out, err = cli("economics", "set", GULFLINK, value)
    assert code == 2 and out == "" and err.startswith(f"error: {value}:") and rule in err
    assert cli.json("economics", "show", GULFLINK)["overrides"] == {}


def test_the_base_case_as_csv_and_through_the_waterfall(cli: Cli, tmp_path: Path) -> None:
    cli.json("economics", "set", GULFLINK, "life_years=10")
    flows = cli.json("economics", "cashflows", GULFLINK)
    # three years of construction (a terminal's) and ten of operation, quarterly
    assert [r["period"] for r in flows] == list(range(52))
    funding = [Decimal(r["funding"]) for r in flows]
    assert abs(sum(funding) - Decimal("2100000000")) <= Decimal("0.10")  # the capex, to cents
    assert all(f == 0 for f in funding[12:])
    assert Decimal(flows[-1]["distributable"]) > 0

    code, out, _ = cli("economics", "cashflows", GULFLINK)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "period,funding,distributable" and len(lines) == 53
    assert lines[1] == f"0,{flows[0]['funding']},{flows[0]['distributable']}"

    # the project's waterfall is the waterfall of its base case written out as CSV
    csv_path = tmp_path / "case.csv"
    csv_path.write_text(out, encoding="utf-8")
    by_project = cli.json("waterfall", "--project", GULFLINK)
    assert cli.json("waterfall", "--input", str(csv_path)) == by_project
    assert len(by_project["periods"]) == 52
    # ten years of revenue give the partner back about half: never recovered, so every
    # distribution is split 50/50 (each half-cent rounded to even: at most a cent apart
    # a period)
    assert by_project["recoup_period"] is None
    gap = Decimal(by_project["partner_total"]) - Decimal(by_project["us_total"])
    assert abs(gap) <= Decimal("0.01") * 40
    partner_in = Decimal(by_project["partner_total"])
    assert by_project["partner_moic"] == pytest.approx(float(partner_in / sum(funding)))

    code, out, _ = cli("waterfall", "--project", GULFLINK)
    assert code == 0 and "Waterfall" in out and "partner IRR" in out and "MOIC" in out
    code, _, err = cli("waterfall")
    assert code == 2 and "[input.missing]" in err
    code, _, err = cli("waterfall", "--project", GULFLINK, "--input", str(csv_path))
    assert code == 2 and "[input.missing]" in err


CASE = "period,funding,distributable\n0,100,0\n1,0,106\n2,0,200\n"


def test_a_csv_case_split_by_hand(cli: Cli, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.csv"
    path.write_text(CASE, encoding="utf-8")
    # 100 in; at 6% a year the balance is 106 when 106 comes back: 53 each, 53 left owed.
    # Next year 53 x 1.06 = 56.18 is owed: the partner takes it from the first 112.36 at
    # 50/50, then 10% of the other 87.64 (8.764): 64.94, and the US 135.06.
    r = cli.json("waterfall", "--input", str(path), "--deemed-rate", "6%",
                 "--periods-per-year", "1")
    assert [(p["partner"], p["us"], p["balance"]) for p in r["periods"]] == [
        ("0.00", "0.00", "100.00"), ("53.00", "53.00", "53.00"), ("64.94", "135.06", "0.00")]
    assert (r["recoup_period"], r["partner_total"], r["us_total"]) == (2, "117.94", "188.06")
    assert r["partner_moic"] == pytest.approx(1.1794)  # (53 + 64.94) / 100: cash in cents
    assert (r["deemed_rate"], r["pre_split"], r["post_split"]) == (0.06, 0.5, 0.1)

    # a framework without a split or a deemed rate needs them given: 20% after recovery
    # gives the partner 56.18 + 17.528
    code, _, err = cli("waterfall", "--input", str(path), "--framework", "eu")
    assert code == 2 and err.startswith("error: deemed_rate=None") and "[waterfall.no_rate]" in err
    code, _, err = cli("waterfall", "--input", str(path), "--framework", "eu",
                       "--deemed-rate", "0.06")
    assert code == 2 and "[waterfall.no_split]" in err
    eu = cli.json("waterfall", "--input", str(path), "--framework", "eu", "--deemed-rate",
                  "0.06", "--pre-split", "0.5", "--post-split", "0.2", "--periods-per-year", "1")
    assert eu["periods"][2]["partner"] == "73.71" and eu["partner_total"] == "126.71"
    code, _, err = cli("waterfall", "--input", str(path), "--deemed-rate", "six")
    assert code == 2 and err.startswith("error: deemed_rate=six") and "[input.bad_number]" in err

    # no usable database: the split needs only the shipped terms
    nowhere = Cli(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", capsys)
    code, out, _ = nowhere("waterfall", "--input", str(path), "--deemed-rate", "6%",
                           "--periods-per-year", "1")
    assert code == 0 and "partner 117.94 / US 188.06; recouped in period 2" in out


def test_simulate_prints_the_same_summary_as_its_json(cli: Cli) -> None:
    data = cli.json("simulate", GULFLINK, "--paths", "200", "--seed", "7")
    assert (data["project_id"], data["paths"], data["seed"]) == (25, 200, 7)
    # a path that never recoups is one where the partner does not recover
    assert data["recoup_years"]["never_share"] == pytest.approx(1 - data["prob_recover"])
    code, out, _ = cli("simulate", GULFLINK, "--paths", "200", "--seed", "7")
    assert code == 0 and "Simulation of 200 paths (seed 7)" in out
    irr = data["partner_irr"]
    assert f"{irr['p5']:.2%} / {irr['p50']:.2%} / {irr['p95']:.2%}" in out
    assert f"{data['expected_moic']:.3f}x" in out


@pytest.mark.parametrize(("args", "expected"), [
    ([], "error: id=None: give a project id, or --framework F --portfolio [input.missing]"),
    (["25", "--portfolio", "--framework", "japan"],
     "error: id=25: give a project id, or --framework F --portfolio [input.missing]"),
    (["--portfolio"], "error: framework=None: --portfolio needs --framework [input.missing]"),
])
def test_simulate_needs_one_project_or_a_portfolio(cli: Cli, args: list[str],
                                                   expected: str) -> None:
    assert cli("simulate", *args) == (2, "", expected + "\n")
