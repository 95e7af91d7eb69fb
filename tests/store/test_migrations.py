"""Migrations that carry data: the news mentions are filled in for articles already read, and
the rows already stored are hash-chained."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from pledge.store import tables as t
from pledge.store.db import alembic_config, make_engine, migrate, transaction
from tests.conftest import Templates, _pg_admin, _pg_url, _require_backend


def test_0008_fills_in_the_projects_each_stored_article_is_about(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0007")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(t.frameworks.insert().values(id=1, key="japan", name="Japan",
                                                  partner="Japan", partner_currency="JPY"))
        for pid in (24, 25):
            conn.execute(t.projects.insert().values(
                id=pid, framework_id=1, name=f"p{pid}", sector="energy", sector_detail="",
                location="", states=[], status="proposed", created_at=now))
        for aid, matched in ((1, [24, 25, 24]), (2, []), (3, [25, 999])):
            conn.execute(t.news_articles.insert().values(
                id=aid, source=f"s{aid}", title="", language="en", pledging_country="",
                content_hash=f"h{aid}", fingerprint="0", sketch="", text="x",
                facts={"matched_projects": matched}, ingested_at=now, ingested_by="a",
                role="analyst"))
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.news_mentions.c.article_id, t.news_mentions.c.project_id)
                            .order_by(t.news_mentions.c.article_id,
                                      t.news_mentions.c.project_id)).all()
    # duplicates once; a project no longer known (999) is left out
    assert [tuple(r) for r in rows] == [(1, 24), (1, 25), (3, 25)]


@pytest.fixture
def bare_url(templates: Templates, backend: str) -> str:
    """A database with no schema at all, on each backend in turn."""
    if backend == "sqlite":
        return f"sqlite:///{templates.tmp / f'bare-{uuid.uuid4().hex[:12]}.db'}"
    _require_backend(backend)
    name = f"pledge_bare_{uuid.uuid4().hex[:12]}"
    with _pg_admin().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    templates.pg_dbs.append(name)
    return _pg_url(name)


def test_0011_chains_the_rows_an_older_database_holds(bare_url: str) -> None:
    from pledge.domain.ledger import commitment_entry
    from pledge.services import audit as audit_svc
    from pledge.services.base import SYSTEM, audit, post_entries

    engine = make_engine(bare_url)
    command.upgrade(alembic_config(engine), "0009")
    at = datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(t.frameworks.insert().values(id=1, key="japan", name="Japan",
                                                  partner="Japan", partner_currency="JPY"))
        conn.execute(t.frameworks.insert().values(id=2, key="korea", name="Korea",
                                                  partner="Korea", partner_currency="KRW"))
        for i in (1, 2):  # ids from the database: PostgreSQL's sequence must move on
            i = conn.execute(t.ledger_entries.insert().values(
                framework_id=1, kind="commitment", on=date(2025, 9, 4), memo=f"m{i}",
                actor="pledge", role="admin", recorded_at=at)
                .returning(t.ledger_entries.c.id)).scalar_one()
            conn.execute(t.postings.insert(), [
                {"entry_id": i, "framework_id": 1, "account": "strategic:capacity:unallocated",
                 "amount": Decimal("275000000000.00"), "currency": "USD", "on": date(2025, 9, 4)},
                {"entry_id": i, "framework_id": 1, "account": "strategic:commitment",
                 "amount": Decimal("-275000000000.00"), "currency": "USD",
                 "on": date(2025, 9, 4)}])
        for i in range(1, 4):
            conn.execute(t.audit_log.insert().values(
                at=at, actor="pledge", role="admin", action=f"step.{i}", entity="framework",
                entity_id="japan", project_id=None, before=None,
                after={"amount": "1.50", "n": i, "note": "é"}))
    migrate(engine)
    result = audit_svc.verify(engine)
    assert result.ok, result.problems
    assert result.audit_rows == 3
    assert [(x.framework, x.entries, x.postings) for x in result.ledgers] == [
        ("japan", 2, 4), ("korea", 0, 0)]
    # the application goes on from where the migration left each chain
    with transaction(engine) as s:
        post_entries(s, 2, [commitment_entry("strategic", Decimal("350E+9"), date(2025, 11, 1),
                                             "commitment")], SYSTEM)
        audit(s, SYSTEM, "step.4", "framework", "korea")
    assert audit_svc.verify(engine).ok
    # and the hashes the migration wrote are checked like any other
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER ALL")
        conn.execute(text("UPDATE audit_log SET action = 'step.x' WHERE action = 'step.2'"))
    problem = audit_svc.verify(engine).problems[0]
    assert (problem.table, problem.id, problem.kind) == ("audit_log", 2, "edited")
    engine.dispose()


LATER_COLUMNS = {"user_name", "recorded_at", "capital"}  # 0015, 0018, 0020


def test_0014_adds_the_links_table_and_keeps_every_row(bare_url: str) -> None:
    from pledge.services import audit as audit_svc
    from pledge.services import relations
    from pledge.services.base import SYSTEM, audit

    engine = make_engine(bare_url)
    command.upgrade(alembic_config(engine), "0013")
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(t.frameworks.insert().values(id=1, key="japan", name="Japan",
                                                  partner="Japan", partner_currency="JPY"))
        for pid, name, status, high in ((1, "SMRs, October list", "proposed", "100E+9"),
                                        (2, "SMRs, second round", "proposed", "40E+9"),
                                        (3, "Ohio plant", "selected", "33.3E+9")):
            conn.execute(t.projects.insert().values(
                id=pid, framework_id=1, component="strategic", name=name,
                name_key=name.casefold(), sector="energy", sector_detail="", location="",
                states=[], status=status, created_at=at))
            conn.execute(t.estimates.insert().values(
                project_id=pid, low=None, high=Decimal(high), currency="USD", usd_low=None,
                usd_high=Decimal(high), text=f"up to {high}", source="https://example.org/e",
                as_of=date(2026, 3, 1), is_primary=True))
    with transaction(engine) as s:  # audit rows join the chain as the 0013 schema keeps it
        for pid in (1, 2, 3):
            audit(s, SYSTEM, "project.add", "project", pid, after={"id": pid}, project_id=pid)

    def rows() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:  # the columns 0013 has (a later migration adds more)
            return {tbl.name: [tuple(r) for r in conn.execute(
                select(*[c for c in tbl.c if c.name not in LATER_COLUMNS])
                .order_by(*tbl.primary_key.columns))]
                for tbl in (t.frameworks, t.projects, t.estimates, t.audit_log, t.chain_heads)}

    before = rows()
    migrate(engine)
    assert rows() == before
    with engine.connect() as conn:
        assert conn.execute(select(t.project_links)).all() == []
        # 0018: an estimate stored before it was recorded with its project
        stamped = conn.execute(select(t.estimates.c.recorded_at)).scalars().all()
        assert [x.replace(tzinfo=UTC) if x.tzinfo is None else x for x in stamped] == [at] * 3
    # the upgraded database takes links, and its totals count the SMRs once
    relations.link_projects(engine, 2, 1, "part_of", "https://example.org/l", SYSTEM,
                            on=date(2026, 3, 19), note="the second round's part")
    with transaction(engine) as s:
        shares = relations.counted_in(s, 1, {1: Decimal("100E+9"), 2: Decimal("40E+9"),
                                             3: Decimal("33.3E+9")})
    assert [shares[i].amount for i in (1, 2, 3)] == [Decimal("60E+9"), Decimal("40E+9"),
                                                     Decimal("33.3E+9")]
    assert audit_svc.verify(engine).ok
    engine.dispose()


def test_0015_keeps_old_audit_rows_verifying_and_chains_the_user(bare_url: str) -> None:
    from pledge.domain.lifecycle import Role
    from pledge.services import audit as audit_svc
    from pledge.services.base import SYSTEM, Actor, audit

    engine = make_engine(bare_url)
    command.upgrade(alembic_config(engine), "0014")
    with transaction(engine) as s:  # rows as the 0014 schema keeps them: no user
        for n in (1, 2):
            audit(s, SYSTEM, "users.add", "user", f"u{n}", after={"role": "analyst"})
    migrate(engine)
    with transaction(engine) as s:
        audit(s, Actor("President", Role.PRESIDENT, user="boss"), "project.selected",
              "project", 7)
        audit(s, SYSTEM, "users.add", "user", "u3")
    with engine.connect() as conn:
        users = conn.execute(select(t.audit_log.c.user_name, t.audit_log.c.actor)
                             .order_by(t.audit_log.c.id)).all()
    assert [tuple(r) for r in users] == [(None, "pledge"), (None, "pledge"),
                                         ("boss", "President"), (None, "pledge")]
    assert audit_svc.verify(engine).ok
    engine.dispose()


def test_every_migration_downgrades_and_the_chain_builds_again(bare_url: str) -> None:
    """Step down from the head one revision at a time to nothing, then up again: each
    downgrade leaves what the revision before built, and the rebuilt schema is exactly the
    declared one (triggers included: the append-only audit log refuses an update)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect
    from sqlalchemy.exc import DatabaseError

    engine = make_engine(bare_url)
    config = alembic_config(engine)
    revisions = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    # one straight line of revisions, numbered in the order they apply
    assert revisions[-1] == "0001" and revisions == sorted(revisions, reverse=True)
    migrate(engine)
    tables_at: dict[str, set[str]] = {}
    for rev in revisions:
        tables_at[rev] = set(inspect(engine).get_table_names())
        command.downgrade(config, "-1")
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == (
                None if rev == "0001" else revisions[revisions.index(rev) + 1])
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    # the tables each revision adds are gone one step below it
    assert tables_at["0014"] - tables_at["0013"] == {"project_links"}
    assert tables_at["0011"] - tables_at["0010"] == {"chain_heads"}
    assert {"projects", "audit_log", "postings"} <= tables_at["0001"]

    for rev in reversed(revisions):  # and up again, one step at a time
        command.upgrade(config, "+1")
        assert set(inspect(engine).get_table_names()) == tables_at[rev]
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(t.audit_log.insert().values(
            at=now, actor="a", role="admin", action="x", entity="e", entity_id="1"))
    with pytest.raises(DatabaseError), engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'y'"))
    engine.dispose()


def test_0016_reclassifies_guarantees_as_exposure_and_keeps_every_row(bare_url: str) -> None:
    from pledge.domain.ledger import (
        commitment_entry,
        disbursement_entry,
        distribution_entry,
    )
    from pledge.services import audit as audit_svc
    from pledge.services.base import SYSTEM, load_postings, post_entries

    engine = make_engine(bare_url)
    command.upgrade(alembic_config(engine), "0015")
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(t.frameworks.insert().values(id=1, key="japan", name="Japan",
                                                  partner="Japan", partner_currency="JPY"))
        conn.execute(t.projects.insert().values(
            id=7, framework_id=1, component="strategic", name="Ohio plant",
            name_key="ohio plant", sector="energy", sector_detail="", location="",
            states=[], status="funded", created_at=at))
    bn = Decimal("1E+9")
    # what the previous release posted: a guarantee as money into the SPV, like a loan
    with transaction(engine) as s:
        post_entries(s, 1, [
            commitment_entry("strategic", 550 * bn, date(2025, 9, 4), "commitment"),
            disbursement_entry("strategic", 7, amount=2 * bn, counted=2 * bn,
                               from_allocation=Decimal(0), instrument="loan", provider="JBIC",
                               on=date(2026, 3, 2), memo="loan from JBIC"),
            disbursement_entry("strategic", 7, amount=50 * bn, counted=50 * bn,
                               from_allocation=Decimal(0), instrument="guarantee",
                               provider="NEXI", on=date(2026, 3, 9),
                               memo="guarantee from NEXI"),
            distribution_entry("strategic", 7, "Japan", Decimal(5), Decimal(5),
                               date(2027, 1, 1), "d")], SYSTEM)

    def rows() -> dict[str, list[tuple[object, ...]]]:
        with engine.connect() as conn:
            return {tbl.name: [tuple(r) for r in conn.execute(
                select(*[c for c in tbl.c if c.name not in LATER_COLUMNS])
                .order_by(*tbl.primary_key.columns))]
                for tbl in (t.frameworks, t.projects, t.ledger_entries, t.postings)}

    def balance(account: str, **where: object) -> Decimal:
        with engine.connect() as conn:
            return sum((p.amount for p in load_postings(conn, 1)
                        if p.account == account
                        and all(getattr(p, k) == v for k, v in where.items())), Decimal(0))

    before = rows()
    assert balance("strategic:spv:invested") == 52 * bn
    migrate(engine)
    after = rows()
    # nothing written before changes; one reclassifying entry of four postings is added
    assert {k: v[:len(before[k])] for k, v in after.items()} == before
    assert len(after["ledger_entries"]) == len(before["ledger_entries"]) + 1
    new = after["ledger_entries"][-1]
    assert (new[2], new[3]) == ("reclassification", date(2026, 3, 9))
    # cash is the loan alone; the guarantee is exposure; what it counted stays counted
    assert balance("strategic:spv:invested") == 2 * bn
    assert balance("strategic:spv:guaranteed", project_id=7, provider="NEXI") == 50 * bn
    assert balance("strategic:funding:guaranteed") == -50 * bn
    assert balance("strategic:funding:provided") == -2 * bn
    assert balance("strategic:capacity:used") == 52 * bn
    assert audit_svc.verify(engine).ok
    # the application goes on from where the migration left the chain
    with transaction(engine) as s:
        post_entries(s, 1, [distribution_entry("strategic", 7, "Japan", Decimal(1),
                                               Decimal(1), date(2027, 2, 1), "d")], SYSTEM)
    assert audit_svc.verify(engine).ok
    engine.dispose()
