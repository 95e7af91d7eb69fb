"""``pledge users``: token expiry on add, the list with expiry and last use, token rotation,
and a password change that ends page sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pledge.services import sessions, users
from pledge.store.db import make_engine
from tests.clirunner import Cli


def _at(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_add_with_an_expiry_and_the_list_shows_it(cli: Cli) -> None:
    made = cli.json("users", "add", "ana", "--role", "analyst", "--expires", "2030-01-31")
    assert _at(made["token_expires_at"]) == datetime(2030, 2, 1, tzinfo=UTC)
    cli.json("users", "add", "bot", "--role", "analyst", "--expires", "never")
    listed = {u["name"]: u for u in cli.json("users", "list")}
    [token] = listed["ana"]["tokens"]
    assert _at(token["expires_at"]) == datetime(2030, 2, 1, tzinfo=UTC)
    assert token["last_used_at"] is None and token["expired"] is False
    assert listed["bot"]["tokens"][0]["expires_at"] is None
    code, out, _ = cli("users", "list")
    assert code == 0 and "2030-02-01" in out and "never" in out and "token expires" in out


def test_the_default_lifetime_is_a_setting(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGE_TOKEN_DAYS", "7")
    made = cli.json("users", "add", "ana", "--role", "analyst")
    ends = _at(made["token_expires_at"])
    assert abs(ends - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)
    monkeypatch.setenv("PLEDGE_TOKEN_DAYS", "soon")
    code, _, err = cli("users", "add", "bob", "--role", "analyst")
    assert code == 2 and "PLEDGE_TOKEN_DAYS" in err


def test_a_bad_expiry_is_refused_naming_the_field(cli: Cli) -> None:
    code, _, err = cli("users", "add", "ana", "--role", "analyst", "--expires", "someday")
    assert code == 2 and "expires" in err and "users.bad_expiry" in err
    assert [u for u in cli.json("users", "list") if u["name"] == "ana"] == []


def test_rotate_token_prints_a_new_token_and_ends_the_old(cli: Cli) -> None:
    old = cli.json("users", "add", "ana", "--role", "analyst")["token"]
    engine = make_engine(cli.url)
    assert users.actor_for_token(engine, old) is not None
    new = cli.json("users", "rotate-token", "ana", "--expires", "30d")
    assert new["token"] != old and new["old_tokens"] == 1
    assert users.actor_for_token(engine, old) is None
    actor = users.actor_for_token(engine, new["token"])
    assert actor is not None and actor.name == "ana"
    code, out, _ = cli("users", "rotate-token", "ana", "--grace", "1h")
    assert code == 0 and "valid until" in out
    assert users.actor_for_token(engine, new["token"]) is not None  # within its grace
    code, _, err = cli("users", "rotate-token", "ana", "--grace", "90d")
    assert code == 2 and "grace" in err


def test_password_ends_page_sessions(cli: Cli) -> None:
    cli.json("users", "add", "ana", "--role", "analyst", "--password")
    engine = make_engine(cli.url)
    first = cli.json("users", "password", "ana", "--generate")["password"]
    opened = sessions.log_in(engine, "ana", first, "192.0.2.1")
    assert opened is not None and sessions.session_for(engine, opened.key) is not None
    second = cli.json("users", "password", "ana", "--generate")["password"]
    assert second != first
    assert sessions.session_for(engine, opened.key) is None
    assert sessions.log_in(engine, "ana", first, "192.0.2.1") is None
    assert sessions.log_in(engine, "ana", second, "192.0.2.1") is not None
    code, _, err = cli("users", "password", "nobody", "--generate")
    assert code == 2 and "no such user" in err


def test_reset_password_gives_a_new_password_once_and_the_old_one_stops_working(
        cli: Cli) -> None:
    first = cli.json("users", "add", "bo", "--role", "admin", "--password")["password"]
    engine = make_engine(cli.url)
    opened = sessions.log_in(engine, "bo", first, "192.0.2.1")
    assert opened is not None
    reset = cli.json("users", "reset-password", "bo")
    assert reset["name"] == "bo" and reset["sessions_ended"] is True
    assert reset["password"] and reset["password"] != first
    assert sessions.session_for(engine, opened.key) is None
    assert sessions.log_in(engine, "bo", first, "192.0.2.1") is None
    assert sessions.log_in(engine, "bo", reset["password"], "192.0.2.1") is not None
    code, out, _ = cli("users", "reset-password", "bo")
    assert code == 0 and "password (shown once): " in out
    code, _, err = cli("users", "reset-password", "nobody")
    assert code == 2 and "no such user" in err
