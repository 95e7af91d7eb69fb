"""The CLI contract: command names, flags, JSON keys, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pledge.cli import run
from tests.clirunner import Cli

BN = 10**9




def test_init_twice_is_safe(cli: Cli) -> None:
    assert cli("init")[0] == 0
    assert cli("init")[0] == 0
    assert len(cli.json("projects", "list")) == 32


def test_projects_list_json(cli: Cli) -> None:
    rows = cli.json("projects", "list")
    for row in rows:
        assert {"id", "name", "framework", "sector", "status", "amount_low_usd",
                "amount_high_usd"} <= set(row)
    gulf = next(r for r in rows if "GulfLink" in r["name"])
    assert (gulf["amount_low_usd"], gulf["amount_high_usd"]) == ("2100000000.00",
                                                                 "2100000000.00")
    assert gulf["status"] == "selected" and gulf["framework"] == "japan"
    westinghouse = rows[0]
    assert westinghouse["amount_low_usd"] is None
    assert westinghouse["amount_high_usd"] == "100000000000.00"


def test_projects_list_filters(cli: Cli) -> None:
    assert len(cli.json("projects", "list", "--status", "selected")) == 3
    nuclear = cli.json("projects", "list", "--sector", "nuclear")
    assert nuclear and all(r["sector"] == "energy" for r in nuclear)
    assert cli.json("projects", "list", "--sector", "energy (nuclear)") == nuclear
    assert {r["sector"] for r in cli.json("projects", "list", "--sector",
                                          "critical minerals")} == {"critical_minerals"}
    assert cli.json("projects", "list", "--framework", "korea") == []


def test_commitments_report_the_cap(cli: Cli) -> None:
    c = cli.json("commitments", "--framework", "japan", "--on", "2027-01-19")
    assert c["cap"] == "550000000000.00"
    assert {"cap", "allocated", "disbursed", "remaining", "period_end",
            "required_per_month"} <= set(c)
    assert c["period_end"] == "2029-01-19"
    # the first tranche, US$36bn, was allocated when it was selected
    assert (c["allocated"], c["remaining"]) == ("36000000000.00", "514000000000.00")
    # 731 days to the period end: 514bn x 30.4375 / 731 = 21,402,017,783.86
    assert c["required_per_month"] == "21402017783.86"


def test_deadline_json(cli: Cli) -> None:
    d = cli.json("deadline", "--framework", "japan", "--notice", "2026-02-17")
    assert d == {"notice": "2026-02-17", "date": "2026-04-21", "meaning": "deadline",
                 "days": 45, "unit": "business", "calendar": "us"}
    d = cli.json("deadline", "--framework", "japan", "--notice", "2026-04-28", "--calendar",
                 "jp", "--days", "5")
    # Golden Week: Apr 29, May 4-6 are Japanese holidays.
    assert d["date"] == "2026-05-11" and d["calendar"] == "jp"
    d = cli.json("deadline", "--framework", "korea", "--notice", "2026-02-17", "--unit",
                 "calendar")
    assert (d["meaning"], d["unit"], d["date"]) == ("earliest", "calendar", "2026-04-03")


def test_money_parse_and_convert(cli: Cli) -> None:
    assert cli.json("money", "parse", "6 to 7 trillion yen") == {
        "low": "6000000000000", "high": "7000000000000", "currency": "JPY"}
    single = cli.json("money", "parse", "US$550 billion")
    assert single["low"] == single["high"] == "550000000000"
    conv = cli.json("money", "convert", "US$550 billion", "--to", "JPY", "--on", "2025-10-01")
    # The latest rate on or before 2025-10-01 is the Reuters figure of 2025-09-05.
    assert conv["rate_date"] == "2025-09-05" and conv["currency"] == "JPY"
    assert {"low", "high", "currency", "rate", "rate_date"} <= set(conv)


def test_convert_without_a_rate_in_force_is_an_error(cli: Cli) -> None:
    code, out, err = cli("money", "convert", "¥5 trillion", "--to", "USD", "--on", "2020-01-01")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "fx.no_rate" in err
    assert len(err.strip().splitlines()) == 1


def test_advance_and_history(cli: Cli) -> None:
    # 32 is proposed (the list's "finalist" is a stage report): the reviewers take it up
    for to, role in (("under_review", "cc_us"), ("finalist", "ic")):
        assert cli("projects", "advance", "32", "--to", to, "--actor", "Committee",
                   "--role", role, "--on", "2026-03-09")[0] == 0
    assert cli("projects", "consult", "32", "--kind", "committee", "--actor", "Akazawa",
               "--role", "cc_jp", "--on", "2026-03-09")[0] == 0
    code, _, err = cli("projects", "advance", "32", "--to", "recommended", "--actor",
                         "Lutnick", "--role", "ic", "--on", "2026-03-09", "--reason", "ready",
                         "--source", "https://example.org/ic")
    assert code == 0, err
    h = cli.json("history", "32")
    last = h["transitions"][-1]
    assert (last["to_stage"], last["actor"], last["role"], last["reason"], last["sources"]) == (
        "recommended", "Lutnick", "ic", "ready", ["https://example.org/ic"])
    assert [a["action"] for a in h["audit"]][-2:] == ["project.consult", "project.recommended"]


@pytest.mark.parametrize(("args", "field", "rule"), [
    (["projects", "advance", "32", "--to", "selected", "--actor", "X", "--role", "ic",
      "--on", "2026-03-09"], "to", "lifecycle.illegal_transition"),
    (["projects", "advance", "32", "--to", "sideways", "--actor", "X", "--role", "ic",
      "--on", "2026-03-09"], "to", "lifecycle.unknown_stage"),
    (["projects", "advance", "32", "--to", "recommended", "--actor", "X", "--role", "king",
      "--on", "2026-03-09"], "role", "auth.unknown_role"),
    (["projects", "advance", "32", "--to", "recommended", "--actor", "X", "--role", "ic",
      "--on", "09/03/2026"], "on", "input.bad_date"),
    (["projects", "show", "999"], "id", "project.unknown"),
    (["fund", "24", "--amount", "US$1bn", "--on", "2026-03-01", "--instrument", "loan",
      "--provider", "JBIC"], "project", "funding.not_notified"),
    (["fund", "24", "--amount", "lots", "--on", "2026-03-01", "--instrument", "loan",
      "--provider", "JBIC"], "amount", "money."),
    (["fund", "24", "--amount", "US$1bn", "--on", "2026-03-01", "--instrument", "gift",
      "--provider", "JBIC"], "instrument", "funding.unknown_instrument"),
    (["commitments", "--framework", "atlantis"], "framework", "framework.unknown"),
    (["deadline", "--framework", "japan", "--notice", "2026-02-17", "--calendar", "mars"],
     "calendar", "calendar.unknown"),
    (["money", "parse", "15%"], "amount", "money.percentage"),
])
def test_errors_are_one_line_exit_2_and_write_nothing(
        cli: Cli, args: list[str], field: str, rule: str) -> None:
    before = cli.json("history", "32")
    code, _, err = cli(*args)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    assert lines[0].startswith(f"error: {field}=") and rule in lines[0]
    assert "Traceback" not in err
    assert cli.json("history", "32") == before


def test_several_problems_still_make_one_line(cli: Cli) -> None:
    code, _, err = cli("projects", "advance", "27", "--to", "recommended", "--actor", "Bob",
                       "--role", "president", "--on", "2025-01-01")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "lifecycle.role_not_allowed" in err and "lifecycle.date_order" in err
    code, _, err = cli("money", "parse", "-$5 billion")
    assert code == 2 and "money.negative" in err


def test_a_value_with_line_breaks_or_hidden_characters_stays_on_one_line(cli: Cli) -> None:
    # The value is shown with its unprintable characters escaped: a line break in it
    # cannot start a second line, nor a direction override turn the line around.
    code, _, err = cli("economics", "set", "24", "gas_price=3\nerror: forged")
    assert code == 2 and err.strip().splitlines() == [
        "error: gas_price=3\\nerror: forged: expected a number [economics.bad_value]"]
    code, _, err = cli("economics", "sensitivity", "24", "--sweep", "gas_price", "--from",
                       "3\u202e\r")
    assert code == 2 and err.strip().splitlines() == [
        "error: from=3\\u202e\\r: expected a number [economics.sweep]"]


def test_bad_files_and_urls_are_input_errors(cli: Cli, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00")
    code, _, err = cli("projects", "import", str(tmp_path / "bin.csv"))
    assert code == 2 and "input.encoding" in err
    assert run(["--db", "bogus://x", "projects", "list"]) == 2
    assert "database.bad_url" in capsys.readouterr().err


def test_usage_errors_exit_2_with_one_line(cli: Cli) -> None:
    code, _, err = cli("projects", "list", "--colour", "blue")
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_import_is_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    good = "name,sector,location,amount_high_usd,status,date_reported,source_url\n" \
           "New LNG terminal,energy (LNG),\"Lake Charles, Louisiana\",5000000000,candidate," \
           "2026-05-01,https://example.org/lng\n"
    bad = good + "Bad one,astrology,Texas,lots,candidate,2026-13-01,https://example.org/x\n"
    (tmp_path / "bad.csv").write_text(bad)
    code, _, err = cli("projects", "import", str(tmp_path / "bad.csv"))
    assert code == 2
    assert "row 3 sector" in err and "row 3 amount_high_usd" in err and "row 3 date" in err
    assert len(cli.json("projects", "list")) == 32
    (tmp_path / "good.csv").write_text(good)
    assert cli("projects", "import", str(tmp_path / "good.csv"))[0] == 0
    rows = cli.json("projects", "list", "--sector", "LNG")
    assert len(rows) == 2  # the Alaska pipeline and the new terminal
    assert [(r["name"], r["states"], r["amount_high_usd"]) for r in rows][-1] == (
        "New LNG terminal", ["Louisiana"], "5000000000.00")


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    proc = subprocess.run([sys.executable, "-m", "pledge", "--db", url, "projects", "show",
                           "abc"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    # A new database is set up first (and says so), then the one-line error; nothing else.
    assert proc.stderr.splitlines() == [
        f"initialised the database {url}",
        "error: id=abc: a project id is a whole number [project.bad_id]"]
    assert proc.stdout == ""
