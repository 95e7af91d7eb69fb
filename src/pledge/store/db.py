"""Engines, URLs, transactions and migrations.

The default database is a SQLite file (``pledge.db`` in the working directory);
the edges pass another (``--db URL``, the setting ``PLEDGE_DATABASE_URL``), such as
PostgreSQL. Nothing here reads the environment.

Every write runs in one transaction. On SQLite each such transaction starts with
``BEGIN IMMEDIATE`` so writers queue instead of interleaving, and the file is in
WAL mode so readers (``reading``, a plain deferred ``BEGIN``) never wait for a
writer or for each other; on PostgreSQL the
services lock the framework row (``SELECT ... FOR UPDATE``) before reading the
balances they check. Either way two concurrent fundings cannot both see the same
headroom.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from pledge.store.chain import audit_queued, forget_audit, write_audit

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_URL = "sqlite:///pledge.db"


def resolve_url(explicit: str | None = None) -> str:
    """The database URL: ``explicit``, else ``pledge.db``.

    A bare file path is taken as a SQLite file; ``postgresql://`` uses psycopg 3.
    """
    url = explicit or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# Set while a read-only unit of work runs in this thread or task (see ``reading``).
_READ_ONLY: ContextVar[bool] = ContextVar("pledge_read_only", default=False)
# The engine and connection of the write unit of work running in this thread or task.
_CURRENT: ContextVar[tuple[Engine, Connection] | None] = ContextVar("pledge_transaction",
                                                                 default=None)
# Where a unit of work keeps what is to run after it commits (``after_commit``).
_AFTER_COMMIT = "pledge_after_commit"


def _sqlite_setup(engine: Engine) -> None:
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 60000")
        if not in_memory:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if _READ_ONLY.get() else "BEGIN IMMEDIATE")


@lru_cache(maxsize=16)
def make_engine(url: str) -> Engine:
    """An engine for ``url`` (cached per URL), set up for safe concurrent writes."""
    url = resolve_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
        _sqlite_setup(engine)
    else:
        engine = create_engine(url, pool_size=5, max_overflow=30, pool_pre_ping=True)
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: commits on success, rolls back everything on any error.

    Inside another ``transaction`` on the same engine (in this thread or task) it joins
    that one under a savepoint: its writes commit only with the outer unit, and an
    error rolls back its own writes alone. So a service may call others and stay one
    unit of work (accepting a news proposal applies the change and records the
    decision together).

    Audit rows written in the unit of work (``services.base.audit``) join the audit
    log's hash chain as it commits (``store.chain``).
    """
    outer = _CURRENT.get()
    if outer is not None and outer[0] is engine:
        queued = audit_queued(outer[1])
        pending = outer[1].info.setdefault(_AFTER_COMMIT, [])
        mark = len(pending)
        try:
            with outer[1].begin_nested():
                yield outer[1]
        except BaseException:
            forget_audit(outer[1], queued)  # the savepoint's audit rows go with it
            del pending[mark:]  # what this part asked for goes with its rolled-back writes
            raise
        return
    token = _READ_ONLY.set(False)  # a write inside a read-only view still queues as a writer
    try:
        with engine.connect() as conn:
            # ``Connection.info`` outlives this checkout (it belongs to the pooled
            # connection): what a unit of work keeps there starts empty and is cleared
            # however it ends, so nothing of one unit of work reaches the next.
            forget_audit(conn, 0)
            conn.info.pop(_AFTER_COMMIT, None)
            try:
                with conn.begin():
                    current = _CURRENT.set((engine, conn))
                    try:
                        yield conn
                        write_audit(conn)  # last: the audit chain's lock is held only to commit
                    finally:
                        _CURRENT.reset(current)
                done: list[Callable[[], None]] = conn.info.pop(_AFTER_COMMIT, [])
            finally:
                forget_audit(conn, 0)
                conn.info.pop(_AFTER_COMMIT, None)
    finally:
        _READ_ONLY.reset(token)
    for action in done:
        action()


def after_commit(engine: Engine, action: Callable[[], None]) -> None:
    """Run ``action`` once the unit of work open on ``engine`` in this thread or task has
    committed (at once when none is open); never if it rolls back, nor if the part of it
    that asked (a savepoint) rolls back. For effects outside the database that must not
    run ahead of the rows they depend on, such as handing a queued job to a worker.
    """
    current = _CURRENT.get()
    if current is None or current[0] is not engine:
        action()
        return
    current[1].info.setdefault(_AFTER_COMMIT, []).append(action)


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only unit of work: one consistent snapshot that never blocks on writers.

    Nothing is committed; on SQLite it starts with a deferred ``BEGIN``.
    """
    token = _READ_ONLY.set(True)
    try:
        with engine.connect() as conn:
            yield conn  # closing the connection rolls the snapshot back
    finally:
        _READ_ONLY.reset(token)


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only connection for one or two small queries (a token or a data-version
    lookup on every request), the same as ``reading``. Deferred ``BEGIN`` on
    SQLite, like ``reading``; nothing is committed."""
    token = _READ_ONLY.set(True)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        _READ_ONLY.reset(token)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # imported here: most commands never migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(files("pledge.store") / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


# A migration's ``revision = "0016"`` and ``down_revision = "0015"`` lines.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


@lru_cache(maxsize=1)
def shipped_head() -> str:
    """The newest migration this version ships: the one no other migration revises.

    Read from the migration files' ``revision`` and ``down_revision`` lines, so that
    every command's check that its database is current does not load Alembic (a test
    checks it agrees with Alembic's own reading)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (files("pledge.store") / "migrations" / "versions").iterdir():
        if not path.name.endswith(".py") or path.name.startswith("_"):
            continue
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            found = ast.literal_eval(value)
            names = (found,) if isinstance(found, str) else tuple(found or ())
            (revisions if name == "revision" else revised).update(names)
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's migration revision, None when it has none; the newest one this
    version ships)."""
    with read_connection(engine) as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None, shipped_head()
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(current) > 1:
        raise RuntimeError(f"the database has {len(current)} migration heads: {current}")
    return (current[0] if current else None), shipped_head()


def is_initialised(engine: Engine) -> bool:
    """Whether the schema exists (the migrations have run). A read: it never waits for
    a writer, not even for a unit of work this thread has open."""
    with read_connection(engine) as conn:
        return inspect(conn).has_table("alembic_version")
