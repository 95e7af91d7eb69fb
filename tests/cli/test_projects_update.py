"""``pledge projects update`` and the role matrix as the CLI's user (and the role of an
actor they record for) meets it."""

from __future__ import annotations

import pytest

from tests.clirunner import Cli, act_as


def test_update_changes_only_the_options_given(cli: Cli) -> None:
    before = cli.json("projects", "show", "24")
    after = cli.json("projects", "update", "24", "--name", "Portsmouth power campus",
                     "--sector", "energy (gas)", "--location", "Portsmouth, Ohio; Texas")
    assert (after["name"], after["sector"], after["sector_detail"]) == (
        "Portsmouth power campus", "energy", "gas")
    assert after["states"] == ["Ohio", "Texas"]
    assert after["sponsors"] == before["sponsors"]
    assert after["estimates"] == before["estimates"]
    # what was changed, as shown afterwards, plus the idempotency key the change was sent with
    key = after.pop("idempotency_key")
    assert isinstance(key, str) and len(key) == 36
    assert cli.json("projects", "show", "24") == after
    code, out, _ = cli("projects", "update", "24", "--sector-detail", "combined cycle")
    assert code == 0 and out.strip() == "project 24 updated: sector_detail"


def test_update_with_a_bad_sector_names_the_field(cli: Cli) -> None:
    code, out, err = cli("projects", "update", "24", "--sector", "astrology", "--name", " ")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "sector=astrology" in err and "[project.unknown_sector]" in err
    assert "[project.no_name]" in err
    assert cli.json("projects", "show", "24")["sector"] == "energy"


def test_update_without_changes_or_with_a_taken_name(cli: Cli) -> None:
    code, _, err = cli("projects", "update", "24")
    assert code == 2 and "[project.no_changes]" in err
    code, _, err = cli("projects", "update", "24", "--name",
                       "Texas GulfLink deepwater crude oil export terminal")
    assert code == 2 and "[project.duplicate_name]" in err


@pytest.mark.parametrize(("role", "args"), [
    ("analyst", ["projects", "update", "24", "--name", "X"]),
    ("president", ["projects", "add", "--name", "X", "--sector", "energy"]),
    ("funder", ["economics", "set", "24", "life_years=20"]),
], ids=["update", "add", "economics"])
def test_cli_users_obey_the_matrix(cli: Cli, monkeypatch: pytest.MonkeyPatch, role: str,
                                   args: list[str]) -> None:
    act_as(cli, monkeypatch, "someone", role)
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.startswith(f"error: role={role}:") and "[auth.forbidden]" in err


@pytest.mark.parametrize("args", [
    ["projects", "extend", "24", "--until", "2026-09-01", "--actor", "X", "--role", "cc_us",
     "--on", "2026-04-01", "--reason", "r"],
    ["allocate", "24", "--amount", "US$1bn", "--on", "2026-04-01", "--reason", "r",
     "--role", "funder"],
    ["fund", "24", "--amount", "US$1bn", "--on", "2026-04-01", "--instrument", "loan",
     "--provider", "JBIC", "--role", "ic"],
    ["scores", "set", "27", "--side", "us", "--criterion", "strategic", "--value", "5",
     "--role", "analyst"],
], ids=["extend", "allocate", "fund", "score"])
def test_actors_recorded_for_obey_the_matrix(cli: Cli, args: list[str]) -> None:
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert err.startswith("error: role=") and "[auth.forbidden]" in err


def test_a_reported_site_is_kept_beside_the_location(cli: Cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = cli.json("projects", "show", "24")
    act_as(cli, monkeypatch, "Lutnick", "ic")
    after = cli.json("projects", "site", "24", "--location", "Brazoria County, Texas",
                     "--source", "https://example.org/a", "--on", "2026-04-01")
    assert (after["location"], after["states"]) == (before["location"], before["states"])
    assert after["sites"] == [{"location": "Brazoria County, Texas", "states": ["Texas"],
                               "source": "https://example.org/a", "as_of": "2026-04-01",
                               "recorded_by": "Lutnick", "confidence": "reported"}]
    code, out, _ = cli("projects", "site", "24", "--location", "offshore", "--state", "ohio",
                       "--state", "Gulf", "--source", "x", "--on", "2026-04-02")
    assert code == 2 and "states=Gulf" in out + _ and "[project.unknown_state]" in _
    monkeypatch.delenv("LOGNAME")
    act_as(cli, monkeypatch, "ana", "analyst")  # by the local administrator: one user so far
    code, _, err = cli("projects", "site", "24", "--location", "offshore", "--state", "Ohio",
                       "--source", "x", "--on", "2026-04-02")
    assert code == 2 and "[auth.forbidden]" in err
    code, out, _ = cli("projects", "show", "24")
    assert code == 0 and "Reported sites" in out and "Brazoria County" in out
    assert len(cli.json("projects", "show", "24")["sites"]) == 1


def test_a_reported_stage_leaves_the_lifecycle_alone(cli: Cli) -> None:
    before = cli.json("projects", "show", "32")
    after = cli.json("projects", "status-report", "32", "--stage", "announced",
                     "--source", "https://example.org/c", "--on", "2026-05-01",
                     "--wording", "unveiled")
    assert after["status"] == before["status"] and after["reported_status"] == "finalist"
    # the list's own report (loaded by init) is kept; the new one is added after it, and
    # a second host reporting the same stage corroborates both
    def without(reports: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{k: v for k, v in r.items() if k != "confidence"} for r in reports]

    assert without(after["status_reports"][:-1]) == without(before["status_reports"])
    assert after["status_reports"][-1] == {"stage": "finalist", "wording": "unveiled",
                                           "source": "https://example.org/c",
                                           "as_of": "2026-05-01", "recorded_by": after[
                                               "status_reports"][-1]["recorded_by"],
                                           "confidence": "corroborated"}
    assert after["status_reports"][0]["confidence"] == "corroborated"
    code, _, err = cli("projects", "status-report", "32", "--stage", "rumoured",
                       "--source", "x", "--on", "2026-05-01")
    assert code == 2 and "status=rumoured" in err and "[project.unknown_status]" in err
    code, _, err = cli("projects", "status-report", "32", "--stage", "selected",
                       "--source", " ", "--on", "2026-05-01")
    assert code == 2 and "[project.unsourced_status]" in err
