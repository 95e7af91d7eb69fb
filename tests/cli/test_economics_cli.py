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

    changed = cli.json("economics", "set", GULFLINK, "life_years=10", "revenue_yield=0.2")
    assert changed["overrides"] == {"life_years": 10.0, "revenue_yield": 0.2}
    assert changed["model"] == {**shown["model"], "life_years": 10.0, "revenue_yield": 0.2}
    assert cli.json("economics", "show", GULFLINK)["overrides"] == changed["overrides"]

    code, out, _ = cli("economics", "show", GULFLINK)
    assert code == 0
    rows = {line.split("│")[1].strip(): line.split("│")[3].strip()
            for line in out.splitlines() if line.count("│") == 4}
    assert rows["life_years"] == rows["revenue_yield"] == "project"
    assert rows["capex"] == rows["opex_ratio"] == "sector default"
    code, out, _ = cli("economics", "set", GULFLINK, "opex_ratio=0.5")
    assert code == 0 and "opex_ratio" in out


@pytest.mark.parametrize(("value", "rule"), [("life_years=ten", "economics.bad_value"),
                                              ("colour=blue", "economics.unknown_parameter")])
def test_a_bad_override_changes_nothing(cli: Cli, value: str, rule: str) -> None:
    code, out, err = cli("economics", "set", GULFLINK, value)
    assert code == 2 and out == "" and err.startswith(f"error: {value}:") and rule in err
    assert cli.json("economics", "show", GULFLINK)["overrides"] == {}


def test_the_base_case_as_csv_and_through_the_waterfall(cli: Cli, tmp_path: Path) -> None:
    cli.json("economics", "set", GULFLINK, "life_years=10")
    flows = cli.json("economics", "cashflows", GULFLINK)
    # four years of construction and ten of operation, quarterly
    assert [r["period"] for r in flows] == list(range(56))
    funding = [Decimal(r["funding"]) for r in flows]
    assert abs(sum(funding) - Decimal("2100000000")) <= Decimal("0.10")  # the capex, to cents
    assert all(f == 0 for f in funding[16:])
    assert Decimal(flows[-1]["distributable"]) > 0

    code, out, _ = cli("economics", "cashflows", GULFLINK)
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "period,funding,distributable" and len(lines) == 57
    assert lines[1] == f"0,{flows[0]['funding']},{flows[0]['distributable']}"

    # the project's waterfall is the waterfall of its base case written out as CSV
    csv_path = tmp_path / "case.csv"
    csv_path.write_text(out, encoding="utf-8")
    by_project = cli.json("waterfall", "--project", GULFLINK)
    assert cli.json("waterfall", "--input", str(csv_path)) == by_project
    assert len(by_project["periods"]) == 56
    # ten years of revenue give the partner back about half: never recovered, so every
    # distribution is split 50/50
    assert by_project["recoup_period"] is None
    assert by_project["partner_total"] == by_project["us_total"]
    partner_in = Decimal(by_project["partner_total"])
    assert by_project["partner_moic"] == pytest.approx(float(partner_in / sum(funding)))

    code, out, _ = cli("waterfall", "--project", GULFLINK)
    assert code == 0 and "Waterfall" in out and "partner IRR" in out and "MOIC" in out
    code, _, err = cli("waterfall")
    assert code == 2 and "[input.missing]" in err
    code, _, err = cli("waterfall", "--project", GULFLINK, "--input", str(csv_path))
    assert code == 2 and "[input.missing]" in err
