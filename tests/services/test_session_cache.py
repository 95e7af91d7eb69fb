"""A page session is read from the database at most once every few seconds per process,
and a session ended in this process opens nothing from that moment."""

from __future__ import annotations

from sqlalchemy import Engine, event

from pledge.domain.lifecycle import Role
from pledge.services import sessions, users
from pledge.services.base import Actor
from pledge.services.demo import demo_password
from pledge.store.db import make_engine

ADMIN = Actor.of("An administrator", "admin")


def reads(engine: Engine, key: str) -> tuple[sessions.PageSession | None, int]:
    seen: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        found = sessions.session_for(engine, key)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return found, len(seen)


def log_in(engine: Engine) -> str:
    new = sessions.log_in(engine, "demo_analyst", demo_password(Role.ANALYST), "127.0.0.1")
    assert new is not None
    return new.key


def test_a_session_read_lately_is_answered_without_a_statement(demo_url: str) -> None:
    engine = make_engine(demo_url)
    users.forget_credentials()
    key = log_in(engine)
    first, n_first = reads(engine, key)
    again, n_again = reads(engine, key)
    assert first is not None and n_first == 1
    assert again == first and n_again == 0
    assert reads(engine, "not-a-key") == (None, 1)  # an unknown key is never remembered
    assert reads(engine, "not-a-key") == (None, 1)


def test_a_session_ended_in_this_process_opens_nothing_at_once(demo_url: str) -> None:
    engine = make_engine(demo_url)
    key = log_in(engine)
    assert reads(engine, key)[0] is not None
    sessions.log_out(engine, key)
    assert reads(engine, key)[0] is None

    key = log_in(engine)
    assert reads(engine, key)[0] is not None
    users.set_password(engine, "demo_analyst", ADMIN, password="a new password 1")
    assert reads(engine, key)[0] is None


def test_a_revoked_user_s_session_opens_nothing_at_once(demo_url: str) -> None:
    engine = make_engine(demo_url)
    key = log_in(engine)
    assert reads(engine, key)[0] is not None
    users.revoke_user(engine, "demo_analyst", ADMIN)
    assert reads(engine, key)[0] is None


def token_reads(engine: Engine, token: str) -> tuple[users.TokenUse | None, int]:
    seen: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        found = users.token_use(engine, token)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return found, len(seen)


def test_a_token_read_lately_is_answered_without_a_statement_until_it_is_replaced(
        demo_url: str) -> None:
    engine = make_engine(demo_url)
    users.forget_credentials()
    new = users.add_user(engine, "Token holder", "analyst", ADMIN)
    first, n_first = token_reads(engine, new.token)
    again, n_again = token_reads(engine, new.token)
    assert first is not None and first.actor.name == "Token holder" and n_first == 1
    assert again == first and n_again == 0
    rotated = users.rotate_token(engine, "Token holder", ADMIN)
    assert token_reads(engine, new.token)[0] is None  # the old token: refused at once
    use = token_reads(engine, rotated.token)[0]
    assert use is not None and use.actor.name == "Token holder"
    users.revoke_user(engine, "Token holder", ADMIN)
    assert token_reads(engine, rotated.token)[0] is None
