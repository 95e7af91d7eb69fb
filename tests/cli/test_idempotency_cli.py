"""``--idempotency-key``: a script that runs a funding again with the same key funds once."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.main import get_command

from pledge.cli import app
from tests.clirunner import Cli

FUND = ("fund", "32", "--amount", "US$1bn", "--on", "2026-04-01", "--instrument", "loan",
        "--provider", "JBIC", "--actor", "JBIC")


def notify(cli: Cli) -> None:
    for args in (("advance", "32", "--to", "under_review", "--actor", "CC", "--role", "cc_us"),
                 ("advance", "32", "--to", "finalist", "--actor", "CC", "--role", "cc_us"),
                 ("consult", "32", "--kind", "committee", "--actor", "Akazawa", "--role",
                  "cc_jp"),
                 ("advance", "32", "--to", "recommended", "--actor", "Lutnick", "--role", "ic"),
                 ("advance", "32", "--to", "selected", "--actor", "potus", "--role",
                  "president"),
                 ("advance", "32", "--to", "notified", "--actor", "Lutnick", "--role", "ic")):
        code, _, err = cli("projects", *args, "--on", "2026-03-09")
        assert code == 0, err


def invested(cli: Cli) -> Decimal:
    rows = cli.json("balances", "--framework", "japan", "--by", "project")
    return sum((Decimal(r["balance"]) for r in rows
                if r["project"] == "32" and r["account"].endswith(":spv:invested")),
               Decimal(0))


def test_a_funding_run_twice_with_one_key_funds_once(cli: Cli) -> None:
    notify(cli)
    first = cli.json(*FUND, "--idempotency-key", "nightly-run-7")
    code, out, err = cli(*FUND, "--idempotency-key", "nightly-run-7", "--json")
    assert code == 0, err
    assert json.loads(out) == first
    assert first["idempotency_key"] == "nightly-run-7"
    assert first["amount"] == "1000000000.00" and first["status"] == "funded"
    assert "already done" in err and "nightly-run-7" in err
    assert invested(cli) == Decimal("1000000000.00")
    code, out, _ = cli(*FUND, "--idempotency-key", "nightly-run-7")
    assert code == 0 and out.startswith("already done: idempotency key nightly-run-7")
    assert invested(cli) == Decimal("1000000000.00")


def test_each_run_without_a_key_gets_a_new_one(cli: Cli) -> None:
    notify(cli)
    keys = [cli.json(*FUND)["idempotency_key"] for _ in range(2)]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(k).version == 4 for k in keys)
    assert invested(cli) == Decimal("2000000000.00")


def test_the_same_key_for_another_command_is_refused(cli: Cli) -> None:
    notify(cli)
    cli.json(*FUND, "--idempotency-key", "k1")
    other = [a if a != "US$1bn" else "US$2bn" for a in FUND]
    code, out, err = cli(*other, "--idempotency-key", "k1")
    assert (code, out) == (2, "")
    assert "[idempotency.key_reused]" in err and "idempotency_key=k1" in err
    code, _, err = cli(*FUND, "--idempotency-key", "x" * 256)
    assert code == 2 and "[idempotency.bad_key]" in err
    assert invested(cli) == Decimal("1000000000.00")


def test_a_refused_command_is_refused_again_with_its_key(cli: Cli) -> None:
    code, _, first = cli(*FUND, "--idempotency-key", "early")  # not notified yet
    assert code == 2 and "[funding.not_notified]" in first
    notify(cli)
    code, _, again = cli(*FUND, "--idempotency-key", "early")
    assert (code, again) == (2, first)
    assert invested(cli) == 0


def test_a_file_is_part_of_the_request(cli: Cli, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    header = "name,sector,framework,status,amount,source\n"
    rows.write_text(header + "Idempotent widget plant,electronics,japan,proposed,,\n",
                    encoding="utf-8")
    first = cli.json("projects", "import", str(rows), "--idempotency-key", "imp")
    again = cli.json("projects", "import", str(rows), "--idempotency-key", "imp")
    assert len(first["added"]) == 1 and again == first
    rows.write_text(header + "Another widget plant,electronics,japan,proposed,,\n",
                    encoding="utf-8")
    code, _, err = cli("projects", "import", str(rows), "--idempotency-key", "imp")
    assert code == 2 and "[idempotency.key_reused]" in err
    names = [p["name"] for p in cli.json("projects", "list")]
    assert names.count("Idempotent widget plant") == 1 and "Another widget plant" not in names


# Commands that change nothing in the database, or that are exempt for a stated reason.
UNKEYED = {
    "init": "safe to repeat by design: it adds only what is missing",
    "users add": "its answer is a new password or token, which must never be stored",
    "users revoke": "revoking twice leaves the user revoked",
    "users rotate-token": "its answer is a new token, which must never be stored",
    "users password": "its answer may be a new password, which must never be stored",
    "users reset-password": "its answer is a new password, which must never be stored",
    "serve": "runs the server",
}
READS = {"audit verify", "balances", "batch", "commitments", "deadline", "deadlines",
         "decline-advice",
         "economics cashflows", "economics sensitivity", "economics show", "export deadlines",
         "export ledger",
         "export bulk", "export changes", "export oc4ids",
         "export project", "export projects", "frameworks list", "frameworks show", "history",
         "projects links",
         "money convert", "money parse", "money rates list", "prioritise", "projects list",
         "projects show", "review article", "review articles", "review claims", "review list",
         "review show", "review tranches",
         "scores show", "simulate", "statement", "users list", "waterfall", "weights show",
         "whoami"}


def test_every_command_that_changes_data_takes_a_key() -> None:
    def walk(cmd: Any, path: tuple[str, ...]) -> Any:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path), {p.name for p in cmd.params}

    commands = dict(walk(get_command(app), ()))
    keyed = {name for name, params in commands.items() if "idempotency_key" in params}
    assert keyed == set(commands) - set(UNKEYED) - READS, (
        "a new command that changes data takes KeyOpt and runs through cli.once.once")
    assert keyed >= {"fund", "allocate", "in-kind", "distribute", "frameworks amend",
                     "projects advance", "ingest", "review accept", "review reject"}
    for name in keyed:
        assert "json" in commands[name], f"{name}: --json prints the key used"
