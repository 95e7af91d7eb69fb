"""Alembic environment: runs migrations on the engine handed over by ``pledge.store.db``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pledge.store.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # invoked from the alembic command line
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///pledge.db")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
