"""``pledge users`` as a person reads it: the token and password printed once, a revoked
user whose token, password and open sessions all stop working, and a password given at the
prompt."""

from __future__ import annotations

import re

import pytest

from pledge.services import sessions, users
from pledge.store.db import make_engine
from tests.clirunner import Cli

ADDRESS = "192.0.2.7"


def test_add_prints_the_credentials_once_and_revoke_ends_them_all(cli: Cli) -> None:
    code, out, _ = cli("users", "add", "ana", "--role", "analyst", "--password",
                       "--expires", "never")
    assert code == 0
    token = re.search(r"user ana \(analyst\); token \(shown once\): (\S+); expires: never", out)
    password = re.search(r"password \(shown once\): (\S+)", out)
    assert token is not None and password is not None, out
    engine = make_engine(cli.url)
    actor = users.actor_for_token(engine, token.group(1))
    assert actor is not None and (actor.name, actor.role.value) == ("ana", "analyst")
    opened = sessions.log_in(engine, "ana", password.group(1), ADDRESS)
    assert opened is not None

    code, out, _ = cli("users", "revoke", "ana")
    assert (code, out.strip()) == (0, "revoked ana")
    assert users.actor_for_token(engine, token.group(1)) is None
    assert sessions.session_for(engine, opened.key) is None
    assert sessions.log_in(engine, "ana", password.group(1), ADDRESS) is None
    [ana] = [u for u in cli.json("users", "list") if u["name"] == "ana"]
    assert ana["revoked"] is True
    code, out, _ = cli("users", "list")
    assert code == 0 and "ana" in out and "yes" in out

    code, _, err = cli("users", "revoke", "nobody")
    assert code == 2 and err.startswith("error: name=nobody") and "[users.unknown]" in err


def test_a_password_given_at_the_prompt_or_generated(cli: Cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cli.json("users", "add", "jo", "--role", "cc_jp")
    engine = make_engine(cli.url)
    chosen = "a long enough password for jo"
    monkeypatch.setattr("typer.prompt", lambda *args, **kwargs: chosen)
    code, out, _ = cli("users", "password", "jo")
    assert (code, out.strip()) == (0, "password of jo changed; their page sessions have ended")
    assert sessions.log_in(engine, "jo", chosen, ADDRESS) is not None

    code, out, _ = cli("users", "password", "jo", "--generate")
    generated = re.search(r"password \(shown once\): (\S+)", out)
    assert code == 0 and generated is not None
    assert sessions.log_in(engine, "jo", chosen, ADDRESS) is None
    assert sessions.log_in(engine, "jo", generated.group(1), ADDRESS) is not None
