"""Whether a database is current is read without Alembic, and agrees with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from pledge.store.db import alembic_config, migrate, schema_revision, shipped_head


def test_the_shipped_head_is_alembics(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'any.db'}")
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert shipped_head() == script.get_current_head()
    # the head is revised by none and revises the one before it
    assert script.get_revision(shipped_head()).down_revision is not None


def test_schema_revision_reads_each_stage_as_alembic_does(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert schema_revision(engine) == (None, shipped_head())  # an empty file
    command.upgrade(alembic_config(engine), "0011")
    assert schema_revision(engine) == ("0011", shipped_head())
    migrate(engine)
    with engine.connect() as conn:
        alembics = MigrationContext.configure(conn).get_current_revision()
    assert schema_revision(engine) == (alembics, shipped_head()) == (shipped_head(),) * 2
