"""The data the books rest on, as a user sees it after ``pledge init``: the Ohio plant's
two sourced estimates, the second-tranche SMR sites, euro and New Taiwan dollar rates,
Korea's non-payment rule, and the assumptions shown beside the settings they qualify
(CLI text and JSON, the API, and storage on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.services import frameworks as fw_svc
from pledge.services.base import Actor
from pledge.services.users import add_user
from tests.clirunner import Cli

OHIO = 24          # ids `pledge init` gives, in the order of projects.csv
SMR_TRANCHE_2 = 27
COMMERCE = "https://newsdig.tbs.co.jp/articles/withbloomberg/2477116?display=1"
METI = "https://news.livedoor.com/article/detail/30612714/"
NHK = "https://kantanreader.com/56f96ab0730a6637ceccffc3c02c55a3.html"
ZEROHEDGE = ("https://preprod.zerohedge.com/geopolitical/minesweepers-missiles-and-oil-"
             "reserves-trump-expected-press-japan-during-oval-office")
ZDNET = "https://zdnet.co.kr/view/?no=20251114153918"
SBS = "https://news.sbs.co.kr/news/endPage.do?news_id=N1008332008"
TWEETSOKU = ("https://tweetsoku.news/2025/09/05/%e3%80%90%e3%83%ad%e3%82%a4%e3%82%bf%e3%83%bc"
             "%e3%83%bb%e5%af%be%e7%b1%b3%e6%8a%95%e8%b3%87%ef%bc%98%ef%bc%91%e5%85%86%e5%86"
             "%86%e3%81%ae%e8%a6%9a%e6%9b%b8%e3%80%91%e6%97%a5%e6%9c%ac%e3%81%af%ef%bc%92")
KATZ = "https://richardkatz.substack.com/p/correction-on-the-terms-of-japans"


def test_the_ohio_plant_has_two_sourced_estimates(cli: Cli) -> None:
    ohio = cli.json("projects", "show", str(OHIO), "--json")
    assert ohio["name"].startswith("Portsmouth Powered Land Project")
    got = [(e["usd_low"], e["usd_high"], e["source"], e["as_of"], e["is_primary"])
           for e in ohio["estimates"]]
    assert got == [("33000000000.00", "33000000000.00", COMMERCE, "2026-02-17", False),
                   ("33300000000.00", "33300000000.00", METI, "2026-02-18", True)]
    assert "[Commerce]" in ohio["estimates"][0]["text"]
    assert "[METI]" in ohio["estimates"][1]["text"]
    # shown with the primary (METI) figure: with GulfLink and the diamond plant it makes
    # the US$36bn announced for the first tranche
    assert (ohio["amount_low_usd"], ohio["amount_high_usd"]) == ("33300000000.00",
                                                                 "33300000000.00")
    selected = cli.json("projects", "list", "--status", "selected")
    assert sum(Decimal(r["amount_high_usd"]) for r in selected) == Decimal("36e9")


def test_the_second_tranche_smrs_are_in_two_states_with_the_other_report_kept(
        cli: Cli) -> None:
    smr = cli.json("projects", "show", str(SMR_TRANCHE_2), "--json")
    assert smr["name"] == "GE Vernova Hitachi SMR deployment (second tranche)"
    assert (smr["location"], smr["states"]) == ("Tennessee; Alabama", ["Tennessee", "Alabama"])
    assert [e["source"] for e in smr["estimates"]] == [ZEROHEDGE]
    assert [(s["location"], s["states"], s["source"], s["as_of"]) for s in smr["sites"]] == [
        ("Tennessee and Idaho", ["Tennessee", "Idaho"], NHK, "2026-03-19")]
    # no project of the list is placed in a state no source names for it
    for row in cli.json("projects", "list"):
        assert "Idaho" not in cli.json("projects", "show", str(row["id"]), "--json")["states"]


def _cents(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def test_euros_and_new_taiwan_dollars_convert_at_sourced_rates(cli: Cli) -> None:
    eur = cli.json("money", "convert", "€600bn", "--to", "USD", "--on", "2025-09-01",
                   "--json")
    assert (eur["from"]["currency"], eur["currency"]) == ("EUR", "USD")
    assert eur["rate_date"] == "2025-07-28" and Decimal(eur["rate"]) == Decimal("1.1648")
    assert eur["low"] == eur["high"] == _cents(Decimal("600e9") * Decimal("1.1648"))
    assert eur["source"].startswith("https://")

    twd = cli.json("money", "convert", "NT$250bn", "--to", "USD", "--on", "2026-01-15",
                   "--json")
    assert (twd["from"]["currency"], twd["rate_date"]) == ("TWD", "2025-12-31")
    assert twd["source"] == "https://focustaiwan.tw/business/202512310025"
    assert twd["low"] == _cents(Decimal("250e9") / Decimal("31.438"))
    code, out, _ = cli("money", "convert", "€600bn", "--to", "USD", "--on", "2025-09-01")
    assert code == 0 and "€600bn ≈ US$698.9bn" in out  # for reading: four digits


def test_koreas_non_payment_rule_is_a_recorded_term_with_its_sources(cli: Cli) -> None:
    doc = cli.json("frameworks", "show", "korea", "--json")
    [v] = doc["versions"]
    assert v["settings"]["nonpayment.us_keeps_payouts"] is True
    assert set(v["sources"]["nonpayment.us_keeps_payouts"]) == {ZDNET, SBS}
    assert v["settings"]["shortfall_review_years"] == 20
    assert {"nonpayment.us_keeps_payouts", "shortfall_review_years"} <= set(
        v["recorded_terms"])
    assert "tariff.on_decline" in v["assumptions"]
    code, out, _ = cli("frameworks", "show", "korea")
    assert code == 0
    row = next(line for line in out.splitlines() if "nonpayment.us_keeps_payouts" in line)
    assert "│ yes " in row and "recorded term" in out


def test_frameworks_show_json_keeps_its_keys_and_shows_assumptions(cli: Cli) -> None:
    doc = cli.json("frameworks", "show", "japan", "--json")
    assert {"key", "name", "partner", "partner_currency", "versions"} <= set(doc)
    [v] = doc["versions"]
    assert {"effective_from", "note", "settings", "sources", "assumptions", "earlier_claims",
            "recorded_terms", "defaults"} <= set(v)
    a = v["assumptions"]
    assert set(a) == {"funding_window.unit", "funding_window.meaning",
                      "funding_window.calendar", "funding_window.start",
                      "deemed_rate.spread_bps", "deemed_rate.rate_type",
                      "deemed_rate.compounding", "tariff.previous", "tariff.on_decline"}
    assert v["settings"]["deemed_rate.compounding"] == "compound"
    assert [alt["value"] for alt in a["deemed_rate.compounding"]["alternatives"]] == ["simple"]
    assert a["deemed_rate.compounding"]["basis"]
    assert v["sources"]["deemed_rate.compounding"] == []
    meaning = a["funding_window.meaning"]["alternatives"]
    assert meaning[0]["value"] == "earliest" and TWEETSOKU in meaning[0]["sources"]
    assert v["settings"]["funding_window.meaning"] == "deadline"
    floating = a["deemed_rate.rate_type"]["alternatives"][0]
    assert (floating["value"], floating["sources"]) == ("floating", [KATZ])
    assert v["sources"]["funding_window.calendar"] == []
    assert [alt["value"] for alt in a["funding_window.calendar"]["alternatives"]] == [
        "jp", "joint"]
    assert a["deemed_rate.spread_bps"]["alternatives"][0]["value"] is None
    # today's split is unchanged; the July 2025 claim is kept as an earlier, disputed one
    assert (v["settings"]["split.pre_partner_share"],
            v["settings"]["split.post_partner_share"]) == ("0.5", "0.1")
    [claim] = v["earlier_claims"]
    assert claim["made"] == "2025-07" and claim["settings"] == {
        "split.pre_partner_share": "0.1", "split.post_partner_share": "0.1"}
    assert claim["sources"] and claim["disputed_by"] and claim["dispute_sources"]
    assert v["settings"]["lender_facility"] == {
        "lender": "JBIC", "name": "Japan Strategic Investment Facility", "opens": "2025-10",
        "closes": "2029-03"}
    assert (v["settings"]["tariff.autos_previous"],
            v["settings"]["tariff.autos_agreed"]) == ("0.275", "0.15")
    assert "split.periods_per_year" in v["defaults"]
    assert "commitment" not in v["defaults"]

    code, out, _ = cli("frameworks", "show", "japan")
    assert code == 0
    assert "ASSUMPTION" in out and "other reading: simple" in out
    assert "Earlier claim, not adopted (2025-07" in out


def test_eu_period_end_is_an_assumption_with_the_sources_readings(cli: Cli) -> None:
    [v] = cli.json("frameworks", "show", "eu", "--json")["versions"]
    assert v["settings"]["period_end"] == "2029-01-19"
    alts = v["assumptions"]["period_end"]["alternatives"]
    assert [alt["value"] for alt in alts] == ["2028-12-31", "2029-12-31"]
    assert all(alt["sources"] for alt in alts)


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    token = add_user(sqlite_engine, "reader", "analyst", Actor.of("setup", "admin")).token
    with TestClient(create_app(str(sqlite_engine.url))) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_the_api_shows_assumptions_beside_the_settings(
        client: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = client
    r = c.get("/api/v1/frameworks/japan", headers=auth)
    assert r.status_code == 200, r.json()
    [v] = r.json()["versions"]
    assert v["settings"]["deemed_rate.rate_type"] == "fixed"
    assert v["assumptions"]["deemed_rate.rate_type"]["alternatives"][0]["value"] == "floating"
    assert v["earlier_claims"][0]["made"] == "2025-07"


def test_storage_keeps_every_assumption_and_claim(engine: Engine) -> None:
    shipped = {f.key: f for f in fw_svc.shipped_frameworks()}
    for key, fw in shipped.items():
        assert fw_svc.get_framework(engine, key) == fw
