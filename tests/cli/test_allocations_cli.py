"""The books from the command line: allocation at selection, `pledge allocate`, fundings
refused past the allocation, guarantees and their calls, and the pace to the cap."""

from __future__ import annotations

from tests.clirunner import Cli

COPPER = "32"  # proposed after init, estimated at US$2bn
SOURCE = "https://newsdig.tbs.co.jp/articles/withbloomberg/2477116?display=1"
METI = "https://news.livedoor.com/article/detail/30612714/"  # the Ohio plant's primary


def notify(cli: Cli, pid: str, *amount: str) -> str:
    """Take a proposed project to 'notified'; returns what the selection printed."""
    for to, role in (("under_review", "cc_us"), ("finalist", "ic")):
        assert cli("projects", "advance", pid, "--to", to, "--actor", "x", "--role", role,
                   "--on", "2026-03-09")[0] == 0
    assert cli("projects", "consult", pid, "--kind", "committee", "--actor", "x", "--role",
               "cc_jp", "--on", "2026-03-09")[0] == 0
    assert cli("projects", "advance", pid, "--to", "recommended", "--actor", "x", "--role",
               "ic", "--on", "2026-03-09")[0] == 0
    code, out, err = cli("projects", "advance", pid, "--to", "selected", "--actor", "POTUS",
                         "--role", "president", "--on", "2026-03-09", *amount)
    assert code == 0, err
    assert cli("projects", "advance", pid, "--to", "notified", "--actor", "x", "--role", "ic",
               "--on", "2026-03-09")[0] == 0
    return out


def test_init_shows_the_first_tranche_allocated_with_its_sources(cli: Cli) -> None:
    code, out, _ = cli("init")  # the fixture's database is initialised: nothing new
    assert code == 0 and "first tranche allocated" not in out
    shown = cli.json("projects", "show", "24")["allocation"]
    assert (shown["amount"], shown["funded"], shown["available"]) == (
        "33300000000.00", "0.00", "33300000000.00")
    assert shown["note"].startswith("approved at selection: upper bound of the primary "
                                    "estimate in US dollars") and METI in shown["note"]


def test_init_on_an_empty_database_says_what_it_allocated(cli: Cli, tmp_path: object) -> None:
    fresh = Cli(f"sqlite:///{tmp_path}/fresh.db", cli.capsys)
    code, out, err = fresh("init")
    assert code == 0, err
    text = " ".join(out.split())
    assert "first tranche allocated under the cap: US$36,000,000,000.00 (3 selected " \
           "projects):" in text
    assert "US$33,300,000,000.00, approved at selection: upper bound of the primary " \
           "estimate in US dollars" in text
    assert text.count(SOURCE) >= 2 and METI in text


def test_selection_states_the_amount_it_allocates(cli: Cli) -> None:
    said = " ".join(notify(cli, COPPER).split())
    assert said.startswith(
        "project 32 is now selected allocated US$2,000,000,000.00 under the cap (approved at "
        "selection: upper bound of the primary estimate in US dollars (")
    assert said.endswith(
        "; source: https://news.az/news/japan-us-consider-nuclear-project-in-550b-investment-"
        "package))")


def test_a_selection_may_give_the_approved_amount(cli: Cli) -> None:
    out = notify(cli, COPPER, "--amount", "US$1.25bn")
    assert "allocated US$1,250,000,000.00 under the cap (approved at selection: the " \
           "approved amount given at selection)" in " ".join(out.split())
    code, _, err = cli("projects", "advance", "27", "--to", "under_review", "--actor", "x",
                       "--role", "cc_us", "--on", "2026-03-09", "--amount", "US$1bn")
    assert code == 2 and "allocation.not_selecting" in err


def test_a_funding_past_the_allocation_is_one_line_exit_2_and_writes_nothing(
        cli: Cli) -> None:
    notify(cli, COPPER)
    assert cli("fund", COPPER, "--amount", "US$1.5bn", "--on", "2026-04-01", "--instrument",
               "loan", "--provider", "JBIC")[0] == 0
    before = cli.json("balances", "--framework", "japan")
    code, out, err = cli("fund", COPPER, "--amount", "US$600m", "--on", "2026-04-02",
                         "--instrument", "equity", "--provider", "JBIC")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert "project 32 (Copper smelting" in err and "allocation of US$2bn" in err
    assert "US$100m short" in err and "[funding.over_allocation]" in err
    assert cli.json("balances", "--framework", "japan") == before


def test_allocate_changes_an_allocation_with_a_reason(cli: Cli) -> None:
    notify(cli, COPPER)
    cli("fund", COPPER, "--amount", "US$1.5bn", "--on", "2026-04-01", "--instrument", "loan",
        "--provider", "JBIC")
    code, _, err = cli("allocate", COPPER, "--amount", "US$1bn", "--reason", "smaller",
                       "--role", "ic")
    assert code == 2 and "[allocation.below_funded]" in err
    code, _, err = cli("allocate", COPPER, "--amount", "US$3bn", "--reason", "x", "--role",
                       "admin")
    assert code == 2 and "[allocation.role_not_allowed]" in err
    code, _, err = cli("allocate", COPPER, "--amount", "US$3bn")
    assert code == 2 and "--reason" in err
    done = cli.json("allocate", COPPER, "--amount", "US$3bn", "--reason", "second line",
                    "--on", "2026-04-03", "--role", "ic", "--idempotency-key", "alloc-1")
    assert {k: done[k] for k in ("project", "on", "amount", "previous", "funded", "reason")
            } == {"project": 32, "on": "2026-04-03", "amount": "3000000000.00",
                  "previous": "2000000000.00", "funded": "1500000000.00",
                  "reason": "second line"}
    again = cli.json("allocate", COPPER, "--amount", "US$3bn", "--reason", "second line",
                     "--on", "2026-04-03", "--role", "ic", "--idempotency-key", "alloc-1")
    assert again["amount"] == done["amount"]
    assert cli.json("projects", "show", COPPER)["allocation"]["amount"] == "3000000000.00"


def test_a_guarantee_is_not_disbursed_until_it_is_called(cli: Cli) -> None:
    notify(cli, COPPER)
    before = cli.json("commitments", "--framework", "japan", "--on", "2027-01-04")
    code, out, _ = cli("fund", COPPER, "--amount", "US$2bn", "--on", "2026-04-01",
                       "--instrument", "guarantee", "--provider", "NEXI")
    assert code == 0 and "guaranteed (contingent: no cash disbursed)" in out
    after = cli.json("commitments", "--framework", "japan", "--on", "2027-01-04")
    assert set(before) <= set(after)
    assert after["disbursed"] == before["disbursed"] == "0.00"
    assert (before["guaranteed"], after["guaranteed"]) == ("0.00", "2000000000.00")
    code, _, err = cli("guarantee-call", COPPER, "--amount", "US$2.5bn", "--on", "2027-01-04")
    assert code == 2 and "[guarantee.over_outstanding]" in err
    called = cli.json("guarantee-call", COPPER, "--amount", "US$500m", "--on", "2027-01-04")
    assert {k: called[k] for k in ("project", "amount", "provider", "guaranteed")} == {
        "project": 32, "amount": "500000000.00", "provider": "NEXI",
        "guaranteed": "1500000000.00"}
    now = cli.json("commitments", "--framework", "japan", "--on", "2027-01-04")
    assert (now["disbursed"], now["guaranteed"]) == ("500000000.00", "1500000000.00")
    assert now["allocated"] == after["allocated"]


def test_commitments_say_when_the_annual_cap_puts_the_cap_out_of_reach(cli: Cli) -> None:
    korea = cli.json("commitments", "--framework", "korea", "--on", "2026-12-05")
    assert (korea["reachable"], korea["max_reachable"]) == (False, "230000000000.00")
    strategic = next(c for c in korea["components"] if c["key"] == "strategic")
    assert (strategic["reachable"], strategic["max_reachable"]) == (False, "80000000000.00")
    code, out, _ = cli("commitments", "--framework", "korea", "--on", "2026-12-05")
    assert code == 0 and "not reachable" in out
    japan = cli.json("commitments", "--framework", "japan", "--on", "2026-12-05")
    assert japan["reachable"] is True and japan["max_reachable"] == japan["cap"]
