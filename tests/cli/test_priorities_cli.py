"""``pledge scores``, ``weights``, ``batch`` and ``decline-advice`` through the CLI: the
documents they print, who may set what, and the batch's refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clirunner import Cli

# Three candidates, budget 10: a+c (cost 10) is the US side's best (3+1 of 4 reachable),
# b+c (cost 9) the partner's (3+1); a+b costs 11. Utilities are shares of each side's
# best: a+c is (1, 0.5), b+c (0.5, 1), and every other feasible batch is dominated by one
# of them, so those two are the whole Pareto frontier.
INSTANCE = {"budget": "10", "candidates": [
    {"id": "a", "cost": "6", "sector": "energy", "us_score": 3, "partner_score": 1},
    {"id": "b", "cost": "5", "sector": "chips", "us_score": 1, "partner_score": 3},
    {"id": "c", "cost": "4", "sector": "ships", "us_score": 1, "partner_score": 1}]}


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE), encoding="utf-8")
    return path


def test_scores_set_and_show(cli: Cli) -> None:
    doc = cli.json("scores", "set", "27", "--side", "us", "--criterion", "strategic",
                   "--value", "9", "--role", "ic", "--note", "baseload", "--on", "2026-03-01",
                   "--actor", "Lutnick")
    assert doc["us"] == {"strategic": {"value": 9.0, "author": "Lutnick", "role": "ic",
                                       "on": "2026-03-01", "note": "baseload"}}
    assert doc["partner"] == {} and doc["project_id"] == 27

    code, _, err = cli("scores", "set", "27", "--side", "partner", "--criterion", "strategic",
                       "--value", "4", "--role", "ic")
    assert code == 2 and "role=ic" in err and "[priorities.wrong_side]" in err
    code, out, _ = cli("scores", "set", "27", "--side", "partner", "--criterion", "strategic",
                       "--value", "4", "--role", "cc_jp", "--actor", "Akazawa", "--on",
                       "2026-03-02")
    assert (code, out.strip()) == (0, "project 27: partner scores strategic 4")

    shown = cli.json("scores", "show", "27")
    assert shown == {"project_id": 27, "us": doc["us"], "partner": {"strategic": {
        "value": 4.0, "author": "Akazawa", "role": "cc_jp", "on": "2026-03-02", "note": ""}}}
    code, out, _ = cli("scores", "show", "27")
    assert code == 0 and "baseload" in out and "Akazawa" in out


def test_weights_set_and_show(cli: Cli) -> None:
    before = cli.json("weights", "show", "--framework", "japan")
    assert before["partner"]["recovery"] == 0.25
    after = cli.json("weights", "set", "--framework", "japan", "--side", "partner",
                     "--criterion", "recovery", "--weight", "0.4", "--role", "cc_jp")
    assert after["partner"] == {**before["partner"], "recovery": 0.4}
    assert after["us"] == before["us"]

    code, _, err = cli("weights", "set", "--framework", "japan", "--side", "us", "--criterion",
                       "jobs", "--weight", "1", "--role", "cc_jp")
    assert code == 2 and "[priorities.wrong_side]" in err
    code, out, _ = cli("weights", "set", "--framework", "japan", "--side", "us", "--criterion",
                       "jobs", "--weight", "1", "--role", "ic")
    assert (code, out.strip()) == (0, "japan: us weighs jobs 1")
    assert cli.json("weights", "show", "--framework", "japan")["us"]["jobs"] == 1.0
    code, out, _ = cli("weights", "show", "--framework", "japan")
    assert code == 0 and "recovery" in out and "0.4" in out


def test_the_pareto_frontier_of_an_instance(cli: Cli, instance: Path) -> None:
    points = cli.json("batch", "--input", str(instance), "--pareto")
    assert [(p["selected"], p["cost"], p["u_us"], p["u_partner"]) for p in points] == [
        (["a", "c"], "10", 1.0, 0.5), (["b", "c"], "9", 0.5, 1.0)]
    code, out, _ = cli("batch", "--input", str(instance), "--pareto")
    assert code == 0 and "Pareto frontier" in out and "a, c" in out and "b, c" in out
    code, out, _ = cli("batch", "--input", str(instance), "--objective", "partner")
    assert code == 0 and "Batch (partner)" in out and "b, c" in out and "optimal" in out


@pytest.mark.parametrize(("args", "expected"), [
    (["--input", "INSTANCE", "--objective", "best"],
     "error: objective=best: one of: us, partner, maxmin, nash [batch.unknown_objective]"),
    (["--input", "INSTANCE", "--framework", "japan"],
     "error: input=None: give --input INSTANCE.json or --framework F [input.missing]"),
    ([], "error: input=None: give --input INSTANCE.json or --framework F [input.missing]"),
    (["--input", "BROKEN"], "error: input=line 2 column 1: Expecting value [batch.bad_json]"),
    (["--framework", "japan", "--sector-max", "energy"],
     "error: sector_max=energy: expected SECTOR=COUNT [input.bad_assignment]"),
    (["--framework", "japan", "--sector-min", "energy=one"],
     "error: sector_min=energy=one: expected SECTOR=COUNT [input.bad_assignment]"),
])
def test_batch_refusals_name_the_option(cli: Cli, instance: Path, args: list[str],
                                        expected: str) -> None:
    broken = instance.with_name("broken.json")
    broken.write_text('{"budget": \n', encoding="utf-8")
    given = [str(instance) if a == "INSTANCE" else str(broken) if a == "BROKEN" else a
             for a in args]
    code, out, err = cli("batch", *given)
    assert (code, out, err) == (2, "", expected + "\n")


def test_decline_advice_weighs_the_tariff_against_the_funding(cli: Cli) -> None:
    r = cli.json("decline-advice", "25", "--probability", "0.3", "--exports", "US$100bn",
                 "--duration-years", "2", "--incidence", "0.5", "--paths", "100")
    x = r["inputs"]
    # Japan's terms: 25% on a decline against the agreed 15%
    assert (x["tariff_increase"], x["exports"], x["duration_years"], x["probability"],
            x["incidence"]) == (pytest.approx(0.10), 1e11, 2.0, 0.3, 0.5)
    # 0.3 x US$100bn x 10% x 2 years x 0.5 borne by the partner's exporters
    assert r["cost_decline"] == pytest.approx(3e9)
    assert r["cost_fund"] == pytest.approx(x["pv_funding"] - x["pv_distributions"])
    assert r["advice"] == ("fund" if r["cost_fund"] < r["cost_decline"] else "decline")
    assert [s["probability"] for s in r["sensitivity"] if "probability" in s] == [
        0.1, 0.25, 0.5, 0.75, 0.9]
    for s in r["sensitivity"]:
        if "probability" in s:  # the cost of declining is linear in the probability
            assert s["cost_decline"] == pytest.approx(1e10 * s["probability"])
    code, out, _ = cli("decline-advice", "25", "--probability", "0.3", "--paths", "100")
    assert code == 0 and "fund or decline" in out and "break-even probability" in out
