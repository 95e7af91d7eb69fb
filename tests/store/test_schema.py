"""The schema the migrations build matches the table definitions queries use."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from pledge.store.db import is_initialised
from pledge.store.tables import metadata


def test_migrations_build_exactly_the_declared_tables(empty_engine: Engine) -> None:
    assert is_initialised(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
