"""Migration 0012 keys project names for the case-insensitive uniqueness rule, on SQLite and
PostgreSQL: keys filled in for projects already recorded; look-alikes listed, nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, select, text

from pledge.domain.errors import Conflict
from pledge.store import tables as t
from pledge.store.db import alembic_config, migrate, schema_revision
from tests.conftest import _pg_admin, _pg_url, _require_backend


@pytest.fixture
def at_0011(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database migrated to revision 0009 (before name keys), with two frameworks."""
    _require_backend(backend)
    name = f"pledge_m_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    else:
        with _pg_admin().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(_pg_url(name))
    command.upgrade(alembic_config(engine), "0011")
    with engine.begin() as conn:
        for fid, key in ((1, "japan"), (2, "korea")):
            conn.execute(t.frameworks.insert().values(id=fid, key=key, name=key.title(),
                                                      partner=key, partner_currency="JPY"))
    yield engine
    engine.dispose()
    if backend != "sqlite":
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _add(engine: Engine, projects: list[tuple[int, int, str]]) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for pid, fid, name in projects:
            conn.execute(t.projects.insert().values(
                id=pid, framework_id=fid, name=name, sector="energy", sector_detail="",
                location="", states=[], status="proposed", created_at=now))


def test_0012_fills_in_the_key_of_every_project(at_0011: Engine) -> None:
    _add(at_0011, [(1, 1, "Ohio Gas Plant"), (2, 1, "Ｔｅｘａｓ  Terminal"), (3, 1, "Straße"),
                   (4, 2, "ohio gas plant")])  # the same name in another framework
    migrate(at_0011)
    with at_0011.connect() as conn:
        keys = {pid: key for pid, key in conn.execute(
            select(t.projects.c.id, t.projects.c.name_key).order_by(t.projects.c.id))}
    assert keys == {1: "ohio gas plant", 2: "texas terminal", 3: "strasse",
                    4: "ohio gas plant"}
    current, head = schema_revision(at_0011)
    assert current == head
    indexes = {i["name"]: (i["column_names"], i["unique"])
               for i in inspect(at_0011).get_indexes("projects")}
    assert indexes["uq_projects_framework_id_name_key"] == (["framework_id", "name_key"],
                                                            True)


def test_0012_lists_look_alike_names_and_changes_nothing(at_0011: Engine) -> None:
    _add(at_0011, [(1, 1, "Ohio Gas Plant"), (2, 1, "Other"), (3, 1, "OHIO  gas plant"),
                   (4, 1, "Ohio\u200b Gas Plant"), (5, 2, "Other"), (6, 2, "other")])
    with pytest.raises(Conflict) as info:
        migrate(at_0011)
    problems = [(p.field, p.value, p.rule) for p in info.value.problems]
    assert problems == [("name", "1, 3, 4", "project.duplicate_name"),
                        ("name", "5, 6", "project.duplicate_name")]
    first = info.value.problems[0].message
    assert "'japan'" in first and "'Ohio Gas Plant'" in first and "'OHIO  gas plant'" in first
    assert "pledge projects update" in first
    assert schema_revision(at_0011)[0] == "0011"
    assert "name_key" not in {c["name"] for c in inspect(at_0011).get_columns("projects")}
    # once renamed, the migration goes through
    with at_0011.begin() as conn:
        for pid, name in ((3, "Ohio Gas Plant, second unit"), (4, "Ohio Gas Plant 3"),
                          (6, "Other 2")):
            conn.execute(t.projects.update().where(t.projects.c.id == pid).values(name=name))
    migrate(at_0011)
    current, head = schema_revision(at_0011)
    assert current == head
