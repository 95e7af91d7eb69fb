"""Units of work: a transaction inside another joins it under a savepoint."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select

from pledge.store import tables as t
from pledge.store.db import reading, transaction


def _add_site(engine: Engine, where: str) -> None:
    with transaction(engine) as s:
        s.execute(t.site_reports.insert().values(
            project_id=24, location=where, states=[], source="test", as_of=date(2026, 4, 1),
            recorded_at=datetime.now(UTC), recorded_by="test"))


def _sites(engine: Engine) -> list[str]:
    with reading(engine) as s:
        # the shipped data holds site reports of its own: only this test's count
        return list(s.execute(select(t.site_reports.c.location)
                              .where(t.site_reports.c.source == "test")
                              .order_by(t.site_reports.c.id)).scalars())


def test_an_inner_unit_commits_only_with_the_outer_one(engine: Engine) -> None:
    with transaction(engine) as outer:
        _add_site(engine, "inner")
        # the inner write is in the outer unit, not yet visible to anyone else
        assert outer.execute(select(func.count()).select_from(t.site_reports)
                             .where(t.site_reports.c.source == "test")).scalar() == 1
        assert _sites(engine) == []
    assert _sites(engine) == ["inner"]


def test_an_error_in_the_outer_unit_undoes_the_inner_one(engine: Engine) -> None:
    with pytest.raises(RuntimeError), transaction(engine):
        _add_site(engine, "inner")
        raise RuntimeError("after the inner unit")
    assert _sites(engine) == []


def test_an_error_in_the_inner_unit_undoes_only_its_own_writes(engine: Engine) -> None:
    with transaction(engine):
        _add_site(engine, "first")
        with pytest.raises(RuntimeError), transaction(engine) as inner:
            inner.execute(t.site_reports.insert().values(
                project_id=24, location="second", states=[], source="test",
                as_of=date(2026, 4, 1), recorded_at=datetime.now(UTC),
                recorded_by="test"))
            raise RuntimeError("inside the inner unit")
    assert _sites(engine) == ["first"]


def _audit_rows(engine: Engine) -> int:
    with reading(engine) as s:
        return int(s.execute(select(func.count()).select_from(t.audit_log)
                             .where(t.audit_log.c.action == "test.leak")).scalar_one())


def test_a_failed_unit_leaves_nothing_for_the_next_one_on_the_same_connection(
        engine: Engine) -> None:
    """What a unit of work queues (audit rows, actions after commit) lives on the pooled
    connection; a unit that fails must not hand it to the next unit that gets it."""
    from pledge.store.chain import queue_audit
    from pledge.store.db import after_commit

    ran: list[str] = []
    for _ in range(3):  # whichever pooled connection comes next, it is clean
        with pytest.raises(RuntimeError), transaction(engine) as s:
            queue_audit(s, {"action": "test.leak"})
            after_commit(engine, lambda: ran.append("leaked"))
            raise RuntimeError("before commit")
        with transaction(engine) as s:
            s.execute(select(1))
    assert _audit_rows(engine) == 0
    assert ran == []
