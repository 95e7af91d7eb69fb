"""The tour's framework and books commands through the CLI: ``frameworks list/show/amend``,
``deadline`` and ``deadlines``, ``allocate``, ``in-kind``, ``distribute``, ``balances``,
``commitments`` and ``init`` on an empty database; their ``--json`` documents, plain
output and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clirunner import Cli, act_as

OHIO, GULFLINK = "24", "25"


def test_frameworks_list_and_show(cli: Cli) -> None:
    listed = {f["key"]: f for f in cli.json("frameworks", "list")}
    assert sorted(listed) == ["eu", "japan", "korea", "taiwan"]
    assert listed["japan"] == {
        "key": "japan", "name": "United States–Japan Strategic Investment (US$550bn)",
        "partner": "Japan", "commitment_usd": "550000000000", "mechanism": "fund",
        "period_end": "2029-01-19", "versions": 1}
    assert listed["taiwan"]["period_end"] is None

    japan = cli.json("frameworks", "show", "japan")
    [terms] = japan["versions"]
    assert (japan["partner_currency"], terms["effective_from"]) == ("JPY", "2025-09-04")
    assert (terms["settings"]["funding_window.length"], terms["settings"]["funding_window.unit"],
            terms["settings"]["split.pre_partner_share"]) == (45, "business", "0.5")
    assert terms["sources"]["commitment"] and all(
        url.startswith("https://") for url in terms["sources"]["commitment"])

    code, out, _ = cli("frameworks", "list")
    assert code == 0 and "US$550" in out and "Frameworks" in out
    code, out, _ = cli("frameworks", "show", "korea")
    assert code == 0 and "Terms from" in out and "funding_window.length" in out
    code, _, err = cli("frameworks", "show", "atlantis")
    assert code == 2 and err.startswith("error: framework=atlantis") and "framework." in err


def test_an_amendment_changes_the_window_from_its_date_only(cli: Cli,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    doc = cli.json("frameworks", "amend", "japan", "--effective", "2026-06-01", "--set",
                   "funding_window.length=60", "--source", "https://example.org/amendment",
                   "--note", "longer window", "--idempotency-key", "window-60")
    assert doc["idempotency_key"] == "window-60"
    assert [(v["effective_from"], v["settings"]["funding_window.length"]) for v in
            doc["versions"]] == [("2025-09-04", 45), ("2026-06-01", 60)]
    assert doc["versions"][1]["note"] == "longer window"
    assert doc["versions"][1]["sources"]["funding_window.length"] == [
        "https://example.org/amendment"]
    assert cli.json("frameworks", "list")[1]["versions"] == 2

    # 60 US business days after 2 June 2026, without Juneteenth (19 June) and Independence
    # Day (observed Friday 3 July): 19 in June, 21 in July, then 20 to 27 August.
    after = cli.json("deadline", "--framework", "japan", "--notice", "2026-06-02")
    assert (after["days"], after["date"]) == (60, "2026-08-27")
    # a notice before the amendment keeps the 45 days: 19 in May (Memorial Day 25 May
    # out), 21 in June, 5 in July (3 July out) -> 8 July
    code, out, _ = cli("deadline", "--framework", "japan", "--notice", "2026-05-01")
    assert code == 0 and "45 business days" in out and "fund by 2026-07-08" in out

    act_as(cli, monkeypatch, "ana", "analyst")
    code, _, err = cli("frameworks", "amend", "japan", "--effective", "2026-07-01", "--set",
                       "funding_window.length=30")
    assert code == 2 and "[auth.forbidden]" in err
    assert len(cli.json("frameworks", "show", "japan")["versions"]) == 2


def test_deadlines_lists_each_selected_projects_date(cli: Cli) -> None:
    rows = cli.json("deadlines", "--framework", "japan", "--on", "2026-03-01")
    assert [r["id"] for r in rows] == [24, 25, 26]
    # selected on 17 February, no notice yet: 45 US business days from then is 21 April;
    # from 1 March that leaves 22 weekdays in March and 15 in April to the 21st
    assert {(r["clock_start"], r["date"], r["business_days_left"], r["provisional"])
            for r in rows} == {("2026-02-17", "2026-04-21", 37, True)}
    assert cli.json("deadlines", "--framework", "korea", "--on", "2026-03-01") == []
    code, out, _ = cli("deadlines", "--framework", "japan", "--on", "2026-04-14")
    # 15, 16, 17, 20 and 21 April: five business days left, and no notice yet
    assert code == 0 and "Funding dates" in out
    assert out.count("provisional: no notice yet") == 3 and out.count(" 5 ") == 3


def test_allocate_in_kind_and_distribute_move_the_books(cli: Cli) -> None:
    # The terminal was allocated US$2.1bn when it was selected (the first tranche US$36bn);
    # the committee sets it to US$2bn.
    allocated = cli.json("allocate", GULFLINK, "--amount", "US$2bn", "--reason", "revised",
                         "--on", "2026-03-02", "--role", "ic")
    assert {k: v for k, v in allocated.items() if k != "idempotency_key"} == {
        "project": 25, "on": "2026-03-02", "amount": "2000000000.00",
        "previous": "2100000000.00", "funded": "0.00", "unallocated": "514100000000.00",
        "reason": "revised"}
    in_kind = cli.json("in-kind", OHIO, "--kind", "land", "--value", "US$150m", "--on",
                       "2026-03-02")
    assert (in_kind["kind"], in_kind["value"]) == ("land", "150000000.00")

    code, _, err = cli("distribute", OHIO, "--partner", "US$10m", "--us", "US$2.5m", "--on",
                       "2026-06-30")
    assert code == 2 and "[ledger.not_funded]" in err
    assert cli("projects", "advance", OHIO, "--to", "notified", "--actor", "Commerce",
               "--role", "ic", "--on", "2026-03-02")[0] == 0
    assert cli("fund", OHIO, "--amount", "US$1bn", "--on", "2026-03-03", "--instrument",
               "loan", "--provider", "JBIC")[0] == 0
    # before recovery the rule splits 50/50: a manual 10m / 2.5m is refused, nothing written
    code, _, err = cli("distribute", OHIO, "--partner", "US$10m", "--us", "US$2.5m", "--on",
                       "2026-06-30")
    assert code == 2 and "[distribution.split_mismatch]" in err
    shares = cli.json("distribute", OHIO, "--amount", "US$12.5m", "--on", "2026-06-30")
    assert (shares["amount"], shares["partner"], shares["us"], shares["phase"]) == (
        "12500000.00", "6250000.00", "6250000.00", "pre_recovery")

    by_project = {(r["account"], r["project"]): r["balance"] for r in cli.json(
        "balances", "--framework", "japan", "--by", "project")}
    assert by_project[("strategic:capacity:allocated", "25")] == "2000000000.00"
    assert by_project[("strategic:capacity:used", "24")] == "1000000000.00"
    assert by_project[("strategic:spv:in_kind", "24")] == "150000000.00"
    assert by_project[("strategic:received", "24")] == "12500000.00"
    assert by_project[("strategic:spv:distributed", "24")] == "-12500000.00"
    by_party = {(r["account"], r["party"]): r["balance"] for r in cli.json(
        "balances", "--framework", "japan", "--by", "party")}
    assert by_party[("strategic:received", "Japan")] == "6250000.00"
    assert by_party[("strategic:received", "United States")] == "6250000.00"

    # the in-kind value stays outside the cap: 33.3bn (of which 1bn funded) + 2bn + 0.6bn
    c = cli.json("commitments", "--framework", "japan", "--on", "2026-07-01")
    assert (c["allocated"], c["disbursed"], c["remaining"]) == (
        "35900000000.00", "1000000000.00", "514100000000.00")
    assert c["ledger_balanced"] is True
    code, out, _ = cli("commitments", "--framework", "japan", "--on", "2026-07-01")
    assert code == 0 and "US$35,900,000,000.00 (6.53%)" in out

    code, out, _ = cli("allocate", GULFLINK, "--amount", "US$1bn", "--reason", "smaller",
                       "--on", "2026-03-04", "--role", "ic")
    assert (code, " ".join(out.split())) == (
        0, "project 25 allocated US$1,000,000,000.00 (was US$2,000,000,000.00; funded "
           "US$0.00); US$515,100,000,000.00 left unallocated")
    code, out, _ = cli("in-kind", OHIO, "--kind", "permits", "--value", "US$1m", "--on",
                       "2026-03-04")
    assert (code, out.strip()) == (0, "recorded permits worth US$1m for project 24")
    code, out, _ = cli("distribute", OHIO, "--partner", "US$1m", "--us", "US$1m", "--on",
                       "2026-09-30")
    assert code == 0 and " ".join(out.split()).startswith(
        "recorded a distribution of US$2,000,000.00 for project 24 on 2026-09-30: partner "
        "US$1,000,000.00, United States US$1,000,000.00 (pre_recovery); balance owed")
    code, out, _ = cli("fund", OHIO, "--amount", "US$0.5bn", "--on", "2026-03-05",
                       "--instrument", "equity", "--provider", "JBIC")
    assert code == 0 and out.startswith("project 24 funded US$500,000,000.00 (equity, JBIC)")


@pytest.mark.parametrize(("args", "field", "rule"), [
    (["in-kind", "24", "--kind", "goodwill", "--value", "US$1m", "--on", "2026-03-02"],
     "kind", "ledger.unknown_in_kind"),
    (["allocate", "25", "--amount", "US$600bn", "--reason", "r", "--on", "2026-03-02",
      "--role", "ic"], "amount", "cap.exceeded"),
    (["allocate", "25", "--amount", "US$1bn", "--reason", "r", "--on", "2026-03-02",
      "--role", "analyst"], "role", "auth.forbidden"),
])
def test_refused_changes_leave_the_books_as_they_were(
        cli: Cli, args: list[str], field: str, rule: str) -> None:
    before = cli.json("balances", "--framework", "japan")
    code, out, err = cli(*args)
    assert code == 2 and out == "" and err.startswith(f"error: {field}") and rule in err
    assert cli.json("balances", "--framework", "japan") == before


def test_init_on_an_empty_database_says_what_it_did(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'new.db'}", capsys)
    code, out, _ = cli("init")
    assert code == 0
    assert "frameworks loaded: eu, japan, korea, taiwan; projects added: 32" in out
    assert "3 taken through the lifecycle" in out and "6 links between rows" in out
    code, out, _ = cli("init")
    assert code == 0 and "none new" in out and "projects added: 0, already present: 32" in out


@pytest.mark.parametrize(("settings", "expected"), [
    (["sectors_open=maybe"],
     "error: sectors_open=maybe: must be true or false [framework.bad_setting]"),
    (["funding_window.unit=fortnights", "consultation_gate=soft"],
     "error: funding_window.unit=fortnights: must be one of: business, calendar "
     "[framework.bad_setting]; consultation_gate=soft: must be one of: hard, advisory "
     "[framework.bad_setting]"),
    (["period_end=2029-13-01"],
     "error: period_end=2029-13-01: month must be in 1..12 [framework.bad_setting]"),
    (["nothing"], "error: set=nothing: expected NAME=VALUE [input.bad_assignment]"),
])
def test_a_bad_amendment_names_each_setting_and_adds_no_version(
        cli: Cli, settings: list[str], expected: str) -> None:
    sets = [arg for s in settings for arg in ("--set", s)]
    code, out, err = cli("frameworks", "amend", "japan", "--effective", "2026-06-01",
                         "--source", "https://example.org/a", *sets)
    assert (code, out) == (2, "")
    assert sorted(err.strip().removeprefix("error: ").split("; ")) == sorted(
        expected.removeprefix("error: ").split("; "))
    assert len(cli.json("frameworks", "show", "japan")["versions"]) == 1


@pytest.mark.parametrize(("setting", "rule"), [
    ("commitment=¥5 trillion", "framework.bad_setting"),
    ("commitment=US$1-2bn", "framework.bad_setting"),
    ("split.periods_per_year=four", "framework.bad_setting"),
    ("colour=blue", "framework.unknown_setting"),
])
def test_amendment_values_of_the_wrong_kind(cli: Cli, setting: str, rule: str) -> None:
    code, _, err = cli("frameworks", "amend", "japan", "--effective", "2026-06-01",
                       "--source", "https://example.org/a", "--set", setting)
    # the first problem names the setting and the value as given
    assert code == 2 and err.startswith(f"error: {setting}: ") and f"[{rule}]" in err
    # and an amendment without a source is refused whatever it sets
    code, _, err = cli("frameworks", "amend", "japan", "--effective", "2026-06-01",
                       "--set", setting)
    assert code == 2 and "[framework.unsourced]" in err
    assert len(cli.json("frameworks", "show", "japan")["versions"]) == 1
