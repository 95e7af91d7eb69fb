"""The command line acts as a pledge user: identified by `--user` with `PLEDGE_TOKEN`, by the
operating-system login mapped to them, or, on a SQLite file only one user uses, as its
administrator; the role is the user's, and `--role` names only an actor recorded for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from pledge.store import tables as t
from pledge.store.db import make_engine
from tests.clirunner import Cli, act_as
from tests.conftest import Templates, _require_backend


def counts(url: str) -> list[int]:
    """Rows in the audit log, the idempotency keys and the transitions."""
    with make_engine(url).connect() as conn:
        return [int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for table in (t.audit_log, t.idempotency_keys, t.transitions)]


def with_token(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("PLEDGE_TOKEN", token)
    monkeypatch.setenv("LOGNAME", "nobody-mapped")


def test_an_analyst_cannot_make_themself_admin_with_a_flag(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.json("users", "add", "boss", "--role", "admin")
    token = cli.json("users", "add", "ana", "--role", "analyst")["token"]
    with_token(monkeypatch, token)
    assert cli.json("--user", "ana", "whoami") == {"user": "ana", "role": "analyst",
                                                   "via": "token"}
    before = counts(cli.url)
    status = cli.json("projects", "show", "32")["status"]
    code, out, err = cli("--user", "ana", "projects", "advance", "32", "--to", "under_review",
                         "--on", "2026-03-09", "--role", "admin")
    assert (code, out) == (2, "")
    assert "role=admin" in err and "[auth.not_on_behalf]" in err
    code, _, err = cli("--user", "ana", "fund", "32", "--amount", "US$1bn", "--on",
                       "2026-04-01", "--instrument", "loan", "--provider", "JBIC",
                       "--actor", "JBIC", "--role", "funder")
    assert code == 2 and "[auth.not_on_behalf]" in err
    # a change with no actor to name is the analyst's own, and their role may not make it
    code, _, err = cli("--user", "ana", "projects", "update", "32", "--name", "Mine now")
    assert code == 2 and err.startswith("error: role=analyst:") and "[auth.forbidden]" in err
    code, _, err = cli("--user", "ana", "users", "add", "eve", "--role", "admin")
    assert code == 2 and "[auth.forbidden]" in err
    # the flag no longer exists where no one else is recorded
    code, _, err = cli("--user", "ana", "projects", "update", "32", "--name", "Mine now",
                       "--role", "admin")
    assert code == 2 and "--role" in err
    # nothing changed (the refused update keeps its key, as every refusal a change reaches)
    after = counts(cli.url)
    assert (after[0], after[2]) == (before[0], before[2])
    assert cli.json("projects", "show", "32")["status"] == status
    assert "eve" not in {u["name"] for u in cli.json("users", "list")}


def test_a_wrong_missing_or_expired_token_is_refused_and_nothing_is_written(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    made = cli.json("users", "add", "ivy", "--role", "ic")
    other = cli.json("users", "add", "ole", "--role", "ic")["token"]
    cli.json("users", "add", "boss", "--role", "admin")
    name = cli.json("projects", "show", "24")["name"]
    before = counts(cli.url)
    change = ("projects", "update", "24", "--name", "Renamed by ivy")

    monkeypatch.setenv("LOGNAME", "nobody-mapped")
    code, out, err = cli("--user", "ivy", *change)
    assert (code, out) == (2, "") and "PLEDGE_TOKEN" in err and "[auth.token_required]" in err
    for wrong in (made["token"][:-2] + "xx", "not-a-token"):
        with_token(monkeypatch, wrong)
        code, out, err = cli("--user", "ivy", *change)
        assert (code, out) == (2, "") and "[auth.bad_token]" in err
        assert wrong not in err  # a token is never echoed
    with_token(monkeypatch, other)
    code, _, err = cli("--user", "ivy", *change)
    assert code == 2 and "user=ivy" in err and "[auth.token_mismatch]" in err
    engine = make_engine(cli.url)
    with engine.begin() as conn:  # ivy's token ran out an hour ago
        conn.execute(t.tokens.update().where(t.tokens.c.user_id == select(t.users.c.id).where(
            t.users.c.name == "ivy").scalar_subquery()).values(
            expires_at=datetime.now(UTC) - timedelta(hours=1)))
    with_token(monkeypatch, made["token"])
    code, _, err = cli("--user", "ivy", *change)
    assert code == 2 and "[auth.token_expired]" in err and "rotate-token ivy" in err
    # nobody identified on a database with several users: refused too
    monkeypatch.delenv("PLEDGE_TOKEN")
    code, _, err = cli(*change)
    assert code == 2 and "[auth.identify]" in err
    assert counts(cli.url) == before
    assert cli.json("projects", "show", "24")["name"] == name
    # the right token works, is noted as used, and the change is its user's
    with_token(monkeypatch, other)
    assert cli.json("--user", "ole", *change)["name"] == "Renamed by ivy"
    [ole] = [u for u in cli.json("users", "list") if u["name"] == "ole"]
    assert ole["tokens"][0]["last_used_at"] is not None


def test_the_login_mapped_to_a_user_is_that_user(cli: Cli,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cli.json("users", "add", "boss", "--role", "admin", "--os-user", "boss-login")
    cli.json("users", "add", "ivy", "--role", "ic")
    monkeypatch.setenv("LOGNAME", "boss-login")
    assert cli.json("whoami") == {"user": "boss", "role": "admin", "via": "os_user"}
    mapped = cli.json("users", "os-user", "ivy", "ivy-login")
    assert (mapped["name"], mapped["os_user"]) == ("ivy", "ivy-login")
    code, _, err = cli("users", "os-user", "ivy", "boss-login")
    assert code == 2 and "[users.os_user_taken]" in err
    monkeypatch.setenv("LOGNAME", "ivy-login")
    assert cli.json("whoami") == {"user": "ivy", "role": "ic", "via": "os_user"}
    code, out, _ = cli("whoami")
    assert code == 0 and out.strip() == "ivy (ic), identified by os_user"
    done = cli.json("projects", "update", "24", "--name", "Ivy's rename")
    assert done["name"] == "Ivy's rename"
    [row] = [a for a in cli.json("history", "24")["audit"] if a["action"] == "project.update"]
    assert (row["user_name"], row["actor"], row["role"]) == (None, "ivy", "ic")  # herself
    # an unmapped login on a database with two users is refused, naming the way in
    monkeypatch.setenv("LOGNAME", "stranger")
    code, out, err = cli("whoami")
    assert (code, out) == (2, "") and "user=stranger" in err and "[auth.identify]" in err
    assert "--user" in err and "users os-user" in err
    listed = {u["name"]: u["os_user"] for u in cli.json("users", "list")}
    assert listed == {"boss": "boss-login", "ivy": "ivy-login"}


def test_a_sqlite_file_one_user_uses_needs_no_identification(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGE_TOKEN", raising=False)
    monkeypatch.setenv("LOGNAME", "maria")
    # no user yet: the local administrator, named after the login
    assert cli.json("whoami") == {"user": "maria", "role": "admin", "via": "local"}
    cli.json("users", "add", "admin", "--role", "admin")
    # the one user, the first administrator, is the default (as `pledge serve` creates it)
    assert cli.json("whoami") == {"user": "admin", "role": "admin", "via": "local"}
    # the tour's commands work as written: the admin records the decisions of others
    for to, actor, role, on in (("under_review", "CC", "cc_jp", "2026-03-30"),
                                ("finalist", "Lutnick", "ic", "2026-03-31")):
        code, _, err = cli("projects", "advance", "32", "--to", to, "--actor", actor,
                           "--role", role, "--on", on)
        assert code == 0, err
    assert cli.json("projects", "show", "32")["status"] == "finalist"
    code, _, err = cli("projects", "update", "24", "--name", "Renamed locally")
    assert code == 0, err
    # a second user makes the file shared: from now on the command line needs to know who
    cli.json("users", "add", "ana", "--role", "analyst")
    code, _, err = cli("whoami")
    assert code == 2 and "user=maria" in err and "[auth.identify]" in err


def test_a_sqlite_file_without_an_administrator_is_its_owners(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGE_TOKEN", raising=False)
    monkeypatch.setenv("LOGNAME", "maria")
    cli.json("users", "add", "ana", "--role", "analyst", "--os-user", "ana-login")
    cli.json("users", "add", "bob", "--role", "ic")
    # adding people to a file does not lock out whoever runs the command line on it ...
    assert cli.json("whoami") == {"user": "maria", "role": "admin", "via": "local"}
    # ... but a user it knows is that user, with their role
    monkeypatch.setenv("LOGNAME", "ana-login")
    assert cli.json("whoami") == {"user": "ana", "role": "analyst", "via": "os_user"}
    code, _, err = cli("users", "add", "root2", "--role", "admin")
    assert code == 2 and "[auth.forbidden]" in err


def test_on_behalf_the_audit_names_both_the_user_and_the_actor(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    act_as(cli, monkeypatch, "boss", "admin")
    cli.json("users", "add", "clerk", "--role", "cc_jp", "--os-user", "clerk-login")
    cli.json("projects", "advance", "32", "--to", "under_review", "--actor", "CC Japan",
             "--role", "cc_jp", "--on", "2026-03-30")
    cli.json("projects", "advance", "32", "--to", "finalist", "--actor", "Lutnick",
             "--role", "ic", "--on", "2026-03-31")
    monkeypatch.setenv("LOGNAME", "clerk-login")
    # a committee's clerk records what a member decided, in the committee's role only
    cli.json("projects", "consult", "32", "--kind", "committee", "--actor", "Akazawa",
             "--on", "2026-04-01")
    code, _, err = cli("projects", "advance", "32", "--to", "recommended", "--actor",
                       "Lutnick", "--role", "ic", "--on", "2026-04-02")
    assert code == 2 and "user 'clerk' is cc_jp" in err and "[auth.not_on_behalf]" in err
    history: dict[str, Any] = cli.json("history", "32")
    rows = {a["action"]: a for a in history["audit"]}
    assert [(rows[a]["user_name"], rows[a]["actor"], rows[a]["role"])
            for a in ("project.under_review", "project.consult")] == [
        ("boss", "CC Japan", "cc_jp"), ("clerk", "Akazawa", "cc_jp")]
    step = [x for x in history["transitions"] if x["to_stage"] == "under_review"][-1]
    assert (step["actor"], step["role"]) == ("CC Japan", "cc_jp")
    assert cli("history", "32")[0] == 0
    # the chain covers the user: the record still verifies, old rows and new alike
    assert cli.json("audit", "verify")["ok"] is True


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_server_database_with_a_user_is_shared(
        templates: Templates, backend: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _require_backend(backend)
    cli = Cli(templates.fresh(backend, seeded=True), capsys)
    monkeypatch.delenv("PLEDGE_TOKEN", raising=False)
    monkeypatch.setenv("LOGNAME", "maria")
    assert cli.json("whoami")["via"] == "local"  # nobody yet: whoever sets it up
    token = cli.json("users", "add", "admin", "--role", "admin")["token"]
    code, _, err = cli("projects", "update", "24", "--name", "Renamed")
    assert code == 2 and "server database" in err and "[auth.identify]" in err
    monkeypatch.setenv("PLEDGE_TOKEN", token)
    assert cli.json("--user", "admin", "whoami") == {"user": "admin", "role": "admin",
                                                     "via": "token"}
    assert cli.json("--user", "admin", "projects", "update", "24", "--name",
                    "Renamed")["name"] == "Renamed"
