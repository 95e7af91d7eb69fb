"""The tamper-evident record on SQLite and PostgreSQL: the audit log's and the ledger's hash
chains, the triggers that keep them append-only, and ``services.audit.verify``.

Forgeries are made the way someone holding the database's keys would: on SQLite by
dropping the trigger, on PostgreSQL by disabling the table's triggers as a superuser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from pledge.services import audit as audit_svc
from pledge.services import funding, projects
from pledge.services.base import Actor
from pledge.store import tables as t
from pledge.store.db import is_sqlite, transaction

IC = Actor.of("Lutnick", "ic")
CC = Actor.of("Akazawa", "cc_jp")
ON = date(2026, 4, 1)


@contextmanager
def unguarded(engine: Engine, table: str) -> Iterator[Connection]:
    """A connection on which ``table``'s triggers no longer stop UPDATE and DELETE."""
    with engine.begin() as conn:
        if is_sqlite(engine):
            for verb in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        else:
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        yield conn
        if not is_sqlite(engine):
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER ALL")


def audit_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(t.audit_log.c.id).order_by(t.audit_log.c.id)).scalars())


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def first_problem(engine: Engine) -> tuple[str, int | None, str]:
    result = audit_svc.verify(engine)
    assert not result.ok
    p = result.problems[0]
    return p.table, p.id, p.kind


def some_activity(engine: Engine) -> None:
    """Changes that write both chains: an in-kind contribution and an estimate."""
    funding.contribute_in_kind(engine, 25, "land", "US$120m", ON, IC)
    projects.add_estimate(engine, 27, "US$3bn", "https://example.org/estimate", ON, CC)


def test_the_loaded_database_verifies_and_stays_verified_as_it_changes(engine: Engine) -> None:
    before = audit_svc.verify(engine)
    assert before.ok, before.problems
    some_activity(engine)
    after = audit_svc.verify(engine)
    assert after.ok, after.problems
    assert after.audit_rows == count(engine, t.audit_log) == before.audit_rows + 2
    assert sum(x.entries for x in after.ledgers) == count(engine, t.ledger_entries)
    assert sum(x.postings for x in after.ledgers) == count(engine, t.postings)
    japan = next(x for x in after.ledgers if x.framework == "japan")
    assert japan.entries == next(x for x in before.ledgers if x.framework == "japan").entries + 1
    with engine.connect() as conn:
        last = conn.execute(select(t.audit_log.c.hash).order_by(t.audit_log.c.id.desc())
                            .limit(1)).scalar_one()
    assert after.audit_head == last


def test_an_edited_audit_row_is_named(engine: Engine) -> None:
    some_activity(engine)
    with engine.connect() as conn:
        target = conn.execute(select(t.audit_log.c.id).where(
            t.audit_log.c.project_id == 27).order_by(t.audit_log.c.id.desc())).scalars().first()
    assert target is not None
    with unguarded(engine, "audit_log") as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"),
                     {"id": target})
    assert first_problem(engine) == ("audit_log", target, "edited")
    result = audit_svc.verify(engine)
    assert not result.audit_intact and all(x.intact and x.balanced for x in result.ledgers)
    # the project's history still lists the row, and says it was changed
    history = projects.history(engine, 27)
    assert history.unverified == [target]
    assert any(a["actor"] == "someone else" for a in history.audit)


def test_a_deleted_audit_row_is_named_by_the_row_after_it(engine: Engine) -> None:
    ids = audit_ids(engine)
    gone, after = ids[len(ids) // 2], ids[len(ids) // 2 + 1]
    with unguarded(engine, "audit_log") as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": gone})
    assert first_problem(engine) == ("audit_log", after, "deleted")


def test_deleting_the_newest_audit_row_is_seen(engine: Engine) -> None:
    newest = audit_ids(engine)[-1]
    with unguarded(engine, "audit_log") as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": newest})
    assert first_problem(engine) == ("audit_log", newest, "deleted")


def test_two_audit_rows_swapped_are_reordered(engine: Engine) -> None:
    ids = audit_ids(engine)
    a, b = ids[3], ids[4]
    with unguarded(engine, "audit_log") as conn:
        for old, new in ((a, -1), (b, a), (-1, b)):
            conn.execute(text("UPDATE audit_log SET id = :new WHERE id = :old"),
                         {"old": old, "new": new})
    assert first_problem(engine) == ("audit_log", a, "reordered")


def test_an_audit_row_inserted_by_hand_is_named(engine: Engine) -> None:
    with engine.begin() as conn:  # an INSERT needs no trigger disabled
        conn.execute(text(
            "INSERT INTO audit_log (at, actor, role, action, entity, entity_id) "
            "VALUES ('2026-01-01 00:00:00', 'mallory', 'admin', 'project.funded', 'project', "
            "'24')"))
        forged = conn.execute(select(func.max(t.audit_log.c.id))).scalar_one()
    assert first_problem(engine) == ("audit_log", forged, "inserted")


def test_a_doubled_posting_breaks_the_ledger_chain_and_its_balance(engine: Engine) -> None:
    some_activity(engine)
    assert funding.commitments(engine, "japan", ON).ledger_balanced
    with engine.connect() as conn:
        posting = conn.execute(select(t.postings).where(t.postings.c.project_id == 25)
                               .order_by(t.postings.c.id.desc())).first()
    assert posting is not None
    with engine.begin() as conn:
        conn.execute(t.postings.insert().values(
            {k: v for k, v in posting._mapping.items() if k != "id"}))
    result = audit_svc.verify(engine)
    assert not result.ok and result.audit_intact
    found = [(p.table, p.id, p.kind) for p in result.problems]
    assert found == [("ledger_entries", posting.entry_id, "edited"),
                     ("ledger_entries", posting.entry_id, "unbalanced")]
    assert "120000000.00 USD" in result.problems[1].message
    japan = next(x for x in result.ledgers if x.framework == "japan")
    assert (japan.intact, japan.balanced) == (False, False)
    # the figures say so instead of reporting an unbalanced ledger without a word
    assert not funding.commitments(engine, "japan", ON).ledger_balanced
    assert not funding.ledger_balanced(engine, "japan")
    assert funding.ledger_balanced(engine, "korea")


def test_postings_entries_and_chain_heads_refuse_update_and_delete(engine: Engine) -> None:
    some_activity(engine)
    refused = ["UPDATE postings SET amount = amount * 2", "DELETE FROM postings",
               "UPDATE ledger_entries SET memo = 'x'", "DELETE FROM ledger_entries",
               "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
               "DELETE FROM chain_heads"]
    for statement in refused:
        with pytest.raises(DBAPIError) as err, transaction(engine) as s:
            s.execute(text(statement))
        assert "append-only" in str(err.value) or "never deleted" in str(err.value), statement
    assert audit_svc.verify(engine).ok


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_log", "TRUNCATE postings", "TRUNCATE ledger_entries CASCADE",
    "TRUNCATE chain_heads", "TRUNCATE postings, ledger_entries, audit_log, chain_heads"])
def test_postgresql_refuses_truncate(engine: Engine, statement: str) -> None:
    if is_sqlite(engine):
        pytest.skip("SQLite has no TRUNCATE")
    sizes = {name: count(engine, tbl) for name, tbl in (
        ("audit", t.audit_log), ("postings", t.postings), ("entries", t.ledger_entries))}
    with pytest.raises(DBAPIError) as err, transaction(engine) as s:
        s.execute(text(statement))
    assert "append-only" in str(err.value)
    assert sizes == {name: count(engine, tbl) for name, tbl in (
        ("audit", t.audit_log), ("postings", t.postings), ("entries", t.ledger_entries))}


def test_concurrent_writers_never_chain_to_the_same_row(engine: Engine) -> None:
    before = count(engine, t.audit_log)
    start = threading.Barrier(12)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        start.wait()
        try:
            if i % 2:
                funding.contribute_in_kind(engine, 24 + i % 3, "utilities", f"US${i}m", ON, IC)
            else:
                projects.add_estimate(engine, 1 + i, f"US${i + 1}bn",
                                      f"https://example.org/{i}", ON, CC)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    result = audit_svc.verify(engine)
    assert result.ok, result.problems
    assert result.audit_rows == before + 12
    with engine.connect() as conn:
        prevs = list(conn.execute(select(t.audit_log.c.prev_hash)).scalars())
    assert len(set(prevs)) == len(prevs)  # no two rows follow the same row


def test_an_audit_row_written_in_a_failed_savepoint_is_not_written(engine: Engine) -> None:
    from pledge.services.base import SYSTEM, audit

    before = count(engine, t.audit_log)
    with transaction(engine) as s:
        audit(s, SYSTEM, "kept", "test", 1)
        with pytest.raises(RuntimeError), transaction(engine):
            audit(s, SYSTEM, "rolled back", "test", 2)
            raise RuntimeError("the inner unit fails")
    with engine.connect() as conn:
        actions = list(conn.execute(select(t.audit_log.c.action).order_by(t.audit_log.c.id))
                       .scalars())
    assert len(actions) == before + 1 and actions[-1] == "kept"
    assert audit_svc.verify(engine).ok
